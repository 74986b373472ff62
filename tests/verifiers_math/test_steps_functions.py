"""A function the problem defines by one formula: a step's claims about its values are read through it (they were
``undefined_function``, neutral), and only where that is the plain reading."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps

FG = "If $f(x) = 3x + 2$ and $g(x) = (x - 1)^2$, what is $f(g(-2))$?"


def _checks(problem: str, *steps: str):
    return check_steps(list(steps), StepContext(problem=problem))


def _verdicts(problem: str, step: str) -> list[tuple[str, str]]:
    (c,) = _checks(problem, step)
    return [(x.verdict, x.rule) for x in c.claims]


@pytest.mark.parametrize("step", [
    "We have $g(-2) = (-2 - 1)^2 = 9$.",
    "So $f(g(-2)) = f(9) = 3 \\cdot 9 + 2 = 29$.",
    "$f(g(-2)) = 29$",
    "so $g(1) = 0$ and $f(0) = 2$",
])
def test_values_of_defined_functions_are_confirmed(step: str) -> None:
    (c,) = _checks(FG, step)
    assert c.rating == 1 and "undefined_function" not in [x.rule for x in c.claims], c.claims
    assert "function_by_definition" in [x.rule for x in c.claims]


@pytest.mark.parametrize("step", ["So $f(9) = 28$.", "$g(-2) = (-2 - 1)^2 = -9$", "Then $f(g(1)) = 5$."])
def test_wrong_values_of_defined_functions_are_refuted(step: str) -> None:
    (c,) = _checks(FG, step)
    assert c.rating == -1, c.claims
    assert any(x.verdict == "false" and x.rule in ("not_by_definition", "not_an_identity") for x in c.claims)


@pytest.mark.parametrize("problem, step", [
    # a condition after the formula, or a second definition: the function may be defined piece by piece
    ("Let $f(x) = x^2$ for $x \\ge 0$. Find $f(2)$.", "So $f(-2) = 5$."),
    ("Let $f(x) = x^2$ if $x > 0$ and $f(x) = -x$ otherwise.", "So $f(-2) = 5$."),
    ("Let $f(x) = 2x$ and let $f(x) = 3x$ when $x$ is odd.", "So $f(3) = 5$."),
    # other letters in the formula (parameters), no argument in it (an equation), cases, an ellipsis
    ("Let $f(x) = ax + b$ with $f(1) = 3$.", "So $f(2) = 5$."),
    ("Suppose $f(x) = 4$. Find $x$.", "So $f(2) = 5$."),
    ("Let $f(x) = \\begin{cases} x & x > 0 \\\\ 0 & \\text{else} \\end{cases}$.", "So $f(2) = 5$."),
    ("Let $p(x) = 1 + x + \\dots + x^{10}$.", "So $p(1) = 5$."),
    # a rounded decimal is never refuted by an exact value
    ("Let $p(x) = \\sqrt{x}$.", "So $p(2) = 1.41$."),
    # an equation about the function, not its definition (MR-BEN: "For what value of $x$ is $h(x) = x$?")
    ("Let $h(4x-1) = 2x + 7$. For what value of $x$ is $h(x) = x$?", "so $h(15) = 22$"),
    ("For what value of $x$ is $h(x) = x^2$?", "so $h(15) = 22$"),
    ("Solve $f(x) = 2x$ where $f$ is linear.", "So $f(2) = 5$."),
    # the name applied and set equal elsewhere in the problem: a condition, not one formula
    ("Let $f(x) = x^2 + c$ where $f(2) = 5$.", "So $f(3) = 5$."),
    ("If $f(x) = 2x$ and $f(g(1)) = 6$, find $g(1)$.", "So $f(3) = 5$."),
    # no problem text at all
    (None, "So $f(2) = 5$."),
])
def test_functions_not_plainly_defined_are_not_read(problem, step: str) -> None:
    (c,) = check_steps([step], StepContext(problem=problem))
    assert c.rating != -1 and "false" not in [x.verdict for x in c.claims], c.claims


def test_a_step_that_redefines_the_name_ends_the_problems_reading() -> None:
    c = _checks(FG, "Let $f(x) = x^2$.", "Then $f(3) = 9$.", "and $g(3) = 5$.")
    assert c[1].rating != -1 and "false" not in [x.verdict for x in c[1].claims], c[1].claims
    assert c[2].rating == -1  # g was not redefined: (3 - 1)^2 = 4


def test_restating_the_definition_keeps_it() -> None:
    c = _checks(FG, "We know $f(x)=3x+2$.", "So $f(4) = 14$.", "So $f(5) = 18$.")
    assert c[1].rating == 1 and c[2].rating == -1


def test_a_claim_in_letters_is_confirmed_never_refuted() -> None:
    problem = "Let $f(x) = \\frac{3}{2x^6 - 5}$. Is $f$ even, odd, or neither?"
    (c,) = _checks(problem, "$f(-x) = \\frac{3}{2(-x)^6-5}$")
    assert c.rating == 1
    (c,) = _checks("Let $f(x) = 2x - 1$.", "Solve $f(f(x)) = x$.")  # an equation to solve
    assert "false" not in [x.verdict for x in c.claims], c.claims


def test_a_value_outside_the_real_numbers_is_not_refuted() -> None:
    (c,) = _checks("Let $p(x) = \\sqrt{x}$.", "So $p(-4) = 3$.")
    assert c.rating != -1


def test_a_value_too_large_to_compute_is_neutral_and_quick() -> None:
    import time

    t0 = time.perf_counter()
    (c,) = _checks("Let $f(x) = x^{100}$.", "So $f(f(f(f(10)))) = 5$.")
    assert c.rating == 0 and time.perf_counter() - t0 < 5, c.claims  # 10^(10^8) never built


def test_an_assumed_value_is_neither_confirmed_nor_refuted() -> None:
    # PRMBench's circular reasoning: "Assume $g(f(5)-1) = 7$ and verify it." states nothing it has shown
    problem = "Let $f(x) = 2x-3$ and $g(x) = x+1$. What is the value of $g(f(5)-1)$?"
    for step in ("Assume $g(f(5)-1) = 7$ and verify it.", "Suppose $f(5) = 8$; then we reach a contradiction."):
        (c,) = _checks(problem, step)
        assert c.rating == 0, c.claims


def test_a_formula_in_another_defined_function_is_composed() -> None:
    problem = "If $h(x) = 3-g(x)$ and $g(x) = \\sqrt{x}$, then what is $h(g(16))$?"
    c = _checks(problem, "so $h(g(16)) = h(4) = 1$", "so $h(4) = 3 - 6$")
    assert c[0].rating == 1 and c[1].rating == -1, (c[0].claims, c[1].claims)


def test_a_letter_read_as_a_product_is_not_taken_for_a_function() -> None:
    # "t(4)" is 4t to the reader (a time): the problem's t(x) is not read, so nothing is decided two ways
    (c,) = _checks("If $t(x) = 3-x$, what is $t(4)$?", "so $t(4) = 5$")
    assert c.rating != -1


def test_a_miswritten_middle_member_of_a_chain_whose_ends_agree_is_neutral() -> None:
    # PRM800K phase 1, rated right: g(f(2)) written for g(f(4)), g(4) for g(11); the chain's value is right
    problem = "If $f(x) = 2x + 3$ and $g(x) = 3x - 2$ find $\\frac{f(g(f(2)))}{g(f(g(2)))}$."
    step = "That is $\\frac{f(g(f(2)))}{g(f(g(2)))} = \\frac{f(g(7))}{g(f(2))} = \\frac{f(19)}{g(4)} = \\frac{41}{31}$."
    (c,) = _checks(problem, step)
    assert c.rating == 0 and {x.rule for x in c.claims} == {"chain_ends_agree"}, c.claims
    (c,) = _checks(problem, step.replace("41}{31}$", "41}{30}$"))  # the value wrong too: refuted
    assert c.rating == -1
