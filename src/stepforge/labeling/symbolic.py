"""``symbolic``: every step's claims checked by the symbolic step checker against the problem's
premises and reference answer. No model calls; the cost is counted in symbolic checks. An error a
procedural generator injected is labelled at its step by construction (:mod:`.construction`).

A wrong final answer is not itself evidence against any step: the answer line is −1 only when a claim of its
own is refuted or it contradicts what the steps derived (:mod:`.locate`). When no step is refuted, the answer
step is 0 with the reason in its evidence (``located``), so the trace has no first error and the keep rule says
``error_not_located``.

The checks run on untrusted text: inside a run's worker process they run here; elsewhere (records made in the
parent, when the run has labelling models) in a worker of their own, killed at the deadline, and then every step
is neutral with the reason.
"""

from __future__ import annotations

import re
import time
from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling import construction
from stepforge.labeling.construction import SOURCE
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, assemble
from stepforge.labeling.locate import (ANSWER_CONTRADICTS_STEPS, DERIVED, EXPLAINS, NOT_LOCATED, SELF_DECLARED,
                                       answer_derived, answer_step, carried, explains_outcome, locate_answer_line,
                                       self_declared_error)
from stepforge.schema import Cost
from stepforge.verifiers.math import judge
from stepforge.verifiers.math.budget import Budget, OutOfTime
from stepforge.verifiers.math.extract import extract, last_boxed
from stepforge.verifiers.math.given import problem_relations
from stepforge.verifiers.math.steps import STEPS_BUDGET_S, ClaimCheck, StepCheck, StepContext, check_steps
from stepforge.verifiers.math.steps import _warm as warm_steps

_FINAL = "final_answer:"
#: a row's seconds for all its checking, on the wall clock from the row's start (the domain's ``record``, which
#: passes the deadline as ``LabelContext.until``): the answer's verdict, the steps' checks and the conclusions. What
#: follows (assembling the labels, the keep rule, the record) is bounded by the size of what was checked, a tenth
#: of a second when idle: with a loaded machine's share of it a row stays clearly under 10 s. The steps' checks get
#: what the verdict and the conclusions leave (at most the checker's own ``STEPS_BUDGET_S``, at least
#: ``_MIN_STEPS_S`` while the row has that left), the conclusions what the checks leave (at most
#: ``CONCLUDE_BUDGET_S``); work that overruns its own budget (the checker's reading around its budgeted claims)
#: stops at the row's deadline, and what it left undone is neutral, with the reason.
ROW_BUDGET_S = 7.5
#: seconds for what follows the checks (locating the first error, redoing a slip, whether a checked step produced the
#: answer)
CONCLUDE_BUDGET_S = 1.5
_MIN_STEPS_S = 1.0


def row_deadline(start: float | None = None) -> float:
    """The deadline (``time.monotonic()``, this machine's clock: the checker's worker processes run here too) of a row
    whose checking starts at ``start`` (default: now)."""
    return (time.monotonic() if start is None else start) + ROW_BUDGET_S


def _without_final(check: StepCheck) -> int | None:
    """The step's rating from its other claims, when its only false claims are final-answer comparisons (None
    when some other claim is refuted, or no final-answer claim is false)."""
    false = [c for c in check.claims if c.verdict == "false"]
    if not false or any(not c.rule.startswith(_FINAL) for c in false):
        return None
    return 1 if any(c.verdict == "true" and not c.rule.startswith(_FINAL) for c in check.claims) else 0


def refuted_claims(check: dict[str, Any]) -> list[dict[str, Any]]:
    """The claims of a step's symbolic evidence that the checker found false."""
    return [c for c in check.get("claims") or [] if c.get("verdict") == "false"]


