"""What follows the step checks (locating a wrong answer's first error, redoing the slip, whether a checked step
produced the answer) has a time budget of its own, and running out of it shows nothing: the trace is not kept.
Found on CHAMP (competition solutions): a stated side ``\\sum_{k=0}^{1959} \\binom{1959}{k} ...`` was worked out by
sympy while looking for values carried from earlier steps, 23 s for one row with no budget."""

from __future__ import annotations

import time

from stepforge import _pool
from stepforge.labeling import symbolic
from stepforge.labeling.locate import carried
from stepforge.pipeline.keep import slip_unexplained, why_not_kept
from stepforge.schema import Rejection, Trace
from stepforge.verifiers.math.budget import Budget, OutOfTime
from stepforge.verifiers.math import steps as steps_mod
from stepforge.verifiers.math.steps import StepContext, check_steps

SLIP = ("Tom buys 4 boxes of 6 pens and gives away 5 pens. How many pens does he keep?", "19",
        ["He buys $4 \\times 6 = 24$ pens.", "He keeps $24 - 5 = 18$ pens.", "The answer is $\\boxed{18}$."])
RIGHT = (SLIP[0], "19", ["He buys $4 \\times 6 = 24$ pens.", "He keeps $24 - 5 = 19$ pens.",
                         "The answer is $\\boxed{19}$."])


def _hang(*args, **kwargs):
    """A piece of work that would run for minutes (as sympy did on CHAMP's row)."""
    while True:
        time.sleep(0.01)


def _in_process(monkeypatch) -> None:
    """Label here, not in a worker process, so the patched piece of work is the one that runs."""
    monkeypatch.setattr(_pool, "_IN_WORKER", True)


def _trace(rec: Trace | Rejection) -> Trace:
    return rec if isinstance(rec, Trace) else Trace.model_validate(rec.candidate)


def test_a_sum_stated_as_a_value_is_not_worked_out_when_looking_for_carried_values() -> None:
    # the claims as the checker states them: an earlier step's side is a sum over 1960 binomials of a power
    side = "\\sum_{k=0}^{1959} \\binom{1959}{k} x^{1959-k} (x^{1958}+x^{1957})^k"
    claims = [[{"claim": f"(x^{{1958}}+x^{{1957}}+2)^{{1959}} = {side}", "verdict": "unknown", "rule": "x"}],
              [{"claim": "\\binom{1959}{1} \\binom{1958}{1957} = 1959", "verdict": "false", "rule": "x"}]]
    t0 = time.perf_counter()
    assert carried(claims, 1) is None
    assert time.perf_counter() - t0 < 2.0  # minutes before: sympy summed it
    # a definite integral stated as a side is still a value a slip can be redone in (procedural calculus solutions)
    from stepforge.labeling.locate import _value
    assert _value("\\int_{0}^{1} \\left(3 x^{2} - 2\\right) \\, dx") == -1


def test_the_slip_is_located_and_kept_within_the_budget(record) -> None:
    rec = record(*SLIP)
    assert isinstance(rec, Trace) and rec.first_error_index == 1


def test_past_the_budget_nothing_is_located_and_the_trace_is_not_kept(record, monkeypatch) -> None:
    _in_process(monkeypatch)
    assert isinstance(record(*SLIP), Trace)  # kept in process too, before the redo hangs
    monkeypatch.setattr(symbolic, "explains_outcome", _hang)
    monkeypatch.setattr(symbolic, "CONCLUDE_BUDGET_S", 0.5)
    t0 = time.perf_counter()
    rec = record(*SLIP)
    assert time.perf_counter() - t0 < 5.0
    assert isinstance(rec, Rejection) and rec.reason == "first_error_uncertain"
    t = _trace(rec)
    located = t.steps[1].evidence["located"]
    assert located["rule"] == "refuted_claim" and "time_budget" in located["explains_outcome"]["why"]
    assert t.steps[1].label.rating == -1  # the refutation itself stands; only where the error began is not shown


def test_a_right_answer_past_the_budget_is_not_shown_derived(record, monkeypatch) -> None:
    _in_process(monkeypatch)
    # answered in time: the checked step "24 - 5 = 19" produced the answer (the trace still needs a reference
    # solution to be kept, so it is process_unverified for that reason alone)
    assert _trace(record(*RIGHT)).steps[2].evidence["derived_answer"]["derived"] is True
    monkeypatch.setattr(symbolic, "answer_derived", _hang)
    monkeypatch.setattr(symbolic, "CONCLUDE_BUDGET_S", 0.5)
    rec = record(*RIGHT)
    assert isinstance(rec, Rejection) and rec.reason == "process_unverified"
    assert "time_budget" in _trace(rec).steps[2].evidence["derived_answer"]["why"]


def test_a_refuted_step_with_no_location_evidence_is_not_kept(record) -> None:
    t = _trace(record(*SLIP))
    assert why_not_kept(t) is None
    bare = t.model_copy(update={"steps": [s.model_copy(update={"evidence": {k: v for k, v in s.evidence.items()
                                                                            if k != "located"}})
                                          for s in t.steps]})
    assert "nothing says where" in (slip_unexplained(bare) or "")
    assert why_not_kept(bare)[0] == "first_error_uncertain"


def test_an_enclosing_budget_is_not_swallowed_by_the_checks_own(monkeypatch) -> None:
    monkeypatch.setattr(steps_mod, "_segment_claims", _hang)
    t0 = time.perf_counter()
    try:
        with Budget(0.5):
            check_steps(["$1 + 1 = 2$", "$2 + 2 = 4$", "$3 + 3 = 6$", "$4 + 4 = 8$"], StepContext())
        raised = False
    except OutOfTime:
        raised = True
    assert raised and time.perf_counter() - t0 < 2.0
    # alone, the checks' own budget makes each segment neutral (no raise)
    monkeypatch.setattr(steps_mod, "CLAIM_BUDGET_S", 0.2)
    got = check_steps(["$1 + 1 = 2$"], StepContext(), budget_s=1.0)
    assert [c.rule for c in got[0].claims] == ["time_budget"]


def test_the_steps_get_what_the_answers_verdict_left_of_the_rows_budget(monkeypatch) -> None:
    from types import SimpleNamespace

    seen: list[float] = []

    def spy(steps, context, *, seed=0, budget_s=0.0):
        seen.append(budget_s)
        return []

    monkeypatch.setattr(symbolic, "check_steps", spy)
    cand = SimpleNamespace(task=SimpleNamespace(metadata={}, prompt="", reference=SimpleNamespace(answer="19")),
                           steps=["$1 + 1 = 2$"], generation=SimpleNamespace(seed=0), id="c")
    monkeypatch.setattr(symbolic, "assemble", lambda *a, **k: None)
    monkeypatch.setattr(symbolic.construction, "apply", lambda c, r, e: [None] * len(r))
    row = symbolic.ROW_BUDGET_S
    for spent in (0.01, 4.5, row - 0.5, row + 1):
        symbolic.Symbolic._labels(cand, SimpleNamespace(verdict="equal", seconds=spent, pred="19"))
    # a fast verdict leaves the checker its own budget (what the conclusions leave of the row); a slow one leaves
    # less, at least the checker's minimum while the row has that left, nothing once the row's budget is spent
    most = min(steps_mod.STEPS_BUDGET_S, row - symbolic.CONCLUDE_BUDGET_S - 0.01)
    assert most - 0.1 < seen[0] <= most
    assert seen[1] + 4.5 + symbolic.CONCLUDE_BUDGET_S <= row + 1e-9
    assert 0 < seen[2] <= 0.5
    assert len(seen) == 3
