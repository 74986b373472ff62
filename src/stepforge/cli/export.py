"""``stepforge export`` and ``stepforge import``: traces to other datasets' formats and back.

``export`` projects traces (a run folder, a curate folder or a traces JSONL) onto TRL stepwise,
PRM800K, Math-Shepherd, ProcessBench or PRMBench rows, or the records themselves (``stepforge``), as
JSONL or parquet (by the ``--out`` suffix); ``--format hf`` writes the Hugging Face Hub layout (parquet
shards per split and a README declaring them). ``import`` reads rows of the five formats into
``stepforge/1`` traces. Records stream one at a time; output files are written whole or not at all.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stepforge.datasets import exporters, importers
from stepforge.datasets.io import AtomicWriter, iter_jsonl, iter_traces, trace_splits
from stepforge.errors import UserError

def add_parser(sub: argparse._SubParsersAction) -> None:
    fmts = exporters.formats()
    p = sub.add_parser(
        "export",
        help="write traces as TRL / PRM800K / Math-Shepherd / ProcessBench / PRMBench rows, parquet, or a HF dataset",
        description="Project stepforge traces onto another dataset format: JSONL, or parquet when --out ends in "
                    ".parquet; --format hf writes the Hugging Face Hub layout into the --out folder. Information "
                    "the format cannot hold is reported on stderr. Formats: "
                    + "; ".join(f"{n}: {exporters.get(n).summary}" for n in fmts)
                    + "; hf: parquet shards data/{split}-NNNNN-of-NNNNN.parquet and a README.md declaring the "
                      "splits and features (rows of --rows, default stepforge).",
    )
    p.add_argument("source", type=Path, metavar="SOURCE",
                   help="a run folder, a curate folder (its splits) or a traces JSONL file")
    p.add_argument("--format", required=True, choices=[*fmts, "hf"], help="target format")
    p.add_argument("--out", type=Path, required=True, help="output .jsonl or .parquet file (hf: a folder)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    p.add_argument("--split", help="with a curate folder: export this split only (JSONL/parquet output)")
    p.add_argument("--rows", choices=fmts, default="stepforge", help="hf: the rows to write (default stepforge)")
    p.add_argument("--license", default="other", help="hf: licence in the card metadata (default other)")
    p.add_argument("--pretty-name", help="hf: dataset name in the card (default: the source name)")
    p.add_argument("--max-shard-mb", type=float, default=500.0, help="hf: parquet shard size (default 500 MB)")
    p.add_argument("--neutral-policy", choices=["record", "positive", "negative"], default="record",
                   help="how rating-0 steps become booleans (default: each trace's own labeling.neutral_policy)")
    cut = p.add_mutually_exclusive_group()
    cut.add_argument("--until-first-error", dest="until_first_error", action="store_const", const=True,
                     help="keep steps only through the first error (default: as each trace was labelled)")
    cut.add_argument("--all-steps", dest="until_first_error", action="store_const", const=False,
                     help="keep every step, also after the first error")
    p.add_argument("--soft", action="store_true",
                   help="float scores instead of booleans (TRL; Math-Shepherd adds a value column)")
    p.add_argument("--no-alternatives", action="store_true", help="leave out alternative steps")
    p.add_argument("--separator", default="\\n",
                   help="TRL step separator the PRM will use, to check steps against (default \\n)")
    p.add_argument("--verified-only", action="store_true", help="export only traces stepforge verified")
    p.set_defaults(func=run)

    q = sub.add_parser(
        "import",
        help="read TRL / PRM800K / Math-Shepherd / ProcessBench / PRMBench rows into stepforge traces",
        description="Convert rows of another dataset format into stepforge/1 traces (JSONL). Unmapped "
                    "source fields are kept under extras.<format>, so exporting gives the rows back. Formats: "
                    + "; ".join(f"{n}: {importers.get(n).summary}" for n in importers.formats()) + ".",
    )
    q.add_argument("source", type=Path, metavar="SOURCE", help="JSONL file, or a JSON object or list")
    q.add_argument("--format", required=True, choices=importers.formats(), help="source format")
    q.add_argument("--out", type=Path, required=True, help="output traces JSONL file")
    q.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    q.add_argument("--neutral-policy", choices=["positive", "negative"], default="positive",
                   help="label.correct of rating-0 steps (default positive)")
    q.set_defaults(func=run)


def _check_out(args: argparse.Namespace, inputs: list[Path], folder: bool = False) -> None:
    out: Path = args.out
    if folder:
        if out.exists() and not out.is_dir():
            raise UserError(f"--out {out} is a file; give a folder for --format hf")
        if out.is_dir() and any(out.iterdir()) and not args.overwrite:
            raise UserError(f"--out {out} is not empty; add --overwrite to replace its README.md and data/")
        if not out.parent.is_dir():
            raise UserError(f"--out {out}: folder {out.parent} does not exist")
        return
    if out.exists() and out.is_dir():
        raise UserError(f"--out {out} is a folder; give a file name")
    if out.exists() and any(out.resolve() == p.resolve() for p in inputs):
        raise UserError(f"--out {out} is the input file")
    if out.exists() and not args.overwrite:
        raise UserError(f"--out {out} exists; add --overwrite to replace it")
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: folder {out.parent} does not exist")


def _separator(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def _options(args: argparse.Namespace) -> exporters.ExportOptions:
    return exporters.ExportOptions(
        neutral_policy=args.neutral_policy, supervised_until_first_error=args.until_first_error, soft=args.soft,
        alternatives=not args.no_alternatives, separator=_separator(args.separator), verified_only=args.verified_only,
    )


def _rows(path: Path, fmt: str, options: exporters.ExportOptions, report: exporters.ExportReport,
          split: str | None = None) -> Iterator[dict[str, Any]]:
    """The export rows of a file's traces (only those whose ``task.split`` is ``split``, when given)."""
    traces = iter_traces(path)
    if split is not None:
        traces = (t for t in traces if t.task.split == split)
    try:
        yield from exporters.iter_export(traces, fmt, options, report)
    except exporters.ExportError as exc:
        raise UserError(str(exc)) from None


