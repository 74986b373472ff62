"""A slip in solving an equation ("$2x = 12$", then "$x = 7$") is refuted, as a slip in arithmetic is.

Before, an equation's transformations were only confirmed ("$2x = 12$" follows from "$2x + 5 = 17$"), never
refuted, since free text reuses letters and lists independent constraints; so "x = 7" was a neutral `definition`,
the wrong answer it led to had no located step, and the trace was dropped (`error_not_located`). Now a value stated
for a variable is held against the equation just stated in it: the equation last stated in that variable, in the
same step or the one before, one of the latest two relations, one-variable, exactly solvable. A step that supposes,
plugs in or tries a value, a decimal (it may be rounded), an equation already solved for the variable (a new case may
follow) and anything further away stay as they were: neutral."""

from __future__ import annotations

import json

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(steps: list[str]) -> list[tuple[str, str, str]]:
    return [(c.claim, c.verdict, c.rule) for s in check_steps(steps, StepContext()) for c in s.claims]


def _verdict(steps: list[str], claim: str) -> tuple[str, str]:
    got = [(v, r) for c, v, r in _claims(steps) if c.replace(" ", "") == claim.replace(" ", "")]
    assert got, _claims(steps)
    return got[-1]


@pytest.mark.parametrize("steps, wrong, right", [
    (["Let the number be $x$. Then $2x + 5 = 17$.", "Subtracting 5 gives $2x = 12$.", "Dividing by 2, $x = @$."],
     "7", "6"),
    (["We have $3x - 4 = 11$, so $3x = 15$ and $x = @$."], "6", "5"),
    (["Solving for $x$ in $\\frac{x}{4} = 3$, we get $x = @$."], "7", "12"),
    (["Squaring, $x^2 = 9$, so $x = @$ since $x$ is positive."], "4", "3"),
    (["The equation is $5n + 2 = 3n + 10$.", "Then $2n = 8$, so $@ = n$."], "3", "4"),
    (["$4y = 2$", "Therefore $y = @$."], "\\frac{3}{4}", "\\frac{1}{2}"),
    # a transformation of the equation, not only its solved value
    (["We have $2x + 5 = 17$, so $2x = @$."], "13", "12"),
    (["We need $x^2 - 6x + 8 = 0$.", "Factoring gives $(x - 2)(x - @) = 0$."], "3", "4"),
    (["We need $x^2 - 6x + 8 = 0$.", "Factoring gives $(x @ 2)(x @ 4) = 0$."], "+", "-"),
    # the formula alone after its lead-in ("we get:" ending the step before): one step with it
    (["We have $2x + 5 = 17$.", "Subtracting 5 from both sides, we get:", "$$2x = @$$"], "13", "12"),
    (["x/100 = 0.2", "Multiplying both sides of the equation by 100, we get:", "x = @"], "30", "20"),
    # a whole number off by more than rounding (20/3 is 6.67: 7 may be it rounded, 5 is not)
    (["Dividing, $3x = 20$, so $x = @$."], "5", "\\frac{20}{3}"),
])
def test_a_value_that_does_not_solve_the_equation_just_stated_is_refuted(steps, wrong, right):
    bad = _claims([s.replace("@", wrong) for s in steps])
    assert [r for _, v, r in bad if v == "false"] == ["contradicts_solved_equation"], bad
    assert bad[-1][1] == "false", bad  # the stated value, not the equation before it
    good = _claims([s.replace("@", right) for s in steps])
    assert all(v != "false" for _, v, _ in good), good


