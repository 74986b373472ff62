"""Side by side: stepforge's math answer checker against Hugging Face Math-Verify on the same pairs.

Both run on the same (gold, pred) pairs spread over the answer forms (numbers, thousands with currency,
units, fractions, radicals, constants, complex, percent, degrees, scientific, base-n, sets, intervals with
decimal ends, inequalities for intervals, tuples, expressions, identities, equations, matrices and their
sums, choices, text), half equal and half not, each pred a short solution ending in a box. Math-Verify
runs in its best setup on this machine, a 2-process pool (``parse(\\boxed{gold})`` + ``parse(pred)`` +
``verify``); stepforge runs ``check_answers(pairs, workers=2)``: what its bounded exact paths decide is
answered in the calling process, the rest in its hard-limited pool, started on first need.

* cold: a fresh process per checker per round, 500 pairs, interpreter start, imports and pool start
  included (the wall time from launching the process to its exit); the two alternate round by round.
* warm: both already running (pools started, imports done), timed block by block, alternately, on pairs
  neither has seen (no parse cache carries over).
* the same two figures with a share of hard pairs (a gold that still holds a derivative), which only
  stepforge's general path decides: the cost of starting its pool when a batch needs it.

Prints pairs/s of both, the ratios (medians over rounds) and both agreements with the intended labels.

    pip install 'stepforge[bench]'   # math-verify, only for this benchmark
    python benchmarks/bench_math_verify.py [--pairs 500] [--rounds 5]
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


def make_pairs(n: int, seed: int = 7, hard_share: float = 0.0) -> list[tuple[str, str, bool, str]]:
    """(gold, pred_solution, intended_equal, kind); deterministic, half equal.

    ``hard_share`` of the pairs have a gold that still holds an operation (a derivative): only the general
    path (sympy, in stepforge's hard-limited pool) decides those."""
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

    def k_thousands(eq):
        a = rng.randint(1000, 999999)
        return str(a), (f"\\${a:,}" if eq else f"\\${a + rng.choice([1, 10, 100]):,}"), "thousands_currency"

    def k_boxed_unit(eq):
        a = rng.randint(2, 500)
        return str(a), (f"{a} cm" if eq else f"{a + 1} cm"), "boxed_unit"

    def k_matrix_sum(eq):
        m = [rng.randint(-9, 9) for _ in range(4)]
        g = "\\begin{pmatrix}%d \\\\ %d\\end{pmatrix}" % (m[0] + m[2], m[1] + m[3])
        q = list(m) if eq else [m[0], m[1], m[2] + 1, m[3]]
        return g, "\\begin{pmatrix}%d \\\\ %d\\end{pmatrix} + \\begin{pmatrix}%d \\\\ %d\\end{pmatrix}" % tuple(q), "matrix_sum"

    def k_interval_decimal(eq):
        a = rng.choice([2, 3, 5, 6, 7])
        g = f"[1-\\sqrt{{{a}}}, 1+\\sqrt{{{a}}}]"
        r = a ** 0.5
        lo, hi = 1 - r, 1 + r
        if not eq:
            hi += 0.01
        return g, f"[{lo:.4f}, {hi:.4f}]", "interval_decimal"

    def k_ineq_interval(eq):
        a, b = sorted(rng.sample(range(-20, 20), 2))
        return f"[{a}, {b}]", (f"{a} \\le x \\le {b}" if eq else f"{a} < x \\le {b}"), "inequality_for_interval"

    kinds = [k_thousands, k_boxed_unit, k_matrix_sum, k_interval_decimal, k_ineq_interval, k_degree, k_base, k_units, k_tiny, k_assign, k_union, k_int, k_bigint, k_decimal, k_frac, k_sqrt, k_pi, k_complex, k_percent, k_sci, k_set, k_interval,
             k_tuple, k_poly, k_rational, k_trig, k_eq, k_ineq, k_matrix, k_mcq, k_text, k_mixed]
    def k_derivative(eq):
        k = rng.randint(2, 9)
        return f"\\frac{{d}}{{dx}}\\left(x^{{{k}}}\\right)", (f"{k}x^{{{k - 1}}}" if eq else f"{k}x^{{{k}}}"), "derivative_gold"

    pairs = []
    hard_every = round(1 / hard_share) if hard_share else 0
    for i in range(n):
        eq = i % 2 == 0
        if hard_every and i % hard_every == hard_every - 1:
            g, p, kind = k_derivative(eq)
        else:
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


# ----------------------------------------------------------------------------------------- one checker, cold

def child(who: str, n: int, seed: int, hard: float, workers: int) -> None:
    """Run one checker on the pairs in this (fresh) process and print its verdicts as JSON."""
    import json

    pairs = [(g, p) for g, p, _, _ in make_pairs(n, seed, hard)]
    if who == "mv":
        with mp.get_context("fork").Pool(workers) as pool:
            out = pool.map(_mv_one, pairs, chunksize=4)
    else:
        from stepforge.verifiers.math import check_answers

        out = [v.equal for v in check_answers(pairs, workers=workers, timeout=5.0)]
    print(json.dumps(out))


def cold(n: int, seed: int, hard: float, workers: int) -> tuple[dict, dict]:
    """Wall time of each checker in a fresh process (launch to exit) and its verdicts."""
    import json
    import os
    import subprocess

    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src") + os.pathsep + env.get("PYTHONPATH", "")
    times, outs = {}, {}
    order = ("mv", "sf") if seed % 2 else ("sf", "mv")
    for who in order:
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, __file__, "--child", who, "--pairs", str(n), "--seed", str(seed),
                            "--hard", str(hard), "--workers", str(workers)], capture_output=True, text=True, env=env)
        times[who] = time.perf_counter() - t0
        if r.returncode != 0:
            raise SystemExit(f"{who} child failed: {r.stderr[-2000:]}")
        outs[who] = json.loads(r.stdout.strip().splitlines()[-1])
    return times, outs


