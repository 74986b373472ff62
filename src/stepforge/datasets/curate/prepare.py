"""The per-row work of curation that does not depend on other rows: read the fields it needs, hash the
normalised texts, find benchmark overlap, MinHash the shingles. ``prepared(...)`` runs it over batches,
in worker processes when asked (forked: no re-import of the caller's script, so a plain script or a
notebook works), at most a few batches ahead (bounded memory), results in input order.

Everything that decides between rows (the duplicate indexes, the output) stays in the calling process.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from stepforge.datasets.curate.decontam import Hit, Index
from stepforge.datasets.curate.dedup import signatures
from stepforge.datasets.curate.text import Tokens, grams, tokenize
from stepforge.datasets.keys import keys, solution_text, split_unit, task_key
from stepforge.datasets.io import utf8_error
from stepforge.errors import UserError
from stepforge.schema import SCHEMA_VERSION

Raw = tuple[int, int, bytes]  # (input file index, line number, the line)
CHUNK_BYTES = 4 * 1024 * 1024  # input read in pieces of about this size, cut at a line end


@dataclass(frozen=True)
class Chunk:
    """A piece of one input file holding whole lines: workers read it themselves (nothing but these
    numbers crosses the process boundary on the way in)."""

    file: int
    offset: int
    length: int
    first_line: int

    def lines(self, paths: tuple[str, ...], data: bytes | None = None) -> list[Raw]:
        if data is None:
            with open(paths[self.file], "rb") as fh:
                fh.seek(self.offset)
                data = fh.read(self.length)
        out = []
        for k, line in enumerate(data.split(b"\n")):
            if k == 0 and self.offset == 0 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]  # a UTF-8 byte order mark
            if line.strip():
                out.append((self.file, self.first_line + k, line))
        return out


@dataclass(frozen=True)
class Plan:
    """What the per-row work needs; sent once to each worker."""

    paths: tuple[str, ...]
    index: Index | None
    ngram: int
    shingle: int | None  # None: no near-duplicate detection
    group_by: str
    split_seed: int
    num_perm: int = 128
    minhash_seed: int = 42


@dataclass
class Prepared:
    """One batch, row by row (lists aligned with the batch)."""

    ids: list[str]
    domains: list[str]
    exact: list[bytes]  # 16-byte key of the normalised problem and solution
    group: list[bytes]  # what keeps rows on one side of a split
    unit: list[float]  # the group's place in [0, 1): which split it falls in
    hits: list[Hit | None]
    sigs: list[Any] | None  # rensa MinHash of each row's shingles (None: no near-duplicate detection)


def prepare(plan: Plan, batch: list[Raw]) -> Prepared:
    """The per-row work for the non-blank lines of a batch."""
    from stepforge.datasets.curate import _records

    out = Prepared([], [], [], [], [], [], None)
    texts = []
    for fi, n, line in batch:
        try:
            rec = _records.DECODER.decode(line)
        except _records.DecodeError as exc:
            path = Path(plan.paths[fi])
            raise (utf8_error(path, n, line) or UserError(f"{path}:{n}: not a stepforge/1 trace ({exc})")) from None
        if rec.schema_version != SCHEMA_VERSION or rec.domain not in ("math", "code"):
            raise UserError(f"{plan.paths[fi]}:{n}: not a stepforge/1 trace (schema_version {rec.schema_version!r}, "
                            f"domain {rec.domain!r})")
        problem, solution = rec.task.prompt, solution_text([s.text for s in rec.steps])
        group, exact = keys(problem, solution)
        if plan.group_by == "task_id":
            group = task_key(rec.task.task_id)
        out.ids.append(rec.id)
        out.domains.append(rec.domain)
        out.exact.append(exact)
        out.group.append(group)
        out.unit.append(split_unit(plan.split_seed, group))
        texts.append(f"{problem}\n{solution}")
    tokens = tokenize(texts)
    out.hits = plan.index.check(grams(tokens, plan.ngram, short_whole=False)) if plan.index else [None] * len(batch)
    if plan.shingle is not None:  # here, so that worker processes do it (signatures pickle)
        out.sigs = signatures(grams(tokens, plan.shingle, short_whole=True), plan.num_perm, plan.minhash_seed)
    return out


_PLAN: Plan | None = None


def _init(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan


def _work(chunk: Chunk) -> Prepared:
    assert _PLAN is not None
    return prepare(_PLAN, chunk.lines(_PLAN.paths))


class _RayPrepare:
    """Inside a Ray actor (``--executor ray``): the plan (benchmark index included) received once; each call
    prepares one chunk, read from the file by the actor (same path on every node)."""

    def __init__(self, plan: Plan) -> None:
        _init(plan)

    def __call__(self, chunk: Chunk) -> Prepared:
        return _work(chunk)


def _ray_prepared(plan: Plan, chunks: Iterator[tuple[Chunk, bytes]],
                  address: str | None) -> Iterator[tuple[list[Raw], Prepared]]:
    import functools

    from stepforge._ray import RayMap

    plan = replace(plan, paths=tuple(str(Path(p).resolve()) for p in plan.paths))
    lines: deque[list[Raw]] = deque()  # the driver's own copy of each chunk sent, in order (results come in order)

    def sent() -> Iterator[Chunk]:
        for chunk, data in chunks:
            lines.append(chunk.lines(plan.paths, data))
            yield chunk

    with RayMap(address, functools.partial(_RayPrepare, plan), what="curate") as m:
        for prep in m.map(sent()):
            yield lines.popleft(), prep


def prepared(plan: Plan, chunks: Iterator[tuple[Chunk, bytes]], workers: int, *, ray: bool = False,
             ray_address: str | None = None) -> Iterator[tuple[list[Raw], Prepared]]:
    """(the lines of a chunk, their preparation) in input order; ``workers`` > 1 prepares in forked
    processes, which read their chunk from the file while this process reads its own copy; ``ray``: in Ray
    actors, one per CPU of the cluster at ``ray_address``."""
    if ray:
        yield from _ray_prepared(plan, chunks, ray_address)
        return
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for chunk, data in chunks:
            batch = chunk.lines(plan.paths, data)
            yield batch, prepare(plan, batch)
        return
    window: deque[tuple[list[Raw], Future]] = deque()
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_init, initargs=(plan,)) as pool:
        try:
            for chunk, data in chunks:
                window.append((chunk.lines(plan.paths, data), pool.submit(_work, chunk)))
                if len(window) > 2 * workers:
                    done, fut = window.popleft()
                    yield done, fut.result()
            while window:
                done, fut = window.popleft()
                yield done, fut.result()
        except BrokenProcessPool:
            raise UserError("a curate worker process died (out of memory?); run again with --workers 1") from None
        finally:
            for _, fut in window:
                fut.cancel()


def read(paths: list[Path], chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[Chunk, bytes]]:
    """Every input in chunks of whole lines (and the chunk's bytes)."""
    for fi, path in enumerate(paths):
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
        with fh:
            offset, line, rest = 0, 1, b""
            while True:
                block = fh.read(chunk_bytes)
                data = rest + block
                if not block:
                    if data:
                        yield Chunk(fi, offset, len(data), line), data
                    break
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    rest = data
                    continue
                piece, rest = data[:cut], data[cut:]
                yield Chunk(fi, offset, len(piece), line), piece
                offset += len(piece)
                line += piece.count(b"\n")
