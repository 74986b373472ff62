"""Curation of trace files into a training-ready dataset: decontamination against benchmarks, exact and
near-duplicate removal, group-aware splits. ``curate(inputs, out, options)`` streams the rows in
batches and writes, into ``out``:

- ``traces.jsonl``, or one ``{split}.jsonl`` per split: kept rows, each line exactly as it was read;
- ``rejected.jsonl``: every dropped row as a ``Rejection`` (reason ``contaminated``, ``duplicate`` or
  ``near_duplicate``) whose ``evidence`` names the benchmark item or the kept row it matches;
- ``decontamination.jsonl``: every row sharing an n-gram with a benchmark (kept or not) with its overlap;
- ``curate.json``: options, counts, the index sizes, time.

Order per row: decontamination, then exact, then near duplicates; only kept rows are indexed, so the
first occurrence wins and a duplicate always points at a row in the output. Memory is bounded by the
batch size except for the indexes (16-byte keys, one MinHash per kept row), which are reported.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from stepforge.datasets.curate.options import CurateOptions, Splits, parse_split
from stepforge.datasets.io import AtomicWriter, trace_files
from stepforge.errors import UserError
from stepforge.schema import SCHEMA_VERSION

REPORT = "curate.json"
REJECTED = "rejected.jsonl"
DECONTAMINATION = "decontamination.jsonl"


@dataclass
class CurateReport:
    out: Path
    rows: int = 0
    kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    splits: dict[str, dict[str, int]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    contaminated_kept: int = 0
    seconds: float = 0.0
    index_bytes: dict[str, int] = field(default_factory=dict)
    benchmarks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise UserError(f"--out {out} is not empty; add --overwrite to replace a previous curate output")
        if not (out / REPORT).is_file():
            raise UserError(f"--out {out} holds files that are not a curate output; give an empty folder")
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: folder {out.parent} does not exist")


def _replace_outputs(out: Path, staged: Path) -> None:
    """Move the staged files into ``out``, replacing a previous curate output (its report last)."""
    out.mkdir(exist_ok=True)
    old = out / REPORT
    if old.is_file():
        try:
            previous = json.loads(old.read_text(encoding="utf-8"))
            names = [*previous.get("files", {}).values(), REJECTED, DECONTAMINATION]
        except (ValueError, UnicodeDecodeError, AttributeError):
            names = [REJECTED, DECONTAMINATION]
        old.unlink()
        for name in names:
            (out / str(name)).unlink(missing_ok=True)
    for f in sorted(staged.iterdir(), key=lambda p: p.name == REPORT):
        os.replace(f, out / f.name)


def _workers(requested: int | None, paths: list[Path]) -> int:
    if requested is not None:
        return max(1, requested)
    big = sum(p.stat().st_size for p in paths) > 64 * 1024 * 1024  # below this, starting workers costs more
    return min(4, os.cpu_count() or 1) if big else 1


def curate(inputs: list[Path], out: Path, options: CurateOptions | None = None, *, overwrite: bool = False,
           executor: str = "local", ray_address: str | None = None) -> CurateReport:
    """Curate the traces of ``inputs`` (run folders, curate folders or JSONL files) into ``out``. ``executor``:
    where the per-row work runs, ``local`` (``options.workers`` processes) or ``ray`` (actors on the cluster at
    ``ray_address``, reading the inputs at the same paths); the decisions between rows are made here either way,
    so the output is the same."""
    options = options or CurateOptions()
    if executor not in ("local", "ray"):
        raise UserError(f"unknown executor {executor!r} (known: local, ray)")
    if executor == "ray":
        from stepforge._ray import import_ray

        import_ray()
    t0 = time.perf_counter()
    paths = [p for src in inputs for p in trace_files(src).values()]
    _prepare_out(out, overwrite)
    if out.resolve() in {p.parent.resolve() for p in paths}:
        raise UserError(f"--out {out} holds an input; give another folder")
    try:
        from stepforge.datasets.curate import _records  # noqa: F401
        from stepforge.datasets.curate import decontam
        from stepforge.datasets.curate.dedup import Exact, Near
        from stepforge.datasets.curate.prepare import Plan, prepared, read
    except ImportError as exc:
        raise UserError(f"curate needs the data extra ({exc.name} is missing): pip install 'stepforge[data]'") from None
    preset = options.decontamination()
    index = decontam.Index([decontam.load(spec) for spec in options.benchmarks], preset) if options.benchmarks else None
    exact = Exact() if options.exact else None
    near = Near(options.near_threshold, options.num_perm, options.bands) if options.near else None
    plan = Plan(tuple(str(p) for p in paths), index, preset.ngram, options.shingle if near else None,
                options.group_by, options.split_seed, options.num_perm, near.seed if near else 0)
    splits = Splits(options.split)
    report = CurateReport(out=out)
    names = {s: (f"{s}.jsonl" if options.split else "traces.jsonl") for s in splits.names}
    staged = Path(tempfile.mkdtemp(prefix=".curate-", dir=out.parent))
    kept_ids: list[str] = []
    kept_where = array("q")
    dropped: Counter[str] = Counter()
    try:
        writers = {s: AtomicWriter(staged / name) for s, name in names.items()}
        rejected = AtomicWriter(staged / REJECTED)
        overlap = AtomicWriter(staged / DECONTAMINATION) if index else None

        def reject(i: int, raw: bytes, reason: str, detail: str, evidence: dict[str, Any]) -> None:
            """A ``Rejection`` line whose candidate is the row's own line, not parsed again."""
            dropped[reason] += 1
            head = json.dumps({"schema_version": SCHEMA_VERSION, "id": prep.ids[i], "index": report.rows,
                               "domain": prep.domains[i], "reason": reason, "detail": detail, "evidence": evidence},
                              ensure_ascii=False, separators=(",", ":"))
            rejected.write_line(head[:-1].encode("utf-8") + b',"candidate":' + raw.rstrip(b"\r\n") + b"}")

        def kept_row(k: int) -> dict[str, Any]:
            fi, n = divmod(kept_where[k], 1 << 40)
            return {"id": kept_ids[k], "file": str(paths[fi]), "line": n}

        for batch, prep in prepared(plan, read(paths), _workers(options.workers, paths), ray=executor == "ray",
                                    ray_address=ray_address):
            sigs = prep.sigs if near is not None else None
            kept_lines: dict[str, list[bytes]] = {s: [] for s in names}
            for i, (fi, n, raw) in enumerate(batch):
                hit = prep.hits[i]
                flagged = index is not None and index.flags(hit)
                if hit is not None and overlap is not None:
                    overlap.write({"id": prep.ids[i], "row": report.rows, "dropped": flagged,
                                   **hit.evidence(preset.ngram)})
                if flagged:
                    assert hit is not None
                    reject(i, raw, "contaminated", f"{hit.shared} of the {hit.total} {preset.ngram}-grams of "
                           f"{hit.benchmark} item {hit.item} ({hit.fraction:.0%})", hit.evidence(preset.ngram))
                elif exact is not None and (k := exact.first.get(prep.exact[i])) is not None:
                    reject(i, raw, "duplicate", f"same normalised problem and solution as {kept_ids[k]}",
                           {"duplicate_of": kept_row(k)})
                elif sigs is not None and near is not None and (match := near.check_add(sigs[i], len(kept_ids))):
                    k, sim = match
                    reject(i, raw, "near_duplicate", f"estimated Jaccard similarity {sim:.2f} with {kept_ids[k]}",
                           {"duplicate_of": kept_row(k), "similarity": round(sim, 4),
                            "threshold": options.near_threshold, "shingle": options.shingle})
                else:
                    if exact is not None:
                        exact.first[prep.exact[i]] = len(kept_ids)
                    kept_ids.append(prep.ids[i])
                    kept_where.append((fi << 40) | n)
                    kept_lines[splits(prep.unit[i], prep.group[i])].append(raw)
                    report.contaminated_kept += hit is not None
                report.rows += 1
            for s, lines in kept_lines.items():
                writers[s].write_lines(lines)
        report.seconds = time.perf_counter() - t0
        report.kept = len(kept_ids)
        report.dropped = dict(dropped)
        report.files = names
        report.splits = {s: {"rows": writers[s].count, "groups": len(splits.groups[s])} for s in names}
        report.index_bytes = {"exact": exact.nbytes if exact else 0, "near": near.nbytes if near else 0,
                              "benchmarks": index.nbytes if index else 0,
                              "kept_ids": sum(len(i) + 49 for i in kept_ids) + kept_where.itemsize * len(kept_where),
                              "split_groups": sum(len(g) for g in splits.groups.values()) * 75}
        report.benchmarks = index.describe() if index else []
        for w in [*writers.values(), rejected, *([overlap] if overlap else [])]:
            w.commit()
        (staged / REPORT).write_text(json.dumps(_report_json(report, options, paths, preset, bool(index)), indent=2)
                                     + "\n", encoding="utf-8")
        _replace_outputs(out, staged)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return report


def _report_json(report: CurateReport, options: CurateOptions, paths: list[Path], preset: Any,
                 decontaminated: bool) -> dict[str, Any]:
    return {
        "inputs": [str(p) for p in paths],
        "files": report.files,
        "rejected": REJECTED,
        "decontamination_file": DECONTAMINATION if decontaminated else None,
        "options": options.model_dump(mode="json"),
        "decontamination": {"preset": options.preset, "ngram": preset.ngram, "min_overlap": preset.min_overlap,
                            "benchmarks": report.benchmarks, "rows_with_overlap_kept": report.contaminated_kept},
        "rows": report.rows,
        "kept": report.kept,
        "dropped": report.dropped,
        "splits": report.splits,
        "index_bytes": report.index_bytes,
        "seconds": round(report.seconds, 3),
        "rows_per_second": round(report.rows_per_second, 1),
    }


__all__ = ["CurateOptions", "CurateReport", "curate", "parse_split"]
