"""ProcessBench rows: ``id, generator, problem, steps, final_answer_correct, label`` where ``label``
is the 0-indexed first wrong step or -1. Neutral steps count as correct (only -1 is an error), so
the neutral policy does not change the row; a neutral step with ``correct: null`` before the first error
(nothing says it is right) skips the trace unless the policy is ``positive``. Later errors and all step ratings are projected away:
only the first error survives.
"""

from __future__ import annotations

from stepforge.datasets.exporters import EXPORTERS, ExportOptions, Projection
from stepforge.datasets.exporters._common import (UNCHECKED_SKIP, arrange, layout, source_fields,
                                                   unchecked_before_first_error)
from stepforge.schema import Trace


class _ProcessBench:
    name = "processbench"
    summary = "ProcessBench: steps and the 0-indexed first error (-1 if none)"

    def export(self, trace: Trace, options: ExportOptions) -> Projection:
        notes: list[str] = []
        fei = trace.first_error_index
        if fei is None:
            return Projection([], ["trace skipped: first error unknown"])
        if unchecked_before_first_error(trace, options):
            return Projection([], [UNCHECKED_SKIP])
        if any(i != fei for i in trace.error_indices):
            notes.append("errors after the first one left out (ProcessBench keeps the first error only)")
        if trace.outcome.correct is None:
            notes.append("final answer not graded: final_answer_correct is null")
        gen = trace.generation
        row = {
            "id": trace.id,
            "generator": gen.model if gen.model is not None else gen.generator,
            "problem": trace.task.prompt,
            "steps": [s.text for s in trace.steps],
            "final_answer_correct": trace.outcome.correct,
            "label": fei,
            **source_fields(trace, "processbench"),
        }
        return Projection([arrange(row, layout(trace, "processbench").get("keys"))], notes)


EXPORTERS.register("processbench", _ProcessBench())
