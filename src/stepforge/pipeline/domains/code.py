"""The code domain: the candidate's code run in the sandbox on the task's tests (outputs compared in this process),
steps labelled by a strategy (``execution`` by default), the keep rule.

The untrusted work happens in the sandbox, so ``record`` runs in this process (``placement = "parent"``) and
batches of candidates go to the backend together (every slot busy). The item deadline caps the candidate's wall
limit. The task that decides is the one the source attached (procedural templates, with property tests), or one
rebuilt from the record's reference (HumanEval-style test code, or io tests).
"""

from __future__ import annotations

from typing import Any

from stepforge.candidate import Candidate
from stepforge.errors import UserError
from stepforge.labeling.execution import conclusive, verdict_summary
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import DOMAINS, Record, RecordContext, fallback_for, strategy_for
from stepforge.pipeline.keep import reject, settle
from stepforge.schema import Outcome, Task
from stepforge.verifiers.code import CodeTask, check_codes

VERIFIER = "stepforge.verifiers.code"


def code_task(task: Task, seed: int | None = None) -> CodeTask:
    """The executable task a record's reference describes: HumanEval-style test code, a procedural template
    (rebuilt from its seed, property tests included), or plain io tests."""
    ref = task.reference
    if ref.test_framework == "humaneval" or ref.test_code:
        row = {"task_id": task.task_id, "prompt": task.prompt, "entry_point": ref.entry_point, "test": ref.test_code,
               "canonical_solution": ref.solution or ""}
        return CodeTask.from_humaneval(row)
    template = task.metadata.get("template")
    if template and seed is not None:
        from stepforge.generators.procedural.code import make_problem

        return make_problem(str(template), seed).task
    if ref.tests or ref.hidden_tests:
        return CodeTask(task_id=task.task_id, entry_point=ref.entry_point or "solution", prompt=task.prompt,
                        io_tests=ref.tests or [], hidden_io_tests=ref.hidden_tests or [])
    raise ValueError("the task has no tests to run")


def module_source(cand: Candidate) -> str:
    """The module to run: the answer's code, completed with the prompt when it lacks the function or the prompt's
    imports (HumanEval prompts carry ``from typing import List`` and the like)."""
    code = cand.code or ""
    if cand.task.reference.test_framework != "humaneval":
        return code
    prompt = cand.task.prompt
    entry = cand.task.reference.entry_point or ""
    if f"def {entry}" not in code:
        return prompt + code
    imports = [ln for ln in prompt.splitlines() if ln.startswith(("import ", "from ")) and ln not in code]
    return "\n".join(imports) + ("\n" if imports else "") + code


class CodeDomain:
    name = "code"
    placement = "parent"
    default_strategy = "execution"

    def __init__(self, config: RunConfig) -> None:
        from stepforge.sandbox import BACKENDS

        self.config = config
        self.strategy = strategy_for(config, self.name, self.default_strategy)
        self.fallback = fallback_for(config, self.name, self.default_strategy)
        if config.backend not in BACKENDS:
            raise UserError(f"unknown sandbox backend {config.backend!r} (known: {', '.join(sorted(BACKENDS))})")
        self.backend: Any = None
        self._tasks: dict[str, CodeTask] = {}

    def open(self) -> None:
        from stepforge.sandbox import make_backend

        if self.backend is None:
            try:
                self.backend = make_backend(self.config.backend, self.config.workers)
            except (RuntimeError, ValueError, OSError) as exc:
                raise UserError(f"sandbox backend {self.config.backend!r}: {exc}") from None

    def _task(self, cand: Candidate) -> CodeTask:
        if isinstance(cand.attachment, CodeTask):
            return cand.attachment
        task = self._tasks.get(cand.task.task_id)
        if task is None:
            if len(self._tasks) > 4096:
                self._tasks.clear()
            task = self._tasks[cand.task.task_id] = code_task(cand.task, cand.generation.seed)
        return task

    def record(self, candidate: Candidate, ctx: RecordContext) -> Record:
        return self.record_many([candidate], ctx)[0]

    def record_many(self, candidates: list[Candidate], ctx: RecordContext) -> list[Record]:
        self.open()
        out: list[Record | None] = [None] * len(candidates)
        runs: list[tuple[int, CodeTask]] = []
        for i, cand in enumerate(candidates):
            if not cand.code:
                out[i] = reject(id=cand.id, index=cand.index, domain="code", reason="no_code",
                                detail="no python code block in the answer", candidate=cand.model_dump(mode="json"))
                continue
            try:
                task = self._task(cand)
            except (ValueError, SyntaxError) as exc:  # tests that cannot be imported verify nothing
                out[i] = reject(id=cand.id, index=cand.index, domain="code", reason="bad_problem",
                                detail=f"unusable tests: {exc}"[:500], candidate=cand.model_dump(mode="json"))
                continue
            if ctx.deadline_s is not None and ctx.deadline_s < task.timeout_s:
                task = task.model_copy(update={"timeout_s": ctx.deadline_s})
            runs.append((i, task))
        verdicts = check_codes([(task, module_source(candidates[i])) for i, task in runs], backend=self.backend)
        for (i, task), v in zip(runs, verdicts):
            cand = candidates[i]
            if not conclusive(v):
                out[i] = reject(id=cand.id, index=cand.index, domain="code", reason="inconclusive_outcome",
                                detail=f"{v.status} ({v.rule}): {v.failures[:1]}",
                                candidate=cand.model_dump(mode="json"))
                continue
            outcome = Outcome(correct=v.passed, verifier=VERIFIER, verdict=v.status, rule=v.rule,
                              seconds=round(v.seconds, 6), isolation=v.isolation, versions=v.versions,
                              details=verdict_summary(v))
            out[i] = settle(cand, outcome, v, ctx, task=task, backend=self.backend)
        return [r for r in out if r is not None]

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None


DOMAINS.register(CodeDomain.name, CodeDomain)
