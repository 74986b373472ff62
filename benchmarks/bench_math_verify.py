"""Side by side: stepforge's math answer checker against Hugging Face Math-Verify on the same pairs.

Both run on the same (gold, pred) pairs spread over the answer forms (numbers, fractions, radicals,
constants, complex, percent, degrees, scientific, base-n, sets, intervals, tuples, expressions, identities,
equations, inequalities, matrices, choices, text), half equal and half not, each pred a short solution
ending in a box. Math-Verify runs in its best setup on this machine, a 2-process pool
(``parse(\\boxed{gold})`` + ``parse(pred)`` + ``verify``); stepforge runs ``check_answers(pairs, workers=2)``
with its hard per-pair limit. Each run starts fresh pools for both (no cache carries over), warms them,
and times the two alternately block by block, so that load from other jobs on a shared machine hits both
alike. Prints pairs/s of both, the ratio (medians over runs) and both agreements with the intended labels.

    pip install 'stepforge[bench]'   # math-verify, only for this benchmark
    python benchmarks/bench_math_verify.py [--pairs 600] [--runs 3]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SENTENCES = [
    "Putting everything together, the answer is $\\boxed{{{a}}}$.",
    "After simplifying we obtain \\boxed{{{a}}}.",
    "Therefore the final result is $\\boxed{{{a}}}$, which completes the solution.",
    "So we conclude that the value is \\[\\boxed{{{a}}}\\]",
]


def _frac(p: int, q: int) -> str:
    return f"\\frac{{{p}}}{{{q}}}"


def make_pairs(n: int, seed: int = 7) -> list[tuple[str, str, bool, str]]:
    """(gold, pred_solution, intended_equal, kind); deterministic, half equal."""
    rng = random.Random(seed)
    kinds = []

    def k_int(eq):
        a = rng.randint(-999, 99999)
        return str(a), str(a if eq else a + rng.choice([1, -1, 10, 2])), "int"

    def k_bigint(eq):
        a = rng.randint(10**20, 10**25)
        return f"{a}", f"{a if eq else a + 1}", "big_int"

    def k_decimal(eq):
        a = Fraction(rng.randint(1, 99999), 100)
        s = f"{float(a):.2f}"
        return s, (s if eq else f"{float(a) + 0.01:.2f}") if rng.random() < 0.5 else (s + "0" if eq else f"{float(a) + 0.1:.2f}"), "decimal"

    def k_frac(eq):
        p, q = rng.randint(1, 50), rng.randint(51, 97)
        g = _frac(p, q)
        if eq:
            return g, rng.choice([_frac(2 * p, 2 * q), f"{p}/{q}", f"\\dfrac{{{p}}}{{{q}}}"]), "fraction"
        return g, rng.choice([_frac(p + 1, q), _frac(q, p), f"{p}/{q + 1}"]), "fraction"

    def k_sqrt(eq):
        a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 6, 7, 10, 11])
        g = f"{a}\\sqrt{{{b}}}"
        if eq:
            return g, rng.choice([f"\\sqrt{{{a * a * b}}}", f"{a}\\sqrt{b}" if b < 10 else f"{a}\\sqrt{{{b}}}", f"\\sqrt{{{b}}}\\cdot {a}"]), "sqrt"
        return g, rng.choice([f"\\sqrt{{{a * b}}}", f"{a + 1}\\sqrt{{{b}}}", f"{a}\\sqrt{{{b + 1}}}"]), "sqrt"

    def k_pi(eq):
        p, q = rng.randint(1, 9), rng.randint(2, 9)
        g = f"\\frac{{{p}\\pi}}{{{q}}}"
        return g, (f"\\frac{{{p}}}{{{q}}}\\pi" if eq else f"\\frac{{{p + 1}\\pi}}{{{q}}}"), "pi"

    def k_complex(eq):
        a, b = rng.randint(-9, 9), rng.randint(1, 9)
        g = f"{a}+{b}i"
        return g, (f"{b}i+{a}" if eq else f"{a}-{b}i"), "complex"

    def k_percent(eq):
        a = rng.randint(1, 99)
        return f"{a}\\%", (f"{a}\\%" if eq else f"{a + 1}\\%"), "percent"

    def k_sci(eq):
        m, e = rng.randint(11, 99), rng.randint(3, 9)
        g = f"{m / 10}\\times 10^{{{e}}}"
        return g, (str(m * 10 ** (e - 1)) if eq else str(m * 10 ** (e - 1) + 10 ** (e - 2))), "scientific"

    def k_set(eq):
        xs = rng.sample(range(-20, 20), 3)
        g = "\\{" + ", ".join(map(str, xs)) + "\\}"
        ys = list(xs)
        rng.shuffle(ys)
        if not eq:
            ys[0] += 1
        return g, ", ".join(map(str, ys)), "set"

    def k_interval(eq):
        a, b = sorted(rng.sample(range(-20, 20), 2))
        g = f"[{a}, {b})"
        return g, (f"[{a},{b})" if eq else rng.choice([f"({a}, {b})", f"[{a}, {b}]", f"[{a}, {b + 1})"])), "interval"

    def k_tuple(eq):
        a, b = rng.randint(-9, 9), rng.randint(-9, 9)
        if a == b:
            b += 1
        g = f"({a}, {b})"
        return g, (f"\\left({a},{b}\\right)" if eq else f"({b}, {a})"), "tuple"

    def k_poly(eq):
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        g = f"x^2+{a + b}x+{a * b}"
        return g, (f"(x+{a})(x+{b})" if eq else f"(x+{a})(x+{b + 1})"), "polynomial"

    def k_rational(eq):
        a = rng.randint(1, 9)
        g = f"\\frac{{x^2-{a * a}}}{{x-{a}}}"
        return g, (f"x+{a}" if eq else f"x-{a}"), "rational_expr"

    def k_trig(eq):
        return "1", ("\\sin^2 x+\\cos^2 x" if eq else "\\sin^2 x-\\cos^2 x"), "trig_identity"

    def k_eq(eq):
        a, b, c = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 9)
        g = f"y={a}x+{b}"
        return g, (f"{a}x-y+{b}=0" if eq else f"{a}x-y+{b + c}=0"), "equation"

    def k_ineq(eq):
        a = rng.randint(-9, 9)
        g = f"x > {a}"
        return g, (f"{a} < x" if eq else f"x \\ge {a}"), "inequality"

    def k_matrix(eq):
        m = [rng.randint(-9, 9) for _ in range(4)]
        g = "\\begin{pmatrix}%d & %d \\\\ %d & %d\\end{pmatrix}" % tuple(m)
        m2 = list(m) if eq else [m[0] + 1, *m[1:]]
        return g, "\\begin{bmatrix}%d & %d \\\\ %d & %d\\end{bmatrix}" % tuple(m2), "matrix"

    def k_mcq(eq):
        a = rng.choice("ABCD")
        return a, (f"\\text{{({a})}}" if eq else rng.choice([c for c in "ABCD" if c != a])), "choice"

    def k_text(eq):
        w = rng.choice(["Evelyn", "odd", "Tuesday", "north"])
        return f"\\text{{{w}}}", (w if eq else rng.choice(["Bob", "even", "Friday", "south"])), "text"

    def k_mixed(eq):
        a, p, q = rng.randint(1, 9), rng.randint(1, 4), 5
        g = f"{a}\\frac{{{p}}}{{{q}}}"
        return g, (_frac(a * q + p, q) if eq else _frac(a * q - p, q)), "mixed_number"

    def k_degree(eq):
        d = rng.choice([30, 45, 60, 90, 120, 135, 150, 180])
        g = f"{d}^\\circ"
        return g, (str(d) if eq else str(d + 5)), "degree"

    def k_base(eq):
        v = rng.randint(5, 200)
        b = rng.choice([2, 3, 5, 8])
        digits = ""
        x = v
        while x:
            digits = str(x % b) + digits
            x //= b
        return f"{digits}_{{{b}}}", (str(v) if eq else str(v + 1)), "base_n"

    def k_units(eq):
        v = rng.randint(2, 500)
        return str(v), (f"{v} \\text{{ cm}}^2" if eq else f"{v + 2} \\text{{ cm}}^2"), "units"

    def k_tiny(eq):
        e = rng.randint(30, 90)
        g = f"\\frac{{1}}{{2^{{{e}}}}}"
        return g, (f"2^{{-{e}}}" if eq else f"\\frac{{1}}{{2^{{{e + 1}}}}}"), "tiny_number"

    def k_assign(eq):
        v = rng.randint(-50, 50)
        return str(v), (f"x = {v}" if eq else f"x = {v + 3}"), "assignment"

    def k_union(eq):
        a, b = sorted(rng.sample(range(-20, 20), 2))
        g = f"(-\\infty, {a}) \\cup ({b}, \\infty)"
        return g, (f"({b},\\infty)\\cup(-\\infty,{a})" if eq else f"(-\\infty, {a}] \\cup ({b}, \\infty)"), "union"

    kinds = [k_degree, k_base, k_units, k_tiny, k_assign, k_union, k_int, k_bigint, k_decimal, k_frac, k_sqrt, k_pi, k_complex, k_percent, k_sci, k_set, k_interval,
             k_tuple, k_poly, k_rational, k_trig, k_eq, k_ineq, k_matrix, k_mcq, k_text, k_mixed]
    pairs = []
    for i in range(n):
        eq = i % 2 == 0
        g, p, kind = kinds[(i // 2) % len(kinds)](eq)
        sent = rng.choice(SENTENCES).format(a=p)
        pairs.append((g, sent, eq, kind))
    return pairs


# ----------------------------------------------------------------------------------------- Math-Verify

def _mv_one(args):
    gold, pred = args
    from math_verify import parse, verify

    try:
        g = parse("\\boxed{" + gold + "}")
        p = parse(pred)
        return bool(verify(g, p))
    except Exception:  # noqa: BLE001 - count as not equal, as its users do
        return False


def _mv_warm(_):
    import math_verify  # noqa: F401

    return _mv_one(("1", "\\boxed{1}"))


def _fresh_stepforge_pool():
    """Each run starts from new worker processes (empty caches), as Math-Verify's pool does."""
    from stepforge import _pool
    from stepforge.verifiers.math import answer

    with _pool._shared_lock:
        old = _pool._shared.pop(answer._POOL_NAME, None)
    if old is not None:
        old.close()


