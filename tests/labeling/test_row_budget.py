"""A row's budget covers everything the symbolic strategy does, not only the step checks' own claims: the comparison
of every boxed result with the reference answer, the steps left once the budget is spent, and the conclusions
after the checks. Found with hostile-but-plausible rows (``benchmarks/stress_labels.py``): six steps each boxing an
answer the parser is slow on took 28 s (every box compared with the reference for 3 s, past the solution's budget),
300 of them 641 s; a solution of 50 steps of 60 kB took 24 s with a 2 s budget (every segment past the budget cut
out and given a claim of its own); after a slow verdict, the conclusions still took their full 2 s after checks
that ran past theirs (10.0 s rows). Hangs are injected; what is asserted is the work done, not the seconds."""

from __future__ import annotations

import time
from types import SimpleNamespace

from stepforge import _pool
from stepforge.labeling import symbolic
from stepforge.verifiers.math import steps as steps_mod
from stepforge.verifiers.math.steps import StepContext, check_steps

from .test_conclude_budget import SLIP


def _hang(*args, **kwargs):
    while True:
        time.sleep(0.01)


def test_boxed_results_are_compared_with_the_reference_only_within_the_solutions_budget(monkeypatch) -> None:
    calls: list[int] = []

    def slow_final(text, gold, *args):
        calls.append(1)
        _hang()

    monkeypatch.setattr(steps_mod, "_final_claim", slow_final)
    monkeypatch.setattr(steps_mod, "CLAIM_BUDGET_S", 0.3)
    steps = [f"Part {i}: $\\boxed{{{i}}}$." for i in range(12)]
    got = check_steps(steps, StepContext(gold="5"), budget_s=1.0)
    # before: every one of the 12 boxes was compared for its 0.3 s, 3.6 s against a 1 s budget
    assert len(calls) <= 5
    last = got[-1].claims
    assert [c.rule for c in last] == ["time_budget", "time_budget"]
    assert last[-1].claim == "11" and "were spent" in last[-1].detail  # the box, unread, with the reason


def test_steps_past_the_budget_are_not_read(monkeypatch) -> None:
    read: list[str] = []
    segments = steps_mod._segments

    def spy(text):
        read.append(text)
        return segments(text)

    monkeypatch.setattr(steps_mod, "_segments", spy)
    monkeypatch.setattr(steps_mod, "_segment_claims", _hang)
    monkeypatch.setattr(steps_mod, "CLAIM_BUDGET_S", 0.2)
    step = "We note it. " + " ".join(f"Then ${i} + 1 = {i + 1}$." for i in range(300))
    got = check_steps([step] * 40, StepContext(), budget_s=0.5)
    assert len(read) <= 3  # before: all 40 cut into 600 pieces, 300 claims each
    assert sum(len(c.claims) for c in got) < 40 + 10
    late = got[-1]
    assert late.rating == 0 and [c.rule for c in late.claims] == ["time_budget"]
    assert "=" in late.claims[0].claim  # the relation left unread is quoted: the keep rule sees one undecided
    # the step the budget ran out in: the rest of it is one claim, not one per segment (300 before)
    assert max(len(c.claims) for c in got) <= 6


def _cand(steps: list[str]) -> SimpleNamespace:
    return SimpleNamespace(task=SimpleNamespace(metadata={}, reference=SimpleNamespace(answer="19"),
                                                prompt=SLIP[0]),
                           steps=steps, generation=SimpleNamespace(seed=0, raw_response="\n\n".join(steps)), id="c")


