"""Equations in one letter written in plain text ("19 + x = 452", "(4/3)*x = 88") are read as formulas are.

Before, the plain-text reader read numbers only, so a solution that solves for an unknown in plain text (GSM8K-level
"what is the value of the unknown variable x" questions, found on MR-GSM8K) had no claim read in its algebra: a slip
in solving it was never located and its wrong answer was `error_not_located`. Now such a span is cut out of the prose
and read as a formula: identities in the letter are confirmed, transformations that follow too, and a slip in solving
the equation just stated is refuted. "x" between two numbers stays a times sign; words are never variables."""

from __future__ import annotations

import json

import pytest

from stepforge.verifiers.math.plain_algebra import cut
from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(steps: list[str]) -> list[tuple[str, str, str]]:
    return [(c.claim, c.verdict, c.rule) for s in check_steps(steps, StepContext()) for c in s.claims]


@pytest.mark.parametrize("text, formula", [
    ("so we can write: -4 + 23 + x = 452.", "-4 + 23 + x = 452"),
    ("Simplifying, we get: 19 + x = 452 minutes.", "19 + x = 452"),
    ("so he used x/100 * 32 = 0.32x stickers", "x/100  \\cdot  32 = 0.32x"),
    ("we set up (4/3)*x = 88 and solve", "(4/3) \\cdot x = 88"),
    ("Solving for x, we get x = 90.", "x = 90"),
    ("Then 2n + 5 = 17, so", "2n + 5 = 17"),
    ("This gives us 8000 + 8000 * x = 88,000.", "8000 + 8000  \\cdot  x = 88000"),  # a thousands comma
    # amounts with their currency sign, as the plain arithmetic reader reads them
    ("so we can write: $80 * x + $24 = $440.", "80  \\cdot  x + 24 = 440"),
    ("we get: \\$1,200 + 3x = \\$2,700 in all", "1200 + 3x = 2700"),
    ("the price is x = $120", "x = 120"),
    # and so may the unknown amount ("$X" is X dollars, a "$" no formula closes)
    ("the total will be $X + (3/4)X + (3/4)X = 10X/4.", "X + (3/4)X + (3/4)X = 10X/4"),
    ("we can write: $x - $15 = $40", "x - 15 = 40"),
    ("so $0.3y + $4 = $10", "0.3y + 4 = 10"),
    # any one letter but a, e, i, l, o (and their capitals): "3W + 7 = 17", "4*c = 280", "70X - 300 = 20"
    ("Combining like terms gives us: 3W + 7 = 17.", "3W + 7 = 17"),
    ("This means that 4*c = 280 vegetables", "4 \\cdot c = 280"),
    ("so 14-2*k=64", "14-2 \\cdot k=64"),
    ("we get 70X - 300 = 20 pounds", "70X - 300 = 20"),
    ("So, 120 = x × 1.5.", "120 = x  \\times  1.5"),  # signs for times and division
    ("x = 120 ÷ 1.5 = 80", "x = 120  \\div  1.5 = 80"),
    # prose after the equation that is no unit before an operator
    ("We can solve -x^2+2x+3=0 for x by using the quadratic formula.", "-x^2+2x+3=0"),
    ("x=6 true/false questions", "x=6"),
    ("Therefore X = 9 because - 18/-2 = 9", "X = 9"),
])
def test_an_equation_in_one_letter_is_cut_out_as_a_formula(text, formula):
    assert [p for is_math, p in cut([(False, text)]) if is_math] == [formula]


@pytest.mark.parametrize("text", [
    "so 3 x 4 = 12 apples",  # a times sign between numbers
    "she will spend 24 dinner plates x $6.00 = $144.00 on plates",  # ... and before an amount
    "The bills come to $24/month x $2 = $48.",
    "1,152 erasers x \\$0.75 = \\$864",
    "3x4 = 12",
    "he paid 5 x 25 cents = 125 cents",
    "so they will build (12 + 36) x 2 = 72 homes",
    "the trip costs 2 x (30 + 15) = 90 dollars",
    "There are 60 students x 2/3 = 40 students",  # after a word
    "because .2 x 100 = 20",
    "Lucca has 100 basketballs x (10 / 100) = 10 basketballs.",
    "divide both sides of 2x = 5z by 2 to get x = 5z/2.",  # a span cut from a longer token
    "the factors p_3(x) = x + 1 and p_4(x) = x - 1",  # a subscript before it
    "That gives me: 52x = 65(18 - x) 52x = 1170 - 65x 117x = 1170 x = 11",  # equations run together
    "Multiply by 6 to get y + 7/2x = 7/2.",  # 7/2x: (7/2)x or 7/(2x)
    "Cross-multiplying gives: 16x2 = 169*24",  # x2: x squared?
    "letting x = 0.\\overline{7}. Then 10x = 7. \\overline{7} and so on",  # a repeating decimal
    "she left at x = 2:15 pm",  # a clock time
    "the box = 5 in all",  # a letter inside a word
    "A candied apple weighs 40/2 = 20g.",  # grams tight against a result: a unit, as the plain reader reads it
    "she hiked for 5 hours * 9 km/h = 45 km.",  # a rate's letter after a slash
    "the 5 m + 3 m = 8 m rope",  # a unit letter apart from its number
    "then 5 X 4 = 20 boxes",  # a capital times sign
    "so a + 3 = 5",  # an article
    "I = 5 + 2",  # a pronoun
    "it is e = 2.7",  # Euler's number
    "so 3o + 4 = 10",  # a letter read as a digit
    "Then, the final equation is A + B = -2 + 0 = -2.",  # an operand outside the span: a longer expression
    "so A - B = 5",
    "x = 5 + apples",
    "we get dx/dt at t = 1 = -4 sin(1) - 12 sin(12) = -3.484.",  # a condition, then a function applied: no chain
    "we get j = 29 inches + 12 inches = 41 inches",  # the value's unit, then the expression goes on
    "Hence S = 280 miles / 140 minutes = 2 mile / minute",
    "terms are\n\\begin{align*}\na_4 &= 2a_3 - a_2 = 2r^2 - r = r(2r - 1)\n\\end{align*}",  # LaTeX, not prose
    "3 apples + x = 10",
    "x + y = 10",  # two letters
    "x = y",  # no number
    "(x + 1 = 5",  # unbalanced
    "Let x be the number of apples.",  # no equation
])
def test_what_is_not_plainly_an_equation_in_one_letter_stays_prose(text):
    assert not [p for is_math, p in cut([(False, text)]) if is_math]