def _parquet(out: Path, rows: Iterator[dict[str, Any]], fmt: str) -> int:
    """Rows into one parquet file, in bounded batches: the records' own schema, or (projections) one
    learnt over every row first (the rows are spooled to a temporary JSONL, not kept in memory)."""
    from stepforge.datasets.arrow import RowSchema, batches, pyarrow, trace_schema

    pa = pyarrow()
    import pyarrow.parquet as pq

    shape = RowSchema()
    with tempfile.TemporaryDirectory(prefix=".export-", dir=out.parent) as tmpdir:
        spool = Path(tmpdir) / "rows.jsonl"
        if fmt == "stepforge":
            schema = trace_schema()
            source: Iterator[dict[str, Any]] = rows
        else:
            with spool.open("w", encoding="utf-8") as fh:
                for batch in batches(rows):
                    shape.learn(batch)
                    fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in batch)
            schema = shape.final()
            source = (obj for _, obj in iter_jsonl(spool))
        part = Path(tmpdir) / "out.parquet"
        n = 0
        with pq.ParquetWriter(part, schema, compression="zstd") as writer:
            for batch in batches(source):
                writer.write_table(shape.table(batch, schema))
                n += len(batch)
        part.replace(out)
    del pa
    return n


def _notes(fmt: str, report: exporters.ExportReport) -> None:
    for note in report.notes(fmt):
        print(f"stepforge: note: {note}", file=sys.stderr)


def _export(args: argparse.Namespace) -> int:
    files = trace_splits(args.source)
    options = _options(args)
    if args.format == "hf":
        return _export_hf(args, files, options)
    if args.split is not None:
        if args.split not in files:
            raise UserError(f"{args.source} has no split {args.split!r} (splits: {', '.join(files)})")
        files = {args.split: files[args.split]}
    if len(files) > 1:
        raise UserError(f"{args.source} holds splits {', '.join(files)}: choose one with --split, or use --format hf")
    ((path, only),) = files.values()
    _check_out(args, [path])
    report = exporters.ExportReport(rows=[], traces=0, skipped=0, dropped={})
    rows = _rows(path, args.format, options, report, only)
    if args.out.suffix == ".parquet":
        n = _parquet(args.out, rows, args.format)
    else:
        with AtomicWriter(args.out) as w:
            for row in rows:
                w.write(row)
        n = w.count
    _notes(args.format, report)
    skipped = f", {report.skipped} not verified skipped" if report.skipped else ""
    print(f"exported {n} {args.format} rows from {report.traces} traces{skipped} -> {args.out}")
    return 0


