"""The answer checker: extract, parse, compare. Bounded exact paths decide in the calling process; what
needs sympy or latex2sympy2_extended runs in hard-limited worker processes started on first need (``judge`` runs
it in process, under a time budget that holds in threads too)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from stepforge.verifiers.math.budget import Budget, OutOfTime
from stepforge.verifiers.math.compare import answer_equal, make_ctx
from stepforge.verifiers.math.errors import FAST_ONLY, GuardError, NeedsGeneral, ParseError
from stepforge.verifiers.math.extract import extract, restated_result, unescape
from stepforge.verifiers.math.final import names, read_problem, restatement
from stepforge.verifiers.math.parse import parse_answer
from stepforge.verifiers.math.policy import DEFAULT_POLICY, MathPolicy, resolve
from stepforge.verifiers.math.verdict import MathVerdict, versions

_POOL_NAME = "stepforge.verifiers.math"
_PRELOAD = "stepforge.verifiers.math._warm"
_CHUNK = 8
_MEMORY_MB = 4096

PolicyLike = MathPolicy | dict | str | None


@lru_cache(maxsize=1024)
def _extract_gold(gold: str) -> str | None:
    """A gold is usually the bare answer; a whole reference solution is reduced to its committed answer. A pure
    function of the text, remembered: a row's gold is read for its answer, each boxed step and each redone slip."""
    gold = unescape(gold)
    ex = extract(gold)
    stripped = gold.strip()
    if ex.how in ("bare", "sentence", "math_env", "none") and len(stripped) <= 200 and "\\boxed" not in stripped:
        return stripped or None
    return ex.answer


JUDGE_BUDGET_S = 5.0  # judge's in-process budget (the hard-limited workers pass 0: their own limit governs)


def judge(gold: str, pred: str, policy: PolicyLike = None, *, problem: str | None = None,
          seed: int | None = None, budget_s: float = JUDGE_BUDGET_S) -> MathVerdict:
    """In-process verdict; guards apply, and a time budget (``budget_s``, 0: none) that also holds in threads:
    past it the verdict is ``timeout`` (rule ``time_budget``), never a guess.

    ``problem``: the problem's text, when known: what it asks decides restatements (a copy of its
    expression, an unexpanded product when it asks to expand) and whether a decimal gold is approximate.
    ``seed``: the random sample points' seed (default: fresh from the OS, unpredictable); a data pipeline passes one
    derived from its run seed and the candidate, so a rerun writes the same evidence and a model still cannot
    predict the points."""
    if budget_s <= 0 or FAST_ONLY.get():  # the exact fast path is bounded on its own
        return _judge(gold, pred, policy, problem, seed)
    _import_readers()
    t0 = time.perf_counter()
    read: dict[str, str | None] = {}
    try:
        with Budget(budget_s):
            return _judge(gold, pred, policy, problem, seed, read)
    except OutOfTime:
        if time.perf_counter() - t0 < budget_s:
            raise  # an enclosing budget's (the step checker's): its own handler says so
        # the answers as read within the budget (past it nothing is read again: a long solution's reading is work
        # the row's budget no longer has)
        return MathVerdict.model_construct(
            verdict="timeout", rule="time_budget", seconds=round(time.perf_counter() - t0, 6),
            gold=read.get("gold"), pred=read.get("pred"),
            detail=f"not decided within {budget_s:g}s in process", where="in_process", versions=versions(),
        )


_IMPORTED: list[bool] = []


def _import_readers() -> None:
    """sympy and latex2sympy2_extended imported once, outside any budget: a budget spent inside an import would
    leave a module half made for every later call."""
    if not _IMPORTED:
        import sympy  # noqa: F401
        import latex2sympy2_extended  # noqa: F401

        from stepforge.verifiers.math._sympy_order import fix

        fix()  # one order of asking sympy's assumptions in every process

        _IMPORTED.append(True)


