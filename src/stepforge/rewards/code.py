"""CodeReward: a completion's code run against the row's tests in stepforge's sandbox, as an RL reward.

The code is the completion's last python block (or the whole completion when it is a Python module); it runs
only in the sandbox (``check_codes``), and the verdict is decided in this process from exact-typed results.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal

from stepforge.rewards._common import RewardResult, async_twin, column, completion_text, log_results
from stepforge.verifiers.code import CodeTask, Verdict, check_codes

# possessive blanks around the language tag: a fence then blanks without a newline fails in linear time
_BLOCK = re.compile(r"```[ \t]*+(?:python3?|py|Python)?[ \t]*+\n(.*?)(?:```|\Z)", re.DOTALL)
_WRONG = {"failed", "timeout", "memory", "output_limit"}


def _parses(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def extract_code(text: str, prompt: str = "") -> str | None:
    """The last fenced python block; else the whole text when it is a Python module defining something, or a
    function body that completes ``prompt`` (HumanEval style)."""
    blocks = _BLOCK.findall(text)
    if blocks:
        return blocks[-1]
    tree = _parses(text)
    if tree is not None and any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in tree.body):
        return text
    if prompt and text.strip() and _parses(prompt + text) is not None:
        return text
    return None


def module_source(code: str, task: CodeTask) -> str:
    """The candidate module: the code, completed with the task's prompt when it lacks the function (a
    HumanEval-style body) or the prompt's imports."""
    prompt = task.prompt or ""
    # blanks of one line only: "^\s*" spanned blank lines and rescanned them from each line start (quadratic)
    if not re.search(rf"^[^\S\n]*(?:async\s+)?def\s+{re.escape(task.entry_point)}\b", code, re.M) and prompt:
        return prompt + code
    imports = [ln for ln in prompt.splitlines() if ln.startswith(("import ", "from ")) and ln not in code]
    return "\n".join(imports) + ("\n" if imports else "") + code


@functools.lru_cache(maxsize=512)
def _task(key: str, timeout_s: float | None) -> CodeTask:
    spec = json.loads(key)
    extra = {"timeout_s": timeout_s} if timeout_s else {}
    if isinstance(spec, dict) and "test" in spec and "entry_point" in spec and "io_tests" not in spec:
        return CodeTask.from_humaneval({"task_id": spec.get("task_id", "task"), "prompt": spec.get("prompt", ""),
                                        "test": spec["test"], "entry_point": spec["entry_point"]}, **extra)
    if isinstance(spec, dict):
        return CodeTask.model_validate({**spec, **extra})
    raise ValueError("tests must be a HumanEval row, a CodeTask or a list of io tests")


def task_key(tests: Any, entry_point: str | None, prompt: str | None) -> str:
    """A canonical JSON spec of the row's tests (the task cache's key); ValueError when it cannot be one."""
    spec = tests
    if isinstance(spec, str):
        s = spec.strip()
        if s.startswith(("{", "[")):
            spec = json.loads(s)
        elif "def check" in s:
            spec = {"test": s}
        else:
            raise ValueError("tests given as text must be JSON or a HumanEval check(candidate) function")
    if isinstance(spec, list):
        spec = {"io_tests": spec}
    if not isinstance(spec, dict):
        raise ValueError(f"tests of type {type(tests).__name__} are not supported")
    spec = dict(spec)
    if entry_point and "entry_point" not in spec:
        spec["entry_point"] = entry_point
    if prompt and "prompt" not in spec:
        spec["prompt"] = prompt
    if "entry_point" not in spec:
        raise ValueError("no entry point: give it in the tests or in the entry_point column")
    return json.dumps(spec, sort_keys=True, default=repr)


def result_from_verdict(v: Verdict, mode: str = "binary") -> RewardResult:
    """A sandbox verdict as a reward: passed 1, a wrong, slow or crashing program 0 (or its pass rate), an
    infrastructure failure None."""
    ev = {"status": v.status, "rule": v.rule, "tests_passed": v.tests_passed, "tests_total": v.tests_total,
          "isolation": v.isolation, "backend": v.backend, "guarantee": v.guarantee, "seconds": round(v.seconds, 6),
          "failures": v.failures[:3], "versions": v.versions}
    if v.passed:
        return RewardResult(score=1.0, correct=True, reason="passed", evidence=ev)
    if v.status == "error" and v.rule == "infrastructure":
        return RewardResult(score=None, correct=None, reason="infrastructure", evidence=ev)
    score = 0.0
    if mode == "pass_rate" and v.status == "failed" and v.tests_total:
        score = v.tests_passed / v.tests_total
    reason = v.status if v.status in _WRONG else f"error:{v.rule}"
    return RewardResult(score=score, correct=False, reason=reason, evidence=ev)


