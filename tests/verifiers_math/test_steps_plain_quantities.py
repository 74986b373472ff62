"""Plain-text arithmetic the step checker read nothing of, so a wrong answer's earlier steps stayed unchecked and the
keep rule could not trust its located first error (found on MR-GSM8K and BIG-Bench Mistake):

* operands with their own sign or in parentheses ("2 * -9 = -18", "((-11) * (30)) = -330") and percents
  ("100% - 5% = 95%") were taken for a bare value that computes nothing;
* numbers carrying units or nouns ("36 ft * 24 ft = 864 sq ft", "$18/50 kg = $0.36/kg") were cut by the words;
* a decimal without its leading zero (".50 * 7 = $3.50") was not a number.

Each is now checked; units that may convert a number (two of one dimension, a compound quantity, scaling words) leave
the claim neutral with the reason, and a sum across different nouns is never refuted."""

from __future__ import annotations

import time

import pytest

from stepforge.verifiers.math import plain_units
from stepforge.verifiers.math.steps import StepContext, check_steps


def _step(text: str):
    (c,) = check_steps([text], StepContext())
    return c


# --- signed and parenthesised operands, percents ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Let's calculate B = (2 * -9) = -18.",
    "Let's calculate B = (-6 * -8) = (-6 * -8) = 48.",
    "Let's calculate C = (-7 * -5 * -9) = (-7 * -5) * -9 = (35) * -9 = -315.",
    "Let's calculate B = ((-6 + -5) * (-6 * -5)) = ((-11) * (30)) = -330.",
    "Let's calculate A = (4 * -5 - -6) = ((4 * -5) - -6) = (-20 - -6) = -14.",
    "The discount is 5%, which means you will pay 100% - 5% = 95% of the original price.",
])
def test_signed_parenthesised_and_percent_operands_are_confirmed(text: str) -> None:
    c = _step(text)
    assert c.rating == 1, c.claims


@pytest.mark.parametrize("text", [
    "Let's calculate B = (-6 + -4) = -11.",
    "Let's calculate B = ((-11) * (30)) = 330.",
    "Let's calculate B = (2 * -9) = 18.",
])
def test_wrong_signed_arithmetic_is_refuted(text: str) -> None:
    assert _step(text).rating == -1


@pytest.mark.parametrize("text", [
    "so 100% - 5% = 90%",  # a percent taken from a percent may be a percent of it: neutral, as before
    "The answer is (-18).",  # a value alone computes nothing
    "So the pair is (3) = (3).",
])
def test_percent_of_base_and_bare_values_stay_neutral(text: str) -> None:
    assert _step(text).rating == 0


# --- units and nouns between the numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "So, the area of the bathroom is 36 ft * 24 ft = 864 sq ft.",
    "The area is calculated by multiplying the length by the width, so 18 feet x 12 feet = 216 square feet.",
    "The cost is $12 per square foot, so 216 square feet x $12 = $2592.",
    "So, the cost per kilogram of coal is $18/50 kg = $0.36/kg.",
    "3 boxes x 12 pencils = 36 pencils",
    "He earns $15/hour x 8 hours = $120 a day.",
])
def test_arithmetic_with_units_is_confirmed(text: str) -> None:
    c = _step(text)
    assert c.rating == 1, c.claims
    assert any(":units" in x.rule for x in c.claims)


@pytest.mark.parametrize("text", [
    "So, the area of the bathroom is 36 ft * 24 ft = 846 sq ft.",
    "so 216 square feet x $4 = $884.",
    "She buys 3 apples + 2 apples = 6 apples.",
])
def test_wrong_arithmetic_with_units_is_refuted(text: str) -> None:
    c = _step(text)
    assert c.rating == -1, c.claims


