"""A chain that works a computation in steps, ``10 \\cdot 12 \\cdot 14 = 10 \\cdot 12 = 120`` and then
``120 \\cdot 14 = 1680``, writes the left side's leading part as the next link: that link is the writer's way of
working, not a claim that the two are equal (model-written MATH solutions do this). It is neutral
(``stepwise_partial``); the rest of the chain is checked as always, and a leading part that ignores precedence
(``2 + 3 \\cdot 4 = 2 + 3``) or a link that is not the chain's (the last) stays refuted."""

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _check(text: str):
    return check_steps([text], StepContext())[0]


@pytest.mark.parametrize("text", [
    r"The numerator is \[ 10 \cdot 12 \cdot 14 = 10 \cdot 12 = 120 \quad \text{and} \quad 120 \cdot 14 = 1680 \]",
    r"\[ 7 - 6 + 9 = 7 - 6 = 1 \] and then \[ 1 + 9 = 10 \]",
    "So 3 * 4 * 5 = 3 * 4 = 12 and 12 * 5 = 60.",
])
def test_a_computation_worked_in_steps_is_not_refuted(text: str) -> None:
    got = _check(text)
    assert got.rating == 1, got.claims
    assert any(c.rule.startswith("stepwise_partial") and c.verdict == "unknown" for c in got.claims)


@pytest.mark.parametrize("text", [
    r"\[ 10 \cdot 12 \cdot 14 = 10 \cdot 12 = 130 \]",  # the step's own arithmetic is still checked
    r"\[ 2 + 3 \cdot 4 = 2 + 3 = 5 \]",  # left to right against precedence: a real error
    r"\[ 2 \cdot 3 + 4 = 2 \cdot 3 = 6 \]",  # two kinds of operator: not a leading part to work first
    r"\[ 10 \cdot 12 \cdot 14 = 10 \cdot 12 \]",  # nothing goes on from it: a false equation
    "So 2 + 3 * 4 = 2 + 3 = 5.",
])
def test_other_chains_stay_refuted(text: str) -> None:
    assert _check(text).rating == -1
