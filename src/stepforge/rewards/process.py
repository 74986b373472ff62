"""ProcessReward: per-step rewards for step-level RL, from the symbolic step checker or any step scorer.

A completion is split into steps (numbered steps, a separator, paragraphs or lines); each step gets 1.0 when
its claims check out, 0.0 when one is false, and the neutral value (None by default: nothing to check) when
nothing in it could be checked. Steps after the first error get 0.0, as PRM data reads a wrong prefix. Each
completion is checked in a killable worker process under a hard wall-clock limit.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from stepforge._pool import shared_pool
from stepforge.generators.llm.parse import split_steps
from stepforge.rewards._common import async_twin, column, completion_text

_POOL = "stepforge.rewards.steps"
_PRELOAD = "stepforge.verifiers.math.steps"


class ProcessResult(BaseModel):
    """A completion's step scores (``step_scores[i]`` None: neutral), the first error (-1: none), an aggregate
    ``score`` and the checker's evidence per step (rating, rule, claims)."""

    steps: list[str]
    step_scores: list[float | None]
    ratings: list[int]
    first_error_index: int
    score: float | None
    reason: str
    evidence: list[dict[str, Any]] = Field(default_factory=list)


def symbolic_scorer(steps: list[str], context: dict[str, Any]) -> list[dict[str, Any]]:
    """The symbolic step checker: one ``{"rating", "rule", "claims"}`` per step (runs in the worker)."""
    from stepforge.verifiers.math.steps import StepContext, check_steps

    keys = ("premises", "unknowns", "variables", "gold", "given", "problem")
    ctx = StepContext(**{k: v for k, v in context.items() if k in keys})
    return [{"rating": c.rating, "rule": c.rule,
             "claims": [{"claim": x.claim, "verdict": x.verdict, "rule": x.rule} for x in c.claims][:8]}
            for c in check_steps(steps, ctx)]


def _run_scorer(scorer: str, steps: list[str], context: dict[str, Any], paths: list[str]) -> list[dict[str, Any]]:
    for p in paths:  # the caller's import path, so its own scorer module imports here too
        if p not in sys.path:
            sys.path.append(p)
    mod, _, fn = scorer.partition(":")
    out = getattr(importlib.import_module(mod), fn)(steps, context)
    return [r if isinstance(r, dict) else {"rating": int(r), "rule": scorer} for r in out]


def _scorer_name(scorer: str | Callable[..., Any] | None) -> str:
    if scorer is None:
        return f"{__name__}:symbolic_scorer"
    if isinstance(scorer, str):
        if ":" not in scorer:
            raise ValueError("scorer must be 'module:function'")
        return scorer
    mod, name = getattr(scorer, "__module__", None), getattr(scorer, "__qualname__", "")
    if not mod or not name or "<" in name:
        raise ValueError("scorer must be a module-level function (it runs in a worker process)")
    return f"{mod}:{name}"


