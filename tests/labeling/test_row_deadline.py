"""A row's checking ends by one deadline from the row's start (``symbolic.row_deadline``, started by the domain's
``record`` before the answer's verdict): the verdict, the steps' checks, the checker's reading around its budgeted
claims and the conclusions. Found by timing each phase of ``benchmarks/stress_labels.py``'s rows at load ~8 on 2
cores: the checker's work outside its own budget (each step's box read again once the budget was spent, steps cut
into segments: 300 steps of 50 kB) took checks of a 6 s budget to 8.3 s; the row's budget counted the verdict by
its own seconds only, not the time before and around it; a verdict past its budget read the solution again. Hangs
are injected and bounded; what is asserted is the work done (counted) or the budget given, not the seconds."""

from __future__ import annotations

import time

from stepforge import _pool
from stepforge.labeling import symbolic
from stepforge.pipeline.domains import math as domain_math
from stepforge.schema import Rejection, Trace
from stepforge.verifiers.math import answer
from stepforge.verifiers.math import steps as steps_mod

from .test_conclude_budget import SLIP


def _slowed(real, count: list[int], limit: int = 300):
    """``real`` after up to ``limit`` short sleeps (3 s), each counted: an interruption shows as a small count."""
    def slow(*args, **kwargs):
        for _ in range(limit):
            count.append(1)
            time.sleep(0.01)
        return real(*args, **kwargs)
    return slow


def _trace(rec: Trace | Rejection) -> Trace:
    return rec if isinstance(rec, Trace) else Trace.model_validate(rec.candidate)


def test_the_checkers_work_outside_its_budget_stops_at_the_rows_deadline(record, monkeypatch) -> None:
    monkeypatch.setattr(_pool, "_IN_WORKER", True)  # labelled here, as a run's worker does
    monkeypatch.setattr(symbolic, "ROW_BUDGET_S", 1.0)
    monkeypatch.setattr(symbolic, "CONCLUDE_BUDGET_S", 0.2)
    count: list[int] = []
    # cutting a step into segments is outside the checker's budgeted claims (300 steps of 50 kB under load: seconds)
    monkeypatch.setattr(steps_mod, "_segments", _slowed(steps_mod._segments, count))
    rec = record(*SLIP)
    assert len(count) < 250  # before: the whole 3 s, past a 1 s row (the checks' own budget is checked around it)
    assert isinstance(rec, Rejection)
    t = _trace(rec)
    for s in t.steps:  # nothing checked is kept: every step neutral, its relation quoted as left unread
        claims = s.evidence["symbolic"]["claims"]
        assert s.label.rating == 0 and [c["rule"] for c in claims] == ["time_budget"]
        assert "ran out while its steps were checked" in claims[0]["detail"]
    assert "=" in t.steps[0].evidence["symbolic"]["claims"][0]["claim"]
    assert "time_budget" in t.steps[-1].evidence["located"]["detail"]  # the wrong answer: not located, and why


def test_the_rows_clock_starts_before_the_verdict(record, monkeypatch) -> None:
    monkeypatch.setattr(_pool, "_IN_WORKER", True)
    monkeypatch.setattr(symbolic, "ROW_BUDGET_S", 2.0)
    monkeypatch.setattr(symbolic, "CONCLUDE_BUDGET_S", 0.2)
    real_judge = domain_math.judge

    def judge(*args, **kwargs):  # time the verdict's own seconds do not count (before, around it)
        v = real_judge(*args, **kwargs)
        time.sleep(1.5)
        return v

    budgets: list[float] = []
    real_checks = symbolic.check_steps

    def checks(steps, context, *, seed=0, budget_s=0.0):
        budgets.append(budget_s)
        return real_checks(steps, context, seed=seed, budget_s=budget_s)

    monkeypatch.setattr(domain_math, "judge", judge)
    monkeypatch.setattr(symbolic, "check_steps", checks)
    record(*SLIP)
    # what the row has left after 1.5 s of its 2 s (before: the checker's 1 s minimum, or 2 - 0.2 s from the verdict)
    assert len(budgets) == 1 and 0 < budgets[0] <= 0.5


def test_a_verdict_past_its_budget_does_not_read_the_solution_again(monkeypatch) -> None:
    calls: list[str] = []
    real_extract = answer.extract

    def extract(text, problem=None):
        calls.append(text)
        return real_extract(text, problem)

    count: list[int] = []
    monkeypatch.setattr(answer, "extract", extract)
    monkeypatch.setattr(answer, "parse_answer", _slowed(answer.parse_answer, count))
    v = answer.judge("18", "He keeps 18 pens. The answer is $\\boxed{18}$.", budget_s=0.3)
    assert v.verdict == "timeout" and v.rule == "time_budget"
    text = "He keeps 18 pens. The answer is $\\boxed{18}$."
    assert calls.count(text) == 1  # before: read again after the budget (a 50 kB solution's reading, past the row's)
    assert v.pred == "18" and v.gold == "18"  # as read within the budget
    assert len(count) < 250