# ----------------------------------------------------------------------------------------- both, warm

def warm(n: int, seed: int, hard: float, workers: int, blocks: int = 6) -> tuple[dict, dict]:
    """Both checkers running and warm; new pairs timed block by block, alternately."""
    from stepforge.verifiers.math import check_answers
    from stepforge.verifiers.math.answer import warm_pool

    pairs = make_pairs(n, seed, hard)
    warmup = [(g, p) for g, p, _, _ in make_pairs(64, seed + 1000, hard)]
    ctx = mp.get_context("fork")
    out: dict = {"mv": [], "sf": []}
    dt = {"mv": 0.0, "sf": 0.0}
    with ctx.Pool(workers) as pool:
        pool.map(_mv_warm, range(workers * 2))
        pool.map(_mv_one, warmup, chunksize=4)
        warm_pool(workers)
        check_answers(warmup, workers=workers)
        size = -(-len(pairs) // blocks)
        for b, start in enumerate(range(0, len(pairs), size)):
            block = [(g, p) for g, p, _, _ in pairs[start : start + size]]
            for who in (("mv", "sf") if b % 2 == 0 else ("sf", "mv")):
                t0 = time.perf_counter()
                if who == "mv":
                    out["mv"] += pool.map(_mv_one, block, chunksize=4)
                else:
                    out["sf"] += [v.equal for v in check_answers(block, workers=workers, timeout=5.0)]
                dt[who] += time.perf_counter() - t0
    return dt, out


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


def _agree(out: list, labels: list) -> str:
    k = sum(a == b for a, b in zip(out, labels))
    return f"{k}/{len(labels)} ({100 * k / len(labels):.1f}%)"


def scenario(name: str, n: int, rounds: int, hard: float, workers: int, show: bool) -> None:
    labels = [e for _, _, e, _ in make_pairs(n, 0, hard)]
    cold_mv, cold_sf, cold_ratio = [], [], []
    outs: dict = {}
    for r in range(rounds):
        times, outs = cold(n, r, hard, workers)
        labels = [e for _, _, e, _ in make_pairs(n, r, hard)]
        cold_mv.append(n / times["mv"])
        cold_sf.append(n / times["sf"])
        cold_ratio.append(times["mv"] / times["sf"])
        print(f"  [{name}] cold round {r + 1}: math-verify {times['mv']:.2f} s ({cold_mv[-1]:.0f} pairs/s)   "
              f"stepforge {times['sf']:.2f} s ({cold_sf[-1]:.0f} pairs/s)   ratio {cold_ratio[-1]:.1f}x")
    warm_mv, warm_sf, warm_ratio = [], [], []
    wouts: dict = {}
    wlabels: list = []
    for r in range(rounds):
        dt, wouts = warm(n, 100 + r, hard, workers)
        wlabels = [e for _, _, e, _ in make_pairs(n, 100 + r, hard)]
        warm_mv.append(n / dt["mv"])
        warm_sf.append(n / dt["sf"])
        warm_ratio.append(dt["mv"] / dt["sf"])
        print(f"  [{name}] warm round {r + 1}: math-verify {warm_mv[-1]:.0f} pairs/s   stepforge {warm_sf[-1]:.0f} pairs/s"
              f"   ratio {warm_ratio[-1]:.1f}x")
    med = statistics.median
    print(f"{name}: {n} pairs, {workers} workers each, medians of {rounds} rounds")
    print(f"  cold (fresh process, start included): math-verify {med(cold_mv):.0f} pairs/s, stepforge {med(cold_sf):.0f} "
          f"pairs/s, ratio {med(cold_ratio):.1f}x")
    print(f"  warm (new pairs):                     math-verify {med(warm_mv):.0f} pairs/s, stepforge {med(warm_sf):.0f} "
          f"pairs/s, ratio {med(warm_ratio):.1f}x")
    print(f"  agreement with intended labels (last cold round): math-verify {_agree(outs['mv'], labels)}, "
          f"stepforge {_agree(outs['sf'], labels)}")
    print(f"  agreement with intended labels (last warm round): math-verify {_agree(wouts['mv'], wlabels)}, "
          f"stepforge {_agree(wouts['sf'], wlabels)}")
    if show:
        pairs = make_pairs(n, rounds - 1, hard)
        for (g, p, e, k), a, b in zip(pairs, outs["mv"], outs["sf"]):
            if a != e or b != e:
                print(f"    [{k}] intended={e} mv={a} sf={b}  gold={g!r} pred={p!r}")


def real_solutions(files: list[Path], spec: str, workers: int) -> None:
    """Verdicts on whole model solutions (ProcessBench-format rows: ``problem``, ``steps``, ``final_answer_correct``)
    against the answer label each row carries, with the reference answer of its problem from ``spec`` (what ``stepforge
    label --references`` takes: files of ``problem``/``answer`` rows, ``gsm8k``, ``math``, a comma list): how often
    each checker's verdict is the label, and how often it reads no answer."""
    from stepforge.datasets.importers import iter_rows
    from stepforge.errors import UserError
    from stepforge.generators.sources import references
    from stepforge.verifiers.math import check_answers

    refs = references.load(spec) or {}
    rows = []
    for f in files:
        if not f.is_file():
            raise UserError(f"{f} is not a file")
        for r in iter_rows(f):
            ref = refs.get(references.problem_key(str(r.get("problem", ""))))
            if ref is not None and r.get("final_answer_correct") is not None:
                rows.append((ref.answer, "\n\n".join(r["steps"]), r["problem"], bool(r["final_answer_correct"])))
    if not rows:
        raise UserError("no row has both a reference answer and an answer label")
    with mp.get_context("fork").Pool(workers) as pool:
        mv = pool.map(_mv_one, [(g, p) for g, p, _, _ in rows], chunksize=8)
    sf = check_answers([(g, p) for g, p, _, _ in rows], workers=workers, problems=[q for _, _, q, _ in rows])
    labels = [lab for *_, lab in rows]
    sf_right = sum(v.verdict in ("equal", "not_equal") and v.equal == lab for v, lab in zip(sf, labels))
    sf_unread = sum(v.verdict not in ("equal", "not_equal") for v in sf)
    mv_right = sum(a == lab for a, lab in zip(mv, labels))
    n = len(rows)
    print(f"real solutions: {n} rows with a reference and an answer label ({sum(labels)} right answers)")
    print(f"  Math-Verify: verdict = label {mv_right}/{n} ({mv_right / n:.1%}) (no verdict counts as 'not equal')")
    print(f"  stepforge:   verdict = label {sf_right}/{n} ({sf_right / n:.1%}); no verdict {sf_unread} "
          f"(inconclusive, never a guess); wrong verdicts {n - sf_right - sf_unread}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hard-share", type=float, default=0.05, help="share of hard pairs in the second scenario")
    ap.add_argument("--show-disagreements", action="store_true")
    ap.add_argument("--real", type=Path, nargs="+", help="ProcessBench-format rows with answer labels (see real_solutions)")
    ap.add_argument("--references", help="with --real: reference answers, as stepforge label --references takes them "
                    "(files of problem/answer rows, gsm8k, math, a comma list)")
    ap.add_argument("--child", choices=("mv", "sf"), help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--hard", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.pairs, args.seed, args.hard, args.workers)
        return 0
    try:
        import math_verify  # noqa: F401
    except ImportError:
        print("math-verify is not installed: pip install 'stepforge[bench]'", file=sys.stderr)
        return 2
    if args.real:
        if args.references is None:
            print("--real needs --references", file=sys.stderr)
            return 2
        from stepforge.errors import UserError

        try:
            real_solutions(args.real, args.references, args.workers)
        except UserError as exc:
            print(f"bench_math_verify: {exc}", file=sys.stderr)
            return 2
        return 0
    kinds = sorted({k for *_, k in make_pairs(args.pairs, 0, args.hard_share)})
    print(f"forms: {', '.join(kinds)}")
    scenario("decided in process", args.pairs, args.rounds, 0.0, args.workers, args.show_disagreements)
    scenario(f"{args.hard_share:.0%} hard pairs", args.pairs, args.rounds, args.hard_share, args.workers,
             args.show_disagreements)
    research_note_cases(args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
