"""Peak memory of the offline math run at growing sizes: it must stay flat in COUNT.

Runs ``stepforge generate --domain math --count N`` as a user does (a fresh process per size) and samples, every
``--interval`` seconds, the resident memory of the parent process and of its whole process tree (the forkserver
and the worker processes included). Prints, per size, the peaks, the run's wall time and the ratio of each peak to
the smallest run's. Goal: the 100,000-trace peak within 1.2x the 1,000-trace peak.

    .venv/bin/python benchmarks/bench_run_memory.py                    # 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/bench_run_memory.py --counts 1000,10000 --stepforge /path/to/other/checkout/.venv/bin/stepforge

``--stepforge`` measures another installation the same way (e.g. an older checkout, for a before/after).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parts = fh.read().rsplit(")", 1)[1].split()
            kids.setdefault(int(parts[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return kids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[int]:
    kids, out, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def measure(stepforge: str, count: int, seed: int, interval: float) -> dict[str, float]:
    out = Path(tempfile.mkdtemp(prefix="sf-mem-"))
    cmd = [stepforge, "generate", "--domain", "math", "--count", str(count), "--seed", str(seed),
           "--out", str(out / "run"), "--no-progress"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent_peak = tree_peak = 0
    while proc.poll() is None:
        pids = _tree(proc.pid)
        parent_peak = max(parent_peak, _rss_kb(proc.pid))
        tree_peak = max(tree_peak, sum(_rss_kb(p) for p in pids))
        time.sleep(interval)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"run failed ({proc.returncode}): {err[-2000:]}")
    lines = (out / "run" / "traces.jsonl").read_bytes().count(b"\n")
    shutil.rmtree(out, ignore_errors=True)
    return {"count": count, "kept": lines, "parent_mb": parent_peak / 1024, "tree_mb": tree_peak / 1024,
            "seconds": seconds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--counts", default="1000,10000,100000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between memory samples")
    ap.add_argument("--stepforge", default=str(Path(sys.executable).parent / "stepforge"),
                    help="the stepforge command to measure (default: this environment's)")
    args = ap.parse_args()
    rows = []
    for n in (int(c) for c in args.counts.split(",")):
        r = measure(args.stepforge, n, args.seed, args.interval)
        rows.append(r)
        print(f"count {n:>7}: kept {r['kept']:>7}  parent peak {r['parent_mb']:7.1f} MB  tree peak "
              f"{r['tree_mb']:7.1f} MB  {r['seconds']:7.1f} s  ({r['kept'] / r['seconds']:.0f} traces/s)", flush=True)
    base = rows[0]
    print()
    print(f"{'count':>8} {'parent MB':>10} {'x smallest':>10} {'tree MB':>9} {'x smallest':>10}")
    for r in rows:
        print(f"{r['count']:>8} {r['parent_mb']:>10.1f} {r['parent_mb'] / base['parent_mb']:>10.2f} "
              f"{r['tree_mb']:>9.1f} {r['tree_mb'] / base['tree_mb']:>10.2f}")
    last = rows[-1]
    ok = last["tree_mb"] <= 1.2 * base["tree_mb"] and last["parent_mb"] <= 1.2 * base["parent_mb"]
    print(f"\ngoal: the {last['count']:,}-trace peak within 1.2x the {base['count']:,}-trace peak: "
          f"{'met' if ok else 'NOT met'} (parent {last['parent_mb'] / base['parent_mb']:.2f}x, "
          f"tree {last['tree_mb'] / base['tree_mb']:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
