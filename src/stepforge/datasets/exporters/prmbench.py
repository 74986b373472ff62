"""PRMBench rows (``ssmisya/PRMBench`` test files): the process under test is ``modified_process``;
``error_steps`` are 1-indexed (``error_indices + 1``), ``classification`` and ``reason`` come from
the injected error. A stepforge trace has no separate original solution: for a trace without
errors ``original_*`` equal the process itself (as PRMBench builds its correct samples); for a wrong
one they are null and ``modified_steps`` is null (reported). Neutral steps are not errors; a neutral step with
``correct: null`` before the first error (nothing says it is right) skips the trace unless the policy is
``positive``.
A row imported with escaped line breaks (``_layout.escaped_newlines``, see the importer) has them escaped again.
"""

from __future__ import annotations

from stepforge.datasets.exporters import EXPORTERS, ExportOptions, Projection
from stepforge.datasets.exporters._common import (UNCHECKED_SKIP, arrange, layout, source_fields,
                                                   unchecked_before_first_error)
from stepforge.datasets.importers.prmbench import escape_newlines
from stepforge.schema import Trace


class _PrmBench:
    name = "prmbench"
    summary = "PRMBench: modified_process with 1-indexed error_steps and the error classification"

    def export(self, trace: Trace, options: ExportOptions) -> Projection:
        notes: list[str] = []
        if unchecked_before_first_error(trace, options):
            return Projection([], [UNCHECKED_SKIP])
        src = source_fields(trace, "prmbench")
        lay = layout(trace, "prmbench")
        escaped = set(lay.get("escaped_newlines") or [])
        steps = [escape_newlines(s.text) if s.index in escaped else s.text for s in trace.steps]
        prompt = escape_newlines(trace.task.prompt) if lay.get("escaped_question") else trace.task.prompt
        clean = not trace.error_indices
        if not clean and not {"original_process", "original_question", "modified_steps"} <= src.keys():
            notes.append("no original (unmodified) solution or modified_steps: written as null")
        inj = trace.generation.injected_error
        row = {
            "original_question": trace.task.prompt,
            "modified_question": prompt,
            "original_process": steps if clean else None,
            "modified_process": steps,
            "modified_steps": [] if clean else None,
            "error_steps": [i + 1 for i in trace.error_indices],
            "reason": inj.description if inj else None,
            "idx": trace.task.task_id,
            "question": trace.task.prompt,
            "classification": inj.kind if inj else None,
            **src,
        }
        return Projection([arrange(row, lay.get("keys"))], notes)


EXPORTERS.register("prmbench", _PrmBench())
