"""What a trace must mean, beyond its shape: the first error agrees with the step labels and the
outcome, each label's boolean agrees with its rating under the recorded neutral policy.

``problems(trace)`` lists every contradiction as one short sentence; ``validate`` prints them with the
line they are on. Imported records are held to what their source promises (e.g. ProcessBench keeps a
correct final answer after a wrong step), verified ones also to stepforge's keep rule.
"""

from __future__ import annotations

from typing import Any

from stepforge.schema import Trace


def _label_problem(where: str, rating: Any, correct: Any, policy: str) -> str | None:
    if rating is None:
        return None
    if correct is None:
        return f"{where} has rating {rating} but no correct value (null means unlabelled)"
    want = rating > 0 or (rating == 0 and policy == "positive")
    if correct != want:
        why = f"neutral policy {policy!r}" if rating == 0 else f"rating {rating:+d}"
        return f"{where} has correct={correct} but {why} makes it {want}"
    return None


def problems(trace: Trace) -> list[str]:
    """Every contradiction in ``trace`` (empty when it is consistent)."""
    out: list[str] = []
    if not trace.steps:
        out.append("no steps")
    if not trace.task.prompt.strip():
        out.append("empty prompt")
    policy = trace.labeling.neutral_policy
    ratings: list[int | None] = []
    for step in trace.steps:
        label = step.label
        ratings.append(label.rating if label is not None else None)
        if label is not None:
            msg = _label_problem(f"step {step.index}", label.rating, label.correct, policy)
            if msg:
                out.append(msg)
            if label.score is not None and not 0.0 <= label.score <= 1.0:
                out.append(f"step {step.index} has score {label.score} outside [0, 1]")
        for k, alt in enumerate(step.alternatives):
            alt_label = alt.get("label") if isinstance(alt, dict) else None
            if isinstance(alt_label, dict):
                msg = _label_problem(f"step {step.index} alternative {k}", alt_label.get("rating"),
                                     alt_label.get("correct"), policy)
                if msg:
                    out.append(msg)
    first_wrong = next((i for i, r in enumerate(ratings) if r == -1), None)
    fei = trace.first_error_index
    if fei is None:
        if first_wrong is not None:
            out.append(f"first_error_index is null (unknown) but step {first_wrong} is rated -1")
    elif fei == -1:
        if first_wrong is not None:
            out.append(f"first_error_index is -1 (no error) but step {first_wrong} is rated -1")
    elif ratings[fei] is not None and ratings[fei] != -1:
        out.append(f"first_error_index is {fei} but step {fei} is rated {ratings[fei]:+d}")
    elif first_wrong is not None and first_wrong < fei:
        out.append(f"first_error_index is {fei} but step {first_wrong} is already rated -1")
    n = len(trace.steps)
    bad = [i for i in trace.error_indices if not 0 <= i < n]
    if bad:
        out.append(f"error_indices {bad} out of range for {n} steps")
    elif trace.error_indices and fei is not None:
        if fei == -1:
            out.append(f"error_indices {trace.error_indices} but first_error_index is -1")
        elif min(trace.error_indices) < fei:
            out.append(f"error_indices start at {min(trace.error_indices)}, before first_error_index {fei}")
    if trace.finish_reason == "found_error" and fei == -1:
        out.append("finish_reason is found_error but first_error_index is -1")
    correct = trace.outcome.correct
    if correct is False and fei == -1:
        out.append("outcome is incorrect but first_error_index is -1 (every step right)")
    if trace.verified and correct is True and fei is not None and fei >= 0:
        out.append(f"verified trace with a correct outcome has a first error at step {fei}")
    if trace.verified and correct is None:
        out.append("verified trace without a conclusive outcome (outcome.correct is null)")
    return out