def test_the_conclusions_get_what_the_checks_left_of_the_rows_budget(monkeypatch) -> None:
    monkeypatch.setattr(_pool, "_IN_WORKER", True)
    real = symbolic.check_steps

    def slow_checks(steps, context, *, seed=0, budget_s=0.0):
        time.sleep(0.6)  # checks that ran past their own budget (work outside it, a loaded machine)
        return real(steps, context, seed=seed, budget_s=budget_s)

    monkeypatch.setattr(symbolic, "check_steps", slow_checks)
    monkeypatch.setattr(symbolic, "explains_outcome", _hang)
    monkeypatch.setattr(symbolic, "ROW_BUDGET_S", 1.0)
    monkeypatch.setattr(symbolic, "CONCLUDE_BUDGET_S", 2.0)
    monkeypatch.setattr(symbolic, "assemble", lambda c, r, e, **k: SimpleNamespace(ratings=r, evidence=e))
    monkeypatch.setattr(symbolic.construction, "apply", lambda c, r, e: [None] * len(r))
    verdict = SimpleNamespace(verdict="not_equal", seconds=0.0, pred="18")
    t0 = time.perf_counter()
    got = symbolic.Symbolic._labels(_cand(SLIP[2]), verdict)
    took = time.perf_counter() - t0
    why = got.evidence[1]["located"]["explains_outcome"]["why"]
    seconds = float(why.rsplit("within ", 1)[1].rstrip("s"))
    assert seconds < 1.0  # before: the conclusions' full 2 s, whatever the checks had left
    assert took < 1.0 + 2.0  # (generous: the assertion above is the point)


def test_no_conclusions_once_the_row_budget_is_spent(monkeypatch) -> None:
    monkeypatch.setattr(_pool, "_IN_WORKER", True)
    called: list[int] = []
    monkeypatch.setattr(symbolic.Symbolic, "_conclude", staticmethod(lambda *a: called.append(1)))
    monkeypatch.setattr(symbolic, "assemble", lambda c, r, e, **k: SimpleNamespace(ratings=r, evidence=e))
    monkeypatch.setattr(symbolic.construction, "apply", lambda c, r, e: [None] * len(r))
    checked: list[int] = []
    monkeypatch.setattr(symbolic, "check_steps", lambda *a, **k: checked.append(1) or [])
    # the verdict alone took the row's budget (an exact power computed in one C call, past its own budget)
    verdict = SimpleNamespace(verdict="not_equal", seconds=symbolic.ROW_BUDGET_S + 1, pred="18")
    got = symbolic.Symbolic._labels(_cand(SLIP[2]), verdict)
    assert not called and not checked  # before: the checks still had their 1 s minimum past the row's budget
    assert got.ratings == [0, 0, 0]  # nothing checked: nothing refuted, nothing located
    assert all(e["symbolic"]["rule"] == "time_budget" for e in got.evidence)
    assert "time_budget" in got.evidence[2]["located"]["detail"]


def test_a_point_is_refused_as_a_scalar_before_the_general_parser_is_asked(monkeypatch) -> None:
    """OlympiadBench solutions full of points spent their whole budget in latex2sympy2_extended's parser, 0.3-1 s per
    ``(x, y)``, to get a tuple that is then refused as not a scalar."""
    import pytest

    from stepforge.verifiers.math import symbolic as sym
    from stepforge.verifiers.math.errors import ParseError
    from stepforge.verifiers.math.policy import MathPolicy

    from collections import OrderedDict

    monkeypatch.setattr(sym, "_GENERAL", OrderedDict(), raising=False)  # nothing remembered from earlier tests
    calls: list[int] = []
    real = sym._l2s

    def spy():
        calls.append(1)
        return real()

    monkeypatch.setattr(sym, "_l2s", spy)
    for s in ("(x,y)", "\\left(\\frac{\\sqrt{2}}{2}, 0\\right)", "(a, b, c)", "(\\sqrt{6}(2 - \\sqrt{3}), 1)"):
        with pytest.raises(ParseError, match="not a scalar"):
            sym.read_general(s, MathPolicy())
    assert not calls
    for s in ("\\max(1, 2)", "(x + 1)", "(1, 2) + (3, 4)"):  # a function of two arguments, a group, two groups
        try:
            sym.read_general(s, MathPolicy())
        except ParseError:
            pass
    assert len(calls) == 3
