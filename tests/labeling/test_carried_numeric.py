"""``carried`` compares each refuted value with every run of consecutive earlier values. It expanded each run's sum
against it: on a long olympiad solution with symbolic values (OlympiadBench obench-246-gen) that took about 1.5 s
idle, the conclusions' whole budget, so whether the refuted step was located (kept apart as carried) or left
unconcluded depended on the machine's load. A run whose value at a fixed point clearly differs is no longer expanded;
what is carried is found as before."""

from __future__ import annotations

import pytest
import sympy as sp

from stepforge.labeling import locate
from stepforge.labeling.locate import carried


def _claims(*cs: tuple[str, str]) -> list[dict]:
    return [{"claim": c, "verdict": v, "rule": "identity" if v == "true" else "not_an_identity"} for c, v in cs]


def test_runs_that_clearly_differ_are_not_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = sp.expand

    def counting(e: object, *a: object, **k: object) -> object:
        calls.append(e)
        return real(e, *a, **k)

    steps = [_claims((f"y_{{{i}}} = (x + {i})^{{3}} - {i} x", "unknown")) for i in range(1, 31)]
    steps.append(_claims(("z = (x + 100)^{3} - 5", "false")))
    monkeypatch.setattr(locate.sp, "expand", counting)
    assert carried(steps, 30) is None
    assert len(calls) < 5  # before: one expansion per run, 465


@pytest.mark.parametrize("earlier,refuted,found", [
    (["A = (x+1)^{2}", "B = 3x - 1"], "C = x^{2} + 5x", [0, 1]),  # a sum of symbolic values, equal once expanded
    (["P = 2y", "Q = x^{2}"], "R = x^{2} + 2y", [0, 1]),  # letters in some values only: each at its own point
    (["S = \\frac{x}{2}", "S' = \\frac{x}{3}"], "T = \\frac{5x}{6}", [0, 1]),
    (["U = \\sqrt{x - 10}"], "V = \\sqrt{x - 10}", [0]),  # complex at the point
    (["W = (x+1)^{2}"], "Z = x^{2} + 2x + 2", None),
])
def test_what_is_carried_is_found_as_before(earlier: list[str], refuted: str, found: list[int] | None) -> None:
    steps = [_claims((c, "unknown")) for c in earlier] + [_claims((refuted, "false"))]
    got = carried(steps, len(earlier))
    assert (got and got["from_steps"]) == found or (got is None and found is None)


def _defs(*cs: str) -> list[dict]:
    return [{"claim": c, "verdict": "unknown", "rule": "definition"} for c in cs]


def test_names_for_computations_and_parameters_are_not_summed_into_a_carried_value() -> None:
    """BIG-Bench Mistake: "where A = (3 * 2 - -8 * -1) and B = (-2 * -4 - 8 + 2)" names the problem's parts before
    they are computed, and "n = 4 and r = 2" names a formula's parameters; neither is a result a later refuted
    value is carried from (once such letters were read, 2 + (-2) = 0 and 4 + 2 = 6 were found "carried" by chance)."""
    steps = [_defs("B = (-2 \\cdot -4 - 8 + 2)"), _claims(("(6 - 8) = -2", "true")),
             _claims(("(-2 \\cdot -4 - 8 + 2) = (8 - 8)", "false"))]
    assert carried(steps, 2) is None
    steps = [_defs("n = 4", "r = 2"), _claims(("(4 \\cdot 3) / (2 \\cdot 2) = 6", "false"))]
    assert carried(steps, 1) is None
    steps = [_defs("n = 7", "r = 3"), _claims(("4! / (2! \\cdot 2!) = (4 \\cdot 3) / (2 \\cdot 2)", "false"))]
    assert carried(steps, 1) is None  # the refuted side is a computation of its own, whose value r happens to have
    steps = [_defs("n = 6"), _claims(("2 \\cdot 4 = 6", "false"))]  # a named value alone is still carried
    assert carried(steps, 1) == {"rule": "error_not_located", "why": locate.CARRIED, "claim": "2 \\cdot 4 = 6",
                                 "from_steps": [0]}


def test_a_number_is_carried_only_as_a_value_from_the_step_just_before() -> None:
    """On MR-GSM8K and BIG-Bench Mistake the rule fired 14 times where the expert's first error is the refuted step
    itself: a value that happens to equal one from two steps back ("1/3 * 66 = 22", "66 - 22 = 44", then "5/11 * 44
    = 22"), or a link of a chain whose side is a computation of its own. It still fires where a step restates the
    result just derived by a computation that does not give it (MathCheck: "140 + 14 = $154", then "140 - 14 = 154",
    the error being the bonus taken for a discount the step before)."""
    fish = [_claims(("(1/3) \\cdot 66 = 22", "true")), _claims(("66 - 22 = 44", "true")),
            _claims(("(5/11) \\cdot 44 = 22", "false"))]
    assert carried(fish, 2) is None
    chain = [_claims(("(-4 + 8 + 1) = 5", "true")), _claims(("(5 + (-8 - -7 - 6)) = (5 + (-8 + 7 + 6))", "false"))]
    assert carried(chain, 1) is None
    bonus = [_claims(("0.10 \\times 140 = 14", "true"), ("140 + 14 = 154", "true")),
             _claims(("140 - 14 = 154", "false"))]
    assert carried(bonus, 1) == {"rule": "error_not_located", "why": locate.CARRIED, "claim": "140 - 14 = 154",
                                 "from_steps": [0]}
