"""Curation of a stream of traces, one at a time, in the order they are written (a run's ``--dedup``,
``--near-dup``, ``--decontaminate``, ``--split``): each trace is checked against the benchmarks and against the
traces kept before it, with the same rules and in the same order as ``curate`` over the finished file
(decontamination, then exact, then near duplicates). A kept trace is indexed and gets its split; a dropped one
gets the reason and what it matches. ``keep_existing`` rebuilds the indexes from traces already written (resume).

Exact duplicates need the standard library only; near duplicates and decontamination need the ``data`` extra
(numpy, rensa), imported only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stepforge.datasets.curate.options import CurateOptions, Splits
from stepforge.datasets.keys import keys, solution_text, split_unit, task_key
from stepforge.errors import UserError


@dataclass(frozen=True)
class Row:
    """What curation reads of a trace."""

    id: str
    problem: str
    steps: list[str]
    task_id: str

    @classmethod
    def of(cls, trace: dict[str, Any]) -> Row:
        """From a trace's JSON dict (nested or the line form: the fields read are plain in both)."""
        task = trace["task"]
        return cls(str(trace["id"]), str(task["prompt"]), [str(s["text"]) for s in trace["steps"]],
                   str(task["task_id"]))


@dataclass(frozen=True)
class Drop:
    reason: str  # contaminated, duplicate, near_duplicate
    detail: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Keep:
    split: str | None  # None when the run has no --split
    overlap: dict[str, Any] | None  # the best benchmark overlap of a kept row (below the preset's threshold)


class StreamCuration:
    """The curation indexes of one run. ``where(k)`` names the k-th kept row (its id and line in the output)."""

    def __init__(self, options: CurateOptions) -> None:
        self.options = options
        self.preset = options.decontamination()
        self.kept_ids: list[str] = []
        self.exact: dict[bytes, int] | None = {} if options.exact else None
        self.near: Any = None
        self.index: Any = None
        self._text: Any = None
        if options.near or options.benchmarks:
            try:
                from stepforge.datasets.curate import decontam, text
                from stepforge.datasets.curate.dedup import Near
            except ImportError as exc:
                raise UserError(f"near-duplicate removal and decontamination need the data extra ({exc.name} is "
                                "missing): pip install 'stepforge[data]'") from None
            self._text = text
            if options.near:
                self.near = Near(options.near_threshold, options.num_perm, options.bands)
            if options.benchmarks:
                self.index = decontam.Index([decontam.load(spec) for spec in options.benchmarks], self.preset)
        self.splits = Splits(options.split, count_groups=False) if options.split else None

    # -- the per-row work, for one row or a batch --------------------------------------------------------------

    def _tokens(self, rows: list[Row]) -> Any:
        return self._text.tokenize([f"{r.problem}\n{solution_text(r.steps)}" for r in rows])

    def _signatures(self, rows: list[Row], tokens: Any) -> list[Any]:
        return self.near.signatures(self._text.grams(tokens, self.options.shingle, short_whole=True))

    def _split(self, row: Row, group: bytes) -> str | None:
        if self.splits is None:
            return None
        if self.options.group_by == "task_id":
            group = task_key(row.task_id)
        return self.splits(split_unit(self.options.split_seed, group), group)

    def where(self, k: int) -> dict[str, Any]:
        return {"id": self.kept_ids[k], "line": k + 1}

    def _index(self, group_exact: tuple[bytes, bytes], row: Row) -> None:
        if self.exact is not None:
            self.exact.setdefault(group_exact[1], len(self.kept_ids))
        self.kept_ids.append(row.id)

    # -- the stream --------------------------------------------------------------------------------------------

    def check(self, row: Row) -> Drop | Keep:
        """Drop the row, or keep it: then it joins the indexes (the next rows are checked against it)."""
        group, exact = keys(row.problem, solution_text(row.steps))
        tokens = self._tokens([row]) if self._text is not None else None
        overlap = None
        if self.index is not None:
            hit = self.index.check(self._text.grams(tokens, self.preset.ngram, short_whole=False))[0]
            if hit is not None:
                overlap = hit.evidence(self.preset.ngram)
                if self.index.flags(hit):
                    return Drop("contaminated", f"{hit.shared} of the {hit.total} {self.preset.ngram}-grams of "
                                f"{hit.benchmark} item {hit.item} ({hit.fraction:.0%})", overlap)
        if self.exact is not None and (k := self.exact.get(exact)) is not None:
            return Drop("duplicate", f"same normalised problem and solution as {self.kept_ids[k]}",
                        {"duplicate_of": self.where(k)})
        if self.near is not None:
            match = self.near.check_add(self._signatures([row], tokens)[0], len(self.kept_ids))
            if match is not None:
                k, sim = match
                return Drop("near_duplicate", f"estimated Jaccard similarity {sim:.2f} with {self.kept_ids[k]}",
                            {"duplicate_of": self.where(k), "similarity": round(sim, 4),
                             "threshold": self.options.near_threshold, "shingle": self.options.shingle})
        self._index((group, exact), row)
        return Keep(self._split(row, group), overlap)

    def keep_existing(self, rows: list[Row]) -> None:
        """Index rows that are already kept (a resumed run's traces on disk), in their order."""
        if not rows:
            return
        sigs = self._signatures(rows, self._tokens(rows)) if self.near is not None else None
        for i, row in enumerate(rows):
            if sigs is not None:
                self.near.lsh.insert(len(self.kept_ids), sigs[i])
                self.near.kept[len(self.kept_ids)] = sigs[i]
            self._index(keys(row.problem, solution_text(row.steps)), row)

    def describe(self) -> dict[str, Any]:
        """What the card and ``run.json`` say of the curation: the options, the benchmarks, the index sizes."""
        return {
            "exact": self.options.exact, "near": self.options.near,
            "near_threshold": self.options.near_threshold if self.options.near else None,
            "decontamination": ({"preset": self.options.preset, "ngram": self.preset.ngram,
                                 "min_overlap": self.preset.min_overlap, "benchmarks": self.index.describe()}
                                if self.index is not None else None),
            "split": self.options.split, "split_seed": self.options.split_seed if self.options.split else None,
            "index_bytes": {"exact": len(self.exact or {}) * (33 + 16 + 28), "near": self.near.nbytes if self.near else 0,
                            "benchmarks": self.index.nbytes if self.index is not None else 0,
                            "kept_ids": sum(len(i) + 49 for i in self.kept_ids)},
        }
