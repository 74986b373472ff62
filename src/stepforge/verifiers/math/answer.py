"""The answer checker: extract, parse, compare; in process (``judge``) or hard-limited in workers."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Sequence

from stepforge._pool import shared_pool
from stepforge.verifiers.math.compare import answer_equal
from stepforge.verifiers.math.errors import GuardError, ParseError
from stepforge.verifiers.math.extract import extract_answer
from stepforge.verifiers.math.parse import parse_answer
from stepforge.verifiers.math.policy import DEFAULT_POLICY, MathPolicy
from stepforge.verifiers.math.verdict import MathVerdict, versions

_POOL_NAME = "stepforge.verifiers.math"
_CHUNK = 16


def _policy(policy: MathPolicy | dict | None) -> MathPolicy:
    if policy is None:
        return DEFAULT_POLICY
    if isinstance(policy, MathPolicy):
        return policy
    return MathPolicy.model_validate(policy)


def _extract_gold(gold: str) -> str | None:
    """A gold is usually the bare answer; a whole reference solution is reduced to its box."""
    ans, how = extract_answer(gold)
    if how in ("bare", "last_number") and len(gold.strip()) <= 200:
        return gold.strip()
    return ans


def judge(gold: str, pred: str, policy: MathPolicy | dict | None = None) -> MathVerdict:
    """In-process verdict, no time limit (for callers already inside a killable worker); guards apply."""
    pol = _policy(policy)
    t0 = time.perf_counter()
    g_text = _extract_gold(gold) if gold is not None else None
    p_text, how = extract_answer(pred) if pred is not None else (None, "none")

    def done(verdict: str, rule: str, detail: str = "") -> MathVerdict:
        return MathVerdict(
            verdict=verdict, rule=rule, seconds=round(time.perf_counter() - t0, 6),
            gold=g_text, pred=p_text, detail=detail[:500],
        )

    if g_text is None:
        return done("unparseable", "no_gold_answer", "no answer found in the gold")
    if p_text is None:
        return done("unparseable", "no_pred_answer", "no final answer found in the prediction")
    try:
        g = parse_answer(g_text, pol)
    except GuardError as exc:
        return done("unparseable", "guard_gold", str(exc))
    except ParseError as exc:
        return done("unparseable", "gold_unparseable", str(exc))
    except Exception as exc:  # noqa: BLE001
        return done("unparseable", "gold_unparseable", f"{type(exc).__name__}: {exc}")
    try:
        p = parse_answer(p_text, pol)
    except GuardError as exc:
        return done("unparseable", "guard", str(exc))
    except ParseError as exc:
        # a pred that does not parse may still be the same text as the gold
        if _same_text(g_text, p_text):
            return done("equal", "string_equal")
        return done("unparseable", "pred_unparseable", str(exc))
    except RecursionError:
        return done("unparseable", "guard", "nesting too deep")
    except Exception as exc:  # noqa: BLE001 - a parser bug must not crash the caller
        return done("unparseable", "pred_unparseable", f"{type(exc).__name__}: {exc}")
    try:
        eq, rule, detail = answer_equal(g, p, pol)
    except GuardError as exc:
        return done("unparseable", "guard", str(exc))
    except (RecursionError, MemoryError) as exc:
        return done("unparseable", "guard", type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - sympy can raise nearly anything; the verdict says so
        if _same_text(g_text, p_text):
            return done("equal", "string_equal")
        return done("not_equal", "compare_error", f"{type(exc).__name__}: {exc}")
    if not eq and _same_text(g_text, p_text):
        return done("equal", "string_equal")
    return done("equal" if eq else "not_equal", rule, detail)


def _squash(s: str) -> str:
    s = re.sub(r"\s+", " ", s.strip().lower())
    return re.sub(r"\s*([^\w\s])\s*", r"\1", s)


def _same_text(a: str, b: str) -> bool:
    """Same text up to spacing around symbols (never joins two words or numbers)."""
    return _squash(a) == _squash(b)


def _pack(v: MathVerdict) -> tuple:
    return (v.verdict, v.rule, v.seconds, v.gold, v.pred, v.detail)


def _unpack(t: tuple) -> MathVerdict:
    verdict, rule, seconds, gold, pred, detail = t
    return MathVerdict.model_construct(
        verdict=verdict, rule=rule, seconds=seconds, gold=gold, pred=pred, detail=detail, versions=versions()
    )


def _judge_packed(gold: str, pred: str, policy: MathPolicy | None) -> tuple:
    return _pack(judge(gold, pred, policy))


def _judge_chunk(pairs: list[tuple[str, str]], policy: MathPolicy | None) -> list[tuple]:
    return [_pack(judge(g, p, policy)) for g, p in pairs]


def _timeout(gold: str, pred: str, timeout: float, seconds: float, detail: str) -> MathVerdict:
    return MathVerdict(
        verdict="timeout", rule="hard_timeout", seconds=round(seconds, 6),
        gold=_extract_gold(gold) if gold else None, pred=extract_answer(pred)[0] if pred else None,
        detail=detail,
    )


def _workers(workers: int | None) -> int:
    return max(1, workers or os.cpu_count() or 1)


def _pool(workers: int | None = None):  # noqa: ANN202
    return shared_pool(_POOL_NAME, _workers(workers), preload=("stepforge.verifiers.math.answer",))


def _from_result(res, gold: str, pred: str, timeout: float) -> MathVerdict:  # noqa: ANN001
    if res.status == "ok":
        return _unpack(res.value)
    if res.status == "timeout":
        return _timeout(gold, pred, timeout, res.seconds, f"killed after {timeout:g}s")
    return MathVerdict(
        verdict="unparseable", rule="worker_" + res.status, seconds=round(res.seconds, 6),
        gold=None, pred=None, detail=res.error[:500],
    )


def _wire_policy(policy: MathPolicy) -> MathPolicy | None:
    return None if policy == DEFAULT_POLICY else policy


def check_answer(gold: str, pred: str, *, timeout: float = 5.0, policy: MathPolicy | dict | None = None) -> MathVerdict:
    """Verdict with a hard wall-clock limit (worker process killed at the deadline); any thread."""
    pol = _policy(policy)
    _check_inputs(gold, pred)
    res = _pool().call(_judge_packed, (gold, pred, _wire_policy(pol)), timeout)
    return _from_result(res, gold, pred, timeout)


def check_answers(
    pairs: Iterable[Sequence[str]],
    workers: int | None = None,
    timeout: float = 5.0,
    policy: MathPolicy | dict | None = None,
) -> list[MathVerdict]:
    """Verdicts for (gold, pred) pairs, in input order, in parallel worker processes, each hard-limited.

    Pairs travel in small chunks (one round trip per chunk); a chunk that is killed at the deadline or whose
    worker dies is re-run pair by pair, so every timeout verdict is a pair that alone used up ``timeout``.
    """
    pol = _wire_policy(_policy(policy))
    items = [(g, p) for g, p in pairs]
    for g, p in items:
        _check_inputs(g, p)
    if not items:
        return []
    pool = _pool(workers)
    size = max(1, min(_CHUNK, len(items) // (pool.size * 4)))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    results = pool.map(_judge_chunk, [(c, pol) for c in chunks], timeout)
    out: list[MathVerdict] = []
    for chunk, res in zip(chunks, results):
        if res.status == "ok":
            out.extend(_unpack(t) for t in res.value)
        elif len(chunk) == 1:
            out.append(_from_result(res, *chunk[0], timeout))
        else:
            singles = pool.map(_judge_packed, [(g, p, pol) for g, p in chunk], timeout)
            out.extend(_from_result(r, g, p, timeout) for r, (g, p) in zip(singles, chunk))
    return out


def _check_inputs(gold: object, pred: object) -> None:
    if not isinstance(gold, str) or not isinstance(pred, str):
        raise TypeError("gold and pred must be strings")
