"""Plain-text arithmetic whose numbers carry units, read by the same units' algebra as a formula's ``\\text{}`` units
(found on GSM8K-level model solutions, where such steps were unread or neutral and a right answer's process could not
be shown):

* a rate that converts ("3 hours x 60 minutes/hour = 180 minutes", "$20/hour x 35 hours/week = $700/week") was
  neutral for its two units of one dimension; the units balance, so the numbers decide;
* units of several words ("640 spider legs + 540 insect legs", "30 ounces of sugar x 8 batches"), joined words
  ("roll-ups", "M&Ms"), a one-letter rate ("9 km/h"), a unit tight against the result ("= 156kgs", "= 20g",
  "= $57500/year"), a currency other than "$" ("€1090 + €157"), and a chain after a name's "=" ("the distance = 60
  mph × 3 hours = 180 miles"), and notes in parentheses between the numbers ("12 tickets (Pam's) + 24 tickets
  (Fred's)") were not read at all.

Units that may hide a conversion stay neutral, as before."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _step(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("right, wrong", [
    ("He collects peaches for 3 hours x 60 minutes/hour = 180 minutes",
     "He collects peaches for 3 hours x 60 minutes/hour = 170 minutes"),
    ("It takes 1.5 hours * 60 minutes/hour = 90 minutes", "It takes 1.5 hours * 60 minutes/hour = 80 minutes"),
    ("Jill teaches for 50 weeks/year * 35 hours/week = 1750 hours/year.",
     "Jill teaches for 50 weeks/year * 35 hours/week = 1650 hours/year."),
    ("Jill earns $20/hour x 35 hours/week = $700/week as a teacher.",
     "Jill earns $20/hour x 35 hours/week = $720/week as a teacher."),
    ("she hiked for 5 hours * 9 km/h = 45 km.", "she hiked for 5 hours * 9 km/h = 40 km."),
    ("So the distance = 60 mph × 3 hours = 180 miles.", "So the distance = 60 mph × 3 hours = 160 miles."),
    ("So the children will share 40 chocolate bars - 24 chocolate bars = 16 chocolate bars.",
     "So the children will share 40 chocolate bars - 24 chocolate bars = 14 chocolate bars."),
    ("He needs 30 ounces of sugar x 8 batches of suckers = 240 ounces of sugar.",
     "He needs 30 ounces of sugar x 8 batches of suckers = 250 ounces of sugar."),
    ("Marcell ate 3 roll-ups * 14 rolls = 42 roll-ups.", "Marcell ate 3 roll-ups * 14 rolls = 32 roll-ups."),
    ("The bag has 300 M&Ms + 12 M&Ms = 312 M&Ms", "The bag has 300 M&Ms + 12 M&Ms = 322 M&Ms"),
    ("The total weight of the marbles is 78*2 = 156kgs", "The total weight of the marbles is 78*2 = 166kgs"),
    ("A candied apple weighs 40/2 = 20g.", "A candied apple weighs 40/2 = 25g."),
    ("Her salary is $35000 + $22500 = $57500/year.", "Her salary is $35000 + $22500 = $56500/year."),
    ("The total cost is €1090 + €157 + €74 + €102 = €1423.",
     "The total cost is €1090 + €157 + €74 + €102 = €1433."),
    ("Rent is £400 * 3 = £1200.", "Rent is £400 * 3 = £1300."),
    # a note in parentheses names what a number counts
    ("The total is 12 tickets (Pam's roller coaster) + 24 tickets (Fred's roller coaster) + 30 tickets (luge for "
     "both) = 66 tickets.",
     "The total is 12 tickets (Pam's roller coaster) + 24 tickets (Fred's roller coaster) + 30 tickets (luge for "
     "both) = 68 tickets."),
    ("total_rings = 20 (first friend) + 25 (second friend) + 35 (third friend) = 80",
     "total_rings = 20 (first friend) + 25 (second friend) + 35 (third friend) = 85"),
    # the result's unit is cut where prose goes on after it ("35 miles between his stops")
    ("Henry traveled 20 miles + 15 miles = 35 miles between his first and second stops.",
     "Henry traveled 20 miles + 15 miles = 36 miles between his first and second stops."),
    # a rate "per" a unit of two words, as after a slash
    ("For burger platters:\n- 9 burger platters * $11 per burger platter = $99",
     "For burger platters:\n- 9 burger platters * $11 per burger platter = $98"),
    ("4 cinnamon rolls * $2.50 per cinnamon roll = $10.00", "4 cinnamon rolls * $2.50 per cinnamon roll = $12.00"),
    # "each" after a factor's unit or amount: the lot per item of the other factor
    ("So, 5 bicycles * 2 tires each = 10 tires.", "So, 5 bicycles * 2 tires each = 12 tires."),
    ("So, 3 customers x 1 DVD each = 3 DVDs.", "So, 3 customers x 1 DVD each = 4 DVDs."),
    ("3 shirts x $5 each = $15", "3 shirts x $5 each = $20"),
    # units of one noun with different words before it count one kind of thing: their sum is decided
    ("So, Sally now has 15 red balloons + 6 green balloons + 6 yellow balloons + 6 blue balloons = 33 balloons.",
     "So, Sally now has 15 red balloons + 6 green balloons + 6 yellow balloons + 6 blue balloons = 32 balloons."),
    ("640 spider legs + 540 insect legs = 1180 legs", "640 spider legs + 540 insect legs = 1190 legs"),
    # degrees are a unit like any other (temperatures, angles; scales apart are a conversion, never refuted)
    ("The total decrease in temperature is 6 degrees + 12 degrees + 4 degrees = 22 degrees.",
     "The total decrease in temperature is 6 degrees + 12 degrees + 4 degrees = 23 degrees."),
    # what an amount is for or from: no unit, words only
    ("This is $500 for materials + $800 for craftsmanship = $1300.",
     "This is $500 for materials + $800 for craftsmanship = $1400."),
    ("$129 from the brownies + $115 from the cheesecakes = $244.",
     "$129 from the brownies + $115 from the cheesecakes = $254."),
    ("So 2 hours for TV + 0.67 hours for reading = 2.67 hours.", "So 2 hours for TV + 0.67 hours for reading = 2.77 hours."),
    # a unit of measure, then what is done in it or said of it: "years old" are years, nothing converts
    ("In 10 years, Mico will be 5 years old + 10 years = 15 years old.",
     "In 10 years, Mico will be 5 years old + 10 years = 16 years old."),
])
def test_arithmetic_with_units_is_decided(right: str, wrong: str) -> None:
    ok, bad = _step(right), _step(wrong)
    assert ok.rating == 1, ok.claims
    assert bad.rating == -1, bad.claims


@pytest.mark.parametrize("text", [
    "Then add the flowers: 50 petunias + 90 geraniums = 140 flowers",
    "In total there are 6 girls + 12 boys = 18 kids in the park",
    "the total is 640 spider legs + 540 insect legs + 30 mutant legs = 1210 legs",
    "In 10 years, Mico will be 5 years old + 10 years = 15 years old.",
    "30 minutes x $20/hour = $10",  # a conversion the units' factors confirm
])
def test_sums_of_nouns_and_conversions_that_hold_are_confirmed(text: str) -> None:
    c = _step(text)
    assert c.rating == 1, c.claims


@pytest.mark.parametrize("text", [
    # a sum into another noun that does not hold may count in other units (bags of apples): never refuted
    "Then add the flowers: 50 petunias + 90 geraniums = 150 flowers",
    "3 bags + 2 = 26 apples",
    # two units of one dimension with no rate between them may hide a conversion
    "It takes 2 hours + 30 minutes = 32 minutes",
    "It takes 3 hours x 60 = 170 minutes",
    # a compound quantity before the chain
    "1 hour 30 minutes + 45 minutes = 75 minutes",
])
def test_units_that_may_convert_stay_neutral(text: str) -> None:
    c = _step(text)
    assert c.rating == 0, c.claims


@pytest.mark.parametrize("text", [
    "3 + 4 = 7th place",  # an ordinal is no unit
    "x = 2 + 3 = 5x",  # a letter after the number is a variable
])
def test_words_that_are_no_units_are_not_blanked(text: str) -> None:
    c = _step(text)
    assert not any(":units" in x.rule for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    # a one-letter "rate" after a number, or after a unit other than h and s, is a fraction in a variable: never
    # blanked into "3 + 1 = 7" or "1200 / 1.50 = 1,000,000" (PRMBench original processes, right, were refuted so)
    "I can rewrite the equation using algebraic notation as 3 + 1/x = 7/x.",
    "I can write this as: 1200 lire/$1.50 = 1,000,000 lire/x dollars",
    "So 2 apples/n + 3 = 5 apples/n",
])
def test_a_fraction_in_a_variable_is_no_rate(text: str) -> None:
    c = _step(text)
    assert c.rating != -1, c.claims


@pytest.mark.parametrize("text", [
    # a letter against a result that may scale it (a million) is not blanked into "= 5"
    "The firm is worth 2,500,000 * 2 = 5M",
    "The firm is worth $2,500,000 * 2 = $5m",
])
def test_a_scaling_letter_against_a_result_is_no_unit(text: str) -> None:
    c = _step(text)
    assert c.rating != -1, c.claims


@pytest.mark.parametrize("text", [
    "He pays 5 (per person) * 4 = 21",  # a note that changes the number is no label: not read past
    "The cost is 12 dollars (total) + 3 = 16",
])
def test_a_note_that_changes_the_number_is_not_blanked(text: str) -> None:
    c = _step(text)
    assert c.rating != -1, c.claims


def test_a_modulus_in_parentheses_stays_a_congruence() -> None:
    c = _step("So 3 + 4 (mod 5) = 2")
    assert c.rating == 1 and all("congruence" in x.rule for x in c.claims), c.claims