def _judge(gold: str, pred: str, policy: PolicyLike, problem: str | None, seed: int | None,
           read: dict[str, str | None] | None = None) -> MathVerdict:
    pol = resolve(policy)
    t0 = time.perf_counter()
    ctx = make_ctx(pol, read_problem(problem) if problem else None, seed)

    def done(verdict: str, rule: str, detail: str = "", g_text: str | None = None, p_text: str | None = None) -> MathVerdict:
        return MathVerdict.model_construct(
            verdict=verdict, rule=rule, seconds=round(time.perf_counter() - t0, 6), gold=g_text, pred=p_text,
            detail=detail[:500], where="in_process", versions=versions(),
        )

    if len(gold or "") > pol.max_input_chars or len(pred or "") > pol.max_input_chars:
        return done("unparseable", "guard", f"input longer than {pol.max_input_chars} characters")
    g_text = _extract_gold(gold) if gold is not None else None
    if read is not None:
        read["gold"] = g_text
    ex = extract(pred, problem) if pred is not None else None
    p_text = ex.answer if ex is not None else None
    if read is not None:
        read["pred"] = p_text
    if g_text is None:
        return done("unparseable", "no_gold_answer", "no answer found in the gold", g_text, p_text)
    if ex is None or p_text is None:
        why = {"refused": "the text declines to answer"}.get(ex.status if ex else "", "no final answer found in the prediction")
        return done("unparseable", "no_pred_answer", ex.detail or why if ex else why, g_text, p_text)
    if ex.status in ("hedged", "retracted"):
        return done("ambiguous", f"{ex.status}_answer", ex.detail, g_text, p_text)
    try:
        g = parse_answer(g_text, pol)
    except GuardError as exc:
        return done("unparseable", "guard_gold", str(exc), g_text, p_text)
    except ParseError as exc:
        if _same_text(g_text, p_text):
            return done("equal", "string_equal", "", g_text, p_text)
        return done("unparseable", "gold_unparseable", str(exc), g_text, p_text)
    try:
        p = parse_answer(p_text, pol, hint=g.kind)
    except GuardError as exc:
        return done("unparseable", "guard", str(exc), g_text, p_text)
    except ParseError as exc:
        if _same_text(g_text, p_text):  # a pred that does not parse may still be the gold's very text
            return done("equal", "string_equal", "", g_text, p_text)
        # "The answer is John spent $680 on ties.": the sentence after the marker does not parse as an answer; the
        # value it restates is read when it is the one the work's last ``=`` derived (never a guess among numbers)
        restated = restated_result(unescape(str(pred)), problem) if ex.how != "conclusion" else None
        if restated is None or restated == p_text:
            return done("unparseable", "pred_unparseable", str(exc), g_text, p_text)
        p_text = restated
        if read is not None:
            read["pred"] = p_text
        try:
            p = parse_answer(p_text, pol, hint=g.kind)
        except (GuardError, ParseError) as again:
            return done("unparseable", "pred_unparseable", str(again), g_text, p_text)
    if g.kind == "bool" and p.kind not in ("bool", "text", "choice"):
        # "1985" read from a solution to "Is there ...?": what was read is not the yes/no the question asks for (a
        # side value of the last sentence), so it says nothing of the solution's answer
        return done("unparseable", "not_a_yes_no_answer", f"the reference is yes/no, the solution's answer read is a "
                    f"{p.kind}: not an answer to the question asked", g_text, p_text)
    why = restatement(g, p, p_text, g_text, ctx.problem, pol)
    named = _named_value(p_text, ctx.problem) if why is not None and p.kind == "relation" else None
    if named is not None:  # "m+n=29" where the problem asks for $m+n$: the value of what was asked
        try:
            p, p_text = parse_answer(named, pol, hint=g.kind), named
            why = restatement(g, p, p_text, g_text, ctx.problem, pol)
        except (GuardError, ParseError):
            pass
    if why is not None:
        return done("not_equal", "not_a_final_answer", why, g_text, p_text)
    try:
        eq, rule, detail = answer_equal(g, p, ctx)
    except GuardError as exc:
        return done("unparseable", "guard", str(exc), g_text, p_text)
    except (RecursionError, MemoryError) as exc:
        return done("unparseable", "guard", type(exc).__name__, g_text, p_text)
    except NeedsGeneral:
        raise
    except Exception as exc:  # noqa: BLE001 - sympy can raise nearly anything; the verdict says so
        if _same_text(g_text, p_text):
            return done("equal", "string_equal", "", g_text, p_text)
        return done("not_equal", "compare_error", f"{type(exc).__name__}: {exc}", g_text, p_text)
    if not eq and _same_text(g_text, p_text):
        return done("equal", "string_equal", "", g_text, p_text)
    return done("equal" if eq else "not_equal", rule, detail, g_text, p_text)


