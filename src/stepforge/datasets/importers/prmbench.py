"""PRMBench rows into traces: the trace is ``modified_process`` answering ``modified_question``.

Steps listed in ``error_steps`` (1-indexed) are rated -1, all others +1 (PRMBench scores every other
step as correct; source ``prmbench:error_steps``). ``error_indices`` keep the source's order;
``first_error_index`` is the smallest. ``classification`` and ``reason`` become the injected error
(kind, description) at the first error, since PRMBench errors are inserted on purpose. ``idx`` is the
task id. ``original_question``, ``original_process``, ``modified_steps`` and ``question`` stay in
``extras.prmbench``. ``error_steps`` naming a step the process does not have (PRMBench's own files
have some) are left out of the labels and the list is kept verbatim in ``extras.prmbench``. Outcome ``correct`` is null (PRMBench grades steps, not the answer).
"""

from __future__ import annotations

from typing import Any

from stepforge.datasets.importers import IMPORTERS, ImportFormatError, ImportOptions
from stepforge.datasets.importers import _common as c
from stepforge.schema import InjectedError, Reference, Task, Trace

KEYS = ["original_question", "modified_question", "original_process", "modified_process", "modified_steps",
        "error_steps", "reason", "idx", "question", "classification"]
_MAPPED = {"modified_question", "modified_process", "error_steps", "idx"}
SEP = "\n"


class _PrmBench:
    name = "prmbench"
    summary = "PRMBench rows (1-indexed error_steps)"

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace:
        c.need(row, ["modified_question", "modified_process", "error_steps", "idx"])
        texts = row["modified_process"]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ImportFormatError("modified_process must be a list of strings")
        if not isinstance(row["error_steps"], list) or not all(
                isinstance(e, int) and not isinstance(e, bool) for e in row["error_steps"]):
            raise ImportFormatError("error_steps must be a list of step numbers")
        errors = [e - 1 for e in row["error_steps"] if 1 <= e <= len(texts)]
        bad = set(errors)
        labels = [c.label(-1 if i in bad else 1, "prmbench:error_steps", options) for i in range(len(texts))]
        fei = min(errors) if errors else -1
        extras = {k: v for k, v in row.items() if k not in _MAPPED}
        if len(errors) != len(row["error_steps"]):
            extras["error_steps"] = row["error_steps"]  # names steps the process does not have: kept verbatim
        injected = None
        if errors and isinstance(row.get("classification"), str) and isinstance(row.get("reason"), str):
            injected = InjectedError(kind=extras.pop("classification"), step_index=fei, description=extras.pop("reason"))
        order = c.key_order(row, KEYS)
        if order is not None:
            extras["_layout"] = {"keys": order}
        return Trace(
            id="prmbench-" + c.digest(row),
            domain="math",
            task=Task(task_id=str(row["idx"]), prompt=row["modified_question"], source="prmbench", reference=Reference()),
            generation=c.generation("prmbench", texts, SEP, injected_error=injected),
            segmentation=c.segmentation(SEP),
            steps=c.steps(texts, SEP, labels),
            final_answer=None,
            outcome=c.outcome("prmbench", None, "none", {"note": "PRMBench labels steps; the final answer is not graded"}),
            first_error_index=fei,
            error_indices=errors,
            finish_reason="found_error" if errors else "solution",
            labeling=c.labeling("injection", options),
            provenance=c.provenance("prmbench", options),
            extras={"prmbench": extras},
        )


IMPORTERS.register("prmbench", _PrmBench())
