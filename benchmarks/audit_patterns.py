"""Audit every module-level regular expression of stepforge for superlinear time on runs (the family of hangs that
untrusted model output opens: a million blanks, digits, "1+", unclosed "\\(").

Each pattern is scanned with ``finditer`` over runs of one- and two-character units (and a closing character) at two
sizes; a pattern whose time grows by more than ``--ratio`` when the run grows 4x is listed with its worst unit. Each
pattern runs in a worker process with a deadline, so a cubic one is reported as stuck instead of stopping the audit.
A listed pattern is a hang only where it meets a whole untrusted text: one used on a bounded window, a side already
cut, or with ``match`` at one position is not (read its uses before changing it).

    .venv/bin/python benchmarks/audit_patterns.py [--small 500] [--deadline 20] [--only stepforge.verifiers]
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing as mp
import pkgutil
import re
import time

UNITS = [" ", "\t", "\n", "\\", "(", ")", "{", "}", "1", "a", "x", "=", "+", "-", ",", ".", "$", "%", "&", "^", "_",
         "|", "'", "!", "*", "/", ":", "1 ", "a ", "1+", "1,", "1.", "x ", "\\,", "\\(", "{1", "(1", "1=", "= ", ", ",
         "is ", "of ", "\\frac{", "\\text{", "\\left(", "1, ", " x", "ab", "1a", "a1", "1/"]
ENDS = ["", "x", "?", "1", "."]


def patterns(only: str) -> list[tuple[str, re.Pattern]]:
    """(module.NAME, pattern) for every compiled pattern bound at module level in stepforge, first binding wins."""
    import stepforge

    seen: dict[str, tuple[str, re.Pattern]] = {}
    for info in pkgutil.walk_packages(stepforge.__path__, "stepforge."):
        if info.name.endswith("__main__") or not info.name.startswith(only):
            continue
        try:
            mod = importlib.import_module(info.name)
        except Exception:  # an optional extra (ray, docker) missing: its patterns are not audited
            continue
        for name, value in vars(mod).items():
            if isinstance(value, re.Pattern):
                seen.setdefault(value.pattern, (f"{info.name}.{name}", value))
    return list(seen.values())


def _worst(rx: re.Pattern, small: int, ratio: float, floor: float) -> tuple[float, float, str, str] | None:
    """The slowest (seconds at 4x, growth, unit, end) among the runs that grow faster than ``ratio``, or None."""
    worst = None
    for unit in UNITS:
        for end in ENDS:
            times = []
            for n in (small, 4 * small):
                text = unit * (n // len(unit)) + end
                t0 = time.perf_counter()
                for _ in rx.finditer(text):
                    pass
                times.append(time.perf_counter() - t0)
            growth = times[1] / max(times[0], 1e-6)
            if times[1] > floor and growth > ratio and (worst is None or times[1] > worst[0]):
                worst = (times[1], growth, unit, end)
    return worst


def _serve(conn, small: int, ratio: float, floor: float) -> None:
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(_worst(re.compile(job[0], job[1]), small, ratio, floor))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=500, help="the shorter run's length (the longer is 4x)")
    ap.add_argument("--ratio", type=float, default=6.0, help="growth at 4x length that is listed (linear: 4)")
    ap.add_argument("--floor", type=float, default=0.005, help="seconds at 4x below which nothing is listed")
    ap.add_argument("--deadline", type=float, default=20.0, help="seconds per pattern before it is called stuck")
    ap.add_argument("--only", default="stepforge", help="audit only modules whose name starts with this")
    args = ap.parse_args()
    found = patterns(args.only)
    print(f"{len(found)} patterns; runs of {len(UNITS)} units x {len(ENDS)} ends at {args.small} and "
          f"{4 * args.small} characters", flush=True)
    ctx = mp.get_context("spawn")
    listed = stuck = 0
    worker = conn = None
    for name, rx in found:
        if worker is None:
            conn, child = ctx.Pipe()
            worker = ctx.Process(target=_serve, args=(child, args.small, args.ratio, args.floor), daemon=True)
            worker.start()
        conn.send((rx.pattern, rx.flags))
        if not conn.poll(args.deadline):
            worker.kill()
            worker.join()
            worker = None
            stuck += 1
            print(f"STUCK  > {args.deadline:.0f}s (cubic or worse on some run)  {name}: {rx.pattern[:90]!r}", flush=True)
            continue
        worst = conn.recv()
        if worst is not None:
            listed += 1
            secs, growth, unit, end = worst
            print(f"{secs:6.3f}s {growth:5.1f}x  run of {unit!r} then {end!r}  {name}: {rx.pattern[:90]!r}", flush=True)
    if worker is not None:
        conn.send(None)
        worker.join()
    print(f"\n{listed} superlinear, {stuck} stuck, of {len(found)} patterns (each to be read where it is used)")


if __name__ == "__main__":
    main()
