"""Importers: rows of other datasets (PRM800K, PRMBench, Math-Shepherd, ProcessBench, TRL) into
``stepforge/1`` traces, one module per format registered in ``IMPORTERS``.

Every source key lands either in a canonical field or, unchanged, under ``extras.<format>``, so that
``export(fmt, import(fmt, row)) == row``. Nothing is invented: an imported trace's outcome is the
source's own verdict or ``correct: null`` (verifier ``imported:<format>``), ``verified`` is False
(stepforge did not verify it), and every inferred value is documented in the format's module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from stepforge._registry import Registry, import_submodules
from stepforge.errors import UserError
from stepforge.schema import Trace


class ImportOptions(BaseModel):
    """``neutral_policy`` decides ``label.correct`` for rating-0 steps (PRM800K has them);
    ``created_at`` is the provenance time (default: now, UTC)."""

    model_config = ConfigDict(extra="forbid")

    neutral_policy: Literal["positive", "negative"] = "positive"
    created_at: str | None = None


class Importer(Protocol):
    name: str
    summary: str

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace: ...


class ImportFormatError(ValueError):
    """A source row does not have the shape of its format."""


IMPORTERS: Registry[Importer] = Registry("import format")


def _load() -> None:
    import_submodules(__name__)  # idempotent: modules import once


def formats() -> list[str]:
    _load()
    return IMPORTERS.names()


def get(name: str) -> Importer:
    _load()
    return IMPORTERS.get(name)


def import_row(fmt: str, row: dict[str, Any], options: ImportOptions | None = None) -> Trace:
    """One source row as a trace; a row of the wrong shape raises ImportFormatError."""
    if not isinstance(row, dict):
        raise ImportFormatError(f"expected a JSON object, got {type(row).__name__}")
    try:
        return get(fmt).to_trace(row, options or ImportOptions())
    except ImportFormatError:
        raise
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ImportFormatError(f"not a valid {fmt} row: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ImportFormatError(f"not a valid {fmt} row: {detail}") from None


def iter_rows(path: Path) -> Iterator[Any]:
    """Rows of a source file, streamed: JSONL, one JSON document (an object or a list of objects,
    e.g. the pretty-printed PRM800K README example; read whole), or a parquet file (a Hub dataset's
    shard; needs pyarrow). Bad bytes or JSON are one-line errors naming the line."""
    from stepforge.datasets.arrow import is_parquet, parquet_rows
    from stepforge.datasets.io import iter_lines

    if is_parquet(path):
        yield from parquet_rows(path)
        return
    lines = iter_lines(path)
    first = next(lines, None)
    if first is None:
        return
    n, text = first
    whole = text.lstrip().startswith("[")
    if not whole:
        try:
            json.loads(text)
        except ValueError:
            whole = True
    if whole:
        for _ in lines:  # every line decodes (a bad byte is reported with its line) before the whole parse
            pass
        try:
            doc = json.loads(path.read_bytes().decode("utf-8-sig"))
        except ValueError as exc:
            raise UserError(f"{path}: neither JSONL nor one JSON document ({exc})") from None
        yield from doc if isinstance(doc, list) else [doc]
        return
    yield json.loads(text)
    for n, text in lines:
        try:
            yield json.loads(text)
        except ValueError as exc:
            raise UserError(f"{path}:{n}: not a JSON line ({getattr(exc, 'msg', exc)})") from None


def read_rows(path: Path) -> list[Any]:
    return list(iter_rows(path))


def iter_traces(fmt: str, rows: Iterable[Any], options: ImportOptions | None = None) -> Iterator[Trace]:
    """Traces of ``rows``, one at a time; a bad row raises ImportFormatError naming its number."""
    for n, row in enumerate(rows, 1):
        try:
            yield import_row(fmt, row, options)
        except ImportFormatError as exc:
            raise ImportFormatError(f"row {n}: {exc}") from None


def import_rows(fmt: str, rows: Iterable[Any], options: ImportOptions | None = None) -> list[Trace]:
    return list(iter_traces(fmt, rows, options))


__all__ = ["IMPORTERS", "ImportFormatError", "ImportOptions", "Importer", "formats", "get", "import_row",
           "import_rows", "iter_rows", "iter_traces", "read_rows"]
