"""TRL stepwise supervision (``prompt``, ``completions``, ``labels``), as PRMTrainer reads it.

Labels are booleans (the neutral policy decides rating 0). ``soft`` writes float scores instead,
with a warning: PRMTrainer's ``tokenize_row`` applies ``int()``, so 0.7 trains as 0. Alternatives
become one extra row each (prefix + alternative), as TRL's own PRM800K converter does. No separator
is added: PRMTrainer appends ``step_separator`` after each step, so a step that already contains it
is reported.
"""

from __future__ import annotations

from typing import Any

from stepforge.datasets.exporters import EXPORTERS, ExportOptions, Projection
from stepforge.datasets.exporters._common import (
    arrange,
    cut,
    hard_labels,
    is_soft,
    label_correct,
    label_score,
    labelled_prefix,
    layout,
    source_fields,
)
from stepforge.schema import Trace


class _Trl:
    name = "trl"
    summary = "TRL stepwise supervision: prompt, completions, labels (bool; --soft for floats)"

    def export(self, trace: Trace, options: ExportOptions) -> Projection:
        lay = layout(trace, "trl")
        n = cut(trace, options)
        notes: list[str] = []
        if n < len(trace.steps):
            notes.append("steps after the first error left out (supervised_until_first_error)")
        n, pnotes = labelled_prefix(trace, n)
        notes += pnotes
        if n == 0:
            return Projection([], notes + ["trace skipped: no labelled step"])
        hard, hnotes = hard_labels(trace, n, options)
        notes += hnotes
        if hard is None:
            return Projection([], notes)
        kind = "float" if options.soft else lay.get("labels", "bool")
        labels: list[Any]
        if kind == "float":
            labels = [label_score(s.label, options) if s.label else float(h) for s, h in zip(trace.steps, hard)]
            if options.soft:
                notes.append("soft labels written as floats: TRL's PRMTrainer applies int(), so a score < 1 trains as 0")
        elif kind == "int":
            labels = [int(h) for h in hard]
        else:
            labels = hard
            if any(is_soft(s.label) for s in trace.steps[:n]):
                notes.append("soft scores left out (booleans written; --soft writes floats)")
        completions = [s.text for s in trace.steps[:n]]
        if any(options.separator and options.separator in c for c in completions):
            notes.append(f"a step contains the step separator {options.separator!r}: PRMTrainer will see extra step breaks")
        row = {"prompt": trace.task.prompt, "completions": completions, "labels": labels, **source_fields(trace, "trl")}
        rows = [arrange(row, lay.get("keys"))]
        for step in trace.steps[:n]:
            if not step.alternatives:
                continue
            if not options.alternatives:
                notes.append("alternatives left out")
                continue
            for alt in step.alternatives:
                value = label_correct(alt.get("label"), options)
                if value is None:
                    notes.append("unlabelled alternatives left out")
                    continue
                alt_label: Any = value
                if kind == "float":
                    alt_label = label_score(alt.get("label"), options)
                elif kind == "int":
                    alt_label = int(value)
                rows.append({"prompt": trace.task.prompt, "completions": completions[: step.index] + [alt["text"]],
                             "labels": labels[: step.index] + [alt_label]})
        return Projection(rows, notes)


EXPORTERS.register("trl", _Trl())
