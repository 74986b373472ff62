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

# the math verifier's own pool (same preload, same memory cap): one set of workers to boot and keep, not two
_POOL = "stepforge.verifiers.math"
_CACHE_MAX = 65536
_cache: OrderedDict[tuple[str, str, str], MathVerdict] = OrderedDict()
_cache_lock = threading.Lock()


def _pool() -> Any:
    return shared_pool(_POOL, None, memory_mb=4096, preload=("stepforge.verifiers.math._warm",))


def _warm_symbolic() -> None:
    """In a worker: the symbolic checker imported and its readers warm (seconds the first time, then nothing)."""
    from stepforge.labeling import symbolic  # noqa: F401 - importing is the point
    from stepforge.verifiers.math.steps import _warm as warm_steps

    warm_steps()


def prestart(symbolic: bool = False) -> None:
    """Boot the checks' workers now (seconds on a busy machine), without waiting for them; with ``symbolic`` (a
    strategy that checks steps, e.g. hybrid), each worker also loads the symbolic checker, in the background."""
    if in_worker():
        return
    pool = _pool()
    pool.prestart()
    if symbolic:
        def load() -> None:
            try:
                pool.map(_warm_symbolic, [()] * pool.size, 120.0)
            except Exception:  # noqa: BLE001 - warming only: a pool closed at exit, a worker that cannot start
                pass  # (the first real call reports it)

        threading.Thread(target=load, daemon=True, name="stepforge-warm-symbolic").start()


def warm(timeout: float = 120.0) -> None:
    """Boot the checks' workers, the symbolic checker loaded, and wait until they answer (benchmarks: a run pays
    this once per process)."""
    if not in_worker():
        pool = _pool()
        pool.prestart()
        pool.map(_warm_symbolic, [()] * pool.size, timeout)


def limited(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> CallResult:
    """``fn(*args)`` with a hard wall-clock limit (a worker process killed at the deadline)."""
    if in_worker():
        try:
            return CallResult("ok", fn(*args))
        except Exception as exc:  # noqa: BLE001 - reported as data, as the pool does
            return CallResult("error", error=f"{type(exc).__name__}: {exc}"[:2000])
    return _pool().call(fn, args, timeout)


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


# -- the symbolic checks of many candidates in one hard-limited call ----------------------------------------------

_SYMBOLIC_MAX = 4096
_symbolic: OrderedDict[tuple[str, str], Any] = OrderedDict()  # (candidate id, its verdict) -> StepLabels
_symbolic_lock = threading.Lock()


def _verdict_key(verdict: Any) -> str:
    return str(getattr(verdict, "verdict", verdict))


def _symbolic_chunk(pairs: list[tuple[Any, Any]]) -> list[tuple[str, Any]]:
    """In a worker: the symbolic labels of each (candidate, verdict), each under the checker's own per-claim and
    per-solution budgets; a candidate that raises is reported, never the chunk."""
    from stepforge.labeling.symbolic import Symbolic

    out: list[tuple[str, Any]] = []
    for cand, verdict in pairs:
        try:
            out.append(("ok", Symbolic._labels(cand, verdict)))
        except Exception as exc:  # noqa: BLE001 - reported as data, as the pool does
            out.append(("error", f"{type(exc).__name__}: {exc}"[:2000]))
    return out


def prefetch_symbolic(pairs: list[tuple[Any, Any]], deadline_s: float | None = None) -> None:
    """The symbolic labels of many (candidate, verdict) pairs in a few pool calls (one chunk per worker) instead of
    one round trip each; ``symbolic_first`` takes them. A chunk is killed at one candidate's deadline (the chunk of
    normal solutions takes milliseconds); its candidates are then checked one by one as before, each with its own
    deadline. Only where the checks would go to the pool (records made in the parent)."""
    if in_worker() or not pairs:
        return
    pool = _pool()
    size = -(-len(pairs) // pool.size)
    chunks = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    results = pool.map(_symbolic_chunk, [(c,) for c in chunks], deadline_s or 60.0)
    with _symbolic_lock:
        for chunk, res in zip(chunks, results):
            if res.status != "ok":
                continue  # checked one by one later, each under its own deadline
            for (cand, verdict), (status, labels) in zip(chunk, res.value):
                if status == "ok":
                    _symbolic[(cand.id, _verdict_key(verdict))] = labels
        while len(_symbolic) > _SYMBOLIC_MAX:
            _symbolic.popitem(last=False)


def symbolic_first(candidate: Any, verdict: Any, deadline_s: float | None = None) -> Any:
    """The candidate's symbolic labels: prefetched with its batch, else checked now (``symbolic_labels``)."""
    with _symbolic_lock:
        got = _symbolic.pop((candidate.id, _verdict_key(verdict)), None)
    if got is not None:
        return got
    from stepforge.labeling.symbolic import symbolic_labels

    return symbolic_labels(candidate, verdict, deadline_s)
