"""verl's custom reward function: ``compute_score`` (and ``compute_score_async``) over stepforge's verifiers.

Configure ``reward.custom_reward_function.path=pkg://stepforge.rewards.verl`` and ``.name=compute_score`` (or
``compute_score_async``, which verl awaits on its reward loop). The row goes to the code verifier when its
ground truth is a test spec (a HumanEval row, io tests or a CodeTask, as dict or JSON) or ``data_source`` names
a code set; otherwise to the math answer checker.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from stepforge.rewards._common import RewardResult
from stepforge.rewards.code import CodeReward
from stepforge.rewards.math import MathReward

_CODE_SOURCES = ("code", "humaneval", "mbpp", "apps", "taco", "codecontests", "codeforces", "livecodebench")


def is_code(ground_truth: Any, data_source: str | None = None, extra_info: dict | None = None) -> bool:
    """Whether a row is a code task: its ground truth is a test spec, or its source names a code set."""
    gt = ground_truth
    if isinstance(gt, str) and gt.strip().startswith(("{", "[")):
        try:
            gt = json.loads(gt)
        except ValueError:
            gt = ground_truth
    if isinstance(gt, dict) and ({"test", "io_tests", "hidden_io_tests", "entry_point"} & gt.keys()):
        return True
    if isinstance(gt, list) and gt and all(isinstance(t, dict) and "args" in t for t in gt):
        return True
    if isinstance(gt, str) and "def check(" in gt:
        return True
    return any(k in (data_source or "").lower() for k in _CODE_SOURCES)


def score_one(data_source: str | None, solution_str: str, ground_truth: Any, extra_info: dict | None = None,
              **kwargs: Any) -> RewardResult:
    """The shared core of the adapters: one completion against one reference, as a RewardResult."""
    extra = extra_info if isinstance(extra_info, dict) else {}
    if is_code(ground_truth, data_source, extra):
        reward = CodeReward(mode=kwargs.get("mode", "binary"), timeout_s=kwargs.get("timeout_s"),
                            backend=kwargs.get("backend", "local"))
        return reward.score([solution_str], [ground_truth], [extra.get("entry_point")], [extra.get("prompt")])[0]
    reward = MathReward(timeout=kwargs.get("timeout", 5.0), policy=kwargs.get("policy"))
    golds = ground_truth if isinstance(ground_truth, (list, tuple)) and ground_truth else [ground_truth]
    results = reward.score([solution_str] * len(golds), list(golds))
    best = next((r for r in results if r.correct), None) or next((r for r in results if r.score is not None), None)
    return best or results[0]


def as_verl(r: RewardResult) -> dict[str, Any]:
    """verl's dict: ``score`` (0.0 when unscored, flagged by ``unscored`` and ``reason``), ``acc``, ``pred``."""
    return {"score": float(r.score) if r.score is not None else 0.0, "acc": bool(r.correct),
            "pred": (r.pred or "")[:200], "reason": r.reason, "unscored": float(r.score is None)}


def compute_score(data_source: str | None, solution_str: str, ground_truth: Any, extra_info: dict | None = None,
                  **kwargs: Any) -> dict[str, Any]:
    """verl's ``compute_score``: ``{"score", "acc", "pred", "reason", "unscored"}`` for one response."""
    return as_verl(score_one(data_source, solution_str, ground_truth, extra_info, **kwargs))


async def compute_score_async(data_source: str | None, solution_str: str, ground_truth: Any,
                              extra_info: dict | None = None, **kwargs: Any) -> dict[str, Any]:
    """The coroutine twin of ``compute_score`` (the check runs in worker processes; this only waits)."""
    return await asyncio.to_thread(compute_score, data_source, solution_str, ground_truth, extra_info, **kwargs)