@pytest.mark.parametrize("text, rule", [
    # km/hr times days: the writer may have converted (or erred in the units): neither confirmed nor refuted
    ("so he covers a distance of 50 km/hr x 3 days = 150 km.", "units_differ:plain_text"),
    ("It takes 2 hours x 60 minutes = 120 minutes", "units_differ:plain_text"),
    ("30 minutes x $20/hour = $15", "units_differ:plain_text"),
    ("3 feet + 6 inches = 9 feet", "units_differ:plain_text"),
    ("1 hour 30 minutes + 45 minutes = 75 minutes", "compound_quantity:plain_text"),
    ("It lasts 30 minutes + 45 minutes = 1 hour 15 minutes", "compound_quantity:plain_text"),
    # a sum across different nouns that does not hold may count in other units: never refuted
    ("3 bags + 2 apples = 26 apples", "units_differ:plain_text"),
    # an "=" between different units is a conversion (PRMBench's yaps and baps), never arithmetic on the numbers
    ("to get 1 yap = 3/5 baps.", "unit_conversion:plain_text"),
    ("So, if I multiply both sides by 42 * 20/22, I get 42 * 20/22 daps = 42 baps.", "unit_conversion:plain_text"),
    # a number before the "=" that names no quantity (a year) against amounts: not refuted
    ("Total expenses in 2014 = 20,000 pounds * $0.24/pound", "units_differ:plain_text"),
])
def test_units_that_may_convert_leave_the_claim_neutral(text: str, rule: str) -> None:
    c = _step(text)
    assert c.rating == 0, c.claims
    assert [x.rule for x in c.claims] == [rule]


@pytest.mark.parametrize("text", [
    "5 dozen x 2 = 10",  # a scaling word is no unit: not read
    "It is 11 am + 3 hours = 2 pm",
    "He sold 2x books + 3 = 5",  # 2x is a letter's multiple
    "50 cents x 4 = 2",  # cents against dollars: not read here
    # an operator word: not a unit (the number-only reader sees "4 = 12" alone); "3 times 4 = 12" is a product
    # now (test_steps_plain_more)
    "It is 3 times more than 4 = 12 apples",
])
def test_scaling_words_letters_and_operator_words_are_not_units(text: str) -> None:
    assert _step(text).rating == 0, _step(text).claims


@pytest.mark.parametrize("text, rating", [
    # people added to people, animals to animals: no conversion hides in the "=", the numbers decide
    ("So, 120 boys + 60 girls = 200 students.", -1),
    ("So, 120 boys + 60 girls = 180 students.", 1),
    ("20 students + 2 teachers = 22 people", 1),
    ("12 chickens + 5 cows = 19 animals", -1),
    ("4 dogs + 3 cats = 7 pets", 1),
    # MR-GSM8K: "each school sends 10 players + 2 coaches = 14 people" (gold's first error) was neutral
    ("Each school sends 10 players + 2 coaches = 14 people.", -1),
    ("Each school sends 10 players + 2 coaches = 12 people.", 1),
    ("3 nurses + 4 doctors = 7 people", 1),
    ("5 sons + 2 daughters = 8 children", -1),
    # nouns that count otherwise stay neutral: legs, couples, a team of players, bags of apples
    ("12 chickens + 5 cows = 44 legs", 0),
    ("4 men + 4 women = 4 couples", 0),
    ("3 teams + 4 players = 40 players", 0),
    ("3 bags + 2 = 26 apples", 0),
])
def test_people_and_animals_are_one_kind_of_count(text: str, rating: int) -> None:
    assert _step(text).rating == rating, _step(text).claims


def test_units_only_after_the_result_keep_the_number_reader_as_it_was() -> None:
    c = _step("5 + 3 = 8 apples and 2 pears")
    assert [(x.verdict, x.rule) for x in c.claims] == [("true", "identity:plain_text")]


# --- multiplying by 100% names a percentage (GSM8K's reference solutions write it so) ----------------------------

