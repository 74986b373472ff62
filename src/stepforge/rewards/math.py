"""MathReward: stepforge's answer verifier as an RL reward (TRL reward function, verl and OpenRLHF adapters).

Every check runs in a killable worker process with a hard wall-clock limit (no signal, any thread); the pool
starts on the first call in the process that uses it, so the object is cheap to build and to pickle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stepforge.rewards._common import RewardResult, async_twin, column, completion_text, log_results
from stepforge.verifiers.math import MathPolicy, MathVerdict, check_answers

# rules under which the *gold* (not the completion) is at fault: nothing can be scored
_GOLD_RULES = {"no_gold_answer", "gold_unparseable", "guard_gold"}


def result_from_verdict(v: MathVerdict, *, unparseable: float | None = 0.0) -> RewardResult:
    """A math verdict as a reward: equal 1, not_equal 0; a missing or unreadable answer ``unparseable``
    (default 0: the completion's fault); a bad gold, a timeout or a verifier failure None (cannot tell)."""
    ev = {"verdict": v.verdict, "rule": v.rule, "gold": v.gold, "pred": v.pred, "seconds": v.seconds,
          "detail": v.detail, "isolation": "worker_process", "versions": v.versions}
    if v.verdict == "equal":
        return RewardResult(score=1.0, correct=True, reason="equal", pred=v.pred, evidence=ev)
    if v.verdict == "not_equal":
        return RewardResult(score=0.0, correct=False, reason="not_equal", pred=v.pred, evidence=ev)
    if v.verdict == "timeout":
        return RewardResult(score=None, correct=None, reason="timeout", pred=v.pred, evidence=ev)
    if v.rule in _GOLD_RULES:
        return RewardResult(score=None, correct=None, reason="gold_unparseable", pred=v.pred, evidence=ev)
    if v.rule.startswith("worker_"):
        return RewardResult(score=None, correct=None, reason="verifier_error", pred=v.pred, evidence=ev)
    reason = "no_answer" if v.rule == "no_pred_answer" else "pred_unparseable"
    return RewardResult(score=unparseable, correct=False if unparseable is not None else None, reason=reason,
                        pred=v.pred, evidence=ev)


class MathReward:
    """Final-answer correctness reward: 1.0 equal, 0.0 wrong, None when it cannot be scored.

    A TRL ``GRPOTrainer`` reward function as it is (``reward_funcs=[MathReward()]``; its async twin is the
    bound method ``acall``), for standard (string) and conversational (message list) completions. The
    reference comes from the dataset column ``answer_column`` (``"solution"`` for open-r1-style data).
    ``policy`` is the answer checker's ``MathPolicy`` (or a dict of its fields); ``unparseable`` is the score
    of a completion with no readable final answer (0.0; None to skip it instead).
    """

    def __init__(
        self,
        *,
        answer_column: str = "answer",
        policy: MathPolicy | dict | None = None,
        timeout: float = 5.0,
        workers: int | None = None,
        unparseable: float | None = 0.0,
        name: str = "stepforge_math",
    ) -> None:
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.answer_column = answer_column
        self.policy = policy if policy is None or isinstance(policy, MathPolicy) else MathPolicy.model_validate(policy)
        self.timeout = float(timeout)
        self.workers = workers
        self.unparseable = unparseable
        self.__name__ = name

    def __repr__(self) -> str:
        return f"MathReward(answer_column={self.answer_column!r}, timeout={self.timeout:g})"

    def score(self, completions: Sequence[Any], golds: Sequence[Any]) -> list[RewardResult]:
        """One result per completion, in order, with its evidence."""
        if len(completions) != len(golds):
            raise ValueError(f"{len(completions)} completions for {len(golds)} references")
        out: list[RewardResult | None] = [None] * len(completions)
        todo: list[int] = []
        pairs: list[tuple[str, str]] = []
        for i, (c, g) in enumerate(zip(completions, golds)):
            text = completion_text(c)
            if g is None or (isinstance(g, float) and g != g):
                out[i] = RewardResult(score=None, correct=None, reason="no_gold")
            elif text is None:
                out[i] = RewardResult(score=None, correct=None, reason="no_text",
                                      evidence={"detail": f"completion of type {type(c).__name__}"})
            else:
                todo.append(i)
                pairs.append((str(g), text))
        if pairs:
            verdicts = check_answers(pairs, workers=self.workers, timeout=self.timeout, policy=self.policy)
            for i, v in zip(todo, verdicts):
                if v.rule.startswith("worker_") and "did not start" in v.detail:
                    # infrastructure, not a verdict on this completion: an error, never a reward
                    raise RuntimeError(f"stepforge's answer-checking worker processes did not start ({v.detail})")
                out[i] = result_from_verdict(v, unparseable=self.unparseable)
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
        golds = column(columns, self.answer_column, len(completions), type(self).__name__)
        results = self.score(completions, golds)
        log_results(log_extra, self.__name__, results)
        if log_metric is not None and results:
            log_metric(f"{self.__name__}/unscored", sum(r.score is None for r in results) / len(results))
        return [r.score for r in results]

    @property
    def acall(self) -> Callable[..., Any]:
        """The same reward as a coroutine function named like this reward (see ``async_twin``)."""
        return async_twin(self)