def test_a_plain_solution_is_confirmed_step_to_step():
    steps = ["The total is 452 minutes, so we can write: -4 + 23 + x = 452.", "Simplifying, we get: 19 + x = 452.",
             "Subtracting 19 from both sides, we get: x = 433."]
    assert [v for _, v, _ in _claims(steps)] == ["unknown", "true", "true"]


def test_an_identity_in_the_letter_is_confirmed_and_a_wrong_one_refuted():
    assert _claims(["The total is x + (1/3)*x = (4/3)*x messages."])[0][1] == "true"
    # a wrong collection of like terms, which as an equation would hold only at 0 (test_steps_like_terms.py)
    assert _claims(["The total is x + (1/3)*x = (5/3)*x messages."])[0][1:] == ("false", "like_terms")
    assert _claims(["The total is x + (1/3)*x = 5 messages."])[0][1] == "unknown"  # an equation to solve


def test_a_plain_slip_in_solving_is_refuted():
    steps = ["The total is 452 minutes, so we can write: 19 + x = 452.",
             "Subtracting 19 from both sides, we get: x = 423."]
    assert [(v, r) for _, v, r in _claims(steps)][-1] == ("false", "contradicts_solved_equation")


def test_a_plain_slip_in_solving_in_any_letter_is_refuted():
    assert _claims(["Combining like terms gives us: 3W + 7 = 19.", "So 3W = 12 and W = 5."]) == [
        ("3W + 7 = 19", "unknown", "equation_without_context"), ("3W = 12", "true", "follows_from_previous_steps"),
        ("W = 5", "false", "contradicts_solved_equation")]
    assert _claims(["This means that 4*c = 280 vegetables, so c = 70."])[-1][1:] == (
        "true", "follows_from_previous_steps")


def test_a_wrong_collection_of_an_amount_in_dollars_is_refuted():
    (c,) = check_steps(["After 3 years, the total amount will be $X + (3/4)X + (3/4)X + (3/4)X = 10X/4."],
                       StepContext())
    assert c.rating == -1 and c.claims[0].rule == "like_terms", c.claims
    (c,) = check_steps(["After 3 years, the total amount will be $X + (3/4)X + (3/4)X + (3/4)X = 13X/4."],
                       StepContext())
    assert c.rating == 1, c.claims


def test_a_plain_slip_in_solving_with_amounts_in_dollars_is_refuted():
    steps = ["We are given that he makes $440, so we can write: $80 * x + $24 = $440.",
             "Subtracting $24 from both sides, we get: $80 * x = $416.",
             "Dividing both sides by $80, we get: x = 4."]  # (5 would be 5.2 rounded: not refuted)
    assert [(v, r) for _, v, r in _claims(steps)] == [("unknown", "equation_without_context"),
                                                      ("true", "follows_from_previous_steps"),
                                                      ("false", "contradicts_solved_equation")]


def test_a_plain_slip_in_solving_is_the_located_first_error_of_a_kept_trace(tmp_path):
    from stepforge.datasets.importers import import_row
    from stepforge.generators.sources import references as refs
    from stepforge.generators.sources.records import candidate_of
    from stepforge.pipeline.config import RunConfig
    from stepforge.pipeline.domains import RecordContext
    from stepforge.pipeline.domains.math import MathDomain
    from stepforge.schema import Trace

    problem = ("James delivers x messages to Ms. Thompson and 1/3 as many to Mr. Yu. He delivers 88 messages in all. "
               "What is the value of the unknown variable x?")
    ref = tmp_path / "refs.jsonl"
    ref.write_text(json.dumps({"problem": problem, "answer": "66"}) + "\n")
    row = {"id": "plain", "generator": "test", "problem": problem, "final_answer_correct": False, "label": 2,
           "steps": ["The total is x + (1/3)*x = (4/3)*x messages.",
                     "We know the total is 88, so we can set up the equation: (4/3)*x = 88.",
                     "Multiplying both sides by 3/4, we get: x = 60.",
                     "The value of x is 60.", "The answer is: 60"]}
    cand = candidate_of(refs.with_reference(import_row("processbench", row), refs.load(str(ref))), 0, "processbench")
    config = RunConfig(domain="math", count=1, out=tmp_path / "out")
    dom = MathDomain(config)
    rec = dom.record(cand, RecordContext(config=config, strategy=dom.strategy))
    assert isinstance(rec, Trace), rec
    assert rec.first_error_index == 2
