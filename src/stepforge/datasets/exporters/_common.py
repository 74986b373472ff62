"""Label rules shared by the exporters: the neutral policy, the first-error cut, hard/soft values."""

from __future__ import annotations

from typing import Any

from stepforge.datasets.exporters import ExportOptions
from stepforge.schema import Label, Trace


def label_correct(label: Label | dict[str, Any] | None, options: ExportOptions) -> bool | None:
    """The boolean a format gets for one label; rating 0 follows ``options.neutral_policy``."""
    if label is None:
        return None
    rating = label["rating"] if isinstance(label, dict) else label.rating
    correct = label.get("correct") if isinstance(label, dict) else label.correct
    if rating == 0 and options.neutral_policy != "record":
        return options.neutral_policy == "positive"
    return correct  # None: the step is unlabelled


def label_score(label: Label | dict[str, Any] | None, options: ExportOptions) -> float | None:
    """A float label: the soft score when there is one, else the hard value as 0.0/1.0."""
    if label is None:
        return None
    score = label.get("score") if isinstance(label, dict) else label.score
    if score is not None:
        return float(score)
    correct = label_correct(label, options)
    return None if correct is None else float(correct)


def is_soft(label: Label | None) -> bool:
    """True when the score says more than the rating does (a genuinely soft label)."""
    if label is None or label.score is None:
        return False
    return label.rating == 0 or label.score != (1.0 if label.rating > 0 else 0.0)


def until_first_error(trace: Trace, options: ExportOptions) -> bool:
    if options.supervised_until_first_error is not None:
        return options.supervised_until_first_error
    return trace.labeling.supervised_until_first_error


def cut(trace: Trace, options: ExportOptions) -> int:
    """How many steps a stepwise format keeps: through the first error when supervising until it."""
    fei = trace.first_error_index
    if until_first_error(trace, options) and fei is not None and fei >= 0:
        return fei + 1
    return len(trace.steps)


def labelled_prefix(trace: Trace, n: int) -> tuple[int, list[str]]:
    """``n`` shortened past trailing unlabelled steps that no earlier error accounts for (e.g. a
    PRM800K solution the rater gave up on): a stepwise format cannot hold a step without a label."""
    fei = trace.first_error_index
    if fei is not None and 0 <= fei < n:
        return n, []
    labelled = [s.index for s in trace.steps[:n] if s.label is not None and s.label.correct is not None]
    last = labelled[-1] + 1 if labelled else 0
    return (last, ["unlabelled trailing steps left out"]) if last < n else (n, [])


def hard_labels(trace: Trace, n: int, options: ExportOptions) -> tuple[list[bool] | None, list[str]]:
    """Booleans for the first ``n`` steps, or None when a step before the first error is unlabelled.

    A step after the first error without a label counts as wrong (Math-Shepherd/ProcessBench read
    a wrong prefix that way)."""
    notes: list[str] = []
    fei = trace.first_error_index
    out: list[bool] = []
    for step in trace.steps[:n]:
        value = label_correct(step.label, options)
        if value is None:
            if fei is not None and 0 <= fei < step.index:
                value = False
                notes.append("unlabelled steps after the first error exported as wrong")
            else:
                return None, ["trace skipped: a step before the first error has no label"]
        if step.label is not None and step.label.rating == 0:
            notes.append(neutral_note(options, trace, value))
        out.append(value)
    return out, notes


UNCHECKED_SKIP = ("trace skipped: a step before the first error is unchecked (correct: null), and this format reads "
                  "every such step as right (--neutral-policy positive exports it as right)")


def unchecked_before_first_error(trace: Trace, options: ExportOptions) -> bool:
    """A neutral step with no evidence either way (``correct: null``, e.g. a failing solution's unchecked plan) before
    the first error (anywhere, when there is none): formats that read those steps as right cannot hold it honestly,
    so under the ``record`` policy the trace is skipped."""
    if options.neutral_policy != "record":
        return False
    fei = trace.first_error_index
    end = fei if fei is not None and fei >= 0 else len(trace.steps)
    return any(s.label is not None and s.label.rating == 0 and s.label.correct is None for s in trace.steps[:end])


def neutral_note(options: ExportOptions, trace: Trace, value: bool) -> str:
    policy = trace.labeling.neutral_policy if options.neutral_policy == "record" else options.neutral_policy
    return f"neutral ratings mapped to {value} (neutral policy {policy})"


def source_fields(trace: Trace, fmt: str) -> dict[str, Any]:
    """Unmapped source keys an importer kept under ``extras.<fmt>`` (``_``-keys are layout notes)."""
    return {k: v for k, v in trace.extras.get(fmt, {}).items() if not k.startswith("_")}


def layout(trace: Trace, fmt: str) -> dict[str, Any]:
    """Layout notes an importer kept (source key order, value types) so the projection is exact."""
    return trace.extras.get(fmt, {}).get("_layout", {})


def arrange(row: dict[str, Any], order: list[str] | None) -> dict[str, Any]:
    """The row with the source's own keys in the source's own order (default: as built)."""
    return row if order is None else {k: row[k] for k in order}