def run_both(pairs, workers=2, blocks=6):
    """One run: fresh, warmed pools for both; the pairs in blocks, timed alternately (load hits both alike)."""
    from stepforge.verifiers.math import check_answers

    _fresh_stepforge_pool()
    ctx = mp.get_context("fork")
    mv_out: list = []
    sf_out: list = []
    mv_dt = sf_dt = 0.0
    with ctx.Pool(workers) as pool:
        pool.map(_mv_warm, range(workers * 2))
        check_answers([("1", "1"), ("x+1", "1+x"), ("[1,2)", "[1,2)"), ("a", "b")] * workers, workers=workers)
        size = -(-len(pairs) // blocks)
        for b, start in enumerate(range(0, len(pairs), size)):
            block = [(g, p) for g, p, _, _ in pairs[start : start + size]]
            for who in (("mv", "sf") if b % 2 == 0 else ("sf", "mv")):
                t0 = time.perf_counter()
                if who == "mv":
                    mv_out += pool.map(_mv_one, block, chunksize=4)
                    mv_dt += time.perf_counter() - t0
                else:
                    sf_out += check_answers(block, workers=workers, timeout=5.0)
                    sf_dt += time.perf_counter() - t0
    return mv_out, mv_dt, [v.equal for v in sf_out], sf_dt, sf_out


def research_note_cases(workers: int) -> None:
    """The Math-Verify failures listed in the research note (shipped golden file): who decides them right."""
    import json
    from importlib import resources

    from stepforge.verifiers.math import check_answers

    text = (resources.files("stepforge.verifiers.math") / "golden" / "mathverify_failures.jsonl").read_text()
    rows = [json.loads(x) for x in text.splitlines() if x.strip()]
    want = [r["expected"] == "equal" for r in rows]
    ctx = mp.get_context("fork")
    with ctx.Pool(workers) as pool:
        jobs = [pool.apply_async(_mv_one, ((r["gold"], r["pred"]),)) for r in rows]
        mv = []
        for j in jobs:
            try:
                mv.append(j.get(timeout=30))
            except mp.TimeoutError:
                mv.append(None)
    sf = [v.equal for v in check_answers([(r["gold"], r["pred"]) for r in rows], workers=workers)]
    mv_ok = sum(a == b for a, b in zip(mv, want))
    sf_ok = sum(a == b for a, b in zip(sf, want))
    print(f"research-note Math-Verify failure cases ({len(rows)}): math-verify {mv_ok}/{len(rows)} right, "
          f"stepforge {sf_ok}/{len(rows)} right")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=702)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--show-disagreements", action="store_true")
    args = ap.parse_args(argv)
    try:
        import math_verify  # noqa: F401
    except ImportError:
        print("math-verify is not installed: pip install 'stepforge[bench]'", file=sys.stderr)
        return 2
    pairs = make_pairs(args.pairs)
    labels = [e for _, _, e, _ in pairs]
    mv_rates, sf_rates, ratios = [], [], []
    mv_out = sf_out = None
    for r in range(args.runs):
        # fresh worker processes for both each run: no cache carries over between runs of either checker
        mv_out, mv_dt, sf_out, sf_dt, verdicts = run_both(pairs, args.workers)
        mv_rates.append(len(pairs) / mv_dt)
        sf_rates.append(len(pairs) / sf_dt)
        ratios.append(sf_rates[-1] / mv_rates[-1])
        print(f"run {r + 1}: math-verify {mv_rates[-1]:8.1f} pairs/s   stepforge {sf_rates[-1]:8.1f} pairs/s   ratio {ratios[-1]:.1f}x")
    worst = max(v.seconds for v in verdicts)
    timeouts = sum(v.verdict == "timeout" for v in verdicts)
    mv_agree = sum(a == b for a, b in zip(mv_out, labels))
    sf_agree = sum(a == b for a, b in zip(sf_out, labels))
    kinds = sorted({k for *_, k in pairs})
    print(f"pairs: {len(pairs)} over {len(kinds)} forms ({', '.join(kinds)}); workers: {args.workers} each")
    print(f"math-verify (2-process pool): {statistics.median(mv_rates):.1f} pairs/s (median of {args.runs})")
    print(f"stepforge check_answers     : {statistics.median(sf_rates):.1f} pairs/s (median of {args.runs})")
    print(f"ratio (median): {statistics.median(ratios):.1f}x")
    print(f"agreement with intended labels: math-verify {mv_agree}/{len(pairs)} ({100 * mv_agree / len(pairs):.1f}%), "
          f"stepforge {sf_agree}/{len(pairs)} ({100 * sf_agree / len(pairs):.1f}%)")
    print(f"stepforge per-pair: slowest {worst * 1000:.1f} ms (hard limit 5 s), timeouts {timeouts}")
    research_note_cases(args.workers)
    if args.show_disagreements:
        for (g, p, e, k), a, b in zip(pairs, mv_out, sf_out):
            if a != e or b != e:
                print(f"  [{k}] intended={e} mv={a} sf={b}  gold={g!r} pred={p!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