def symbolic_labels(candidate: Candidate, verdict: Any, deadline_s: float | None = None,
                    until: float | None = None) -> StepLabels:
    """The symbolic strategy's labels, hard-limited wherever this runs (see the module's docstring); ``until``: the
    row's deadline (``row_deadline``), else the row is taken to start with the answer's verdict."""
    from stepforge.labeling._checks import limited

    t0 = time.perf_counter()
    res = limited(_labels_sent, (candidate, verdict) if until is None else (candidate, verdict, until),
                  deadline_s or 60.0)
    if res.status == "ok":
        labels: StepLabels = res.value
        for step, text in zip(labels.steps, candidate.steps):  # the texts the worker left out: the same strings
            step.text = text
        return labels
    n = len(candidate.steps)
    why = {"symbolic_unavailable": f"{res.status}: {res.error}"[:300]}
    return assemble(candidate, [0] * n, [dict(why) for _ in range(n)], strategy=Symbolic.name,
                    cost=Cost(wall_s=round(time.perf_counter() - t0, 6)))


def _labels_sent(candidate: Candidate, verdict: Any, until: float | None = None) -> StepLabels:
    """``Symbolic._labels`` as sent back from the checker's worker: without the steps' texts, which the caller holds
    (``symbolic_labels`` puts them back; 300 steps of 50 kB are 15 MB to pickle, send and unpickle when the CPU is
    short, past the row's deadline)."""
    labels = Symbolic._labels(candidate, verdict, until)
    for step in labels.steps:
        step.text = ""
    return labels


