"""A refuted claim that evaluates the problem's own expression ("Evaluate $\\lfloor|-23/9|\\rfloor$", then
"$\\lfloor|-23/9|\\rfloor = -23$") is not shown to be the first error when steps before it reason in words that
nothing checked: redone right it gives the reference whatever those steps said, so the redo that corroborates other
slips says nothing here (RealCritic MATH: a 0.5B model defined the floor as the ceiling in words, then stated the
wrong value; the refuted line was kept as the first error). The slip is still located when nothing comes before it,
when the steps before it are checked computations, and when the solution built the refuted expression itself."""

from __future__ import annotations

import pytest

from stepforge.pipeline.keep import _tex_key
from stepforge.schema import Rejection, Trace

FLOOR = r"Evaluate $\left\lfloor\left|-\frac{23}{9}\right|\right\rfloor$."

# (problem, reference, steps): prose that misreads the notation, then the problem's expression stated wrong
MISREAD = [
    (FLOOR, "2",
     [r"To evaluate it, we first need the absolute value $\left|-\frac{23}{9}\right|$ of the number.",
      r"The floor of a number is the smallest integer greater than or equal to the number, so we round up.",
      r"Therefore, $\left\lfloor\left|-\frac{23}{9}\right|\right\rfloor = 3$.",
      r"The answer is $\boxed{3}$."]),
    (r"Compute $\dbinom{8}{3}$.", "56",
     [r"The binomial coefficient counts the ordered ways to pick the items, one after another.",
      r"So there are eight choices, then seven, then six, for the three places in order.",
      r"Hence $\binom{8}{3} = 336$.",
      r"The answer is $\boxed{336}$."]),
    (r"What is $\lvert 4 - 11 \rvert + 2$?", "9",
     [r"The absolute value keeps the sign of what is inside the bars, since it is already an integer.",
      r"So $|4 - 11| + 2 = -5$.",
      r"The answer is $\boxed{-5}$."]),
    # words that name only the problem's numbers still turn the method
    (r"Compute $19 \cdot 21 + 1$ mentally.", "400",
     [r"$19 \cdot 21 = 20^2 - 1 = 399$.",
      r"Then the 1 is taken away, not added to it.",
      r"So $19 \cdot 21 + 1 = 399 - 1 = 398$.",
      r"The answer is $\boxed{398}$."]),
    # the problem's expression in another form of the same value (RealCritic MATH: the plan multiplies by the gcd
    # where it should divide; multiplied through, the value is the problem's whatever the plan said)
    (r"Simplify $\frac{91}{26}.$", r"\frac{7}{2}",
     [r"To simplify the fraction, we multiply the numerator and the denominator by their greatest common divisor.",
      r"The GCD of 26 and 91 is 13.",
      r"So $\frac{91 \times 13}{26 \times 13} = \frac{1183}{392}$.",
      r"The answer is $\boxed{\frac{1183}{392}}$."]),
]


@pytest.mark.parametrize("problem,gold,steps", MISREAD)
def test_the_problems_expression_stated_wrong_after_unchecked_reasoning_is_not_a_located_first_error(
        record, problem: str, gold: str, steps: list[str]) -> None:
    rec = record(problem, gold, steps)
    assert isinstance(rec, Rejection), f"kept with first error {rec.first_error_index}"
    assert rec.reason == "first_error_uncertain"
    assert "own expression" in rec.detail


# the same slips with nothing unchecked before them: the refuted claim is where the solution went wrong first
LOCATED = [
    (FLOOR, "2",
     [r"So $\left\lfloor\left|-\frac{23}{9}\right|\right\rfloor = 3$.", r"The answer is $\boxed{3}$."], 0),
    (r"Compute $\dbinom{8}{3}$.", "56",
     [r"$8 \cdot 7 \cdot 6 = 336$ and $3! = 6$.", r"So $\dbinom{8}{3} = 336 / 6 = 50$.",
      r"The answer is $\boxed{50}$."], 1),
    # the solution built the refuted expression from the problem's numbers: its setup is what the redo confirms
    ("Keegan needs 200 dollars. He earned 83 dollars and Tasha earned 91 dollars. How much more do they need?", "26",
     ["The total amount they needed to raise was 200 dollars and they earned some of it already today.",
      "To find out how much more they needed to earn, we subtract what they had earned from their goal.",
      "So 200 - 83 - 91 = 36", "The answer is 36."], 2),
]


@pytest.mark.parametrize("problem,gold,steps,fei", LOCATED)
def test_a_slip_with_nothing_unchecked_before_it_or_in_the_solutions_own_expression_is_still_located(
        record, problem: str, gold: str, steps: list[str], fei: int) -> None:
    rec = record(problem, gold, steps)
    assert isinstance(rec, Trace), rec.detail
    assert rec.first_error_index == fei


@pytest.mark.parametrize("a,b", [
    (r"\left\lfloor\left|-\frac{23}{9}\right|\right\rfloor", r"\lfloor |-\dfrac{23}{9}| \rfloor"),
    (r"\left\lceil 3\left(6-\frac12\right)\right\rceil", r"\lceil 3(6 - \tfrac{1}{2}) \rceil"),
    (r"\dbinom{8}{3}", r"\binom83"),
    (r"\lvert 4 - 11 \rvert + 2?", r"|4-11|+2"),
    (r"2 \times 3", r"2\cdot 3"),
])
def test_layout_does_not_hide_the_problems_expression(a: str, b: str) -> None:
    assert _tex_key(a) == _tex_key(b)


def test_a_form_of_the_same_value_needs_reasoning_before_it_to_be_held_back(record) -> None:
    # nothing unchecked before the slip: the slip is the first error
    rec = record(r"Simplify $\frac{91}{26}.$", r"\frac{7}{2}",
                 [r"The GCD of 26 and 91 is 13.", r"So $\frac{91 \div 13}{26 \div 13} = \frac{7}{3}$.",
                  r"The answer is $\boxed{\frac{7}{3}}$."])
    assert isinstance(rec, Trace), rec.detail
    assert rec.first_error_index == 1


@pytest.mark.parametrize("a,b", [(r"|4-11|+2", r"|4-11|"), (r"\frac{23}{9}", r"\frac{9}{23}"), ("2^{10}", "2^{1}0")])
def test_different_expressions_stay_apart(a: str, b: str) -> None:
    assert _tex_key(a) != _tex_key(b)


def test_a_value_set_again_after_the_variable_was_solved_holds_the_slip_back(record) -> None:
    """RealCritic's college_math, kept before with the concluding sentence as its first error: the wrong step is the
    division that sets x again (neutral), and the link after it is true, so nothing else held the slip back."""
    steps = [r"To solve, multiply both sides by $9$: $$ -15 \times 9 = \frac{x}{9} \times 9 $$",
             "$$ -135 = x $$",
             r"2. Now, divide both sides of the equation by $-135$ to solve for $x$: $$ x = \frac{-135}{-135} $$"
             "\n$$ x = 1 $$",
             r"So, the solution to the equation $-15 = \frac{x}{9}$ is $x = 1$."]
    rec = record(r"Solve the equation: $-15=\frac{x}{9}$", "-135", steps)
    assert isinstance(rec, Rejection), f"kept with first error {rec.first_error_index}"
    assert rec.reason == "first_error_uncertain" and "step 2" in rec.detail, rec.detail