class CodeReward:
    """Functional-correctness reward: 1.0 when the completion's code passes every test, else 0.0 (or its pass
    rate with ``mode="pass_rate"``); None when it cannot be scored (tests unusable, sandbox failure).

    The tests come from the dataset column ``tests_column``: a HumanEval row (``test``, ``entry_point``,
    ``prompt``), a HumanEval ``check(candidate)`` text with the ``entry_point`` column, a list of io tests
    ``[{"args": [...], "expected": ...}]``, or a ``CodeTask`` as a dict (any of them as JSON text too).
    """

    def __init__(
        self,
        *,
        tests_column: str = "tests",
        entry_point_column: str = "entry_point",
        prompt_column: str | None = None,
        mode: Literal["binary", "pass_rate"] = "binary",
        timeout_s: float | None = None,
        backend: str = "local",
        workers: int | None = None,
        name: str = "stepforge_code",
    ) -> None:
        if mode not in ("binary", "pass_rate"):
            raise ValueError("mode must be 'binary' or 'pass_rate'")
        self.tests_column = tests_column
        self.entry_point_column = entry_point_column
        self.prompt_column = prompt_column
        self.mode = mode
        self.timeout_s = timeout_s
        self.backend = backend
        self.workers = workers
        self.__name__ = name

    def __repr__(self) -> str:
        return f"CodeReward(tests_column={self.tests_column!r}, mode={self.mode!r}, backend={self.backend!r})"

    def score(
        self,
        completions: Sequence[Any],
        tests: Sequence[Any],
        entry_points: Sequence[str | None] | None = None,
        prompts: Sequence[str | None] | None = None,
    ) -> list[RewardResult]:
        """One result per completion, in order, with the sandbox verdict as evidence."""
        n = len(completions)
        entry_points = list(entry_points) if entry_points is not None else [None] * n
        prompts = list(prompts) if prompts is not None else [None] * n
        out: list[RewardResult | None] = [None] * n
        todo: list[tuple[int, CodeTask, str]] = []
        for i, c in enumerate(completions):
            text = completion_text(c)
            if text is None:
                out[i] = RewardResult(score=None, correct=None, reason="no_text")
                continue
            try:
                task = _task(task_key(tests[i], entry_points[i], prompts[i]), self.timeout_s)
            except Exception as exc:  # noqa: BLE001 - unusable tests score nothing, and say why
                out[i] = RewardResult(score=None, correct=None, reason="tests_unusable",
                                      evidence={"detail": f"{type(exc).__name__}: {exc}"[:300]})
                continue
            code = extract_code(text, task.prompt)
            if code is None:
                out[i] = RewardResult(score=0.0, correct=False, reason="no_code",
                                      evidence={"detail": "no python code block in the completion"})
                continue
            todo.append((i, task, module_source(code, task)))
        if todo:
            verdicts = check_codes([(t, src) for _, t, src in todo], workers=self.workers, backend=self.backend)
            for (i, _, src), v in zip(todo, verdicts):
                r = result_from_verdict(v, self.mode)
                r.pred = src[:2000]
                out[i] = r
        return out  # type: ignore[return-value]

    def __call__(
        self,
        completions: Sequence[Any],
        prompts: Sequence[Any] | None = None,
        completion_ids: Any = None,
        log_extra: Callable[[str, list], None] | None = None,
        log_metric: Callable[[str, float], None] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        """TRL's call: ``reward(prompts=..., completions=..., completion_ids=..., **dataset_columns)``."""
        n = len(completions)
        tests = column(columns, self.tests_column, n, type(self).__name__)
        entry = columns.get(self.entry_point_column)
        entry = column(columns, self.entry_point_column, n, type(self).__name__) if entry is not None else None
        code_prompts = column(columns, self.prompt_column, n, type(self).__name__) if self.prompt_column else None
        results = self.score(completions, tests, entry, code_prompts)
        log_results(log_extra, self.__name__, results)
        if log_metric is not None and results:
            log_metric(f"{self.__name__}/unscored", sum(r.score is None for r in results) / len(results))
        return [r.score for r in results]

    @property
    def acall(self) -> Callable[..., Any]:
        """The same reward as a coroutine function named like this reward (see ``async_twin``)."""
        return async_twin(self)
