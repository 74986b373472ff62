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
from stepforge.schema import Rejection, Trace, to_wire


def dumps(record: BaseModel | dict[str, Any]) -> str:
    """One record as one JSON line; a Trace in its line form (``schema.to_wire``: one type per field)."""
    if isinstance(record, Trace):
        data = to_wire(record)
    else:
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


def trace_files(source: Path) -> dict[str, Path]:
    """The trace files of a source by split: a run folder is ``train`` (its traces.jsonl), a curate
    folder names its split files in ``curate.json``, a file is ``train``."""
    if source.is_dir():
        report = source / "curate.json"
        if report.is_file():
            try:
                files = json.loads(report.read_text(encoding="utf-8"))["files"]
                return {str(split): source / str(name) for split, name in files.items()}
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
                raise UserError(f"{report} is not a curate report") from None
        path = source / "traces.jsonl"
        if not path.is_file():
            raise UserError(f"{source} is a folder without traces.jsonl (not a stepforge run)")
        return {"train": path}
    if not source.is_file():
        raise UserError(f"{source} does not exist")
    return {"train": source}


def trace_splits(source: Path) -> dict[str, tuple[Path, str | None]]:
    """Each split of a source: its file and, for a run made with ``--split`` (one ``traces.jsonl``, each trace's
    split in ``task.split``), the split name its traces carry; else None (the whole file is the split)."""
    files = trace_files(source)
    run = source / "run.json" if source.is_dir() else None
    if run is not None and run.is_file() and "train" in files and len(files) == 1:
        try:
            split = (json.loads(run.read_text(encoding="utf-8")).get("config") or {}).get("curate") or {}
            names = list((split.get("split") or {}) if isinstance(split, dict) else {})
        except (ValueError, UnicodeDecodeError, AttributeError):
            names = []
        if names:
            return {str(n): (files["train"], str(n)) for n in names}
    return {s: (p, None) for s, p in files.items()}


def iter_raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)`` of every non-blank line, streamed, undecoded (a UTF-8 byte order mark
    is dropped). Use ``utf8_error`` to report a line that turns out not to be UTF-8."""
    try:
        fh = path.open("rb")
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a file") from None
    except FileNotFoundError:
        raise UserError(f"{path} does not exist") from None
    with fh:
        for n, raw in enumerate(fh, 1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw.strip():
                yield n, raw


def utf8_error(path: Path, n: int, raw: bytes) -> UserError | None:
    """The one-line error for line ``n`` when it is not UTF-8, else None."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return UserError(f"{path}:{n}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
    return None


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every non-blank line, streamed; a line that is not UTF-8 is a one-line
    error naming the file, the line and the byte (never a UnicodeDecodeError traceback)."""
    for n, raw in iter_raw_lines(path):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise utf8_error(path, n, raw) from None  # type: ignore[misc]
        yield n, line


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` of a JSONL file, streamed; bad lines are one-line errors naming the line."""
    for n, line in iter_lines(path):
        try:
            yield n, json.loads(line)
        except ValueError as exc:
            raise UserError(f"{path}:{n}: not a JSON line ({getattr(exc, 'msg', exc)})") from None


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file; a line that is not JSON is a clear error naming the line."""
    for _, obj in iter_jsonl(path):
        yield obj


def schema_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(map(str, err["loc"]))
    return f"{where}: {err['msg']}" if where else err["msg"]


def iter_traces(path: Path) -> Iterator[Trace]:
    """Traces of a JSONL file, one at a time (bounded memory); a record that is not ``stepforge/1`` is
    a one-line error naming its line."""
    for n, obj in iter_jsonl(path):
        try:
            yield Trace.model_validate(obj)
        except ValidationError as exc:
            raise UserError(f"{path}:{n}: record does not match schema stepforge/1: {schema_error(exc)}") from None


def read_traces(path: Path) -> list[Trace]:
    return list(iter_traces(path))


def read_rejections(path: Path) -> list[Rejection]:
    return [Rejection.model_validate(obj) for obj in read_jsonl(path)]


class AtomicWriter:
    """A file written whole or not at all: lines go to a temporary file in the same folder, renamed
    over ``path`` by ``commit``; ``abort`` (or an exception in a ``with`` block) leaves ``path`` as it was."""

    def __init__(self, path: Path) -> None:
        import tempfile

        self.path = path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.tmp = Path(tmp)
        self.fh = os.fdopen(fd, "wb", buffering=1 << 20)  # lines of kilobytes: not a system call each
        self.count = 0

    def write(self, record: BaseModel | dict[str, Any]) -> None:
        self.fh.write(dumps(record).encode("utf-8") + b"\n")
        self.count += 1

    def write_line(self, line: str | bytes) -> None:
        """A line exactly as given (a record passed through unchanged)."""
        data = line.encode("utf-8") if isinstance(line, str) else line
        self.fh.write(data if data.endswith(b"\n") else data + b"\n")
        self.count += 1

    def write_lines(self, lines: list[bytes]) -> None:
        """Lines exactly as given, none ending in a newline (records passed through unchanged)."""
        if lines:
            self.fh.write(b"\n".join(lines) + b"\n")
            self.count += len(lines)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()
