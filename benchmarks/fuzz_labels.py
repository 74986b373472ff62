"""Mutation fuzz of the ``symbolic`` labeller on real solution texts (issue 11: no crash, no row over 10 s).

Real solutions (RealCritic olympiad/math/GSM8K, CHAMP, PRMBench; never ProcessBench) are mutated the way model output
goes wrong (cut mid-LaTeX, unbalanced braces, huge exponents, nested fractions, repeated segments, long digit
strings, ``\\begin{array}``, unicode, deep brackets, long chains, factorials) and labelled through bench_labels'
path (the math domain's ``record``: verdict, ``symbolic``, keep rule). Printed: rows, exceptions that escaped,
rows over ``--slow`` seconds, rows whose checker worker was killed or failed, per mutation; ``--out`` writes every
finding (mutation, row id, seconds, what happened, the mutated steps) as JSON lines. Seeded: the same ``--seed``
gives the same rows.

    PYTHONPATH=src .venv/bin/python benchmarks/fuzz_labels.py [--n 200] [--seed 1] [--out /tmp/fuzz.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_labels as bl  # noqa: E402

DATA = Path(os.environ.get("STEPFORGE_FUZZ_DATA", "/work/wt/data"))
SOURCES = [  # (file, --references spec): every one a set of real model or reference solutions
    ("rcm/olymp_gen_pb.jsonl", "math,{d}/rcm/olymp_refs.jsonl"),
    ("rcm/olymp_gen_wrong_pb.jsonl", "math,{d}/rcm/olymp_refs.jsonl"),
    ("olymp/olymp_gen_wrong_pb.jsonl", "{d}/olymp/olymp_refs.jsonl"),
    ("champ/champ_pb.jsonl", "{d}/champ/champ_refs.jsonl"),
    ("prmbench_test.jsonl", None),
    ("rcg/olymp_gen_wrong_pb.jsonl", "gsm8k,{d}/rcg/olymp_refs.jsonl"),  # word problems: answers in sentences
]

_MATH = re.compile(r"\$[^$]+\$|\\\[.+?\\\]|\\\(.+?\\\)", re.S)
_NUM = re.compile(r"\d+(?:\.\d+)?")
_UNI = ["\u2212", "\u00d7", "\u00f7", "\u221a", "\u2211", "\u222b", "\u03c0", "\u2264", "\u2260", "\u00b2", "\u00b3",
        "\u200b", "\u200f", "\ufeff", "\u0301", "\uff11\uff12", "\U0001d465", "\u2153", "\u221e", "\u00b1", "\U0001f600",
        "\u2061", "\u00a0", "\u2028"]


def _cut(t: str, r: random.Random) -> str:
    """Truncated mid-LaTeX: cut inside a math span (or anywhere)."""
    ms = list(_MATH.finditer(t))
    if ms:
        m = r.choice(ms)
        return t[:r.randint(m.start() + 1, max(m.start() + 1, m.end() - 1))]
    return t[:r.randint(0, len(t))]


def _braces(t: str, r: random.Random) -> str:
    for _ in range(r.randint(1, 6)):
        i = r.randint(0, len(t))
        t = t[:i] + r.choice(["{", "}", "\\left(", "\\right)", "{{", "}}", "\\frac{", "^{", "_{", "\\sqrt{", "$"]) + t[i:]
    return t


def _num_sub(t: str, r: random.Random, make: Callable[[random.Random], str]) -> str:
    ms = list(_NUM.finditer(t))
    if not ms:
        return t + f" ${make(r)} = {make(r)}$"
    chosen = sorted(r.sample(ms, min(len(ms), r.randint(1, 3))), key=lambda m: -m.start())
    for m in chosen:
        t = t[:m.start()] + make(r) + t[m.end():]
    return t


def _huge_exp(r: random.Random) -> str:
    return r.choice(["10^{10^{10}}", "2^{99999999}", "9^{9^{9}}", "{7}^{123456789}", "(10^{100})^{10^{100}}",
                     "2^{2^{2^{2^{2}}}}", "e^{10^{9}}", "10^{-10^{8}}", "x^{100000}", "(x+1)^{5000}",
                     "1.5^{1000000}", "3\\uparrow\\uparrow 4", "10^{10^{10^{10}}}"])


def _long_digits(r: random.Random) -> str:
    n = r.choice([300, 1000, 3000, 20000])
    d = "".join(r.choice("0123456789") for _ in range(n))
    return r.choice([d, "1" + d, d[:n // 2] + "." + d[n // 2:], "0." + d, f"{d}/{d[:n//2]}"])


def _nested_frac(r: random.Random) -> str:
    k = r.choice([10, 40, 150, 600])
    s = "1"
    for i in range(k):
        s = f"\\frac{{{r.randint(1, 9)}}}{{{r.randint(1, 9)}+{s}}}" if r.random() < 0.5 else f"\\frac{{{s}}}{{{r.randint(2, 9)}}}"
    return s


def _deep(r: random.Random) -> str:
    k = r.choice([50, 300, 2000])
    return "(" * k + "1+2" + ")" * k


def _chain(r: random.Random) -> str:
    k = r.choice([30, 200, 1000])
    return " = ".join(f"{r.randint(1, 9)}+{r.randint(1, 9)}" for _ in range(k))


def _fact(r: random.Random) -> str:
    return r.choice(["1000000!", "(10^{10})!", "100000!!", "\\binom{10^{9}}{5000}", "9999!", "\\Gamma(10^{8})",
                     "\\sum_{k=1}^{10^{12}} k^{3}", "\\prod_{k=1}^{100000} k", "\\int_0^{10^9} x^{x}\\,dx",
                     "\\lim_{n\\to\\infty}(1+1/n)^{n^{2}}", "\\sin(10^{100})", "\\lfloor 10^{50}\\pi \\rfloor"])


def _array(r: random.Random) -> str:
    rows, cols = r.choice([(2, 2), (3, 3), (20, 20), (60, 5)])
    body = " \\\\ ".join(" & ".join(str(r.randint(-9, 99)) for _ in range(cols)) for _ in range(rows))
    env = r.choice(["array", "pmatrix", "bmatrix", "aligned", "cases", "align*", "vmatrix"])
    spec = "{" + "c" * cols + "}" if env == "array" else ""
    end = "" if r.random() < 0.3 else f"\\end{{{env}}}"
    return f"$\\begin{{{env}}}{spec} {body} {end}$ = ${r.randint(0, 99)}$"


def _unicode(t: str, r: random.Random) -> str:
    for _ in range(r.randint(1, 8)):
        i = r.randint(0, len(t))
        t = t[:i] + r.choice(_UNI) + t[i:]
    return t


def _repeat(t: str, r: random.Random) -> str:
    ms = list(_MATH.finditer(t))
    seg = r.choice(ms).group(0) if ms and r.random() < 0.6 else t
    return t + (" " + seg) * r.choice([5, 30, 200])


def _dollars(t: str, r: random.Random) -> str:
    """Currency and math dollars mixed up around numbers: lone signs, long comma-grouped amounts, a restated result."""
    for _ in range(r.randint(1, 6)):
        i = r.randint(0, len(t))
        n = "".join(r.choice("0123456789") for _ in range(r.choice([3, 50, 4000])))
        grouped = ",".join(["1"] + ["000"] * r.choice([2, 300, 3000]))
        t = t[:i] + r.choice(["$", "\\$", f"${n}", f" = ${grouped}", f" = {n}.", f"${n}$", "$$", f" ${grouped} left",
                              f"\nSo, Tom has ${n} left after {n} days.", f"\n\\[ x = {grouped} \\]\nSo, it costs ${grouped}."]) + t[i:]
    return t


def _insert(make: Callable[[random.Random], str]) -> Callable[[str, random.Random], str]:
    def f(t: str, r: random.Random) -> str:
        x = make(r)
        return r.choice([f"{t} ${x}$", f"{t} We get ${x} = {x}$.", f"{t} $$ {x} = {r.randint(1, 99)} $$",
                         f"{t} So $y = {x}$ and $y + 1 = {x} + 1$."])
    return f


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "cut_mid_latex": _cut,
    "unbalanced_braces": _braces,
    "huge_exponent": lambda t, r: _num_sub(t, r, _huge_exp),
    "huge_exponent_claim": _insert(_huge_exp),
    "long_digits": lambda t, r: _num_sub(t, r, _long_digits),
    "nested_fractions": _insert(_nested_frac),
    "deep_brackets": _insert(_deep),
    "long_chain": _insert(_chain),
    "factorial_sum_int": _insert(_fact),
    "array_env": lambda t, r: t + " " + _array(r),
    "unicode": _unicode,
    "repeated_segment": _repeat,
    "dollars": _dollars,
}


def _load(limit_per_file: int, rng: random.Random) -> list[Any]:
    from stepforge.datasets import importers
    from stepforge.datasets.eval_labels import detect_format
    from stepforge.generators.sources import references as _refs

    golds = []
    for name, spec in SOURCES:
        path = DATA / name
        if not path.exists():
            continue
        rows = list(importers.iter_rows(path))
        fmt = detect_format(rows[0])
        traces = list(importers.iter_traces(fmt, rows))
        refs = _refs.load(spec.format(d=DATA) if spec else None)
        if refs is not None:
            traces = [_refs.with_reference(g, refs) for g in traces]
        rng.shuffle(traces)
        golds += [(name, fmt, t) for t in traces[:limit_per_file]]
    return golds


def mutate(steps: list[str], rng: random.Random, stack: int = 1,
           kinds: list[str] | None = None) -> tuple[str, list[str]]:
    """One mutation applied to one to three steps (the answer line among them a third of the time); with ``stack``
    over 1, up to that many mutations one after another (named by the first)."""
    kind, out = _mutate_once(steps, rng, kinds)
    for _ in range(rng.randint(0, stack - 1)):
        out = _mutate_once(out, rng, kinds)[1]
    return kind, out


def _mutate_once(steps: list[str], rng: random.Random, kinds: list[str] | None = None) -> tuple[str, list[str]]:
    kind = rng.choice(kinds or sorted(MUTATIONS))
    out = list(steps)
    picks = rng.sample(range(len(out)), min(len(out), rng.randint(1, 3)))
    if rng.random() < 0.33:
        picks.append(len(out) - 1)
    for i in set(picks):
        out[i] = MUTATIONS[kind](out[i], rng)
    if kind == "repeated_segment" and rng.random() < 0.3:  # whole steps repeated too
        out = out + out[rng.randint(0, len(out) - 1):] * rng.choice([3, 20])
    return kind, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="mutated rows")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow", type=float, default=8.0, help="a row over this many seconds is a finding")
    ap.add_argument("--stack", type=int, default=1, help="up to this many mutations on one row")
    ap.add_argument("--only", help="comma-separated mutations, the only ones drawn (default: all)")
    ap.add_argument("--out", type=Path, help="findings as JSON lines")
    args = ap.parse_args()
    from stepforge.generators.sources.records import candidate_of

    rng = random.Random(args.seed)
    golds = _load(max(40, args.n // 3), rng)
    config = bl._config()
    warm = bl._warm_up(config)
    only = sorted(set(args.only.split(","))) if args.only else None
    if only and not set(only) <= set(MUTATIONS):
        raise SystemExit(f"unknown mutation(s): {', '.join(sorted(set(only) - set(MUTATIONS)))}")
    tally: dict[str, Counter] = defaultdict(Counter)
    findings = []
    times = []
    t_all = time.perf_counter()
    for n in range(args.n):
        name, fmt, g = golds[rng.randrange(len(golds))]
        cand = candidate_of(g, n, fmt)
        kind, steps = mutate(list(cand.steps), rng, args.stack, only)
        cand = cand.model_copy(update={"steps": steps, "spans": None, "generation": cand.generation.model_copy(
            update={"raw_response": "\n\n".join(steps)})})
        t0 = time.perf_counter()
        what = None
        try:
            trace, kept = bl.label_and_keep(cand, config)
            if any("symbolic_unavailable" in (s.evidence or {}) for s in trace.steps):
                what = "worker: " + str(trace.steps[0].evidence.get("symbolic_unavailable"))[:200]
        except Exception as exc:  # an escaped exception is the finding
            what = f"exception: {type(exc).__name__}: {exc}"[:300]
        secs = time.perf_counter() - t0
        times.append(secs)
        t = tally[kind]
        t["rows"] += 1
        if secs > args.slow:
            what = (what + "; " if what else "") + f"slow: {secs:.1f} s"
        if what:
            t["exception" if what.startswith("exception") else "worker" if what.startswith("worker") else "slow"] += 1
            findings.append({"mutation": kind, "source": name, "id": g.id, "seconds": round(secs, 2), "what": what,
                             "load": os.getloadavg()[0], "steps": steps})
            print(f"FINDING {kind} {g.id} {secs:.1f}s load {os.getloadavg()[0]:.1f}: {what}", flush=True)
    print(f"\n{'mutation':22} {'rows':>5} {'exc':>4} {'worker':>6} {'slow':>5}")
    for k in sorted(tally):
        t = tally[k]
        print(f"{k:22} {t['rows']:5d} {t['exception']:4d} {t['worker']:6d} {t['slow']:5d}")
    times.sort()
    if times:
        print(f"\n{len(times)} rows in {time.perf_counter() - t_all:.0f} s (start {warm:.1f} s); seconds per row: median "
              f"{times[len(times) // 2]:.3f}, p99 {times[int(len(times) * 0.99)]:.2f}, max {times[-1]:.2f}; load "
              f"average at the end {os.getloadavg()[0]:.1f}; findings {len(findings)}")
    if args.out:
        args.out.write_text("".join(json.dumps(f) + "\n" for f in findings))


if __name__ == "__main__":
    main()