def _named_value(p_text: str, problem: Any) -> str | None:
    """The last member of ``lhs = value`` (or ``lhs = computation = value``, "$x+y=8+9=17$") when ``lhs`` is an
    expression the problem itself names ("find $m+n$"): the answer stated with what was asked. None otherwise (an
    equation still to solve; a member after the first holding a letter)."""
    if problem is None or not 1 <= p_text.count("=") <= 4 or re.search(r"\\(?:le|ge|ne|approx)|[<>]", p_text):
        return None
    lhs, *rest = (part.strip() for part in p_text.split("="))
    plain = [re.sub(r"\\(?:frac|dfrac|tfrac|sqrt|pi|cdot|times|div|left|right)", "", x) for x in rest]
    if not all(rest) or any(re.search(r"[A-Za-z]", x) for x in plain):
        return None
    return rest[-1] if names(problem, lhs, p_text) else None


def judge_fast(gold: str, pred: str, policy: PolicyLike = None, *, problem: str | None = None) -> MathVerdict | None:
    """The verdict when the bounded exact paths decide it (no sympy, no latex2sympy: cannot hang), else None."""
    token = FAST_ONLY.set(True)
    try:
        return judge(gold, pred, policy, problem=problem)
    except NeedsGeneral:
        return None
    except (RecursionError, MemoryError):
        return None
    finally:
        FAST_ONLY.reset(token)


def _squash(s: str) -> str:
    s = re.sub(r"\s+", " ", s.strip())
    return re.sub(r"\s*([^\w\s])\s*", r"\1", s)


def _same_text(a: str, b: str) -> bool:
    """Same text up to spacing around symbols (never joins two words or numbers; case matters)."""
    return _squash(a) == _squash(b)


def _pack(v: MathVerdict) -> tuple:
    return (v.verdict, v.rule, v.seconds, v.gold, v.pred, v.detail)


def _unpack(t: tuple) -> MathVerdict:
    verdict, rule, seconds, gold, pred, detail = t
    return MathVerdict.model_construct(
        verdict=verdict, rule=rule, seconds=seconds, gold=gold, pred=pred, detail=detail, where="pool",
        versions=versions(),
    )


def _judge_packed(gold: str, pred: str, policy: MathPolicy | None, problem: str | None = None,
                  seed: int | None = None) -> tuple:
    return _pack(judge(gold, pred, policy, problem=problem, seed=seed, budget_s=0))


def _judge_chunk(items: list[tuple], policy: MathPolicy | None) -> list[tuple]:
    return [_pack(judge(g, p, policy, problem=pr, seed=sd, budget_s=0)) for g, p, pr, sd in items]


def _timeout(gold: str, pred: str, seconds: float, detail: str) -> MathVerdict:
    return MathVerdict.model_construct(
        verdict="timeout", rule="hard_timeout", seconds=round(seconds, 6),
        gold=_extract_gold(gold) if gold else None, pred=extract(pred).answer if pred else None,
        detail=detail, where="pool", versions=versions(),
    )


def _workers(workers: int | None) -> int:
    return max(1, workers or os.cpu_count() or 1)


def _pool(workers: int | None = None):  # noqa: ANN202
    from stepforge._pool import shared_pool

    # a memory cap too: a sympy blow-up (nested logs, huge expansions) kills one worker, never the host
    return shared_pool(_POOL_NAME, _workers(workers), memory_mb=_MEMORY_MB, preload=(_PRELOAD,))


class WorkerCrashed(RuntimeError):
    """A worker died twice on the same pair (not a deadline): reported, never turned into a verdict."""


def _from_result(res, gold: str, pred: str, timeout: float, retry=None) -> MathVerdict:  # noqa: ANN001
    if res.status == "ok":
        return _unpack(res.value)
    if res.status == "timeout":
        return _timeout(gold, pred, res.seconds, f"killed after {timeout:g}s")
    if res.status == "crashed" and retry is not None:
        return _from_result(retry(), gold, pred, timeout, None)
    if res.status == "crashed":
        # the worker died twice on this pair (memory cap or a crash inside a library): the input is refused
        return MathVerdict.model_construct(
            verdict="unparseable", rule="worker_crashed", seconds=round(res.seconds, 6),
            gold=_extract_gold(gold) if gold else None, pred=extract(pred).answer if pred else None,
            detail=res.error[:500], where="pool", versions=versions(),
        )
    raise RuntimeError(f"math verifier worker failed: {res.error[:500]}")


def _ready() -> bool:
    return True