@pytest.mark.parametrize("steps", [
    # a value plugged in, supposed or tried: not a solution of the equation
    ["The roots satisfy $x^2 - 5x + 6 = 0$.", "For $x = 1$, the left side is $1 - 5 + 6 = 2$."],
    ["We need $2x + 1 = 9$.", "When $x = 3$, the left side is 7, too small."],
    ["We need $2x + 1 = 9$.", "If $x = 3$, the left side is 7."],
    ["We need $2x + 1 = 9$.", "Let $x = 3$ be the width instead."],
    ["We need $2x + 1 = 9$.", "Substituting $x = 3$ gives 7."],
    ["We need $(x-2)^2 = 9$.", "To find the other intercept, we set $x = 0$."],
    # dividing by the variable loses a solution, squaring adds one: steps of solving, not slips
    ["We have $x^2 = 3x$.", "Dividing by $x$, we get $x = 3$."],
    ["We have $x - 1 = 2$, so squaring gives $(x - 1)^2 = 4$."],
    # a new equation in the letter, not a step of solving the last one
    ["Subtracting, we get $x - 6 = 0$.", "So squaring the side gives $x^2 = 9$."],
    # cases of a factored equation, a list of equations with one side in common
    ["Factoring, we get $(x - 7)(x + 2) = 0$.", "So both $x - 7 = 0$ and $x + 2 = 0$ are possible roots."],
    ["Factoring, we get $(x - 7)(x + 2) = 0$.", "So we get $x - 7 = 0$, and so we get $x + 2 = 0$."],
    ["Thus we have the equations $49 - 4c = 1$, $49 - 4c = 9$ and $49 - 4c = 25$."],
    # a value stated, not concluded: a line, a bound, a new quantity
    ["The numerator $x^2 - 4 = 0$ has two roots.", "The vertical asymptote is $x = 3$."],
    # the equation was itself stated in a trial: a value plugged in, not an equation to solve
    ["Let's try $a = 9$: here $4a = 36$ and $a - 3 = 6$, not a square.", "Going back, $a = 4$ gives 16."],
    ["If $b = 0$, then $a = b - 1 = -1$, impossible.", "So $b = 4$ and $a = 3$."],
    ["Then $x = -3$ would give a base of $x - 1 = -4$.", "So the only solution is $x = 3$."],
    # a decimal may be a rounded solution
    ["So $3x = 10$ and $x = 3.33$."],
    ["So $3x = 10$ and $x \\approx 3.3$."],
    # ... and a whole number may be one rounded to the nearest (minutes, people): 10000/423 is 23.64...
    ["So we can write: $423x = 10000$.", "Dividing both sides by 423, we get: $x = 24$."],
    ["Dividing, $3x = 20$, so $x = 7$ people."],
    # a lead-in that does not conclude, or tries a value; a step with words after a lead-in is a step of its own
    ["We have $2x + 5 = 17$.", "The other equation is:", "$$x = 3$$"],
    ["We have $2x + 5 = 17$.", "If we plug in a value, we get:", "$$x = 3$$"],
    ["We have $2x + 5 = 17$.", "Subtracting 5 from both sides, we get:", "The width is $x = 3$ cm."],
    # the equation is further back than the step before
    ["We need $2x + 1 = 9$.", "The sides are 3 and 4.", "So $x = 5$."],
    # a value already solved for: a second case, a new quantity named x
    ["So $2x = 8$, $x = 4$.", "In the second case $x = 6$."],
    ["So $2x = 8$, $x = 4$.", "Now $x = 6$ for the other part."],
    # an inequality, two variables, an irrational solution
    ["We need $x > 3$.", "So $x = 2$."],
    ["We have $x + y = 5$.", "So $x = 2$."],
    ["We have $x^2 = 2$.", "So $x = 1$."],
])
def test_what_is_not_a_solving_slip_stays_neutral(steps):
    assert all(v != "false" for _, v, _ in _claims(steps)), _claims(steps)


def test_the_right_solution_still_follows():
    assert _verdict(["We have $2x + 5 = 17$.", "So $2x = 12$.", "Thus $x = 6$."], "x = 6") == \
        ("true", "follows_from_previous_steps")


def test_a_solving_slip_is_the_located_first_error_of_a_kept_trace(tmp_path):
    from stepforge.datasets.importers import import_row
    from stepforge.generators.sources import references as refs
    from stepforge.generators.sources.records import candidate_of
    from stepforge.pipeline.config import RunConfig
    from stepforge.pipeline.domains import RecordContext
    from stepforge.pipeline.domains.math import MathDomain
    from stepforge.schema import Trace

    problem = "Twice a number plus 5 is 17. What is the number?"
    ref = tmp_path / "refs.jsonl"
    ref.write_text(json.dumps({"problem": problem, "answer": "6"}) + "\n")
    row = {"id": "slip", "generator": "test", "problem": problem, "final_answer_correct": False, "label": 2,
           "steps": ["Let the number be $x$. Then $2x + 5 = 17$.", "Subtracting 5 from both sides gives $2x = 12$.",
                     "Dividing both sides by 2, $x = 7$.", "The answer is $\\boxed{7}$."]}
    cand = candidate_of(refs.with_reference(import_row("processbench", row), refs.load(str(ref))), 0, "processbench")
    config = RunConfig(domain="math", count=1, out=tmp_path / "out")
    dom = MathDomain(config)
    rec = dom.record(cand, RecordContext(config=config, strategy=dom.strategy))
    assert isinstance(rec, Trace), rec
    assert rec.first_error_index == 2
    assert [s.label.rating for s in rec.steps][:2] != [-1, -1]


def test_a_value_after_the_solutions_were_stated_starts_a_new_case():
    steps = ["We solve $\\frac{(x-2)^2-9}{3} = 0$ and get $x = 5$ and $x = -1$.",
             "The other intercept: $x = 0$ gives $f(0) = -\\frac{5}{3}$."]
    assert all(v != "false" for _, v, _ in _claims(steps)), _claims(steps)
    steps = ["We solve $(x-2)^2 = 9$, so $x = 5$ or $x = -1$.", "Then $x = 0$ is the other end."]
    assert all(v != "false" for _, v, _ in _claims(steps)), _claims(steps)


_SOLVED = [r"Multiply both sides by $9$: $$ -15 \times 9 = \frac{x}{9} \times 9 $$", "$$ -135 = x $$"]


def test_a_variable_set_again_right_after_it_was_solved_is_neutral_and_said_so() -> None:
    """RealCritic's college_math: "-135 = x", then "divide both sides by -135: x = -135/-135", then "x = 1" (the
    chain link -135/-135 = 1 is true): the value set again is neither confirmed nor a plain definition."""
    steps = [*_SOLVED, r"Now, divide both sides by $-135$ to solve for $x$: $$ x = \frac{-135}{-135} $$"]
    assert _verdict(steps, r"x = \frac{-135}{-135}") == ("unknown", "redefines_solved")


@pytest.mark.parametrize("again", [
    r"So $$ x = \frac{-270}{2} $$",  # the same value: a step of work
    r"If instead $$ x = 5 $$ then the left side is 5/9.",  # a trial
])
def test_the_same_value_or_a_trial_is_no_redefinition(again: str) -> None:
    assert all(r != "redefines_solved" for _, _, r in _claims([*_SOLVED, again]))
