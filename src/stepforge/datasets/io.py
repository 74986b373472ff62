"""Reading and writing records as JSONL: append-only, flushed per record, repaired after a kill.

A run killed mid-write can leave a partial last line; ``repair_tail`` cuts it off so that a resumed
run neither loses a complete record nor keeps a broken one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from stepforge.errors import UserError
from stepforge.schema import Rejection, Trace


def dumps(record: BaseModel | dict[str, Any]) -> str:
    data = record.model_dump(mode="json") if isinstance(record, BaseModel) else record
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def append(fh: IO[str], record: BaseModel | dict[str, Any]) -> None:
    """Write one record as one line and flush it to the OS (survives SIGKILL of this process)."""
    fh.write(dumps(record) + "\n")
    fh.flush()


def sync(fh: IO[str]) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def repair_tail(path: Path) -> int:
    """Cut a trailing partial or unparseable line; return how many bytes were removed."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    keep = len(data)
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
    else:
        last_start = data.rfind(b"\n", 0, max(0, len(data) - 1)) + 1
        try:
            if data[last_start:keep].strip():
                json.loads(data[last_start:keep])
        except ValueError:
            keep = last_start
    if keep != len(data):
        with path.open("r+b") as fh:
            fh.truncate(keep)
    return len(data) - keep


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file; a line that is not JSON is a clear error naming the line."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError as exc:
                raise UserError(f"{path}:{n}: not a JSON line ({exc.msg})") from None


def read_traces(path: Path) -> list[Trace]:
    out = []
    for n, obj in enumerate(read_jsonl(path), 1):
        try:
            out.append(Trace.model_validate(obj))
        except ValidationError as exc:
            raise UserError(f"{path}: record {n} does not match schema stepforge/1: {exc.errors()[0]['msg']}") from None
    return out


def read_rejections(path: Path) -> list[Rejection]:
    return [Rejection.model_validate(obj) for obj in read_jsonl(path)]
