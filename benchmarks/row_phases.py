"""Per-phase wall time of each row as `stepforge label` / bench_labels label it: the verdict, the symbolic labels (the
pool call; with --inproc, as a run's worker runs it, the step checks and the checker's un-budgeted helpers, the
conclusions, assembling), the keep rule. Prints the slowest rows with their phases (where a row's time goes).

    PYTHONPATH=src .venv/bin/python benchmarks/row_phases.py stress [--only X] [--inproc]
    PYTHONPATH=src .venv/bin/python benchmarks/row_phases.py real FILE [--references SPEC] [--ids a,b] [--inproc]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

T: dict[str, float] = defaultdict(float)
N: dict[str, int] = defaultdict(int)
INFO: dict[str, object] = {}


def wrap(mod, name, key=None):
    key = key or f"{mod.__name__.rsplit('.', 1)[-1]}.{name}"
    real = getattr(mod, name)
    depth = [0]

    def w(*a, **k):
        if depth[0]:
            return real(*a, **k)
        depth[0] += 1
        t0 = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            T[key] += time.perf_counter() - t0
            N[key] += 1
            depth[0] -= 1
    w.__wrapped__ = real
    setattr(mod, name, w)
    return real


def wrap_static(cls, name, key):
    real = getattr(cls, name)

    def w(*a, **k):
        t0 = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            T[key] += time.perf_counter() - t0
            N[key] += 1
    setattr(cls, name, staticmethod(w))


def install(inproc: bool):
    from stepforge import _pool
    if inproc:
        _pool._IN_WORKER = True
    from stepforge.labeling import symbolic
    from stepforge.pipeline import keep
    from stepforge.pipeline.domains import math as dmath
    from stepforge.verifiers.math import steps as st
    wrap(dmath, "judge", "judge(verdict)")
    wrap(symbolic, "symbolic_labels", "symbolic_labels(call)")
    wrap(keep, "build_trace")
    wrap(keep, "why_not_kept")
    wrap(keep, "_rejection")
    if inproc:
        wrap_static(symbolic.Symbolic, "_labels", "Symbolic._labels")
        wrap_static(symbolic.Symbolic, "_conclude", "Symbolic._conclude")
        wrap(symbolic, "check_steps")
        wrap(symbolic, "assemble")
        wrap(symbolic.construction, "apply", "construction.apply")
        wrap(symbolic, "_wrong")
        wrap(st, "_segments")
        wrap(st, "_final_claim")
        wrap(st, "_State")
        wrap(st, "is_hypothetical")
        wrap(st, "_in_other_base")
        wrap(st, "_with_remainder")
        wrap(st, "_tested_or_denied")
        wrap(st, "_final_unchecked")
        wrap(st, "_unread")
        wrap(st, "_guarded")
        real_cs = symbolic.check_steps

        def cs(steps, ctx, *, seed=0, budget_s=0.0):
            INFO["steps_budget"] = budget_s
            return real_cs(steps, ctx, seed=seed, budget_s=budget_s)
        symbolic.check_steps = cs


def run(cands, inproc, top, label_and_keep, config):
    out = []
    for rid, cand in cands:
        T.clear(); N.clear(); INFO.clear()
        t0 = time.perf_counter()
        try:
            trace, kept = label_and_keep(cand, config)
            how = "kept" if kept else "rejected"
            vs = trace.outcome.seconds
            wall = trace.labeling.cost.wall_s
        except Exception as exc:  # noqa: BLE001
            how, vs, wall = f"CRASH {exc}"[:80], None, None
        total = time.perf_counter() - t0
        out.append((total, rid, how, dict(T), dict(N), vs, wall, dict(INFO)))
        print(f"{total:7.2f}s {rid} {how}", file=sys.stderr, flush=True)
    out.sort(key=lambda r: -r[0])
    for total, rid, how, t, n, vs, wall, info in out[:top]:
        known = t.get("judge(verdict)", 0) + t.get("symbolic_labels(call)", 0) + t.get("build_trace", 0) + t.get(
            "why_not_kept", 0) + t.get("_rejection", 0)
        print(f"\n{total:7.3f}s {rid} {how}  verdict.seconds={vs} labels.wall_s={wall} steps_budget="
              f"{info.get('steps_budget')}  unaccounted(bench)={total - known:.3f}")
        for k, v in sorted(t.items(), key=lambda kv: -kv[1]):
            print(f"     {v:7.3f}s  x{n[k]:<5d} {k}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what")
    ap.add_argument("file", nargs="?")
    ap.add_argument("--references")
    ap.add_argument("--prmbench-originals", action="store_true")
    ap.add_argument("--only")
    ap.add_argument("--ids")
    ap.add_argument("--inproc", action="store_true")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--json")
    args = ap.parse_args()
    install(args.inproc)
    from bench_labels import _config, _warm_up, label_and_keep
    from stepforge.datasets.importers import import_row
    from stepforge.generators.sources import references
    from stepforge.generators.sources.records import candidate_of
    config = _config()
    print(f"warm {_warm_up(config):.1f}s", file=sys.stderr)
    cands = []
    if args.what == "stress":
        from stress_labels import hostile_rows
        import tempfile
        rows, refs = hostile_rows(0)
        p = Path(tempfile.mkdtemp()) / "refs.jsonl"
        p.write_text("".join(json.dumps(r) + "\n" for r in refs))
        R = references.load(str(p))
        for i, row in enumerate(rows):
            if args.only and args.only not in row["id"]:
                continue
            t = references.with_reference(import_row("processbench", row), R)
            cands.append((row["id"], candidate_of(t, i, "processbench")))
    else:
        from stepforge.datasets import importers
        from stepforge.datasets.eval_labels import detect_format
        rows = list(importers.iter_rows(Path(args.file)))
        fmt = detect_format(rows[0])
        golds = list(importers.iter_traces(fmt, rows))
        R = references.load(args.references)
        if R is not None:
            golds = [references.with_reference(g, R) for g in golds]
        ids = set(args.ids.split(",")) if args.ids else None
        for i, g in enumerate(golds):
            if ids and g.id not in ids:
                continue
            cands.append((g.id, candidate_of(g, i, fmt)))
    T.clear()
    out = run(cands, args.inproc, args.top, label_and_keep, config)
    if args.json:
        Path(args.json).write_text(json.dumps([[o[0], o[1], o[2], o[3], o[5], o[6]] for o in out]))
    print(f"\nload {os.getloadavg()[0]:.1f}; rows {len(out)}; max {out[0][0]:.2f}s", flush=True)


if __name__ == "__main__":
    main()
