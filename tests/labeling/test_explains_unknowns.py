"""``locate.explains_outcome`` on slips that reach an equation in an unknown (issue 11): the equation solved right,
the unknown's right value carried on; families that cannot be redone honestly stay ``None`` (or ``False``)."""

from __future__ import annotations

import time
from typing import Any

import sympy as sp

from stepforge.labeling._unknowns import chains, solve
from stepforge.labeling.locate import explains_outcome
from stepforge.verifiers.math.steps import StepContext, check_steps


def _explains(steps: list[str], gold: str, pred: str, **ctx: Any) -> dict[str, Any]:
    """What the symbolic strategy records: the real checker's claims, the first refuted step, the redo."""
    checks = check_steps(steps, StepContext(**ctx), seed=0)
    claims = [[c.model_dump() for c in ch.claims] for ch in checks]
    k = next(i for i, ch in enumerate(checks) if ch.rating == -1)
    return explains_outcome(claims, k, gold, pred, steps)


CHAIN = ["We have $3x - 5 = 16$.", "So $3x = 16 + 5 = 22$.", "So $x = \\frac{22}{3}$.",
         "The answer is $\\boxed{\\frac{22}{3}}$."]


def test_an_equation_in_the_same_chain_as_the_slip_is_solved_right() -> None:
    got = _explains(CHAIN, "7", "\\frac{22}{3}")
    assert got["explains"] is True and got["redone_answer"] == "7"
    assert got["solved"][0]["equation"] == "3x = 22" and got["solved"][0]["right"] == {"x": "7"}
    # the same slip, but the reference is not what it gives redone: something else is wrong too
    assert _explains(CHAIN, "8", "\\frac{22}{3}")["explains"] is False


def test_a_plain_text_equation_the_wrong_value_reaches_is_solved_and_its_stated_root_replaced() -> None:
    # MR-GSM8K's reversed questions: the equation is in prose, with currency signs; the solution also solves it
    # wrong (416 / 80 is not 5): redoing the slip overrides what follows from it, as for numbers
    steps = ["Charlie has x lessons at his standard rate, so he earns $80 * x for these lessons.",
             "He also has 2 lessons at 75% of his rate, so he earns $80 * 2 * 0.75 = $24 for these lessons.",
             "We are given that he makes $440, so we can write: $80 * x + $24 = $440.",
             "Subtracting $24 from both sides, we get: $80 * x = $416.",
             "Dividing both sides by $80, we get: x = 5.",
             "The final answer is $\\boxed{5}$."]
    got = _explains(steps, "4", "5")
    assert got["explains"] is True and got["redone_answer"] == "4"
    assert ["24", "120"] in got["corrected"] and ["5", "4"] in got["corrected"]
    assert _explains(steps, "5", "6")["explains"] is False  # the final answer is no value the slip led to


def test_the_unknown_is_carried_on_by_its_letter() -> None:
    steps = ["Two pens cost $2 \\cdot 0.3 = 0.58$ dollars, so $2p = 0.58$ and $p = 0.29$.",
             "Three pens cost $3p = 0.87$.", "The answer is $\\boxed{0.87}$."]
    got = _explains(steps, "0.90", "0.87")
    assert got["explains"] is True and got["solved"][0]["right"] == {"p": "3/10"}
    assert _explains(steps, "0.93", "0.87")["explains"] is False


def test_a_small_linear_system_is_solved_once_it_has_its_equations() -> None:
    steps = ["The sum is $3 + 4 = 8$.", "So $x + y = 8$ and $x - y = 2$.", "So $x = 5$ and $y = 3$.",
             "Then $xy = 15$.", "The answer is $\\boxed{15}$."]
    got = _explains(steps, "\\frac{45}{4}", "15")
    assert got["explains"] is True and got["solved"][0]["right"] == {"x": "9/2", "y": "5/2"}


def test_several_roots_are_redone_as_a_set_or_not_at_all() -> None:
    roots = ["The constant is $2 + 2 = 6$.", "So $x^2 - 5x + 6 = 0$.", "So $x = 2$ or $x = 3$.",
             "The answer is $\\boxed{2, 3}$."]
    assert _explains(roots, "1, 4", "2, 3")["explains"] is True  # the answer is the whole set of roots
    assert _explains(roots, "1, 5", "2, 3")["explains"] is False
    # the solution goes on with one root: which one the redone equation's roots correspond to is not known
    one = ["The constant is $2 + 2 = 6$.", "So $x^2 - 5x + 6 = 0$.", "So $x = 3$, the larger root.",
           "The answer is $\\boxed{3}$."]
    got = _explains(one, "4", "3")
    assert got["explains"] is None and "several roots" in got["why"]


def test_a_refuted_equation_in_an_unknown_is_solved_again_from_the_solutions_own_equation() -> None:
    # refuted against the problem's premises (procedural tasks): "x = 14" after "x + 7 = 20"
    steps = ["$x + 7 = 20$, so $x = 14$.", "Twice it is $2x = 28$.", "The answer is $\\boxed{28}$."]
    ctx = {"premises": ["x + 7 = 20"], "unknowns": ["x"]}
    got = _explains(steps, "26", "28", **ctx)
    assert got["explains"] is True and ["14", "13"] in got["corrected"]
    assert _explains(steps, "27", "28", **ctx)["explains"] is False
    # no equation of its own before the refuted one: nothing to solve it again from
    bare = ["So $x = 14$.", "Twice it is $2x = 28$.", "The answer is $\\boxed{28}$."]
    assert _explains(bare, "26", "28", **ctx)["explains"] is None


