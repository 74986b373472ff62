"""TRL stepwise-supervision rows into traces. A boolean label is +1/-1 (whether it was a neutral
mapped to a boolean is lost in the source); a float label is kept as ``score`` with rating +1 when
>= 0.5 else -1 (source ``trl:soft>=0.5``); int 0/1 labels as booleans. The label type is noted so the
export writes the same type back. Steps joined by "\\n" (PRMTrainer's default separator).
"""

from __future__ import annotations

from typing import Any

from stepforge.datasets.importers import IMPORTERS, ImportFormatError, ImportOptions
from stepforge.datasets.importers import _common as c
from stepforge.schema import Reference, Task, Trace

KEYS = ["prompt", "completions", "labels"]
SEP = "\n"


class _Trl:
    name = "trl"
    summary = "TRL stepwise supervision rows (prompt, completions, labels)"

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace:
        c.need(row, KEYS)
        texts, values = row["completions"], row["labels"]
        if not isinstance(texts, list) or not isinstance(values, list) or len(texts) != len(values):
            raise ImportFormatError("completions and labels must be lists of the same length")
        kinds = {"bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "float" if isinstance(v, float)
                 else "other" for v in values}
        if "other" in kinds or ("int" in kinds and any(v not in (0, 1) for v in values)):
            raise ImportFormatError("labels must be booleans, 0/1 or floats")
        kind = "float" if "float" in kinds else "int" if "int" in kinds else "bool"
        labels = []
        for v in values:
            if kind == "float":
                labels.append(c.label(1 if v >= 0.5 else -1, "trl:soft>=0.5", options, score=float(v)))
            else:
                labels.append(c.label(1 if v else -1, "trl:label", options))
        ratings = [lb.rating for lb in labels]
        fei = c.first_error(ratings)
        extras: dict[str, Any] = {k: v for k, v in row.items() if k not in KEYS}
        layout: dict[str, Any] = {}
        if kind != "bool":
            layout["labels"] = kind
        if c.key_order(row, KEYS):
            layout["keys"] = list(row)
        if layout:
            extras["_layout"] = layout
        return Trace(
            id="trl-" + c.digest(row),
            domain="math",
            task=Task(task_id="trl/" + c.digest(row["prompt"]), prompt=row["prompt"], source="trl", reference=Reference()),
            generation=c.generation("trl", texts, SEP),
            segmentation=c.segmentation(SEP),
            steps=c.steps(texts, SEP, labels),
            final_answer=None,
            outcome=c.outcome("trl", None, "none"),
            first_error_index=fei,
            error_indices=[i for i, r in enumerate(ratings) if r == -1],
            finish_reason="found_error" if fei >= 0 else "solution",
            labeling=c.labeling("imported", options),
            provenance=c.provenance("trl", options),
            extras={"trl": extras} if extras else {},
        )


IMPORTERS.register("trl", _Trl())
