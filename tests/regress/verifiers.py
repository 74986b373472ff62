"""Verifiers under test, one per calling convention, and deliberately broken ones."""

from __future__ import annotations

import threading
import time

from stepforge.verifiers.math import judge


def _eq(gold: str, pred: str) -> bool:
    return judge(gold, pred).verdict == "equal"


def ignores_signs(gold, pred):
    """Broken on purpose: every minus sign is dropped before comparing."""
    drop = lambda s: s.replace("-", "").replace("\\pm", "").replace("\\mp", "")  # noqa: E731
    return judge(drop(gold), drop(pred)).verdict == "equal"


def good_pair(gold, pred):
    return 1.0 if _eq(gold, pred) else 0.0


def trl_reward(completions, solution, **kwargs):
    return [1.0 if _eq(s, c[0]["content"] if isinstance(c, list) else c) else 0.0
            for c, s in zip(completions, solution)]


def verl_score(data_source, solution_str, ground_truth, extra_info=None):
    ok = _eq(ground_truth, solution_str)
    return {"score": 1.0 if ok else -1.0, "acc": ok}


def openrlhf_reward(queries, prompts, labels, **kwargs):
    return {"rewards": [float(_eq(lab, q[len(p):])) for q, p, lab in zip(queries, prompts, labels)]}


async def async_pair(gold, pred):
    return _eq(gold, pred)


def hangs_on_seven(gold, pred):
    if "7" in pred:
        while True:
            pass
    return _eq(gold, pred)


def crashes_on_eight(gold, pred):
    if "8" in gold:
        raise RuntimeError("boom")
    return _eq(gold, pred)


def main_thread_only(gold, pred):
    """Like Math-Verify's signal-based timeout: refuses to run off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        raise ValueError("signal only works in main thread")
    return _eq(gold, pred)


_shared = {"gold": None}


def racy(gold, pred):
    """Keeps the gold in a global between two reads: threads see each other's golds."""
    _shared["gold"] = gold
    time.sleep(0.002)
    return _eq(_shared["gold"], pred)


def step_verifier(problem, steps):
    """Flags the first step that contains '9' (a bad PRM)."""
    return next((i for i, s in enumerate(steps) if "9" in s), -1)
