"""More real solution text the step checker reads (found on PRMBench, MR-BEN, ProcessBench-style model solutions and on
MATH's and GSM8K's reference solutions): plain-text factorials and combinatorics, powers and operators in words,
relations in words between expressions of numbers, repeating decimals, a box or bold number ending a chain. Each
was unread (a step whose only computation it was stayed 0): the right ones are now confirmed, the wrong ones refuted,
and a reading that may be another one is neutral with its reason."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.notation import repeating_value
from stepforge.verifiers.math.steps import StepContext, check_steps


def _step(text: str, context: StepContext | None = None):
    (c,) = check_steps([text], context or StepContext())
    return c


def _rules(text: str) -> list[str]:
    return [c.rule for c in _step(text).claims]


# --- right text, unread on the old code: now confirmed ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # factorials and combinatorics in plain text
    "So there are 5! = 120 ways to order them.",
    "0! = 1 by convention, so the count is 1.",
    "The number of ways is 5!/(2!3!) = 10.",
    "The number of ways is 5!/(2! 3!) = 10.",
    "C(5,2) = 10",
    "There are C(6, 3) = 20 ways to choose the committee.",
    "There are 5C2 = 10 pairs.",
    "P(5,2) = 20 ordered pairs",
    "There are 10P3 = 720 arrangements.",
    "binom(5, 2) + binom(5, 3) = 20",
    "C(5,2) * C(3,1) = 30 ways",
    # powers in words
    "2 to the power of 5 is 32.",
    "2 raised to the 5th power is 32, so the count doubles.",
    "3 squared is 9",
    "4 cubed = 64",
    "(3+4) squared = 49",
    "The area is 1.5 squared = 2.25.",
    # operators and relations in words
    "He saw 25 total vehicles because 12 plus 13 equals 25.",
    "He averaged 30 points a game because 150 divided by 5 equals 30.",
    "She has 144 square inches of dough because 12 times 12 equals 144.",
    "He needs to sell 120 donuts because 96 divided by .8 equals 120.",
    "3 * 4 + 2, which simplifies to 14.",
    "So 12 + 3 gives us 15.",
    "12 + 3 is equal to 15",
    "3 multiplied by 4 is 12, so we need 12.",
    "The total is 7 * 8, which is 56.",
    # a percent or a fraction "of" a number
    "That is 25% of 80 = 20.", "He spent 25% of $80 = $20.", "So, 1/2 of 50 is 25.",
    "3/4 of 20 students = 15 students", "The discount is 20% of $50, which is $10.", "So 10 + 1/2 of 50 = 35",
    "$3 \\cdot 4 + 2$, which simplifies to $14$.",
    "$2^{10}$ is $1024$, so the bound holds.",
    "We get $\\frac{12}{4} + 2$, which gives us $5$.",
    # repeating decimals
    "$\\frac{1}{3} = 0.\\overline{3}$",
    "$\\frac{11}{30} = 0.3\\overline{6}$",
    "Since $\\frac{22}{7} = 3.\\overline{142857}$, the bound holds.",
    "$n < \\frac{988}{6} = 164.\\overline{6}$",
    # a box or bold value ending a chain
    "$A + B = 5 + 7 = \\mathbf{12}$",
    "So the total is $5 + 7 = \\boxed{12}$.",
    "$\\frac{1}{2} \\cdot 10 = \\boxed{5}.$",
    "$3 \\cdot 4 = \\textbf{12}$",
])
def test_right_text_is_now_confirmed(text: str) -> None:
    c = _step(text)
    assert c.rating == 1, c.claims
    assert "false" not in [x.verdict for x in c.claims], c.claims


# --- wrong arithmetic written so: refuted --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "So there are 5! = 100 ways.",
    "Using mental arithmetic, we can find that 6 * 5! * 3! = 720.",
    "I get 4C2 = 4! / (2! * (4 - 2)!) = 4! / (2! * 2!) = (4 * 3) / 2!  = 12.",
    "The number of ways is 5!/(2!3!) = 20.",
    "We choose 2 of the 5 people: C(5,2) = 20 ways.",
    "There are 5C2 = 20 pairs.",
    "There are 5P2 = 10 ordered pairs.",
    "binom(6, 3) = 15",
    "2 to the power of 5 is 64.",
    "3 squared is 6",
    "4 cubed = 12",
    "12 times 12 equals 124.",
    "150 divided by 5 equals 25.",
    "So 25% of 80 = 21 dollars.", "So, 1/2 of 50 is 26.", "She gave away 1/3 of 24 = 9 cookies.",
    "3 * 4 + 2, which simplifies to 15.",
    "So 12 + 3 gives us 16.",
    "$3 \\cdot 4 + 2$, which simplifies to $15$.",
    "$\\frac{1}{3} = 0.\\overline{6}$",
    "So the total is $5 + 7 = \\boxed{13}$.",
    "$A + B = 5 + 7 = \\mathbf{13}$",
])
def test_wrong_arithmetic_written_so_is_refuted(text: str) -> None:
    c = _step(text)
    assert c.rating == -1, c.claims


# --- a reading that may be another one: neutral, with the reason ---------------------------------------------------

@pytest.mark.parametrize("text, rule", [
    # a letter applied to numbers may be the solution's own function, a point, a probability
    ("The cost is C(5,2) = 11 dollars.", "function_or_binomial:plain_text"),
    ("The chance of rolling a 5 then a 2 is P(5,2) = 1/36.", "function_or_binomial:plain_text"),
    ("We choose the pair: C(5,2) = 0.5", "function_or_binomial:plain_text"),  # a count is a whole number
    # "5!=121" may be "5 is not 121"
    ("So 5!=121.", "factorial_or_not_equal:plain_text"),
])
def test_ambiguous_notation_is_neutral_with_its_reason(text: str, rule: str) -> None:
    c = _step(text)
    assert c.rating == 0, c.claims
    assert [x.rule for x in c.claims] == [rule]
    assert c.claims[0].detail  # the literal reading's rule, kept as evidence


@pytest.mark.parametrize("text", [
    "1/4 is 15 minutes",  # a conversion, not an equation of numbers
    "2010 - 2015 is 5 years",  # the span of a range
    "4 x 3 is 2 more than 10",  # a comparison goes on after the value
    "3 + 4 = 7, so we get 14 socks",  # the value goes on from 7 by reasoning no one wrote
    "3 + 4 = 7, so we get 14",
    "9 squared feet = 80",  # a unit's word after "squared"
    "nCr = 10",  # letters: nothing to compute
    "$\\mathbf{a} + \\mathbf{b} = \\mathbf{0}$",  # a zero vector
    "$\\overline{AB} = 3$",  # a segment, no repeating decimal
    "$\\sin 30$ is $0.5$",  # degrees or radians: not read in words
    "$x + 1$ is $5$",  # a letter's value may be a case
    "$3 + 4$ is $8$ more than $-1$",  # a comparison
    "$\\boxed{x = 5}$",  # an equation in a box is the answer statement
    "$5 + 7 = 2\\boxed{6}$",  # a box that is not the whole last member
])
def test_readings_that_may_be_other_ones_are_not_refuted(text: str) -> None:
    c = _step(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims
    assert c.rating != -1


@pytest.mark.parametrize("text, verdict", [
    # a relation in words whose value counts things: no unit of measure, so nothing can convert
    ("so Cody has 3 times 5, which equals 16 cookies.", "false"),
    ("so Cody has 3 times 5, which equals 15 cookies.", "true"),
    ("so 12 plus 13 equals 26 apples.", "false"),
    ("so 12 plus 13 equals 25 students and 4 teachers.", "true"),
])
def test_a_relation_in_words_whose_value_counts_things_is_read(text: str, verdict: str) -> None:
    c = _step(text)
    assert [x.verdict for x in c.claims] == [verdict], c.claims


@pytest.mark.parametrize("text", [
    "so 3 times 20 equals 1 hour.",  # a unit of measure: 60 minutes
    "so 50 plus 50 equals 1 dollar.",  # cents
    "so 2 plus 4 equals 3 pairs.",  # a word that scales
    "so 12 plus 13 equals 20 more cookies.",  # a comparison
])
def test_a_relation_in_words_whose_value_has_a_unit_or_scale_is_not_refuted(text: str) -> None:
    c = _step(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims


@pytest.mark.parametrize("text, claim, verdict", [
    # an operation said verb first (MathCheck: "Multiplying 3 by $22.50 equals $72.50", gold's first error)
    ("Mishka bought three pairs. Multiplying 3 by $22.50 equals $72.50.", "3  \\cdot  22.50 = 72.50", "false"),
    ("Multiplying 3 by $22.50 equals $67.50.", "3  \\cdot  22.50 = 67.50", "true"),
    ("Subtracting 40 from 70 equals 30.", "70 - 40 = 30", "true"),
    ("Subtracting 40 from 70 equals 20.", "70 - 40 = 20", "false"),
    ("We multiply 3 by 4, which gives 12 apples.", "3  \\cdot  4 = 12", "true"),
])
def test_an_operation_said_verb_first_is_read(text: str, claim: str, verdict: str) -> None:
    c = _step(text)
    assert [(x.claim, x.verdict) for x in c.claims] == [(claim, verdict)], c.claims


@pytest.mark.parametrize("text", [
    "Multiply both sides by 3 to get 12.",  # no number after the verb: an equation's transformation
    "Subtracting 40 from 70 equals 20 more apples.",  # a comparison after the value
    "Adding 5 by 7 equals 13.",  # a verb and a preposition that do not pair
])
def test_an_operation_said_verb_first_is_not_read_where_it_is_not_plain(text: str) -> None:
    c = _step(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims


def test_a_relation_in_words_after_a_chain_end_is_not_joined() -> None:
    # "which gives 7 * 2 = 14" is a chain of its own: 7 = 7 * 2 is no claim of the text
    c = _step("3 + 4, which gives 7 * 2 = 14")
    assert [x.claim for x in c.claims] == ["7  \\cdot  2 = 14"]


@pytest.mark.parametrize("text", [
    # the subject of "is" is the noun phrase holding the expression, not the expression (MATH reference solutions)
    "Similarly, the mean of the five terms in the sum $6+16+26+36+46$ is $26,$ so their sum is $26\\cdot 5.$",
    "the smallest integer that is greater than or equal to $\\sqrt{10}$ is $4$",
    "Half of $3 + 4$ is $3.5$.",
    "the mean of the five terms in the sum 6+16+26+36+46 is 26",
    # a part of a whole, and dollars on one side only (GSM8K reference solutions)
    "Since 4/7 is equal to $24, then 1/7 is equal to $24/4 = $6.",
    # an operator word after the value a chain states starts the next computation
    "8, the actual ratio, represents 8*45 = 360 divided by 5 is 360/5 = 72 candles.",
    "so there have been 100 / 5 = 20 times 2 people have reappeared.",
    "3 + 2 = 5 squared = 25",
    # a factorial of a group: the side read stops before it, so it is a fragment (PRMBench)
    "8P2 = 8! / (8 - 2)! = 8! / 6! = (8 * 7 * 6!) / 6! = 8 * 7 = 56.",
    "I get 7P3 = 7! / (7 - 3)! = 7! / 4! = (7 * 6 * 5) = 210.",
])
def test_relations_and_operators_in_words_are_read_only_where_they_are_the_plain_reading(text: str) -> None:
    c = _step(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims


@pytest.mark.parametrize("text, rule", [
    # the box states the answer as the problem asks: rounded, or in a unit written after the formula
    ("the investment will have grown to $1000 \\cdot 1.01875^8 = \\boxed{1160}$, to the nearest dollar.",
     "rounded_answer"),
    ("a cost-per-unit-volume of $\\$\\frac{9}{10}=\\boxed{90}$ cents.", "unit_after_answer"),
])
def test_a_box_that_may_round_or_convert_the_chain_value_is_neutral(text: str, rule: str) -> None:
    c = _step(text)
    assert c.rating == 0 and rule in [x.rule for x in c.claims], c.claims


@pytest.mark.parametrize("text", [
    "We can see that $2 * 6 = 2^6 + 6^2 = 64 + 36 = \\boxed{100}$.",  # a "*" the problem defines: left unread
    "$$80\\frac{1}{2}\\frac{1}{5}=\\frac{80}{10}=\\boxed{8}$$",  # fractions side by side: 80 is a factor
    "Thus, $(3)$ x $(5) = (3 + 5)^2 = \\boxed{64}$.",  # a defined "x" between two formulas
    "$\\operatorname{arccot} (-1) = \\boxed{\\frac{3 \\pi}{4}}.$",  # the range of arccot is a convention
])
def test_boxed_chains_with_notation_read_two_ways_are_not_refuted(text: str) -> None:
    c = _step(text)
    assert c.rating != -1 and "false" not in [x.verdict for x in c.claims], c.claims


@pytest.mark.parametrize("whole, fixed, period, value", [
    ("0", "", "3", (1, 3)), ("0", "3", "6", (11, 30)), ("3", "", "142857", (22, 7)), ("", "", "9", (1, 1)),
    ("0", "72", "6", (109, 150)),
])
def test_repeating_decimal_values(whole: str, fixed: str, period: str, value: tuple[int, int]) -> None:
    v = repeating_value(whole, fixed, period)
    assert (v.numerator, v.denominator) == value


def test_a_boxed_claim_in_the_unknowns_is_checked_against_the_premises() -> None:
    ctx = StepContext(premises=["2x + 1 = 7"], unknowns=["x"])
    assert _step("So $x = \\boxed{3}$.", ctx).rating == 1
    assert _step("So $x = \\boxed{4}$.", ctx).rating == -1


@pytest.mark.parametrize("text", ["He has 2 of 5 = 3 left", "100/4 = 25% of 80 = 21", "30% of the 200 = 61"])
def test_of_is_a_product_only_after_a_percent_or_a_fraction_opening_a_computation(text: str) -> None:
    """"2 of 5" is no product; "= 25% of 80" goes on from a chain's value; "of the 200" names no number."""
    assert _step(text).rating != -1