class Symbolic:
    name = "symbolic"
    domains = ("math",)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        return symbolic_labels(candidate, verdict, ctx.deadline_s, ctx.until)

    @staticmethod
    def _labels(candidate: Candidate, verdict: Any, until: float | None = None) -> StepLabels:
        t0 = time.perf_counter()
        warm_steps()  # a new worker's first use of the checker (imports, seconds under load) is no row's work
        if until is None:  # the row starts with the answer's verdict, already paid for
            until = row_deadline() - float(getattr(verdict, "seconds", 0.0) or 0.0)
        else:
            until += time.perf_counter() - t0
        meta = candidate.task.metadata
        gold = candidate.task.reference.answer or None
        sctx = StepContext(
            premises=meta.get("premises") or [],
            unknowns=meta.get("unknowns") or [],
            variables=meta.get("variables") or [],
            gold=gold,
            given=problem_relations(candidate.task.prompt),
            problem=candidate.task.prompt or None,
        )
        left = until - time.monotonic()
        budget = max(min(_MIN_STEPS_S, left), min(STEPS_BUDGET_S, left - CONCLUDE_BUDGET_S))
        checks, cut = _checked(candidate.steps, sctx, candidate.generation.seed, budget, until)
        evidence: list[dict[str, Any]] = [{"symbolic": c.model_dump(exclude={"index"})} for c in checks]
        ratings = [c.rating for c in checks]
        k = answer_step(candidate.steps)
        for i, c in enumerate(checks):  # a box before the answer line is an intermediate result, not the answer
            if i != k and (r := _without_final(c)) is not None:
                ratings[i] = r
        # "I incorrectly add 2 to both sides: 8 + 2 = 2x + 2": true on its face, an error by its writer's word
        for i, text in zip(range(len(ratings)), candidate.steps):
            if ratings[i] == 1 and (said := self_declared_error(text, candidate.task.prompt)):
                ratings[i] = 0
                evidence[i] = {**evidence[i], SELF_DECLARED: f"the step says '{said}': its writer calls the work "
                                                             "wrong, so its true claims do not make it a right step"}
        alone = list(ratings)
        sources = construction.apply(candidate, ratings, evidence)
        pred = getattr(verdict, "pred", None)  # where the run's verdict read the final answer
        # what the checks' results show (where the error is, whether a checked step produced the answer), worked
        # out on copies under a budget of its own: past it nothing is concluded, which no keep rule takes as "shown"
        # (what the row's deadline leaves of it: the checks may have run past theirs, the verdict past its own)
        got_r, got_e = list(ratings), [dict(e) for e in evidence]
        seconds = min(CONCLUDE_BUDGET_S, until - time.monotonic())
        wrong = True
        try:
            if seconds <= 0 or cut:
                raise OutOfTime
            with Budget(seconds):
                wrong = gold is None or _wrong(verdict, gold, candidate)
                Symbolic._conclude(candidate, checks, got_r, got_e, sources, alone, k, gold, pred, wrong)
            ratings, evidence = got_r, got_e
        except OutOfTime:
            if gold is not None and verdict is not None and hasattr(verdict, "verdict"):
                wrong = verdict.verdict == "not_equal"
            _unconcluded(checks, ratings, evidence, k, wrong, max(0.0, seconds), cut)
        cost = Cost(symbolic_checks=sum(len(c.claims) for c in checks), wall_s=round(time.perf_counter() - t0, 6))
        return assemble(candidate, ratings, evidence, strategy=Symbolic.name, cost=cost, sources=sources)

    @staticmethod
    def _conclude(candidate: Candidate, checks: list[StepCheck], ratings: list[int], evidence: list[dict[str, Any]],
                  sources: list[str | None], alone: list[int], k: int, gold: str | None, pred: str | None,
                  wrong: bool) -> None:
        """Locate a wrong answer's first error, record whether a checked step produced the final answer, and what
        the checks alone would have located beside a construction label (all in place)."""
        if checks and wrong:
            Symbolic._locate(candidate, checks, ratings, evidence, sources, k, gold, pred)
        if checks and ratings[k] != -1:  # whether a checked step produced the final answer (the keep rule asks)
            evidence[k] = {**evidence[k], DERIVED: answer_derived(
                [[c.model_dump() for c in ch.claims] for ch in checks], k, _answer(checks[k], candidate.steps[k], pred))}
        if SOURCE in sources:  # what the checks alone would have located, for the run's label-quality table
            if checks and wrong:
                Symbolic._locate(candidate, checks, alone, [dict(e) for e in evidence], [None] * len(alone), k, gold,
                                 pred)
            j = sources.index(SOURCE)
            evidence[j][SOURCE] = {**evidence[j][SOURCE], "checker_alone": {
                "first_error": next((i for i, r in enumerate(alone) if r == -1), -1), "ratings": alone}}

    @staticmethod
    def _locate(candidate: Candidate, checks: list[StepCheck], ratings: list[int], evidence: list[dict[str, Any]],
                sources: list[str | None], k: int, gold: str | None, pred: str | None = None) -> None:
        """A wrong answer (or one without a reference): a refuted step is the first error unless the value it states
        was carried from earlier steps; if none is, the answer line is the first error only when it contradicts the
        steps (never without a reference)."""
        first = next((i for i, r in enumerate(ratings) if r == -1), -1)
        if first != -1 and sources[first] is not None:
            return  # located by construction
        if first != -1 and (first != k or _without_final(checks[first]) is None):
            # a refuted claim: located here unless the value it states was carried from earlier steps
            claims = [[c.model_dump() for c in ch.claims] for ch in checks]
            upstream = carried(claims, first)
            if upstream is None and gold is not None:
                evidence[first] = {**evidence[first], "located": {
                    "rule": "refuted_claim", EXPLAINS: explains_outcome(claims, first, gold, pred, candidate.steps)}}
            if upstream is not None:
                evidence[first] = {**evidence[first], "located": upstream}
                ratings[first] = 0
                for i in range(first + 1, len(ratings)):  # later steps' refutations follow from it
                    if ratings[i] == -1 and sources[i] is None:
                        ratings[i] = 0
            return
        if gold is None:
            return
        claims = [[c.model_dump() for c in ch.claims] for ch in checks]  # the claim behind a derived value
        where = _concluded_answer(candidate, k) or locate_answer_line(candidate.steps, gold, pred, claims)
        evidence[k] = {**evidence[k], "located": where}
        ratings[k] = -1 if where["rule"] == ANSWER_CONTRADICTS_STEPS else 0


def _checked(steps: list[str], sctx: StepContext, seed: int, budget: float,
             until: float) -> tuple[list[StepCheck], str | None]:
    """The steps' checks with ``budget`` seconds of their own, stopped at the row's deadline ``until`` whatever they
    are doing (the checker's reading outside its budgeted claims: cutting 300 steps of 50 kB into segments, reading
    each step's box once the budget is spent...). Stopped there, or with no time left to start, nothing checked is
    kept: every step is neutral, quoting its first relation as left unread (the keep rule sees an undecided
    relation), with the reason returned."""
    left = until - time.monotonic()
    why = None
    if budget > 0 and left > 0:
        try:
            with Budget(left):
                return check_steps(steps, sctx, seed=seed, budget_s=budget), None
        except OutOfTime:
            if time.monotonic() < until - 0.05:
                raise  # an enclosing budget's, not the row's
            why = f"time_budget: the row's {ROW_BUDGET_S:g}s ran out while its steps were checked"
    why = why or f"time_budget: the row's {ROW_BUDGET_S:g}s were spent before its steps were checked"
    return [StepCheck(index=i, rating=0, rule="time_budget", claims=[_unread(text, why)]) for i, text in
            enumerate(steps)], why


