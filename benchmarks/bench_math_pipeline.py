"""Throughput of the offline math run: labelled traces per second, end to end.

Runs ``stepforge generate --domain math`` in-process (pipeline.run, the same code as the CLI) several
times and prints traces/s per run and the median, the ratio to the goal (100/s on 2 cores), and the
single-core cost of each stage (generate, verify the answer, label the steps) per item.

    .venv/bin/python benchmarks/bench_math_pipeline.py [--count 1000] [--repeats 3] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

GOAL = 100.0


def stage_costs(n: int = 200) -> dict[str, float]:
    """CPU milliseconds per item of each stage, one core, warm (robust to a busy machine)."""
    from stepforge.generators.procedural.math import FAMILIES, candidate
    from stepforge.labeling import STRATEGIES
    from stepforge.verifiers.math import judge

    fams = FAMILIES.names()
    cands = []
    t0 = time.process_time()
    for i in range(n):
        c = candidate(99, fams[i % len(fams)], i, i % 2 == 1)
        if c is not None:
            cands.append(c)
    gen = time.process_time() - t0
    t0 = time.process_time()
    for c in cands:
        judge(c.task.reference.answer, c.generation.raw_response)
    ver = time.process_time() - t0
    sym = STRATEGIES.get("symbolic")
    t0 = time.process_time()
    for c in cands:
        sym.label(c)
    lab = time.process_time() - t0
    k = len(cands)
    return {"generate": gen / k * 1e3, "verify": ver / k * 1e3, "label": lab / k * 1e3}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()

    from stepforge.pipeline import RunConfig, run

    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            cfg = RunConfig(domain="math", count=args.count, seed=1000 + r, out=Path(tmp) / f"r{r}",
                            workers=args.workers, progress=False)
            t0 = time.perf_counter()
            summary = run(cfg)
            wall = time.perf_counter() - t0
            rates.append(summary.kept / wall)
            print(f"run {r}: {summary.kept} kept traces ({summary.correct} correct, {summary.incorrect} incorrect, "
                  f"{summary.rejected} rejected) in {wall:.2f}s wall (incl. worker start) = {summary.kept / wall:.1f} traces/s")
    med = statistics.median(rates)
    print(f"\nmedian: {med:.1f} labelled traces/s on {os.cpu_count()} cores "
          f"({args.count} traces a run, {args.workers or os.cpu_count()} workers); goal {GOAL:.0f}/s; ratio to goal {med / GOAL:.2f}x")
    try:
        load = os.getloadavg()[0]
        print(f"1-min load average during the benchmark: {load:.2f}")
    except OSError:
        pass
    costs = stage_costs()
    total = sum(costs.values())
    print("single-core CPU cost per item (warm): " + ", ".join(f"{k} {v:.1f} ms" for k, v in costs.items())
          + f"; total {total:.1f} ms -> {1000 / total:.0f}/s per core")


if __name__ == "__main__":
    main()