@pytest.mark.parametrize("text, rating", [
    ("9 teaspoons / 21 teaspoons * 100% = 42.857, which rounds down to 43%", 1),
    ("12 kittens / 18 cats * 100% = 66.666...%, which rounds up to 67%", 1),
    ("so 9 / 21 * 100% = 52.857", -1),
])
def test_times_100_percent_names_a_percentage(text: str, rating: int) -> None:
    assert _step(text).rating == rating, _step(text).claims


# --- a decimal without its leading zero ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, rating", [
    ("multiplying the fine per day by the number of days late: .50 * 7 = $3.50", 1),
    ("It costs $.25 x 4 = $1", 1),
    ("so .5 * 7 = 3", -1),
    ("see 3...5 + 2 = 7", 0),  # an ellipsis is no decimal point
])
def test_leading_decimal_point(text: str, rating: int) -> None:
    assert _step(text).rating == rating, _step(text).claims


# --- bounded: long runs are scanned once -----------------------------------------------------------------------------

@pytest.mark.parametrize("run", ["1 + " * 3000, "1 ft + " * 3000, "(1 ft + " * 3000, "1 ft = " * 3000,
                                 "1 ft/ " * 3000 + "= 1", "1 ft x " * 3000])
def test_long_runs_are_linear(run: str) -> None:
    t0 = time.perf_counter()
    plain_units.blank(run)
    assert time.perf_counter() - t0 < 1.0


def test_a_long_sum_without_a_relation_is_read_in_time() -> None:
    # "1 + 1 + ... " of 30 terms and no "=": the number-only reader backtracked exponentially (over the claim budget)
    t0 = time.perf_counter()
    c = _step("The sum " + "1 + " * 30 + "and so on.")
    assert time.perf_counter() - t0 < 1.0
    assert not any(x.rule == "time_budget" for x in c.claims)


def test_plain_rates_through_a_chain_and_times_per_week() -> None:
    """MR-GSM8K: "2 times/week x 52 weeks/year = 104 times" stayed neutral (weeks and a year, two units of one
    dimension), though the factor between them is written as a rate of its own."""
    for text in ("He goes 2 times/week x 52 weeks/year = 104 times.",
                 "That is 60 minutes/hour x 24 hours/day = 1440 minutes."):
        (c,) = check_steps([text], StepContext())
        assert c.rating == 1, c.claims
    (c,) = check_steps(["He goes 2 times/week x 52 weeks/year = 105 times."], StepContext())
    assert c.rating != -1, c.claims


@pytest.mark.parametrize("text,rating", [
    # a unit of measure, then what is done in it: the measure is the unit ("hours watching TV" counts hours)
    ("He spends 2 hours watching TV + 1 hour reading = 3 hours.", 1),
    ("He spends 2 hours watching TV + 1 hour reading = 4 hours.", -1),
    # what an amount is spent on is no unit (MathCheck: "2 hours on TV + 1 hour reading = 3 hours per session")
    ("He spends 2 hours on TV + 1 hour reading = 3 hours per session.", 1),
    ("He spends 2 hours on TV + 1 hour reading = 4 hours per session.", -1),
    ("He spends $20 on books + $15 on food = $35.", 1),
    ("He spends $20 on books + $15 on food = $36.", -1),
    # two units of one dimension behind the words: decided on the factors, never on the bare numbers
    ("That is 3 hours driving + 30 minutes walking = 3.5 hours.", 1),
    ("That is 3 hours driving + 30 minutes walking = 33 hours.", 0),
])
def test_a_measure_before_what_is_done_in_it_is_the_unit(text: str, rating: int) -> None:
    (c,) = check_steps([text], StepContext())
    assert c.rating == rating, c.claims


def test_measure_word() -> None:
    assert plain_units.measure_word("hours watching TV") == "hours"
    assert plain_units.measure_word("fluid ounces") == "fluid ounces"  # a unit of its own
    assert plain_units.measure_word("red balloons") == "red balloons"  # no unit of measure first
    assert plain_units.measure_word("hours") == "hours"