def test_an_equation_that_agrees_with_the_slip_is_not_what_solves_it_again() -> None:
    # MathCheck: "x = 9,360 / 14.4" divides by the wrong year's factor; its own "x = 650" is refuted against
    # "15.6x = 9,360", and the redo solves that equation (600), not the slip's own "x = 9360 / 14.4" (650)
    steps = ["Year 3: $14.4x + $1.2x = $15.6x\n\nWe know the salary after three more years is $9,360.\n"
             "Therefore, $15.6x = $9,360",
             "Solve for the value of x.\nx = $9,360 / $14.4\nx = $650\n\nTherefore, the answer is 650."]
    got = _explains(steps, "600", "650")
    assert got["explains"] is True and got["redone_answer"] == "600", got
    assert got["solved"][0]["right"] == {"x": "600"}
    assert _explains(steps, "610", "650")["explains"] is False


def test_a_quantity_named_in_words_is_solved_as_an_unknown() -> None:
    # MathCheck: the slip (14 + 7 + 9 = 31) reaches an equation in "Original number of fries", solved right (48)
    steps = ["Dave ate 14 and the seagull 7, the pigeons 9: 14 + 7 + 9 = 31 fries.",
             "The raccoon took two-thirds of the rest: (Original number of fries - 31) * (1 - 2/3) - 1 = 5.",
             "Multiply both sides by 3 to isolate the original number of fries: Original number of fries - 31 = 18.",
             "Add 31 to both sides to find the original number of fries: Original number of fries = 49.",
             "The answer is: 49"]
    got = _explains(steps, "48", "49")
    assert got["explains"] is True and got["redone_answer"] == "48", got
    assert _explains(steps, "50", "49")["explains"] is False


def test_only_a_name_standing_as_an_operand_is_read_as_an_unknown() -> None:
    assert chains("So he has 5 apples + 3 = 8") == []
    assert chains("Then we get: total cost - 31 = 18") != []
    # prose before an operator is no name ("we get"), and a name whose letter the text uses stays words
    assert chains("Simplify so we get - 31 = 18") == []


def test_an_equation_the_slip_does_not_reach_is_never_solved_for_it() -> None:
    # the slip (2 + 3 = 6) goes nowhere; "x = 14" is a second, independent error: not the slip's doing
    steps = ["Ann has $2 + 3 = 6$ pens.", "Also $x + 7 = 20$, so $x = 14$.", "The answer is $\\boxed{14}$."]
    got = _explains(steps, "13", "14")
    assert got["explains"] is False and "solved" not in got


def test_a_tuple_answer_is_redone_member_by_member() -> None:
    steps = ["For the x-coordinates, the average is $\\frac{-5 + 3}{2} = -2$.",
             "For the y-coordinates, the average is $\\frac{5 + 7}{2} = 6$.",
             "Therefore, the midpoint is $(-2, 6)$.", "# Answer\n\n(-2, 6)"]
    assert _explains(steps, "(-1,6)", "(-2, 6)")["explains"] is True
    assert _explains(steps, "(-1,7)", "(-2, 6)")["explains"] is False


def test_the_reader_takes_equations_in_letters_and_leaves_words_products_and_percents() -> None:
    assert chains("So $3x = 16 - 5 = 12$.") == [["3x", "16 - 5", "12"]]
    assert chains("so we can write: $80 * x + $24 = $440.") == [["80  \\cdot  x + 24", "440"]]
    assert chains("Let p be the price. 2p = 0.58, so p = 0.30.") == [["2p", "0.58"], ["p", "0.30"]]
    assert chains("x * (stitches per sleeve) = 180.") == []  # words are not unknowns
    assert chains("Then 5 x 3 = 15 apples") == []  # "x" between numbers is a times sign
    assert chains("the price became 32 - (x/100) * 32 = 32 - 0.32x%") == []
    assert chains("$x < 5$ and $y \\le 3$") == []


def test_solving_is_bounded_and_never_raises() -> None:
    x, y, z, w = sp.symbols("x y z w")
    later = time.monotonic() + 5
    assert solve([3 * x - 11], [x], later) == [{x: sp.Rational(11, 3)}]
    assert solve([sp.sin(x) - 1], [x], later) is None  # not a polynomial: not solved here
    assert solve([x**7 - 3 * x + 1], [x], later) is None  # degree over the bound
    assert solve([x + y + z + w - 1] * 4, [x, y, z, w], later) is None  # too many unknowns
    assert solve([x * y - 1, x + y - 3], [x, y], later) is None  # a nonlinear system
    assert solve([x + y - 2, 2 * x + 2 * y - 4], [x, y], later) is None  # a family, not one solution
    assert solve([x**2 + 1], [x], later) == []  # no real root
    assert solve([1 / x], [x], later) == []  # the root would divide by zero
    assert solve([3 * x - 11], [x], time.monotonic() - 1) is None  # the budget spent
    assert solve([sp.Symbol("q") / 0], [x], later) is None