# --- a relation in words that refers back to the expression (MR-GSM8K and MathCheck steps left unread) -------------

@pytest.mark.parametrize("text, claim, verdict", [
    # a relative clause after a comma: its antecedent is the expression just written, whatever verb governs it
    ("so Cody eats 3 times 5, which equals 15 cookies.", "3  \\cdot  5 = 15", "true"),
    ("Cody eats 3 times 5, which equals 16 cookies.", "3  \\cdot  5 = 16", "false"),
    ("Since Vincent needs 18 flowers, he would need 18 divided by 3, which equals 6 packages.", "18 / 3 = 6", "true"),
    # a sentence about the computation just written
    ("Since Mishka bought three of them, multiply 3 by $16.50. This equals $49.50.", "3  \\cdot  16.50 = 49.50",
     "true"),
    ("Multiply 3 by $16.50. This equals $50.", "3  \\cdot  16.50 = 50", "false"),
    # an operand named in parentheses, or a name with its value in parentheses
    ("Multiply 6 (packages) by $2.50, which equals $15.", "6  \\cdot  2.50 = 15", "true"),
    ("To find this, multiply the first month's downloads (60) by 3, which gives 180.", "60  \\cdot  3 = 180", "true"),
    ("To find this, multiply the first month's downloads (60) by 3, which gives 200.", "60  \\cdot  3 = 200",
     "false"),
    ("Subtract the cost of the pens (12) from the budget (50), which gives 38.", "50 - 12 = 38", "true"),
    # "to get", "equaling" (MR-BEN, MathCheck)
    ("To calculate a 15% increase of 32, multiply 32 by 0.15 to get 4.8.", "32  \\cdot  0.15 = 4.8", "true"),
    ("Divide 80,000 by 250 to get 330 minutes.", "80000 / 250 = 330", "unknown"),
    ("This is $100 + $80, equaling $180.", "100 + 80 = 180", "true"),
    ("Starting from the ones, we add 4 and 1 to get 6.", "4 + 1 = 6", "false"),
])
def test_a_relation_in_words_referring_back_is_read(text: str, claim: str, verdict: str) -> None:
    c = _step(text)
    assert [(x.claim, x.verdict) for x in c.claims] == [(claim, verdict)], c.claims


