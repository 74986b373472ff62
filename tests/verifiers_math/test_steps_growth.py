"""Step checker growth on the answer engine: inequality chains, equation and inequality transformations
carried from step to step, and substitution of the premises' solutions."""

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps

NONE = StepContext()
LIN = StepContext(premises=["3 x + 5 = 11"], unknowns=["x"], gold="2")
SYS = StepContext(premises=["x + y = 5", "x - y = 1"], unknowns=["x", "y"])


def ratings(steps, ctx=NONE):
    return [(c.rating, c.rule) for c in check_steps(steps, ctx)]


@pytest.mark.parametrize("text,rating,rule", [
    (r"Since $\sqrt{2} < 1.5 < 2$, the root lies in between.", 1, "relation_between_constants"),
    (r"Note $\sqrt{3} > 2$.", -1, "relation_between_constants"),
    (r"So $\frac{1}{3} \ne 0.3$.", 1, "relation_between_constants"),
    (r"Clearly $2^{10} = 1024 > 1000$.", 1, "relation_between_constants"),
    (r"Clearly $2^{10} = 1024 < 1000$.", -1, "relation_between_constants"),
    (r"Then $x > 7$.", 0, "relation_without_context"),
])
def test_inequality_chains(text, rating, rule):
    ((got, got_rule),) = ratings([text])
    assert (got, got_rule) == (rating, rule)


def test_equation_transformations_are_confirmed_step_to_step():
    steps = ["We need $2p + 3 = 3.58$.", "So $2p = 0.58$.", "Hence $p = 0.29$."]
    got = ratings(steps)
    assert [r for r, _ in got] == [0, 1, 1]
    assert got[1][1] == got[2][1] == "follows_from_previous_steps"


def test_inequality_transformations_are_confirmed_step_to_step():
    steps = ["We solve $2x + 3 > 7$.", "Subtract 3: $2x > 4$.", "Divide by 2: $x > 2$."]
    assert [r for r, _ in ratings(steps)] == [0, 1, 1]


def test_a_wrong_transformation_in_free_text_is_not_confirmed_and_not_flagged():
    # without problem context a step is never refuted by derivation (letters get reused): neutral
    steps = ["We solve $-3x \\le 6$.", "Divide by $-3$: $x \\le -2$."]
    assert [r for r, _ in ratings(steps)] == [0, 0]


def test_substituting_the_premises_solutions():
    assert ratings(["Check: $2x + 1 > 4$."], LIN) == [(1, "implied_by_premises")]
    assert ratings(["Check: $2x + 1 > 6$."], LIN) == [(-1, "contradicts_premises")]
    assert ratings(["So $x > y$ and $x + 2y \\le 7$."], SYS) == [(1, "implied_by_premises")]
    assert ratings(["So $x < y$."], SYS) == [(-1, "contradicts_premises")]


def test_hypothetical_steps_are_never_refuted():
    assert ratings(["Suppose $x = 5$; then $2x + 1 = 11$."], NONE)[0][0] in (0, 1)


def test_e_and_i_are_variables_in_free_text():
    # read as Euler's number, e would make the two equations inconsistent and nothing would follow
    steps = ["We have $3p+e=1.24$ and $5p+e=1.82$.", "Subtracting, $2p = 0.58$."]
    assert [r for r, _ in ratings(steps)] == [0, 1]


def test_linear_systems_stated_in_free_text_confirm_later_steps():
    steps = [
        "We have $3p+e=1.24$ and $5p+e=1.82$.",
        "Subtract: $5p+e-3p-e=1.82-1.24$.",
        "So $2p=0.58$ and $p=0.29$.",
        "Then $e = 0.37$.",
        "And $e = 0.5$.",  # wrong, but free text is never refuted by derivation: neutral
    ]
    assert [r for r, _ in ratings(steps)] == [0, 1, 1, 1, 0]


@pytest.mark.parametrize("text,rating", [
    (r"$\frac{1 \pm \sqrt{1^2 + 4}}{2} = \frac{1 \pm \sqrt{5}}{2}$", 1),
    (r"$\sqrt{\frac{1}{4}+(\pm\frac{\sqrt{3}}{2})^2} = \sqrt{\frac{1}{4}+\frac{3}{4}} = 1$", 1),
    (r"$\frac{1 \pm \sqrt{1^2 + 4}}{2} = \frac{1 \pm \sqrt{3}}{2}$", -1),
    (r"$\frac{-2\pm\sqrt{4+12}}{2} = -1 \mp 2$", 1),  # the same two values, signs crossed
    (r"Then $x = \frac{1 \pm \sqrt{5}}{2}$.", 0),
    (r"$\cos(\arcsin \frac{1}{3}) = \pm \frac{2\sqrt{2}}{3}$", 1),  # one side: one of the values
    (r"$\sqrt{4} = \pm 3$", -1),
])
def test_plus_minus_claims(text, rating):
    assert ratings([text])[0][0] == rating


from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(-9, 9), st.integers(-20, 20), st.integers(-20, 20), st.sampled_from(["<", ">", "="]))
def test_derived_transformations_property(a, b, c, op):
    """a x + b (op) c, then a x (op) c - b, then x (op, flipped when a < 0) (c - b)/a: both derivations are
    confirmed; a claim that does not follow is not confirmed. A stronger bound is not flagged either (free text lists
    independent constraints); another value concluded from the equation just solved is a slip in solving, refuted
    (``contradicts_solved_equation``)."""
    assume(a != 0)
    flip = {"<": ">", ">": "<", "=": "="}
    op3 = flip[op] if a < 0 else op
    rhs = f"\\frac{{{c - b}}}{{{a}}}"
    steps = [f"We solve ${a}x + {b} {op} {c}$.", f"So ${a}x {op} {c - b}$.", f"Hence $x {op3} {rhs}$."]
    got = [r for r, _ in ratings(steps)]
    assert got == [0, 1, 1], steps
    tighter = f"{rhs} - 1" if op3 == "<" else f"{rhs} + 1"  # a stronger bound, or another value: not implied
    wrong = steps[:2] + [f"Hence $x {op3} {tighter}$."]
    # (with a = 1 the step before already states x's value: another one may start a new case)
    assert [r for r, _ in ratings(wrong)][2] == (-1 if op3 == "=" and a != 1 else 0), wrong


@pytest.mark.parametrize("text,rating,rule", [
    (r"So $x = \sqrt{2} = 1.414$.", 1, "rounded_value"),
    (r"So $\frac{1}{3} = 0.333$.", 1, "rounded_value"),
    (r"So $\frac{1}{8} = 0.13$.", 0, "rounded_value"),  # a rounded intermediate of a finite decimal: neutral
    (r"So $\frac{1}{8} = 0.125$.", 1, "identity"),
    (r"So $\sqrt{2} = 1.5$.", -1, "not_an_identity"),
])
def test_steps_round_by_the_answers_rule(text, rating, rule):
    ((got, got_rule),) = ratings([text])
    assert (got, got_rule) == (rating, rule)
