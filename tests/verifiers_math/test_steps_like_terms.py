"""Two slips in an unknown that the checker read as equations to solve, and so left neutral.

Found on MR-GSM8K (expert first errors), where each was the expert's first error and the step after it, which the
checker did refute, was taken for it:
- a wrong collection of like terms: "(1/4)*x + (1/3)*x = (5/12)*x", "(1/4)*(4*x) = x/2", "0.79 * 0.79x = 0.6161x".
  Read as an equation to solve, each would hold only at 0; it is a simplification, and a false one;
- a side set again to a bare number that the computation it equalled just before does not give: "1210 - 640 - 540 =
  3x", then "230 = 3x".
Equations that are equations (a constant term, sides already in lowest form, alternatives, two roots) stay neutral."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(steps: list[str]) -> list[list[tuple[str, str, str]]]:
    return [[(c.claim, c.verdict, c.rule) for c in s.claims] for s in check_steps(steps, StepContext())]


@pytest.mark.parametrize("text", [
    "The total amount of apples they want is: (1/4)*x + (1/3)*x = (5/12)*x.",
    "which means (1/4)*(4*x) = x/2 seats were occupied by the administrators.",
    "In 2009, the price of the car is 0.79 * 0.79x = 0.6161x.",
    "So the total is 2x + 3x = 6x.",
    "Together they have $\\frac{1}{4}n + \\frac{1}{3}n = \\frac{5}{12}n$ marbles.",
    "Their ages add up to k + 2k + 3k = 5k.",
])
def test_a_wrong_collection_of_like_terms_is_refuted(text: str) -> None:
    (claims,) = _claims([text])
    assert [(v, r) for _, v, r in claims] == [("false", "like_terms")], claims


@pytest.mark.parametrize("text", [
    "The total amount of apples they want is: (1/4)*x + (1/3)*x = (7/12)*x.",
    "which means (1/4)*(4*x) = x seats were occupied by the administrators.",
    "So the total is 2x + 3x = 5x.",
    "In 2009, the price of the car is 0.79 * 0.79x = 0.6241x.",
])
def test_a_right_collection_is_confirmed(text: str) -> None:
    (claims,) = _claims([text])
    assert [v for _, v, _ in claims] == ["true"], claims


@pytest.mark.parametrize("text", [
    "In 2009, the price of the car is 0.79 * 0.79x = 0.62x.",  # rounded as written: within half its last place
    "Setting 3x + 2 = 5x + 2, the lines meet where x = 0.",  # a constant term: an equation to solve
    "So 3x = 5x.",  # both sides already in lowest form: an equation, not a simplification
    "The shares are (5/12)x = (7/12)x.",
    "Then 2x + 3y = 6x.",  # two unknowns: a relation between them
    "By Pascal's rule, $8C2 = 8C6 = 8C1 + 8C2$.",  # binomials written nCr, not products with C
    "\\( 356,000 \\text{ times} + 135,000 \\text{ times} = 591,000 \\text{ times} \\)",  # a unit, not a letter
])
def test_equations_that_may_be_equations_stay_neutral(text: str) -> None:
    (claims,) = _claims([text])
    assert all(v != "false" for _, v, _ in claims), claims


@pytest.mark.parametrize("steps", [
    # solving an equation whose solution is 0: each step follows from the one before, none is a simplification
    ["$x + 10 = 10 - x$", "$$x + 10 - 10 = 10 - x - 10$$"],
    ["\\[ 2M = 4M \\] \\[ 2M - 4M = 4M - 2M \\] \\[ 0 = 2M \\]"],
    # the equation it solves was not read as one (an inequality, words): the step says it solves
    ["$$x + 10 > 10 - x$$", "We subtract 10 from both sides of the equation: $$x + 10 - 10 = 10 - x - 10$$"],
])
def test_a_step_of_solving_is_no_wrong_collection(steps: list[str]) -> None:
    got = _claims(steps)
    assert all(v != "false" for step in got for _, v, _ in step), got


def test_a_side_set_again_to_a_number_its_computation_does_not_give_is_refuted() -> None:
    got = _claims(["To solve for x, we subtract 640 + 540 from both sides:", "1210 - 640 - 540 = 3x", "230 = 3x",
                   "Dividing both sides by 3, we get:", "x = 230/3"])
    assert got[2] == [("1210 - 640 - 540 = 230", "false", "restated_equation")], got
    assert all(v != "false" for step in got[:2] for _, v, _ in step), got


def test_a_side_set_again_to_the_number_its_computation_gives_follows() -> None:
    got = _claims(["1210 - 640 - 540 = 3x", "30 = 3x"])
    assert [v for _, v, _ in got[1]] == ["true"], got


@pytest.mark.parametrize("steps", [
    ["$x = \\frac{6+2}{2}$", "$x = 2$"],  # a bare unknown: the second root, not the first one's value
    ["$49 - 4c = 1 + 8$ or $49 - 4c = 25$"],  # alternatives in one step
    ["$49 - 4c = 1 + 8$", "Otherwise $49 - 4c = 25$."],  # alternatives across steps
    ["$49 - 4c = 9$", "$49 - 4c = 25$"],  # a list of equations: no computation before
    ["1210 - 640 - 540 = 3x", "If instead 230 = 3x, then x is not whole."],  # a trial
    ["12.5 + 3.2 = 2x", "15 = 2x"],  # decimals: the number may be rounded
    ["1210 - 640 - 540 = 3x", "Next year the total is 1500.", "The shop sold 40 more.", "230 = 3x"],  # not adjacent
    ["$11a + 27 - 11a = 9a + 27 = 13$"],  # the earlier side holds letters (they cancel): not a computation on numbers
])
def test_a_side_set_again_is_not_refuted_where_it_may_be_another_equation(steps: list[str]) -> None:
    got = _claims(steps)
    assert all(v != "false" for step in got for _, v, _ in step), got


def test_percents_in_an_equation_in_one_letter_are_hundredths() -> None:
    """A percent chain in the unknown (MR-GSM8K: the car's price after two years of 21% depreciation): its links are
    read, exactly, and the wrong collection at its end is refuted."""
    (claims,) = _claims(["In 2009, the price of the car is (100% - 21%) * 0.79x = 79% * 0.79x = 0.79 * 0.79x = "
                         "0.6161x."])
    assert [(v, r) for _, v, r in claims] == [("true", "identity"), ("true", "identity"), ("false", "like_terms")]
    (claims,) = _claims(["In 2008, the price of the car is (100% - 21%) * x = 79% * x = 0.79x."])
    assert [v for _, v, _ in claims] == ["true", "true"]


@pytest.mark.parametrize("text", ["so x + 10% = 1.1x", "so 10% + x = 1.1x", "so 1.1x - 10% = x"])
def test_a_percent_added_to_an_unknown_is_not_read(text: str) -> None:
    (claims,) = _claims([text])  # a percent of the amount, by convention: not plain arithmetic
    assert claims == [], claims

