"""Checks a strategy runs on untrusted text, always under a hard limit: in process when this is already a killable
worker (the math domain's default placement), else in worker processes of their own (a strategy that waits on a
model runs in the parent). Verdicts of rollout answers are cached per (gold, answer): K completions mostly end
in a few distinct answers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from stepforge._pool import CallResult, in_worker, shared_pool
from stepforge._seeding import derive_seed
from stepforge.verifiers.math import MathVerdict, check_answers, judge

_POOL = "stepforge.labeling"
_CACHE_MAX = 65536
_cache: OrderedDict[tuple[str, str, str], MathVerdict] = OrderedDict()
_cache_lock = threading.Lock()


def limited(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> CallResult:
    """``fn(*args)`` with a hard wall-clock limit (a worker process killed at the deadline)."""
    if in_worker():
        try:
            return CallResult("ok", fn(*args))
        except Exception as exc:  # noqa: BLE001 - reported as data, as the pool does
            return CallResult("error", error=f"{type(exc).__name__}: {exc}"[:2000])
    pool = shared_pool(_POOL, None, memory_mb=4096, preload=("stepforge.verifiers.math._warm",))
    return pool.call(fn, args, timeout)


def _seed(gold: str, answer: str) -> int:
    """The judge's random points for one answer: fixed by the pair, so a rerun writes the same evidence."""
    return derive_seed("rollout-answer", gold, answer)


def answer_verdicts(gold: str, answers: list[str], problem: str = "", timeout: float = 5.0) -> list[MathVerdict]:
    """The math verifier's verdict on each final answer against ``gold`` (answers as ``\\boxed{...}`` text) for
    ``problem`` (what it asks decides restatements)."""
    out: list[MathVerdict | None] = []
    todo: list[int] = []
    with _cache_lock:
        for i, a in enumerate(answers):
            v = _cache.get((gold, a, problem))
            if v is not None:
                _cache.move_to_end((gold, a, problem))
            else:
                todo.append(i)
            out.append(v)
    if todo:
        fresh = sorted({answers[i] for i in todo})
        if in_worker():
            verdicts = [judge(gold, a, problem=problem or None, seed=_seed(gold, a)) for a in fresh]
        else:
            verdicts = check_answers([(gold, a) for a in fresh], timeout=timeout,
                                     problems=[problem or None] * len(fresh), seeds=[_seed(gold, a) for a in fresh])
        got = dict(zip(fresh, verdicts))
        with _cache_lock:
            for a, v in got.items():
                if v.verdict != "timeout":  # a timeout may be the machine's load: not remembered
                    _cache[(gold, a, problem)] = v
            while len(_cache) > _CACHE_MAX:
                _cache.popitem(last=False)
        for i in todo:
            out[i] = got[answers[i]]
    return out  # type: ignore[return-value]
