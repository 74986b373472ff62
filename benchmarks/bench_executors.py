"""Local vs Ray on this machine: the offline math run and a sandboxed code run at 20,000 items each.

Each run is ``stepforge generate`` in a fresh process, as a user runs it; the Ray runs join a one-node Ray cluster
started here beforehand (``ray start --head`` with this machine's cores), so Ray's own start-up (the cluster) is
outside them, and the executor's start-up (actors up, worker pools or sandbox slots warm: printed by the run) is
taken apart from the work. The local run's time includes its own pool start-up. Runs alternate (local first, then
Ray first) to spread the machine's load, which is printed (1-minute load average before and after each run).

Prints per run: process wall time, the engine's time, Ray's start-up, the work (engine minus start-up), items
(kept + rejected), CPU-ms per item (work x worker processes / items) and the driver's own CPU-ms per item (the
stepforge process's CPU, with no worker in it on Ray: the ceiling of one driver). Then, per workload, the median
ratio Ray work / local run (the engine's time of each; goal: <= 1.3) and the process-wall ratio (start-ups,
imports and shutdown included).

    .venv/bin/python benchmarks/bench_executors.py                                  # math and code, 20,000
    .venv/bin/python benchmarks/bench_executors.py --count 2000 --repeats 3 --workloads math
    .venv/bin/python benchmarks/bench_executors.py --json results.json              # also write the figures
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from stepforge._testing.ray_cluster import RayCluster  # noqa: E402
from stepforge.pipeline.parts import cores  # noqa: E402

WORKLOADS = {"math": ["--domain", "math"], "code": ["--domain", "code"]}
_SUMMARY = re.compile(r"kept (\d+) traces .*rejected (\d+), in ([\d.]+)s")
_READY = re.compile(r"ray: (\d+) actors, (\d+) worker processes on (\d+) nodes, ready in ([\d.]+)s")


def one_run(workload: str, count: int, seed: int, executor: str, address: str, tmp: Path) -> dict[str, float]:
    out = tmp / f"{workload}-{executor}-{time.monotonic_ns()}"
    cmd = [sys.executable, "-m", "stepforge", "generate", *WORKLOADS[workload], "--count", str(count), "--seed",
           str(seed), "--out", str(out), "--no-progress"]
    if executor == "ray":
        cmd += ["--executor", "ray", "--ray-address", address]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "RAY_USAGE_STATS_ENABLED": "0"}
    load0 = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # a session of its own, as the Ray nodes have: with the kernel's autogroup scheduling a session shares the
    # cores with the machine's other sessions as one, so a run in this benchmark's session would get less of them
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, start_new_session=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{workload} on {executor} failed ({r.returncode}): {r.stderr[-2000:]}")
    m = _SUMMARY.search(r.stdout)
    assert m, r.stdout
    kept, rejected, engine = int(m[1]), int(m[2]), float(m[3])
    ready = _READY.search(r.stderr)
    startup = float(ready[4]) if ready else 0.0
    workers = int(ready[2]) if ready else cores()
    items = kept + rejected
    work = engine - startup
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    shutil.rmtree(out, ignore_errors=True)
    return {"wall": wall, "engine": engine, "startup": startup, "work": work, "items": items, "kept": kept,
            "workers": workers, "cpu_ms_per_item": 1000 * work * workers / items,
            "driver_cpu_ms_per_item": 1000 * cpu / items if executor == "ray" else float("nan"),
            "load_before": load0, "load_after": os.getloadavg()[0]}


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the cluster on the way out
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--workloads", default="math,code")
    ap.add_argument("--json", type=Path, help="write every figure to this file")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sf-bench-exec-"))
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    print(f"machine: {cores()} cores, load {os.getloadavg()[0]:.1f}; count {args.count}, repeats {args.repeats}")
    with RayCluster(head_cpus=cores(), workers=[]) as cluster:
        for workload in args.workloads.split(","):
            runs: dict[str, list[dict[str, float]]] = {"local": [], "ray": []}
            for rep in range(args.repeats):
                order = ("local", "ray") if rep % 2 == 0 else ("ray", "local")
                for executor in order:
                    fig = one_run(workload, args.count, args.seed, executor, cluster.address, tmp)
                    runs[executor].append(fig)
                    print(f"{workload:5s} {executor:5s} wall {fig['wall']:8.1f}s  engine {fig['engine']:8.1f}s  "
                          f"start-up {fig['startup']:5.1f}s  work {fig['work']:8.1f}s  items {fig['items']:6d}  "
                          f"{fig['cpu_ms_per_item']:6.1f} CPU-ms/item  driver {fig['driver_cpu_ms_per_item']:5.2f} "
                          f"CPU-ms/item  load {fig['load_before']:.1f}->{fig['load_after']:.1f}", flush=True)
            results[workload] = runs
            local_engine = statistics.median(f["engine"] for f in runs["local"])
            local_wall = statistics.median(f["wall"] for f in runs["local"])
            ray_work = statistics.median(f["work"] for f in runs["ray"])
            ray_wall = statistics.median(f["wall"] for f in runs["ray"])
            print(f"{workload}: Ray work / local run = {ray_work / local_engine:.2f} (goal <= 1.3); process wall "
                  f"Ray / local = {ray_wall / local_wall:.2f}; Ray start-up median "
                  f"{statistics.median(f['startup'] for f in runs['ray']):.1f}s", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