class ProcessReward:
    """Per-step rewards. ``__call__`` follows TRL's reward call and returns one list of step scores per
    completion, or, with ``aggregate`` (``"min"``, ``"mean"``, ``"product"``), one float per completion.

    Context columns (all optional): ``answer_column`` (the reference answer: a boxed final step is compared
    with it), ``premises``/``unknowns``/``variables`` (the problem's equations and their unknowns, as in
    stepforge's ``task.metadata``). The prompt's own relations ("Solve $2x(x-10) = -50$") confirm the steps that
    solve them (a restatement alone confirms nothing), never refute. ``scorer``: a module-level function ``(steps, context) -> [rating or
    {"rating", "rule", ...}]`` with ratings -1/0/+1, e.g. a labelling strategy's adapter.
    """

    def __init__(
        self,
        *,
        answer_column: str | None = "answer",
        premises_column: str = "premises",
        unknowns_column: str = "unknowns",
        variables_column: str = "variables",
        separator: str | None = None,
        neutral: float | None = None,
        after_first_error: bool = True,
        aggregate: Literal["min", "mean", "product"] | None = None,
        scorer: str | Callable[..., Any] | None = None,
        timeout: float = 10.0,
        workers: int | None = None,
        name: str = "stepforge_steps",
    ) -> None:
        if aggregate not in (None, "min", "mean", "product"):
            raise ValueError("aggregate must be None, 'min', 'mean' or 'product'")
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.answer_column = answer_column
        self.premises_column = premises_column
        self.unknowns_column = unknowns_column
        self.variables_column = variables_column
        self.separator = separator
        self.neutral = neutral
        self.after_first_error = after_first_error
        self.aggregate = aggregate
        self.scorer = _scorer_name(scorer)
        self.timeout = float(timeout)
        self.workers = workers
        self.__name__ = name

    def __repr__(self) -> str:
        return f"ProcessReward(scorer={self.scorer!r}, aggregate={self.aggregate!r})"

    def _result(self, steps: list[str], rows: list[dict[str, Any]] | None, why: str) -> ProcessResult:
        if rows is None or len(rows) != len(steps):
            detail = why or f"scorer gave {0 if rows is None else len(rows)} ratings for {len(steps)} steps"
            return ProcessResult(steps=steps, step_scores=[None] * len(steps), ratings=[0] * len(steps),
                                 first_error_index=-1, score=None, reason="unscored", evidence=[{"detail": detail}])
        ratings = [max(-1, min(1, int(r.get("rating", 0)))) for r in rows]
        first = next((i for i, r in enumerate(ratings) if r == -1), -1)
        scores: list[float | None] = []
        for i, r in enumerate(ratings):
            if self.after_first_error and first != -1 and i > first:
                scores.append(0.0)
            else:
                scores.append({1: 1.0, -1: 0.0}.get(r, self.neutral))
        known = [s for s in scores if s is not None]
        agg: float | None = None
        if known:
            if self.aggregate == "min":
                agg = min(known)
            elif self.aggregate == "mean":
                agg = sum(known) / len(known)
            elif self.aggregate == "product":
                agg = 1.0
                for s in known:
                    agg *= s
        reason = "first_error" if first != -1 else ("checked" if known else "nothing_checkable")
        return ProcessResult(steps=steps, step_scores=scores, ratings=ratings, first_error_index=first,
                             score=agg, reason=reason, evidence=rows)

    def score_steps(self, steps_list: Sequence[list[str]], contexts: Sequence[dict[str, Any]]) -> list[ProcessResult]:
        """Step scores for already-segmented solutions, each checked in a worker under the hard limit."""
        pool = shared_pool(_POOL, self.workers, memory_mb=4096, preload=(_PRELOAD,))
        args = [(self.scorer, list(s), dict(c), list(sys.path)) for s, c in zip(steps_list, contexts)]
        results = pool.map(_run_scorer, args,
                           self.timeout)
        out = []
        for steps, res in zip(steps_list, results):
            if res.status == "ok":
                out.append(self._result(list(steps), res.value, ""))
            else:
                out.append(self._result(list(steps), None, f"{res.status}: {res.error}"[:300]))
        return out

    def score(self, completions: Sequence[Any], contexts: Sequence[dict[str, Any]]) -> list[ProcessResult]:
        """Split each completion into steps and score them."""
        steps_list = []
        for c in completions:
            text = completion_text(c) or ""
            steps_list.append([s.text for s in split_steps(text, self.separator).steps])
        return self.score_steps(steps_list, contexts)

    def __call__(
        self,
        completions: Sequence[Any],
        prompts: Sequence[Any] | None = None,
        completion_ids: Any = None,
        log_extra: Callable[[str, list], None] | None = None,
        log_metric: Callable[[str, float], None] | None = None,
        **columns: Any,
    ) -> list[Any]:
        n = len(completions)
        contexts: list[dict[str, Any]] = [{} for _ in range(n)]
        if self.answer_column is not None and self.answer_column in columns:
            for ctx, g in zip(contexts, column(columns, self.answer_column, n, type(self).__name__)):
                if g is not None:
                    ctx["gold"] = str(g)
        for key, col in (("premises", self.premises_column), ("unknowns", self.unknowns_column),
                         ("variables", self.variables_column)):
            if col in columns:
                for ctx, v in zip(contexts, column(columns, col, n, type(self).__name__)):
                    if v:
                        ctx[key] = list(v)
        if prompts is not None:  # the problem's own relations: a step solving one is confirmed
            from stepforge.verifiers.math.given import problem_relations

            for ctx, p in zip(contexts, prompts):
                text = completion_text(p) or ""
                if given := problem_relations(text):
                    ctx["given"] = given
                if text:
                    ctx["problem"] = text
        results = self.score(completions, contexts)
        if log_extra is not None:
            log_extra(f"{self.__name__}_first_error", [r.first_error_index for r in results])
        if self.aggregate is None:
            return [r.step_scores for r in results]
        return [r.score for r in results]

    @property
    def acall(self) -> Callable[..., Any]:
        """The same reward as a coroutine function named like this reward."""
        return async_twin(self)
