"""``stepforge validate``: check that a run folder or a JSONL file holds valid ``stepforge/1`` records.

Shape (the schema) and meaning (``datasets.checks``: the first error agrees with the labels and the
outcome, ``correct`` agrees with ``rating`` under the recorded neutral policy), ids unique, the file not
empty. Each problem is one line ``file:line: what``; records are read one at a time (bounded memory:
the id check keeps 16 bytes a record).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from array import array
from pathlib import Path

from pydantic import ValidationError

from stepforge.datasets.checks import problems
from stepforge.datasets.io import schema_error
from stepforge.errors import UserError
from stepforge.schema import Rejection, Trace

SHOWN = 20  # problems printed per file; the count says how many there were


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check records against the stepforge/1 schema and what they mean",
                       description="Validate traces / rejected records (a run or curate folder, or one .jsonl file): "
                                   "schema, first error vs labels and outcome, correct vs rating under the neutral "
                                   "policy, unique ids, non-empty. Exit 0 when every record is valid, 1 otherwise.")
    p.add_argument("path", type=Path, help="a run folder or a .jsonl file")
    p.add_argument("--max-shown", type=int, default=SHOWN, help=f"problems printed per file (default {SHOWN})")
    p.set_defaults(func=run)


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


def _check(path: Path, model: type[Trace] | type[Rejection], show: int) -> tuple[int, int]:
    """(records, invalid records); prints problems as ``file:line: what``."""
    n = bad = shown = 0
    keys, lines = array("q"), array("q")

    def report(line_no: int, msg: str) -> None:
        nonlocal shown
        if shown < show:
            print(f"{path}:{line_no}: {msg}")
        shown += 1

    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        for line_no, raw in enumerate(fh, 1):
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                n += 1
                bad += 1
                report(line_no, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                continue
            if not text.strip():
                continue
            n += 1
            try:
                rec = model.model_validate_json(text)
            except ValidationError as exc:
                bad += 1
                err = exc.errors()[0]
                report(line_no, f"not JSON ({err['msg']})" if err["type"] == "json_invalid" else schema_error(exc))
                continue
            found = problems(rec) if isinstance(rec, Trace) else []
            if isinstance(rec, Trace):
                keys.append(_key(rec.id))
                lines.append(line_no)
            if found:
                bad += 1
                report(line_no, "; ".join(found))
    if model is Trace and keys:
        bad += _duplicates(path, keys, lines, report)
    if shown > show:
        print(f"{path}: ... {shown - show} more problems not shown")
    return n, bad


def _duplicates(path: Path, keys: array, lines: array, report) -> int:
    """Records whose id was already used on an earlier line (found by sorting 64-bit id hashes)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    first: dict[int, int] = {}
    dups: list[tuple[int, int]] = []
    for a, b in zip(order, order[1:]):
        if keys[a] == keys[b]:
            first.setdefault(keys[a], min(lines[a], lines[b]))
    for i, k in enumerate(keys):
        if k in first and lines[i] != first[k]:
            dups.append((lines[i], first[k]))
    if not dups:
        return 0
    ids = _ids_on(path, {ln for pair in dups for ln in pair})
    real = [(ln, fl) for ln, fl in sorted(dups) if ids.get(ln) == ids.get(fl)]
    for ln, fl in real:
        report(ln, f"duplicate id {ids[ln]!r} (first on line {fl})")
    return len(real)


def _ids_on(path: Path, wanted: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, 1):
            if line_no in wanted:
                out[line_no] = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))["id"]
    return out


def run(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.is_dir():
        names = ["traces.jsonl", "rejected.jsonl"]
        report = path / "curate.json"
        if report.is_file():
            try:
                names = [*json.loads(report.read_text(encoding="utf-8")).get("files", {}).values(), "rejected.jsonl"]
            except (ValueError, UnicodeDecodeError, AttributeError):
                raise UserError(f"{report} is not a curate report") from None
        files = [(path / f, Rejection if f.startswith("rejected") else Trace) for f in names]
        files = [(f, m) for f, m in files if f.exists()]
        if not files:
            raise UserError(f"{path} holds no traces.jsonl or rejected.jsonl")
    elif path.is_file():
        files = [(path, Rejection if path.name.startswith("rejected") else Trace)]
    else:
        raise UserError(f"no such file or folder: {path}")
    failed = False
    for f, model in files:
        n, bad = _check(f, model, args.max_shown)
        if n == 0 and model is Trace:
            print(f"{f}: holds no records")
            failed = True
            continue
        failed |= bad > 0
        print(f"{f}: {n - bad} of {n} records valid ({model.__name__}, stepforge/1)")
    return 1 if failed else 0
