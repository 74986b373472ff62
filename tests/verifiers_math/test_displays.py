"""Multi-line displays are read one row at a time (a row opening with "=" goes on from the row before), and a box
holding a value with its unit ends a chain as the value: the computations MATH's reference solutions write this
way are checked, true or false, and anything else in a display leaves it unread as before."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.displays import aligned_rows
from stepforge.verifiers.math.steps import StepContext, check_steps


def _one(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("text, rating", [
    ("We observe: \\begin{align*} \\frac{9 \\cdot 3 + 8}{4 \\cdot 3 + 8} &= \\frac{27 + 8}{12 + 8} \\\\ "
     "&= \\frac{35}{20} = \\boxed{\\frac{7}{4}}. \\end{align*}", 1),
    ("We observe: \\begin{align*} \\frac{9 \\cdot 3 + 8}{4 \\cdot 3 + 8} &= \\frac{27 + 8}{12 + 8} \\\\ "
     "&= \\frac{35}{20} = \\boxed{\\frac{7}{5}}. \\end{align*}", -1),
    ("So $$\\begin{align*} 12 \\cdot 4 &= 48 \\\\ 48 - 6 &= 42 \\end{align*}$$", 1),
    ("So \\[\\begin{aligned} 12 \\cdot 4 &= 48 \\\\ 48 - 6 &= 40 \\end{aligned}\\]", -1),
    ("Then \\begin{align*} &(2x)(3x) + 4x^2 \\\\ &\\qquad= 6x^2 + 4x^2 \\\\ &\\qquad= 10x^2 \\end{align*}", 1),
    ("Solving, \\[\\begin{aligned} 2x + 3 &= 11 \\\\ 2x &= 8 \\\\ x &= 5 \\end{aligned}\\]", -1),
])
def test_a_multi_line_display_is_read_row_by_row(text: str, rating: int) -> None:
    c = _one(text)
    assert c.rating == rating, c.claims


@pytest.mark.parametrize("text", [
    "Then $y = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}$.",  # cases: not rows of a computation
    "So \\[ f(x) = \\begin{aligned} 2 + 2 \\\\ 5 \\end{aligned} \\]",  # an inner environment inside a formula
    "\\begin{align*} 2 + 2 &= 5 \\intertext{so} x &= 1 \\end{align*}",  # prose inside the display
])
def test_a_display_that_is_not_rows_of_a_computation_stays_unread(text: str) -> None:
    assert aligned_rows(text) == text


@pytest.mark.parametrize("text, rating", [
    ("So the difference in areas is $441 - 1 = \\boxed{440\\text{ cm}^2}$.", 1),
    ("So the difference in areas is $441 - 1 = \\boxed{430\\text{ cm}^2}$.", -1),
    ("In all, $3 \\cdot 27 = \\boxed{81\\text{ teachers}}$.", 1),
    ("Thus $5 \\cdot 2 = \\boxed{10\\;\\text{edges}}$.", 1),
    ("It ends at $3 + 8 = \\boxed{11\\text{ a.m.}}$", 0),  # a time of day: clock arithmetic, unread
    ("So $2 + 3 = \\boxed{5 \\text{ or } 6}$.", 0),  # two values
])
def test_a_box_with_its_unit_ends_a_chain_as_its_value(text: str, rating: int) -> None:
    c = _one(text)
    assert c.rating == rating, c.claims


@pytest.mark.parametrize("text, rating", [
    # a row that goes on with the expression of the row before is one expression with it
    ("The sum is \\begin{align*} &(3136-2005) \\\\ + &(7744-2005)\\\\ + &(10816-2005)\\\\ + &(2916-2005)\\\\ "
     "= &\\boxed{16592}. \\end{align*}", 1),
    ("The sum is \\begin{align*} &(3136-2005) \\\\ + &(7744-2005)\\\\ = &\\boxed{7870}. \\end{align*}", -1),
    ("Then \\begin{align*} 2 + 3 + {} \\\\ 4 + 5 &= 14 \\end{align*}", 1),
    ("Expanding, \\begin{align*} (1 - \\sqrt{2})^2 &= 1 \\\\ &\\quad - 2\\sqrt{2} + 2 \\\\ &= 3 - 2\\sqrt{2} \\end{align*}", 1),
    # a row that opens with a negative term is a relation of its own
    ("So \\begin{align*} x + 2 &= 5 \\\\ -x &= -3 \\end{align*}", 1),
])
def test_a_row_that_goes_on_with_the_expression_before_it_is_joined_to_it(text: str, rating: int) -> None:
    c = _one(text)
    assert c.rating == rating, c.claims


def test_a_rounded_value_before_the_sentences_full_stop_is_still_a_rounding() -> None:
    assert _one("We round: $299.98 = 300.0.$").rating == 0  # rounded_operand: neutral, never false
    assert _one("We round: $299.98 = 301.0.$").rating == -1


@pytest.mark.parametrize("text, rating", [
    ("$17 \\cdot 18 \\equiv 1 \\cdot 2 \\equiv \\boxed{2} \\pmod{4}$.", 1),  # a box ending a congruence, then its modulus
    ("$17 \\cdot 18 \\equiv 1 \\cdot 2 \\equiv \\boxed{3} \\pmod{4}$.", -1),
    ("So \\begin{align*} &1+12+123 \\\\ &\\qquad\\equiv 1+2+3 \\\\ &\\qquad\\equiv \\boxed{1} \\pmod{5}.\\end{align*}", 1),
    ("So \\begin{align*} &1+12+123 \\\\ &\\qquad\\equiv 1+2+3 \\\\ &\\qquad\\equiv \\boxed{2} \\pmod{5}.\\end{align*}", -1),
    ("Thus Pam paid $\\$70 - \\$60 = \\$\\boxed{10}$ more than Susan.", 1),  # a dollar sign before the box
    ("Thus, $3C = 42 \\rightarrow C = \\boxed{14}$.", 1),  # an arrow between two relations is an implication
    ("Thus, $3C = 42 \\rightarrow C = 15$.", -1),
    ("Then $\\lim_{x \\rightarrow 0} \\frac{\\sin x}{x} = 1$.", 1),  # a limit's arrow is no implication
])
def test_more_ways_a_computation_ends_on_its_value(text: str, rating: int) -> None:
    c = _one(text)
    assert c.rating == rating, c.claims