_RELATION = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|equiv|approx)(?![a-zA-Z])")
#: an unread step's quote: this many characters before its first relation and after its start (the keep rule sees a
#: relation left undecided by the relation in the quote; nothing else reads it: no conclusions follow a cut)
_QUOTE_BEFORE, _QUOTE_AFTER = 30, 60


def _unread(text: str, why: str) -> ClaimCheck:
    """A step left unread: one neutral claim quoting its first relation with a little text around it (no reading,
    only a scan), or the step's start when it has none. Short: 300 such steps are sent back from the checker's
    worker and recorded past the row's deadline, when the CPU is short."""
    m = _RELATION.search(text)
    at = 0 if m is None else max(0, m.start() - _QUOTE_BEFORE)
    end = (m.start() if m is not None else 0) + _QUOTE_AFTER
    return ClaimCheck(claim=text[at:end], verdict="unknown", rule="time_budget", detail=why)


def _unconcluded(checks: list[StepCheck], ratings: list[int], evidence: list[dict[str, Any]], k: int,
                 wrong: bool, seconds: float | None = None, why: str | None = None) -> None:
    """Past the budget (``seconds``, default ``CONCLUDE_BUDGET_S``), or with the checks cut short (``why``): nothing
    shown. A wrong answer's refuted step is not shown to be where it went wrong first (``explains_outcome`` not
    followed), an answer line is not located, and a right answer is not shown produced by a checked step; each says
    why in its evidence, so the keep rule keeps none of it."""
    why = why or f"time_budget: not worked out within {CONCLUDE_BUDGET_S if seconds is None else seconds:.3g}s"
    if not checks:
        return
    if wrong:
        first = next((i for i, r in enumerate(ratings) if r == -1), -1)
        if first != -1 and (first != k or _without_final(checks[first]) is None):
            evidence[first] = {**evidence[first], "located": {
                "rule": "refuted_claim", EXPLAINS: {"explains": None, "why": why}}}
            return
        evidence[k] = {**evidence[k], "located": {"rule": NOT_LOCATED, "step": k, "detail": why}}
        ratings[k] = 0 if ratings[k] == -1 else ratings[k]
    else:
        evidence[k] = {**evidence[k], DERIVED: {"derived": False, "why": why}}


def _concluded_answer(candidate: Candidate, k: int) -> dict[str, Any] | None:
    """A final answer read from the last step's concluding sentence ("Therefore, the total is 6 x 2 = 12.", no
    answer marker or box): that step is a step of the work stating its result, not an answer line apart from the
    work, so it cannot contradict what the steps derived (its own derivation is the steps' last). Not located."""
    ex = extract(candidate.generation.raw_response, candidate.task.prompt)  # as the verdict read it
    if ex.how != "conclusion":
        return None
    return {"rule": NOT_LOCATED, "step": k, "derived": None, "final_answer": ex.answer,
            "detail": "the final answer is the result the last step states (read from its concluding sentence): "
                      "no answer line apart from the work to contradict the steps"}


def _answer(check: StepCheck, text: str, pred: str | None) -> str | None:
    """The final answer: where the run's verdict read it, else the answer line's final-answer claim or its box."""
    if pred is not None:
        return pred
    own = next((c.claim for c in check.claims if c.rule.startswith(_FINAL)), None)
    return own if own is not None else last_boxed(text)


def _wrong(verdict: Any, gold: str, candidate: Candidate) -> bool:
    """The final answer is judged wrong (the domain's verdict, else judged here)."""
    if verdict is not None and hasattr(verdict, "verdict"):
        return bool(verdict.verdict == "not_equal")
    return judge(gold, candidate.generation.raw_response, seed=0).verdict == "not_equal"


STRATEGIES.register(Symbolic.name, Symbolic())
