"""A labelled candidate becomes a record, and the keep rule every domain applies before a trace is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stepforge import __version__
from stepforge.candidate import Candidate
from stepforge.labeling.base import StepLabels
from stepforge.pipeline.config import RunConfig
from stepforge.schema import Outcome, Provenance, Rejection, Trace


def provenance(config: RunConfig, versions: dict[str, str] | None = None) -> Provenance:
    return Provenance(
        toolkit_version=__version__,
        config_hash=config.config_hash(),
        run_id=config.config_hash()[7:23],
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        versions=versions or {},
    )


def build_trace(config: RunConfig, cand: Candidate, outcome: Outcome, labels: StepLabels) -> Trace:
    fei = labels.first_error_index
    return Trace(
        id=cand.id,
        domain=cand.domain,
        task=cand.task.model_copy(update={"metadata": {**cand.task.metadata, "index": cand.index}}),
        generation=cand.generation,
        segmentation=cand.segmentation,
        steps=labels.steps,
        final_answer=cand.final_answer,
        outcome=outcome,
        first_error_index=fei,
        error_indices=labels.error_indices,
        finish_reason="found_error" if fei >= 0 else "solution",
        labeling=labels.labeling,
        verified=True,
        provenance=provenance(config, outcome.versions),
        extras=cand.extras,
    )


def why_not_kept(trace: Trace) -> tuple[str, str] | None:
    """Why a trace may not be kept, or None. Kept: a conclusive outcome whose labels agree with it
    (a right answer has no -1 step; a wrong one has a located first error; the two strategies of a consensus agree
    on it), and, for an injected error, a first error found exactly where it was put."""
    out = trace.outcome
    if out.correct is None:
        return "inconclusive_outcome", f"{out.verdict} ({out.rule})"
    ag = trace.labeling.agreement
    if ag is not None and not ag.agree:
        a, b = ag.strategies
        return "labels_disagree", f"{a} puts the first error at step {ag.first_errors[0]}, {b} at {ag.first_errors[1]}"
    fei = trace.first_error_index
    if out.correct and fei != -1:
        return "labels_disagree", f"correct final answer but step {fei} is labelled wrong"
    if not out.correct and fei == -1:
        return "labels_disagree", "wrong final answer but no step is labelled wrong"
    inj = trace.generation.injected_error
    if inj is not None and fei != inj.step_index:
        return "first_error_mismatch", f"error injected at step {inj.step_index}, checker found {fei}"
    return None


def reject(*, id: str, index: int | None, domain: str, reason: str, detail: str,
           candidate: dict[str, Any]) -> Rejection:
    return Rejection(id=id, index=index, domain=domain, reason=reason, detail=detail[:2000],  # type: ignore[arg-type]
                     candidate=candidate)


def keep_or_reject(trace: Trace) -> Trace | Rejection:
    """The trace itself when the keep rule holds, else its rejection (with the whole labelled trace in it)."""
    why = why_not_kept(trace)
    if why is None:
        return trace
    return reject(id=trace.id, index=trace.task.metadata.get("index"), domain=trace.domain, reason=why[0],
                  detail=why[1], candidate=trace.model_dump(mode="json"))