def warm_pool(workers: int | None = None) -> None:
    """Start the hard-limited workers now (they start on first need otherwise): for servers and benchmarks
    that want no start-up on their first hard pair. Raises WorkerStartError when a worker cannot start."""
    pool = _pool(workers)
    for res in pool.map(_ready, [()] * pool.size, timeout=60):
        if res.status != "ok":
            raise RuntimeError(f"math verifier worker failed: {res.error[:500]}")


def _wire_policy(policy: MathPolicy) -> MathPolicy | None:
    return None if policy == DEFAULT_POLICY else policy


def check_answer(gold: str, pred: str, *, timeout: float = 5.0, policy: PolicyLike = None,
                 problem: str | None = None, seed: int | None = None) -> MathVerdict:
    """Verdict with a hard wall-clock limit; any thread. Pairs the bounded exact paths decide are answered
    in this process at once; the rest run in a worker process that is killed at the deadline. ``seed``: as
    ``judge``'s (a pipeline passes one so that a rerun writes the same evidence)."""
    pol = resolve(policy)
    _check_inputs(gold, pred, problem)
    fast = judge_fast(gold, pred, pol, problem=problem)
    if fast is not None:
        return fast
    pool = _pool()
    args = (gold, pred, _wire_policy(pol), problem, seed)
    res = pool.call(_judge_packed, args, timeout)
    return _from_result(res, gold, pred, timeout, retry=lambda: pool.call(_judge_packed, args, timeout))


def check_answers(
    pairs: Iterable[Sequence[str]],
    workers: int | None = None,
    timeout: float = 5.0,
    policy: PolicyLike = None,
    problems: Sequence[str | None] | None = None,
    seeds: Sequence[int | None] | None = None,
) -> list[MathVerdict]:
    """Verdicts for (gold, pred) pairs, in input order. Pairs the bounded exact paths decide are answered in
    this process; the others go, in small chunks, to parallel worker processes, each hard-limited. A chunk
    killed at the deadline or whose worker dies is re-run pair by pair, so every timeout verdict is a pair
    that alone used up ``timeout``. ``problems`` and ``seeds``: one per pair, as ``judge``'s."""
    pol = resolve(policy)
    items = [(g, p) for g, p in pairs]
    probs = list(problems) if problems is not None else [None] * len(items)
    if len(probs) != len(items):
        raise ValueError("problems must have one entry per pair")
    sds = list(seeds) if seeds is not None else [None] * len(items)
    if len(sds) != len(items):
        raise ValueError("seeds must have one entry per pair")
    for (g, p), pr in zip(items, probs):
        _check_inputs(g, p, pr)
    out: list[MathVerdict | None] = [None] * len(items)
    rest = []
    pool = None
    for i, ((g, p), pr) in enumerate(zip(items, probs)):
        v = judge_fast(g, p, pol, problem=pr)
        if v is None:
            rest.append(i)
            if pool is None:  # the first pair that needs the pool: its workers boot while we go on here
                pool = _pool(workers)
                pool.prestart()
        else:
            out[i] = v
    if rest:
        wire = _wire_policy(pol)
        pool = _pool(workers)
        # pairs that share a gold travel together, so each worker parses a gold once (its parse is cached)
        rest.sort(key=lambda i: (items[i][0], i))
        size = max(1, min(_CHUNK, len(rest) // (pool.size * 4)))
        chunks = [rest[i : i + size] for i in range(0, len(rest), size)]
        results = pool.map(_judge_chunk, [([(*items[i], probs[i], sds[i]) for i in c], wire) for c in chunks],
                           timeout)
        for chunk, res in zip(chunks, results):
            if res.status == "ok":
                for i, t in zip(chunk, res.value):
                    out[i] = _unpack(t)
                continue
            if res.status == "error":
                raise RuntimeError(f"math verifier worker failed: {res.error[:500]}")
            singles = pool.map(_judge_packed, [(*items[i], wire, probs[i], sds[i]) for i in chunk], timeout)
            for i, r in zip(chunk, singles):
                args = (*items[i], wire, probs[i], sds[i])
                out[i] = _from_result(r, *items[i], timeout, retry=lambda a=args: pool.call(_judge_packed, a, timeout))
    return out  # type: ignore[return-value]


def _check_inputs(gold: object, pred: object, problem: object = None) -> None:
    if not isinstance(gold, str) or not isinstance(pred, str):
        raise TypeError("gold and pred must be strings")
    if problem is not None and not isinstance(problem, str):
        raise TypeError("problem must be a string or None")


__all__ = ["check_answer", "check_answers", "judge", "judge_fast", "warm_pool"]
