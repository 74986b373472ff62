"""``stepforge export`` and ``stepforge import``: traces to other datasets' formats and back.

``export`` projects a run (its folder or a ``traces.jsonl``) onto TRL stepwise, PRM800K,
Math-Shepherd, ProcessBench or PRMBench rows; what a format cannot hold is reported on stderr.
``import`` reads rows of those formats into ``stepforge/1`` traces. Output files are written whole
or not at all (a temporary file renamed into place).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from stepforge.datasets import exporters, importers
from stepforge.datasets.io import dumps, read_jsonl
from stepforge.errors import UserError
from stepforge.schema import Trace


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write traces as TRL / PRM800K / Math-Shepherd / ProcessBench / PRMBench rows",
        description="Project stepforge traces onto another dataset format (JSONL). Information the "
                    "format cannot hold is reported on stderr. Formats: "
                    + "; ".join(f"{n}: {exporters.get(n).summary}" for n in exporters.formats()) + ".",
    )
    p.add_argument("source", type=Path, metavar="RUN_DIR_OR_TRACES_JSONL", help="a run folder or a traces JSONL file")
    p.add_argument("--format", required=True, choices=exporters.formats(), help="target format")
    p.add_argument("--out", type=Path, required=True, help="output JSONL file")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
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


def _traces_path(source: Path) -> Path:
    if source.is_dir():
        path = source / "traces.jsonl"
        if not path.is_file():
            raise UserError(f"{source} is a folder without traces.jsonl (not a stepforge run)")
        return path
    if not source.is_file():
        raise UserError(f"{source} does not exist")
    return source


def _check_out(args: argparse.Namespace, source: Path) -> None:
    out: Path = args.out
    if out.exists() and out.is_dir():
        raise UserError(f"--out {out} is a folder; give a file name")
    if out.exists() and out.resolve() == source.resolve():
        raise UserError(f"--out {out} is the input file")
    if out.exists() and not args.overwrite:
        raise UserError(f"--out {out} exists; add --overwrite to replace it")
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: folder {out.parent} does not exist")


def _write(out: Path, rows: Iterable[dict[str, Any] | BaseModel], empty_error: str | None = None) -> int:
    """All rows or nothing: a temporary file in the same folder, renamed over ``out``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(dumps(row) + "\n")
                n += 1
            fh.flush()
            os.fsync(fh.fileno())
        if n == 0 and empty_error:
            raise UserError(empty_error)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def _separator(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def _traces(path: Path) -> Iterator[Trace]:
    for n, obj in enumerate(read_jsonl(path), 1):
        try:
            yield Trace.model_validate(obj)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(map(str, err["loc"]))
            raise UserError(f"{path}: record {n} does not match schema stepforge/1: {where}: {err['msg']}") from None


def _export(args: argparse.Namespace) -> int:
    source = _traces_path(args.source)
    _check_out(args, source)
    options = exporters.ExportOptions(
        neutral_policy=args.neutral_policy, supervised_until_first_error=args.until_first_error, soft=args.soft,
        alternatives=not args.no_alternatives, separator=_separator(args.separator), verified_only=args.verified_only,
    )
    report = exporters.ExportReport(rows=[], traces=0, skipped=0, dropped={})
    try:
        n = _write(args.out, exporters.iter_export(_traces(source), args.format, options, report))
    except exporters.ExportError as exc:
        raise UserError(str(exc)) from None
    for note in report.notes(args.format):
        print(f"stepforge: note: {note}", file=sys.stderr)
    skipped = f", {report.skipped} not verified skipped" if report.skipped else ""
    print(f"exported {n} {args.format} rows from {report.traces} traces{skipped} -> {args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    if not args.source.is_file():
        raise UserError(f"{args.source} does not exist or is not a file")
    _check_out(args, args.source)
    options = importers.ImportOptions(neutral_policy=args.neutral_policy)
    try:
        n = _write(args.out, importers.iter_traces(args.format, importers.iter_rows(args.source), options),
                   empty_error=f"{args.source} holds no rows")
    except importers.ImportFormatError as exc:
        raise UserError(f"{args.source}: {exc}") from None
    print(f"imported {n} {args.format} rows as stepforge/1 traces -> {args.out}")
    return 0


def run(args: argparse.Namespace) -> int:
    return _export(args) if args.command == "export" else _import(args)
