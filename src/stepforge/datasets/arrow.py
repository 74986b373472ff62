"""Arrow schemas and parquet files: the record schema as Arrow types, schemas of exported rows, and a
streaming, sharded parquet writer. ``pyarrow`` comes with the ``data`` extra; without it, asking for
parquet is a one-line error.

The Arrow schema of a trace is derived from the pydantic models, field by field, so it stays true when
the schema grows; the ``WIRE_JSON`` parts are strings (JSON text), exactly as a record line holds them.
Exported rows have no declared schema: ``RowSchema`` unifies the types of every row (a null column
takes the type other rows give it) and turns a column whose rows disagree (a string here, a number
there) into JSON text, so a whole file has one schema and writes in bounded batches.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from stepforge.errors import UserError
from stepforge.schema import Outcome, Provenance, Step, Task, Trace

BATCH_ROWS = 1000  # rows per Arrow batch: bounded memory whatever the file size


def pyarrow(what: str = "parquet output") -> Any:
    """The pyarrow module, or a one-line error saying how to get it (for ``what``)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise UserError(f"{what} needs pyarrow: pip install 'stepforge[data]'") from None
    return pa


PARQUET_MAGIC = b"PAR1"


def is_parquet(path: Path) -> bool:
    """``path`` is a parquet file (it opens with the format's magic bytes, whatever its name)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == PARQUET_MAGIC
    except OSError:
        return False


def parquet_rows(path: Path, size: int = BATCH_ROWS) -> Iterator[dict[str, Any]]:
    """The rows of a parquet file as plain dicts (lists, nested dicts, None), streamed a batch at a time: a Hub
    dataset's shard (ProcessBench, TRL's stepwise sets, GSM8K) or a stepforge export. A damaged file is a
    one-line error naming it."""
    pa = pyarrow(f"{path}: reading parquet")
    try:
        reader = pa.parquet.ParquetFile(path)
        for batch in reader.iter_batches(batch_size=size):
            yield from batch.to_pylist()
    except (pa.ArrowException, OSError) as exc:
        why = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path}: not a readable parquet file ({why})") from None


def _wire_fields(model: type[BaseModel]) -> tuple[str, ...]:
    return model.__private_attributes__["_wire_json"].default if "_wire_json" in model.__private_attributes__ else ()


def _arrow_type(pa: Any, ann: Any) -> Any:
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            return pa.string()
        return _arrow_type(pa, rest[0])
    if origin is typing.Literal:
        kinds = {type(a) for a in args}
        return pa.int64() if kinds == {int} else pa.bool_() if kinds == {bool} else pa.string()
    if origin in (list, tuple):
        inner = args[0] if args else Any
        return pa.list_(_arrow_type(pa, inner))
    if origin is dict or ann is dict or ann is Any:
        return pa.string()  # free-form: JSON text
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return model_struct(pa, ann)
    return {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}.get(ann, pa.string())


def model_struct(pa: Any, model: type[BaseModel]) -> Any:
    wire = set(_wire_fields(model))
    fields = []
    for name, info in model.model_fields.items():
        typ = pa.string() if name in wire else _arrow_type(pa, info.annotation)
        fields.append(pa.field(name, typ))
    return pa.struct(fields)


def trace_schema() -> Any:
    """The Arrow schema of a trace in its wire form (``schema.to_wire``)."""
    pa = pyarrow()
    for model in (Task, Step, Outcome, Provenance):  # the parts that nest a wire field
        assert _wire_fields(model), model
    return pa.schema(list(model_struct(pa, Trace)))


class RowSchema:
    """One schema for rows of unknown shape, learnt over every row (first pass), then applied."""

    def __init__(self) -> None:
        self.pa = pyarrow()
        self.schema: Any = None
        self.json_columns: set[str] = set()

    def learn(self, rows: list[dict[str, Any]]) -> None:
        pa = self.pa
        rows = [self._encode(r) for r in rows]
        while True:
            try:
                seen = pa.Table.from_pylist(rows).schema
                break
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                bad = self._conflicting(rows, exc)
                self.json_columns.add(bad)
                rows = [self._encode(r) for r in rows]
        if self.schema is None:
            self.schema = seen
            return
        try:
            self.schema = pa.unify_schemas([self.schema, seen], promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            for f in seen:
                if f.name in self.schema.names:
                    try:
                        pa.unify_schemas([pa.schema([self.schema.field(f.name)]), pa.schema([f])],
                                         promote_options="permissive")
                    except (pa.ArrowInvalid, pa.ArrowTypeError):
                        self.json_columns.add(f.name)
            keep = [f for f in self.schema if f.name not in self.json_columns]
            keep += [pa.field(n, pa.string()) for n in sorted(self.json_columns) if n not in {f.name for f in keep}]
            self.schema = pa.unify_schemas([pa.schema(keep), pa.schema([f if f.name not in self.json_columns
                                                                       else pa.field(f.name, pa.string()) for f in seen])],
                                           promote_options="permissive")

    def _conflicting(self, rows: list[dict[str, Any]], exc: Exception) -> str:
        pa = self.pa
        names = {k for r in rows for k in r} - self.json_columns
        for name in sorted(names):
            try:
                pa.array([r.get(name) for r in rows])
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return name
        raise UserError(f"rows cannot be written as parquet: {exc}")

    def _encode(self, row: dict[str, Any]) -> dict[str, Any]:
        if not self.json_columns:
            return row
        return {k: (json.dumps(v, ensure_ascii=False) if k in self.json_columns and v is not None else v)
                for k, v in row.items()}

    def final(self) -> Any:
        """The learnt schema with null-only columns as strings (parquet readers want a real type)."""
        pa = self.pa
        if self.schema is None:
            return pa.schema([])
        return pa.schema([_no_nulls(pa, f) for f in self.schema])

    def table(self, rows: list[dict[str, Any]], schema: Any) -> Any:
        return self.pa.Table.from_pylist([self._encode(r) for r in rows], schema=schema)


def _no_nulls(pa: Any, field: Any) -> Any:
    t = field.type
    if pa.types.is_null(t):
        return field.with_type(pa.string())
    if pa.types.is_list(t):
        return field.with_type(pa.list_(_no_nulls(pa, t.value_field).type))
    if pa.types.is_struct(t):
        return field.with_type(pa.struct([_no_nulls(pa, t.field(i)) for i in range(t.num_fields)]))
    return field


def batches(rows: Iterable[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class ParquetShards:
    """Parquet files of one split, written batch by batch and rolled over at ``max_bytes`` of data;
    ``close`` renames them to the Hub names ``{split}-{i:05d}-of-{n:05d}.parquet``. Nothing is left
    under a final name before ``close``, so an interrupted export never looks complete."""

    def __init__(self, folder: Path, split: str, schema: Any, max_bytes: int = 500 * 1024 * 1024) -> None:
        self.pa = pyarrow()
        self.folder, self.split, self.schema, self.max_bytes = folder, split, schema, max_bytes
        self.paths: list[Path] = []
        self._writer: Any = None
        self._bytes = 0
        self.rows = 0
        self.nbytes = 0

    def write(self, table: Any) -> None:
        import pyarrow.parquet as pq

        per_row = max(1.0, table.nbytes / max(1, table.num_rows))
        while table.num_rows:
            if self._writer is None or self._bytes >= self.max_bytes:
                self._roll()
                path = self.folder / f".{self.split}-{len(self.paths):05d}.parquet.tmp"
                self.paths.append(path)
                self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")
            fit = max(1, int((self.max_bytes - self._bytes) / per_row))
            part, table = table.slice(0, fit), table.slice(fit)
            self._writer.write_table(part)
            self._bytes += part.nbytes
            self.nbytes += part.nbytes
            self.rows += part.num_rows

    def _roll(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._bytes = 0

    def close(self) -> list[Path]:
        self._roll()
        if not self.paths:  # an empty split still gets one (empty) shard, so it loads
            import pyarrow.parquet as pq

            path = self.folder / f".{self.split}-00000.parquet.tmp"
            pq.write_table(self.schema.empty_table(), path)
            self.paths.append(path)
        n = len(self.paths)
        final = []
        for i, tmp in enumerate(self.paths):
            dest = self.folder / f"{self.split}-{i:05d}-of-{n:05d}.parquet"
            tmp.replace(dest)
            final.append(dest)
        return final

    def abort(self) -> None:
        self._roll()
        for p in self.paths:
            p.unlink(missing_ok=True)


def hf_features(schema: Any) -> list[dict[str, Any]]:
    """The ``features`` list of a dataset card's ``dataset_info`` for an Arrow schema."""
    pa = pyarrow()
    return [{"name": f.name, **_feature(pa, f.type)} for f in schema]


def _feature(pa: Any, t: Any) -> dict[str, Any]:
    if pa.types.is_struct(t):
        return {"struct": [{"name": t.field(i).name, **_feature(pa, t.field(i).type)} for i in range(t.num_fields)]}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        inner = _feature(pa, t.value_type)
        return {"list": inner["dtype"] if set(inner) == {"dtype"} else (inner.get("struct") or inner)}
    names = {pa.bool_(): "bool", pa.int64(): "int64", pa.int32(): "int32", pa.float64(): "float64",
             pa.float32(): "float32", pa.string(): "string", pa.large_string(): "large_string", pa.null(): "null"}
    if t in names:
        return {"dtype": names[t]}
    raise UserError(f"no Hugging Face feature type for Arrow type {t}")
