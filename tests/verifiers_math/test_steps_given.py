"""A step that restates or solves the problem's own relations is confirmed ("Solve $2x(x-10)=-50$", then "dividing
by 2, $x(x-10)=-25$"), and an equation in several letters moved about and scaled is the same equation; confirmation
only: nothing is ever refuted by the problem's formulas, and options, functions or contradictory formulas are no
givens at all."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.given import givens, problem_relations
from stepforge.verifiers.math.relations import STEP_POLICY, parse_chain, rearranged
from stepforge.verifiers.math.steps import StepContext, check_steps


def _checked(prompt: str, steps: list[str]):
    return check_steps(steps, StepContext(given=problem_relations(prompt)))


@pytest.mark.parametrize("prompt, step", [
    ("Solve for $x$: $2x(x-10)=-50$.", "First we divide both sides by 2 to get $x(x-10)=-25$."),
    ("For what values of $x$ is it true that $x^2 - 5x - 4 \\le 10$?", "Re-arranging, $x^2 - 5x - 14 \\le 0$."),
    ("If $2x + y = 10$ and $x - y = 2$, what is $x$?", "Adding the two equations, $3x = 12$."),
    ("The circle $x^2+y^2+8x-6y=0$ has what radius?", "Completing the square gives $(x+4)^2 + (y-3)^2 - 25 = 0$."),
    ("Find $n$ if $x(x+5) = -n$ has one root.", "We rearrange it as $x^2 + 5x + n = 0$."),
    ("What is $x$ if $3x - 7 = 11$?", "Adding 7 to both sides, $3x = 18$."),
])
def test_a_step_restating_or_solving_the_problem_is_confirmed(prompt: str, step: str) -> None:
    (c,) = _checked(prompt, [step])
    assert c.rating == 1, c.claims
    assert any(x.rule == "follows_from_the_problem" for x in c.claims), c.claims


@pytest.mark.parametrize("prompt, step", [
    ("Solve for $x$: $2x(x-10)=-50$.", "Dividing by 2, $x(x-10)=-50$."),  # a slip: not confirmed
    ("Solve $x + 7 = 81$.", "So $x = 2$."),
    ("The circle $x^2+y^2+8x-6y=0$ has what radius?", "Completing the square, $(x+4)^2 + (y-3)^2 = 20$."),
])
def test_a_step_against_the_problem_is_never_refuted_by_it(prompt: str, step: str) -> None:
    (c,) = _checked(prompt, [step])
    assert c.rating == 0, c.claims
    assert not any(x.rule == "follows_from_the_problem" for x in c.claims), c.claims


@pytest.mark.parametrize("prompt, steps", [
    # PRMBench's circular reasoning: the writer assumes the solution and "verifies" it
    ("Solve $-4 < 2(x - 1) < 8$.", ["Assume that the solution is already isolated such that $-1 < x < 5$."]),
    ("Solve for $x$: $2x(x-10)=-50$.", ["Suppose $x(x-10)=-25$; we check it below."]),
    ("What is $x$ if $3x - 7 = 11$?", ["So $x = 6$ in the problem.", "Assuming $3x = 18$, it works."]),
])
def test_a_relation_the_step_assumes_is_never_confirmed(prompt: str, steps: list[str]) -> None:
    # what a step takes as given shows nothing, even where it holds
    got = _checked(prompt, steps)
    assert got[-1].rating == 0, got[-1].claims
    # the control: the same relation concluded is confirmed
    concluded = [s.replace("Assume that", "So").replace("Suppose", "So").replace("Assuming", "So") for s in steps]
    assert _checked(prompt, concluded)[-1].rating == 1


@pytest.mark.parametrize("prompt", [
    "Which of the following is a root? (A) $x = 2$ (B) $x = 3$ (C) $x = 5$",
    "Which equation has $x = 2$ as a root: $\\textbf{(A) } x + 1 = 3$ or not?",
    "Let $f(x) = 2x + 3$. What is $f(2)$?",
    "Is $x = 2$ or $x = 3$? We know $x = 2$ and $x = 3$ cannot both hold.",  # contradictory: no givens in x
])
def test_options_functions_and_contradictions_are_no_givens(prompt: str) -> None:
    rels = problem_relations(prompt)
    assert givens(rels) is None or all("x" not in str(r) for r in rels), rels
    (c,) = _checked(prompt, ["So $x = 2$."])
    assert c.rating == 0, c.claims


def test_a_product_before_a_bracket_is_a_given_and_a_function_is_not() -> None:
    assert problem_relations("Solve $2x(x-10)=-50$.") == ["2x(x-10)=-50"]
    assert problem_relations("Let $f(x) = 2x + 3$ and $P(2) = 5$.") == []


def _d(tex: str):
    ((a, _, b),) = parse_chain(tex, STEP_POLICY)
    return a - b


@pytest.mark.parametrize("claim, base, same", [
    ("(x-7)^2+(y-24)^2=625", "x^2-14x+y^2-48y=0", True),
    ("x^2 + 5x + n = 0", "x(x+5) = -n", True),
    ("2y = 4x + 6", "y - 2x = 3", True),
    ("(x-7)^2+(y-24)^2=600", "x^2-14x+y^2-48y=0", False),  # a slip in completing the square
    ("x + y = 3", "x - y = 3", False),
    ("x + y + z = 3", "x + y = 3", False),  # not the same letters
])
def test_an_equation_moved_about_and_scaled_is_the_same_equation(claim: str, base: str, same: bool) -> None:
    assert rearranged(_d(claim), _d(base)) is same


def test_a_later_step_rearranging_an_earlier_one_in_several_letters_is_confirmed() -> None:
    steps = ["Moving all the terms to the left, we have $x^2-14x+y^2-48y=0$.",
             "Completing the square, $(x-7)^2+(y-24)^2=625$.",
             "So $(x-7)^2+(y-24)^2=600$."]
    c = check_steps(steps, StepContext())
    assert [x.rating for x in c] == [0, 1, 0], [x.claims for x in c]
    assert c[1].claims[0].rule == "follows_from_previous_steps"


@pytest.mark.parametrize("prompt, step", [
    # the problem's own relation, as written, beside work the checker does not read: the step is not +1 for it
    ("The point $(2,0)$ is reflected over the line $y=2$. Where does it go?",
     "So the reflection over $y=2$ would send $(2,0)$ to $(2,5)$."),
    ("Find the vertex of the parabola $x^2=8y$.", "We can use $x^2 = 8y$ to find the vertex at $(0, 3)$."),
    ("Find $x$ if $\\frac{x}{2} + \\frac{x}{3} = 10$.", "Recall $\\dfrac{x}{2}+\\dfrac{x}{3} = 10$, so $x$ is 6."),
    ("Find all $x$ with $x > 7$ and $x^2 < 100$.", "This value satisfies the condition $x>7$."),
])
def test_a_step_that_only_restates_the_problem_is_not_confirmed_by_it(prompt: str, step: str) -> None:
    (c,) = _checked(prompt, [step])
    assert c.rating == 0, c.claims
    assert any(x.rule == "restates_the_problem" and x.verdict == "true" for x in c.claims), c.claims


def test_a_restatement_beside_a_derived_equation_leaves_the_step_confirmed_by_the_work() -> None:
    (c,) = _checked("If $a+b=8$ and $b+c=-3$, what is $a-c$?",
                    ["Subtracting $b+c=-3$ from $a+b=8$ gives $a-c=11$."])
    assert c.rating == 1, c.claims
    (derived,) = [x for x in c.claims if x.claim.replace(" ", "") == "a-c=11"]
    assert derived.verdict == "true" and derived.rule in ("follows_from_the_problem", "follows_from_previous_steps")


def test_an_equation_the_earlier_linear_equations_add_up_to_is_confirmed_and_a_wrong_sum_is_not() -> None:
    steps = ["We have $a + b = 8$ and $b + c = -3$.", "Subtracting, $a - c = 11$.", "So $a - c = 5$."]
    c = check_steps(steps, StepContext())
    assert [x.rating for x in c][1:] == [1, 0], [x.claims for x in c]


def test_an_equation_in_several_letters_stated_again_is_not_confirmed_by_itself() -> None:
    # an unchecked (here wrong) equation repeated step after step gains nothing from its own repetition
    eq = "\\[ 4x^2 - 12x - 15 = Ax + Bx - 5x \\]"
    c = check_steps([eq, eq, "\\[ Ax + Bx - 5x = 4x^2 - 12x - 15 \\]"], StepContext())
    assert [x.rating for x in c] == [0, 0, 0], [x.claims for x in c]


def test_a_linear_equation_in_several_letters_stated_again_is_not_confirmed_by_itself() -> None:
    c = check_steps(["We have $a + b = 9$ and $b + c = -3$.", "Again, $a + b = 9$."], StepContext())
    assert c[1].rating == 0, c[1].claims


def test_a_rearrangement_of_an_unchecked_equation_after_the_starting_one_is_not_confirmed() -> None:
    # the problem's circle, then a wrong completion of the square (unchecked), then its tidy form: not +1
    prompt = "What is the shortest distance from the origin to the circle $x^2-24x +y^2+10y +160=0$?"
    step = ("The given equation $x^2-24x+y^2+10y+160=0$ can be rewritten as $(x^2-24x+144)+(y^2+10y+25)=160+144+25$ "
            "or $(x-12)^2+(y+5)^2=329$.")
    (c,) = _checked(prompt, [step])
    assert c.rating == 0, c.claims
    (right,) = _checked(prompt, ["Completing the square, $(x-12)^2+(y+5)^2=9$."])
    assert right.rating == 1, right.claims


def test_the_letters_of_a_word_are_no_variables_for_an_equation_in_several_letters() -> None:
    # "12 pots x $3" read as letters would make p*o*t*s a variable: a wrong pair of products would confirm each other
    steps = ["For marigolds: \\(12 \\ pots \\times \\$3 = \\$72\\).", "For petunias: \\(9 \\ pots \\times \\$2 = \\$36\\)."]
    c = check_steps(steps, StepContext())
    assert all(x.rule != "follows_from_previous_steps" for s in c for x in s.claims), [s.claims for s in c]


def test_standalone_letters_are_the_names_a_text_uses() -> None:
    from stepforge.verifiers.math.relations import standalone_letters

    assert standalone_letters(["So $2x + y = 3$ and $a_1 = \\frac{b}{2}$ pots"]) == {"x", "y", "a", "b"}


def test_an_equation_moved_about_as_written_is_a_step_of_work_and_written_again_is_not() -> None:
    # the problem's ellipse with its constant moved and a number factored out: the same terms, written anew, true;
    # the same equation written again as a step wrote it shows nothing, and a wrong constant is not confirmed
    prompt = "Find the center of the ellipse whose equation is $9x^2 + 72x + 4y^2 - 8y - 176 = 0.$"
    steps = ["First, let's rearrange the terms: \\[9x^2 + 72x + 4y^2 - 8y = 176.\\]",
             "Next, we factor out 9: \\[9(x^2 + 8x) + 4y^2 - 8y = 176.\\]",
             "So we have \\[9(x^2 + 8x) + 4y^2 - 8y = 176.\\]",
             "Then \\[9(x^2 + 8x) + 4y^2 - 8y = 170.\\]"]
    c = _checked(prompt, steps)
    assert [x.rating for x in c] == [1, 1, 0, 0], [x.claims for x in c]
    assert c[0].claims[0].rule == "follows_from_the_problem"
    assert c[1].claims[0].rule == "follows_from_previous_steps"
    # in the steps alone: the starting equation, then the same terms moved to the other side
    moved = check_steps(["We have $x + y = 10$.", "So $y = 10 - x$.", "Again, $y = 10 - x$."], StepContext())
    assert [x.rating for x in moved] == [0, 1, 0], [x.claims for x in moved]


def test_an_equation_moved_about_in_its_own_step_says_nothing_of_the_unchecked_one() -> None:
    # "12t = 3s+2s" is unchecked (the slip may be there); its tidy form in the same step is no evidence for the step
    c = check_steps(["So the sum of the equations is $12t=3s+2s$, which simplifies to $12t=5s$."], StepContext())
    assert c[0].rating == 0, c[0].claims


def test_the_problems_relation_with_a_group_written_another_way_is_a_restatement() -> None:
    # "\frac{104}3" in the problem, "\frac{104}{3}" in the step: the same text, not a step of work
    (c,) = _checked("Given that $a(a+2b) = \\frac{104}3$ and $c(c+2a) = -7$, find $|a+b+c|$.",
                    ["From $a(a+2b) = \\frac{104}{3}$, we get $a = \\frac{104}{3(a+2b)}$."])
    assert c.rating == 0, c.claims
    assert c.claims[0].rule == "restates_the_problem", c.claims
