"""Snapshot the ``symbolic`` labels of many real labelled sets, and compare two snapshots row by row.

A change to the step checker is judged by what it does on every set at once: which rows become kept or stop being
kept (and whether their first error agrees with gold), which labels change, and above all which labels change at
gold's first error step. ``run`` labels each set of a manifest with ``bench_labels.py --real`` (the same labelling
as ``stepforge label``) from a given source tree, so a snapshot of the code under test can be taken from a copy
while the working tree changes; ``compare`` prints the differences; ``show`` prints one row.

The manifest is a JSON object: set name -> the ``bench_labels.py`` arguments that label it, e.g.
``{"mrg": ["--real", "{data}/mrg/mrgsm8k_pb.jsonl", "--references", "{data}/mrg/mrgsm8k_refs.jsonl"]}``, where
``{data}`` stands for ``--data DIR``. ``benchmarks/label_sets.json`` (the default) names the 23 sets of the README's
Benchmarks rows, each in the folder its row's commands build (``mrg``, ``mc``, ``bbm``, ``prmbench``, ``mrm``, ``mrb``,
``champ``, ``olymp``, ``rcm``, ``rcg``, ``rcn``, ``rcc``, ``refs``, ``p8``).

    python benchmarks/label_sets.py run --data /data --out snaps/base --root /tmp/base-tree
    python benchmarks/label_sets.py run --data /data --out snaps/new
    python benchmarks/label_sets.py compare snaps/base snaps/new
    python benchmarks/label_sets.py show snaps/new mrg ROW_ID
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Row:
    """What comparing needs of one labelled (or gold) row."""

    id: str
    kept: bool
    first_error: int | None
    ratings: tuple[int | None, ...]
    rules: tuple[str, ...]
    reason: str
    correct: bool | None


def _rule(step: dict[str, Any]) -> str:
    ev = step.get("evidence") or "{}"
    ev = json.loads(ev) if isinstance(ev, str) else ev
    sym = ev.get("symbolic") if isinstance(ev, dict) else None
    return str(sym.get("rule", "")) if isinstance(sym, dict) else ""


def _row(d: dict[str, Any]) -> Row:
    extras = d.get("extras") or {}
    extras = json.loads(extras) if isinstance(extras, str) else extras
    outcome = d.get("outcome") or {}
    steps = d.get("steps") or []
    return Row(id=d["id"], kept=bool(d.get("verified")), first_error=d.get("first_error_index"),
               ratings=tuple((s.get("label") or {}).get("rating") for s in steps),
               rules=tuple(_rule(s) for s in steps),
               reason=str((extras.get("bench_rejection") or {}).get("reason", "")),
               correct=outcome.get("correct"))


def _load(path: Path) -> dict[str, Row] | None:
    """The rows of a snapshot file; None when it is missing or not whole (a run still writing it)."""
    try:
        lines = [x for x in path.read_text().split("\n") if x]  # not splitlines: U+2028 may stand inside a row's text
        return {r.id: r for r in map(_row, map(json.loads, lines))}
    except (OSError, ValueError, KeyError):
        return None


def _git_rev(root: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _run_one(name: str, args: list[str], root: Path, out: Path) -> tuple[str, int, float]:
    env = {**os.environ, "PYTHONPATH": str(root / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, str(root / "benchmarks" / "bench_labels.py"), *args,
           "--pred", str(out / f"{name}.jsonl"), "--gold", str(out / f"{name}.gold.jsonl")]
    t0 = time.perf_counter()
    with open(out / f"{name}.txt", "w") as log:
        rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root).returncode
    return name, rc, time.perf_counter() - t0


def run(sets: Path, out: Path, root: Path, only: list[str], jobs: int, data: Path) -> int:
    manifest = {k: [str(a).replace("{data}", str(data)) for a in v] for k, v in json.loads(sets.read_text()).items()}
    missing = sorted({a for v in manifest.values() for a in v if a.startswith(str(data)) and not Path(a).exists()})
    if missing:
        print(f"{len(missing)} files of the manifest are missing (build them with the README's Benchmarks commands), "
              f"first: {missing[0]}", file=sys.stderr)
        return 2
    names = [n for n in manifest if not only or n in only]
    unknown = [n for n in only if n not in manifest]
    if unknown:
        print(f"not in {sets}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    (out / "meta.json").write_text(json.dumps({"root": str(root), "rev": _git_rev(root), "sets": names,
                                               "started": time.strftime("%Y-%m-%d %H:%M:%S")}))
    failed = 0
    with ThreadPoolExecutor(jobs) as pool:
        for name, rc, secs in pool.map(lambda n: _run_one(n, manifest[n], root, out), names):
            failed += rc != 0
            print(f"{name:16} rc {rc}  {secs:7.1f} s", flush=True)
    return 1 if failed else 0


def _right(pred: Row, gold: Row) -> bool:
    return pred.first_error == gold.first_error


def _crashes(snap: Path, name: str) -> int:
    log = snap / f"{name}.txt"
    return len(re.findall(r"^CRASH on ", log.read_text(), re.M)) if log.is_file() else 0


def compare(base: Path, new: Path, only: list[str], show: int) -> int:
    names = sorted({p.name[:-len(".gold.jsonl")] for p in new.glob("*.gold.jsonl")})
    names = [n for n in names if (base / f"{n}.jsonl").is_file() and (not only or n in only)]
    print(f"{'set':16} {'rows':>5} {'kept':>11} {'kept right':>13} {'new':>4} {'lost':>4} {'changed':>7} "
          f"{'at gold err':>11} {'-1 +/-':>7} {'crash':>5}")
    details: list[str] = []
    for name in names:
        gold, a, b = (_load(p / f"{name}{s}") for p, s in ((new, ".gold.jsonl"), (base, ".jsonl"), (new, ".jsonl")))
        if gold is None or a is None or b is None:
            print(f"{name:16} (a file is missing or not whole: still being written?)")
            continue
        ka = [r for r in a.values() if r.kept]
        kb = [r for r in b.values() if r.kept]
        ra = sum(_right(r, gold[r.id]) for r in ka if r.id in gold)
        rb = sum(_right(r, gold[r.id]) for r in kb if r.id in gold)
        new_keeps = [r for r in kb if not a.get(r.id, r).kept or r.id not in a]
        lost = [r for r in ka if r.id in b and not b[r.id].kept]
        changed = at_err = minus_gain = minus_loss = 0
        for rid, rb_ in b.items():
            ra_ = a.get(rid)
            if ra_ is None or ra_.ratings == rb_.ratings:
                continue
            changed += 1
            g = gold.get(rid)
            fe = g.first_error if g is not None else None
            n_minus = (sum(x == -1 for x in ra_.ratings), sum(x == -1 for x in rb_.ratings))
            minus_gain += n_minus[1] > n_minus[0]
            minus_loss += n_minus[1] < n_minus[0]
            for k, (x, y) in enumerate(zip(ra_.ratings, rb_.ratings)):
                if (x == -1) != (y == -1) and fe is not None and (fe == -1 or k < fe):
                    # a refutation found or dropped where gold sees no error (before its first error)
                    where = "no error in gold" if fe == -1 else f"gold's first error is step {fe}"
                    details.append(f"  {name} {rid}: step {k} {x} -> {y} ({ra_.rules[k] or '-'} -> "
                                   f"{rb_.rules[k] or '-'}; {where})")
            if fe is not None and 0 <= fe < min(len(ra_.ratings), len(rb_.ratings)) \
                    and ra_.ratings[fe] != rb_.ratings[fe]:
                at_err += 1
                details.append(f"  {name} {rid}: at gold's first error (step {fe}) {ra_.ratings[fe]} -> "
                               f"{rb_.ratings[fe]} ({ra_.rules[fe] or '-'} -> {rb_.rules[fe] or '-'})")
        for r in new_keeps:
            g = gold.get(r.id)
            verdict = "right" if g is not None and _right(r, g) else "WRONG"
            details.append(f"  {name} {r.id}: new keep, first error {r.first_error} (gold "
                           f"{g.first_error if g else '?'}): {verdict}")
        for r in lost:
            details.append(f"  {name} {r.id}: no longer kept ({b[r.id].reason or 'rejected'})")
        crash = f"{_crashes(base, name)}->{_crashes(new, name)}"
        print(f"{name:16} {len(b):5d} {len(ka):5d}->{len(kb):<5d} {ra:6d}->{rb:<6d} {len(new_keeps):4d} "
              f"{len(lost):4d} {changed:7d} {at_err:11d} {f'{minus_gain}/{minus_loss}':>7} {crash:>5}")
    if details:
        print()
        print("\n".join(details[:show] if show else details))
        if show and len(details) > show:
            print(f"  ... {len(details) - show} more (--show 0 for all)")
    return 0


def show_row(snap: Path, name: str, rid: str) -> int:
    gold = (_load(snap / f"{name}.gold.jsonl") or {}).get(rid)
    preds = [json.loads(line) for line in (snap / f"{name}.jsonl").read_text().split("\n") if line]
    pred = next((d for d in preds if d["id"] == rid), None)
    if pred is None:
        print(f"no row {rid} in {snap / name}.jsonl", file=sys.stderr)
        return 2
    r = _row(pred)
    task = pred.get("task") or {}
    print(f"{rid}: kept {r.kept}, first error {r.first_error} (gold {gold.first_error if gold else '?'}), "
          f"answer correct {r.correct}, {r.reason or ''}")
    print(f"problem: {str(task.get('prompt', ''))[:600]}")
    for i, s in enumerate(pred.get("steps") or []):
        g = gold.ratings[i] if gold and i < len(gold.ratings) else None
        print(f"[{i}] {r.ratings[i]!s:>4} (gold {g!s:>4}) {r.rules[i] or '-'}: {s.get('text', '')[:400]!r}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="label every set of a manifest into a snapshot folder")
    r.add_argument("--sets", type=Path, default=_HERE / "label_sets.json",
                   help="the manifest: set name -> bench_labels.py arguments (default: the README's 23 sets)")
    r.add_argument("--data", type=Path, default=Path(os.environ.get("STEPFORGE_BENCH_DATA", "/tmp/d")),
                   help="the folder {data} stands for in the manifest (default: $STEPFORGE_BENCH_DATA or /tmp/d)")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--root", type=Path, default=_HERE.parent, help="the source tree to label with (default: this)")
    r.add_argument("--only", default="", help="comma-separated set names")
    r.add_argument("--jobs", type=int, default=1, help="sets labelled at once (each starts its own checker workers)")
    c = sub.add_parser("compare", help="row-by-row differences between two snapshots, against gold")
    c.add_argument("base", type=Path)
    c.add_argument("new", type=Path)
    c.add_argument("--only", default="")
    c.add_argument("--show", type=int, default=60, help="detail lines printed (0: all)")
    s = sub.add_parser("show", help="one row of a snapshot, step by step, beside gold")
    s.add_argument("snap", type=Path)
    s.add_argument("set")
    s.add_argument("id")
    a = ap.parse_args()
    if a.cmd == "run":
        if not a.sets.is_file():
            print(f"no manifest at {a.sets}", file=sys.stderr)
            return 2
        return run(a.sets, a.out, a.root.resolve(), [n for n in a.only.split(",") if n], a.jobs, a.data)
    if a.cmd == "compare":
        return compare(a.base, a.new, [n for n in a.only.split(",") if n], a.show)
    return show_row(a.snap, a.set, a.id)


if __name__ == "__main__":
    sys.exit(main())
