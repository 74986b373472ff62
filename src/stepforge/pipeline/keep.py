"""A labelled candidate becomes a record, and the keep rule every domain applies before a trace is kept.

``settle`` is the one path from a verified candidate to a record: the run's strategy labels it; a wrong answer
whose first error the strategy could not locate goes to the run's fallback strategy when it names one
(``options["strategy"]["fallback"]``, ``--fallback-strategy``), else it is rejected as ``error_not_located``.
"""

from __future__ import annotations

import datetime as dt
import re
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
        verified=outcome.correct is not None,
        provenance=provenance(config, outcome.versions),
        extras=cand.extras,
    )


#: the outcome of a task without a reference answer (imported PRMBench rows): kept only with a located process error
NO_REFERENCE = "no_reference"
#: a refuted step whose prefix holds an unchecked step stating something new: the first error may be there
FIRST_ERROR_UNCERTAIN = "first_error_uncertain"
#: rejection reasons a fallback strategy may settle (a model-based strategy can locate what checks cannot)
ESCALATED = ("error_not_located", FIRST_ERROR_UNCERTAIN)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_STEP_NUMBER = re.compile(r"^\s*(?:\*\*)?(?:step|paragraph)\s*\d+\s*[:.)]", re.I)


def _numbers(text: str) -> set[str]:
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", _STEP_NUMBER.sub("", text))
    return {n.rstrip("0").rstrip(".") if "." in n else n.lstrip("0") or "0" for n in _NUMBER.findall(text)}


def unchecked_new_step(trace: Trace) -> int | None:
    """The first step before a checker-located first error that nothing checked (rating 0) yet states a number
    neither the problem nor an earlier step holds (a misread quantity, a value from a reasoning step the checker
    cannot read), or None. Such a step may be the real first error, so the refuted step is not *first* for sure.
    Procedural traces (their error is known by construction) and an answer line that contradicts what the steps
    derived (the steps reached the reference) are exempt; so are labels from model-based strategies."""
    fei = trace.first_error_index
    if (trace.domain != "math" or fei is None or fei <= 0 or trace.outcome.correct
            or trace.labeling.strategy != "symbolic" or trace.generation.injected_error is not None):
        return None
    located = (trace.steps[fei].evidence or {}).get("located") or {}
    if located.get("rule") == "answer_contradicts_steps":
        return None
    known = _numbers(trace.task.prompt)
    for i, step in enumerate(trace.steps[:fei]):
        said = _numbers(step.text)
        if step.label is not None and step.label.rating == 0 and said - known:
            return i
        known |= said
    return None


def _uncertain(fei: int, unchecked: int) -> str:
    return (f"step {fei} is refuted, but step {unchecked} before it states a value that neither the problem nor an "
            "earlier step holds and nothing checked it: the first error may be there")


def why_not_kept(trace: Trace) -> tuple[str, str] | None:
    """Why a trace may not be kept, or None. Kept: a conclusive outcome whose labels agree with it
    (a right answer has no -1 step; a wrong one has a located first error), and, for an injected
    error, a first error found exactly where it was put. A strategy labels a step -1 only where its
    evidence locates an error (a refuted claim, an answer line that contradicts the steps, an injected
    step); a wrong answer with no such step is ``error_not_located``. A task without a reference answer
    (``no_reference``) is kept only with a located error in its steps (its answer is not graded)."""
    out = trace.outcome
    fei = trace.first_error_index
    if out.correct is None and out.verdict == NO_REFERENCE:
        if fei is not None and fei >= 0:  # a located error in the process: the answer is not graded, the steps are
            unchecked = unchecked_new_step(trace)
            return None if unchecked is None else (FIRST_ERROR_UNCERTAIN, _uncertain(fei, unchecked))
        return NO_REFERENCE, ("no reference answer, so the outcome cannot be verified, and no step is refuted: "
                              "nothing can be said of the steps")
    if out.correct is None:
        return "inconclusive_outcome", f"{out.verdict} ({out.rule})"
    if out.correct and fei != -1:
        return "labels_disagree", f"correct final answer but step {fei} is labelled wrong"
    if not out.correct and fei == -1:
        return "error_not_located", ("wrong final answer, but no step is refuted and the answer line does not "
                                     "contradict the steps: the first error is not located")
    unchecked = unchecked_new_step(trace)
    if unchecked is not None:
        return FIRST_ERROR_UNCERTAIN, _uncertain(fei, unchecked)
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
    return trace if why is None else _rejection(trace, why)


def _escalated(first: StepLabels, second: StepLabels) -> StepLabels:
    """The fallback's labels, each step's evidence with the first strategy's beside it; both costs counted."""
    steps = [s2.model_copy(update={"evidence": {**s1.evidence, **s2.evidence}})
             for s1, s2 in zip(first.steps, second.steps)] + second.steps[len(first.steps):]
    c1, c2 = first.labeling.cost, second.labeling.cost
    cost = c2.model_copy(update={k: getattr(c1, k) + getattr(c2, k) for k in type(c2).model_fields})
    return second.model_copy(update={"steps": steps, "labeling": second.labeling.model_copy(update={"cost": cost})})


def settle(candidate: Candidate, outcome: Outcome, verdict: Any, ctx: Any, **given: Any) -> Trace | Rejection:
    """Label ``candidate`` with the run's strategy and apply the keep rule; a rejection in ``ESCALATED`` is
    labelled again by the run's fallback strategy (``ctx.fallback``), if any, and kept only if that passes the
    same rule. ``ctx`` is the domain's ``RecordContext``; ``given`` goes into the strategy's ``LabelContext``."""
    lctx = ctx.label_context(**given)
    labels = ctx.strategy.label(candidate, verdict, lctx)
    trace = build_trace(ctx.config, candidate, outcome, labels)
    why = why_not_kept(trace)
    fallback = getattr(ctx, "fallback", None)
    if why is None or fallback is None or why[0] not in ESCALATED:
        return trace if why is None else _rejection(trace, why)
    cand = candidate.model_copy(update={"extras": {**candidate.extras, "escalated": {
        "from": ctx.strategy.name, "to": fallback.name, "reason": why[0], "detail": why[1]}}})
    trace = build_trace(ctx.config, cand, outcome, _escalated(labels, fallback.label(candidate, verdict, lctx)))
    why2 = why_not_kept(trace)
    if why2 is None:
        return trace
    return _rejection(trace, (why2[0], f"fallback {fallback.name}: {why2[1]} ({ctx.strategy.name}: {why[1]})"))


def _rejection(trace: Trace, why: tuple[str, str]) -> Rejection:
    return reject(id=trace.id, index=trace.task.metadata.get("index"), domain=trace.domain, reason=why[0],
                  detail=why[1], candidate=trace.model_dump(mode="json"))
