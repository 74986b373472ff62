"""ProcessBench rows into traces. ``id`` is the trace id, ``generator`` the generation model,
``final_answer_correct`` the outcome (verdict from the source's judge). ``label`` = k: steps before k
are +1, step k is -1, later steps are unlabelled (ProcessBench annotates only the earliest error);
-1: every step +1. Final answer string: not given (null).
"""

from __future__ import annotations

from typing import Any

from stepforge.datasets.importers import IMPORTERS, ImportFormatError, ImportOptions
from stepforge.datasets.importers import _common as c
from stepforge.schema import Reference, Task, Trace

KEYS = ["id", "generator", "problem", "steps", "final_answer_correct", "label"]
SEP = "\n\n"  # ProcessBench paragraphs are separated by blank lines


class _ProcessBench:
    name = "processbench"
    summary = "ProcessBench rows (0-indexed first error or -1)"

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace:
        c.need(row, KEYS)
        texts, k = row["steps"], row["label"]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            # (a string would be read as one step per character)
            raise ImportFormatError(f"steps must be a list of strings, got {_shape(texts)}")
        if not isinstance(k, int) or isinstance(k, bool) or not -1 <= k < len(texts):
            raise ImportFormatError(f"label {k!r} is not -1 or a step index below {len(texts)}")
        fac = row["final_answer_correct"]
        if fac is not None and not isinstance(fac, bool):
            raise ImportFormatError("final_answer_correct must be true, false or null")
        labels = [c.label(1, "processbench:label", options) if k == -1 or i < k else
                  c.label(-1, "processbench:label", options) if i == k else None for i in range(len(texts))]
        extras: dict[str, Any] = {key: v for key, v in row.items() if key not in KEYS}
        order = c.key_order(row, KEYS)
        if order is not None:
            extras["_layout"] = {"keys": order}
        return Trace(
            id=str(row["id"]),
            domain="math",
            task=Task(task_id=f"processbench/{row['id']}", prompt=row["problem"], source="processbench",
                      reference=Reference()),
            generation=c.generation("processbench", texts, SEP, model=row["generator"]),
            segmentation=c.segmentation(SEP),
            steps=c.steps(texts, SEP, labels),
            final_answer=None,
            outcome=c.outcome("processbench", fac, "source:final_answer_correct"),
            first_error_index=k,
            error_indices=[k] if k >= 0 else [],
            finish_reason="found_error" if k >= 0 else "solution",
            labeling=c.labeling("human", options, until_first_error=True),
            provenance=c.provenance("processbench", options),
            extras={"processbench": extras} if extras else {},
        )


def _shape(texts: Any) -> str:
    """What ``steps`` holds instead of a list of strings, in a few words."""
    if not isinstance(texts, list):
        return type(texts).__name__
    return f"a list holding {type(next(t for t in texts if not isinstance(t, str))).__name__}"


IMPORTERS.register("processbench", _ProcessBench())