def _card_body(args: argparse.Namespace, name: str) -> str:
    rows = exporters.get(args.rows)
    parts = [
        f"# {name}",
        "",
        f"Step-labelled reasoning traces made with [stepforge](https://pypi.org/project/stepforge/): rows are "
        f"`{args.rows}` ({rows.summary}).",
        "",
        "```python",
        "from datasets import load_dataset",
        f'ds = load_dataset("{args.out}")  # or the Hub repository id once uploaded',
        "```",
        "",
    ]
    if args.rows == "stepforge":
        parts += ["Columns holding JSON text (decode with `json.loads`): `task.reference`, `task.messages`, "
                  "`task.metadata`, `generation`, `segmentation`, `steps[].evidence`, `steps[].alternatives`, "
                  "`outcome.versions`, `outcome.details`, `error_indices`, `provenance.versions`, `extras`; "
                  "`stepforge.schema.Trace.model_validate(row)` reads a row back as a record.", ""]
    parts += ["Publish (needs a token with write access):", "", "```bash",
              f"huggingface-cli upload USER/NAME {args.out} --repo-type dataset", "```", ""]
    card = args.source / "card.md" if args.source.is_dir() else None
    if card is not None and card.is_file():
        text = card.read_text(encoding="utf-8")
        if text.startswith("---\n") and "\n---\n" in text[4:]:
            text = text[4:].split("\n---\n", 1)[1]
        parts += ["## The source dataset's card", "", text.strip(), ""]
    return "\n".join(parts)


def _export_hf(args: argparse.Namespace, files: dict[str, tuple[Path, str | None]],
               options: exporters.ExportOptions) -> int:
    from stepforge.datasets import hf
    from stepforge.datasets.arrow import pyarrow, trace_schema

    pyarrow()
    _check_out(args, [p for p, _ in files.values()], folder=True)
    created = not args.out.exists()
    args.out.mkdir(exist_ok=True)
    if args.overwrite:
        hf.clear(args.out)
    reports: dict[str, exporters.ExportReport] = {}

    def split_rows(split: str, path: Path, only: str | None):
        def rows() -> Iterator[dict[str, Any]]:
            reports[split] = exporters.ExportReport(rows=[], traces=0, skipped=0, dropped={})
            yield from _rows(path, args.rows, options, reports[split], only)
        return rows

    name = args.pretty_name or (args.source.resolve().name if args.source.is_dir() else args.source.stem)
    try:
        report = hf.write_hub(
            args.out, {s: split_rows(s, p, only) for s, (p, only) in files.items()},
            schema=trace_schema() if args.rows == "stepforge" else None,
            body=_card_body(args, name), pretty_name=name, license=args.license,
            max_shard_bytes=int(args.max_shard_mb * 1024 * 1024),
        )
    except BaseException:
        data = args.out / "data"
        if data.is_dir() and not any(data.iterdir()):
            data.rmdir()
        if created and not any(args.out.iterdir()):
            args.out.rmdir()
        raise
    plots = args.source / "plots" if args.source.is_dir() else None
    if plots is not None and plots.is_dir():  # the source card's figures, linked from the README
        shutil.copytree(plots, args.out / "plots", dirs_exist_ok=True)
    for r in reports.values():
        _notes(args.rows, r)
    if report.json_columns:
        print(f"stepforge: note: columns of mixed types written as JSON text: {', '.join(report.json_columns)}",
              file=sys.stderr)
    counts = ", ".join(f"{s} {n}" for s, n in report.splits.items())
    print(f"exported {sum(report.splits.values())} {args.rows} rows ({counts}) in {len(report.files)} parquet "
          f"files -> {args.out} (load with datasets.load_dataset({str(args.out)!r}))")
    return 0


def _import(args: argparse.Namespace) -> int:
    if not args.source.is_file():
        raise UserError(f"{args.source} does not exist or is not a file")
    _check_out(args, [args.source])
    options = importers.ImportOptions(neutral_policy=args.neutral_policy)
    try:
        with AtomicWriter(args.out) as w:
            for trace in importers.iter_traces(args.format, importers.iter_rows(args.source), options):
                w.write(trace)
            if w.count == 0:
                raise UserError(f"{args.source} holds no rows")
    except importers.ImportFormatError as exc:
        raise UserError(f"{args.source}: {exc}") from None
    print(f"imported {w.count} {args.format} rows as stepforge/1 traces -> {args.out}")
    return 0


def run(args: argparse.Namespace) -> int:
    return _export(args) if args.command == "export" else _import(args)