@pytest.mark.parametrize("text", [
    # the relative clause may be about the noun phrase holding the expression (the mean, not the sum)
    "the mean of the terms in the sum 6+16+26, which is 16",
    "I need to divide the total by 2 + 3, which is 4.",
    # a parenthesised number that labels ("equation (1)") is no operand
    "Multiply equation (1) by 2, which gives 8.",
    "Add step (2) to 5, which gives 9.",
    # "This is" after a sentence that computes nothing stays unread
    "There are 12 boxes. This is 15.",
])
def test_a_relation_in_words_referring_back_is_not_read_where_it_may_be_about_something_else(text: str) -> None:
    c = _step(text)
    assert "false" not in [x.verdict for x in c.claims], c.claims


@pytest.mark.parametrize("text, verdict, rule", [
    # a unit of measure after the value: true is confirmed; false may be a conversion, so it is neutral
    ("so the length of one side is 21 divided by 3, which is 7 inches.", "true", "identity:plain_text"),
    ("so 3 times 20 equals 60 minutes.", "true", "identity:plain_text"),
    ("so the side is 24 divided by 2, which is 1 foot.", "unknown", "unit_after_value:plain_text"),
    ("so 3 times 20 equals 1 hour.", "unknown", "unit_after_value:plain_text"),
])
def test_a_relation_in_words_whose_value_has_a_unit_is_confirmed_never_refuted(text: str, verdict: str,
                                                                                rule: str) -> None:
    c = _step(text)
    assert [(x.verdict, x.rule) for x in c.claims] == [(verdict, rule)], c.claims
