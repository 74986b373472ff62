"""Math-Shepherd rows (``input``, ``label``, ``task``): the solution as one string with the step tag
``ки`` after each step; ``label`` is the same string with ``+``/``-`` in place of each tag.

Default frame: ``prompt + " Step 1: " + text + " ки" + "\\nStep 2: " + ...`` (the "Step k:" prefixes
let TRL's converter find step 1). Math-Shepherd's ``-`` means "no potential to reach the answer"
(value), so a correctness label after the first error is written ``-`` whatever its own rating;
neutral ratings follow the neutral policy. ``soft`` adds a ``value`` column of scores as strings
(zhuzilin/secmlr variants). A prompt or step containing ``ки`` cannot be tagged: ExportError.
"""

from __future__ import annotations

from stepforge.datasets.exporters import EXPORTERS, ExportError, ExportOptions, Projection
from stepforge.datasets.exporters._common import (
    arrange,
    hard_labels,
    is_soft,
    label_score,
    labelled_prefix,
    layout,
    source_fields,
)
from stepforge.schema import Trace

TAG = "ки"


def default_gap(i: int) -> str:
    return f" Step {i + 1}: " if i == 0 else f"\nStep {i + 1}: "


DEFAULT_TAIL = " "


class _MathShepherd:
    name = "math_shepherd"
    summary = "Math-Shepherd: input with 'ки' step tags, label with +/-, task"

    def export(self, trace: Trace, options: ExportOptions) -> Projection:
        lay = layout(trace, "math_shepherd")
        for text in [trace.task.prompt, *(s.text for s in trace.steps)]:
            if TAG in text:
                raise ExportError(f"trace {trace.id}: text contains the Math-Shepherd step tag {TAG!r}")
        n, notes = labelled_prefix(trace, len(trace.steps))
        if n == 0:
            return Projection([], notes + ["trace skipped: no labelled step"])
        steps = trace.steps[:n]
        hard, hnotes = hard_labels(trace, n, options)
        notes += hnotes
        if hard is None:
            return Projection([], notes)
        fei = trace.first_error_index
        marks = []
        for step, value in zip(steps, hard):
            after = fei is not None and 0 <= fei < step.index
            if after and value and (step.label is None or step.label.semantics == "correctness"):
                value = False
                notes.append("correctness labels after the first error written as '-' (no potential)")
            marks.append("+" if value else "-")
        gaps = lay.get("gaps") or [default_gap(i) for i in range(n)]
        tails = lay.get("tails") or [DEFAULT_TAIL] * n
        head = trace.task.prompt
        parts = [gap + step.text + tail for gap, step, tail in zip(gaps, steps, tails)]
        end = lay.get("end", "")
        row = {
            "input": head + "".join(p + TAG for p in parts) + end,
            "label": head + "".join(p + m for p, m in zip(parts, marks)) + end,
            "task": trace.task.source if trace.task.source is not None else trace.domain,
        }
        if options.soft:
            row["value"] = [str(label_score(s.label, options) if s.label else float(v)) for s, v in zip(steps, hard)]
        elif any(is_soft(s.label) for s in steps):
            notes.append("soft scores left out (--soft adds a value column)")
        row.update(source_fields(trace, "math_shepherd"))
        return Projection([arrange(row, lay.get("keys"))], notes)


EXPORTERS.register("math_shepherd", _MathShepherd())
