"""Side by side: stepforge's math answer checker against Hugging Face Math-Verify on the same pairs.

Both run on the same (gold, pred) pairs spread over the answer forms (numbers, fractions, radicals,
constants, complex, percent, degrees, scientific, base-n, sets, intervals, tuples, expressions, identities,
equations, inequalities, matrices, choices, text), half equal and half not, each pred a short solution
ending in a box. Math-Verify runs in its best setup on this machine, a 2-process pool
(``parse(\\boxed{gold})`` + ``parse(pred)`` + ``verify``); stepforge runs ``check_answers(pairs, workers=2)``
with its hard per-pair limit. Both pools are warmed before timing. Prints pairs/s of both, the ratio
(medians over runs) and both agreements with the intended labels.

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

    kinds = [k_int, k_bigint, k_decimal, k_frac, k_sqrt, k_pi, k_complex, k_percent, k_sci, k_set, k_interval,
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


def run_mathverify(pairs, procs=2):
    ctx = mp.get_context("fork")
    with ctx.Pool(procs) as pool:
        pool.map(_mv_warm, range(procs * 2))
        t0 = time.perf_counter()
        out = pool.map(_mv_one, [(g, p) for g, p, _, _ in pairs], chunksize=4)
        dt = time.perf_counter() - t0
    return out, dt


def run_stepforge(pairs, workers=2):
    from stepforge.verifiers.math import check_answers

    check_answers([("1", "1"), ("x+1", "1+x"), ("[1,2)", "[1,2)"), ("a", "b")] * workers, workers=workers)  # warm
    t0 = time.perf_counter()
    out = check_answers([(g, p) for g, p, _, _ in pairs], workers=workers, timeout=5.0)
    dt = time.perf_counter() - t0
    return [v.equal for v in out], dt, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=630)
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
        # a fresh copy of the inputs each run: no cache carries over between runs of either checker
        run_pairs = [(g + " " * (r + 1), p, e, k) for g, p, e, k in pairs]
        mv_out, mv_dt = run_mathverify(run_pairs, args.workers)
        sf_out, sf_dt, verdicts = run_stepforge(run_pairs, args.workers)
        mv_rates.append(len(pairs) / mv_dt)
        sf_rates.append(len(pairs) / sf_dt)
        ratios.append(sf_rates[-1] / mv_rates[-1])
        print(f"run {r + 1}: math-verify {mv_rates[-1]:8.1f} pairs/s   stepforge {sf_rates[-1]:8.1f} pairs/s   ratio {ratios[-1]:.1f}x")
    mv_agree = sum(a == b for a, b in zip(mv_out, labels))
    sf_agree = sum(a == b for a, b in zip(sf_out, labels))
    kinds = sorted({k for *_, k in pairs})
    print(f"pairs: {len(pairs)} over {len(kinds)} forms ({', '.join(kinds)}); workers: {args.workers} each")
    print(f"math-verify (2-process pool): {statistics.median(mv_rates):.1f} pairs/s (median of {args.runs})")
    print(f"stepforge check_answers     : {statistics.median(sf_rates):.1f} pairs/s (median of {args.runs})")
    print(f"ratio (median): {statistics.median(ratios):.1f}x")
    print(f"agreement with intended labels: math-verify {mv_agree}/{len(pairs)} ({100 * mv_agree / len(pairs):.1f}%), "
          f"stepforge {sf_agree}/{len(pairs)} ({100 * sf_agree / len(pairs):.1f}%)")
    if args.show_disagreements:
        for (g, p, e, k), a, b in zip(pairs, mv_out, sf_out):
            if a != e or b != e:
                print(f"  [{k}] intended={e} mv={a} sf={b}  gold={g!r} pred={p!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
