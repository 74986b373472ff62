"""Plain-text arithmetic in words whose numbers carry units, percents said as decimals, and powers with ordinal
words (found on MathCheck, MR-GSM8K, MR-BEN, MR-MATH and GSM8K's reference solutions: "42 miles divided by 3 miles
per segment equals 15 segments", "25% of 4 points is 1", "2.5% becomes 0.025", "2 to the third power is 8"). Each was
unread, so a step whose only computation it was stayed 0: right ones are now confirmed, wrong ones refuted where
nothing can convert, and a reading that may be another one is left neutral or unread."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _claims(text: str) -> list[tuple[str, str]]:
    (c,) = check_steps([text], StepContext())
    return [(x.claim, x.verdict) for x in c.claims]


@pytest.mark.parametrize("text, claim, verdict", [
    # an operator in words after a number's unit; the units' reader then reads the chain
    ("So, 48 inches divided by 8 inches = 6 pieces.", "48 / 8 = 6", "true"),
    ("42 miles divided by 3 miles per segment equals 14 segments.", "42 / 3 = 14", "true"),
    ("the total distance: 42 miles divided by 3 miles per segment equals 15 segments.", "42 / 3 = 15", "false"),
    ("Julia's boat goes 20 feet divided by 16 seconds = 1.25 feet per second.", "20 / 16 = 1.25", "true"),
    ("So, 16 glasses divided by 2 equals 7 glasses.", "16 / 2 = 7", "false"),
    ("He earns $20 per hour multiplied by 3 hours, which is $60.", "20 \\cdot 3 = 60", "true"),
    ("so 10 packs multiplied by 6 cookies per pack is 50 cookies.", "10 \\cdot 6 = 50", "false"),
    ("So 7 apples minus 2 apples is 4 apples.", "7 - 2 = 4", "false"),
    # a part of a number that carries a noun, then a relation in words
    ("Since 40% of 200 GB is 80 GB, the restart waits.", "40\\% \\cdot 200 = 80", "true"),
    ("25% of 4 points is 1 (which is 0.25 * 4).", "25\\% \\cdot 4 = 1", "true"),
])
def test_words_between_numbers_with_units_are_read(text: str, claim: str, verdict: str) -> None:
    assert _claims(text) == [(claim, verdict)]


@pytest.mark.parametrize("text", [
    "So 2 hours divided by 30 minutes is 4.",  # one dimension, two units: a conversion may hide
    "So 5 apples plus 3 oranges equals 9 fruits.",  # a sum across nouns
    "So 1 hour plus 30 minutes is 90 minutes.",
    "So 10 feet minus 6 inches is 9.5 feet.",
    "So 3 boxes divided by 2, which is 1 box each.",
])
def test_words_between_numbers_with_units_that_may_convert_are_never_refuted(text: str) -> None:
    assert "false" not in [v for _, v in _claims(text)]


@pytest.mark.parametrize("text", [
    "so 12 times divided by 2 equals 7 times.",  # "times" counts repeats, no unit
    "So 3 dozen divided by 4 is 8.",  # a word that scales
    "So the remainder when 25 is divided by 4 is 3.",  # a remainder, not a quotient
    "So 17 cookies are divided by 3 kids, which is 6 each.",  # a passive clause
    "the mean of 6 apples plus 4 apples is 4.",  # the subject is the noun phrase
    "So, 16 glasses divided by 2 equals 7 glasses at full price.",  # the sentence goes on past the value's noun
    "the remainder of 17 when divided by 18 is 1.",
])
def test_words_between_numbers_with_units_are_not_read_where_they_are_not_plain(text: str) -> None:
    assert _claims(text) == []


@pytest.mark.parametrize("text, claim", [
    ("Convert the percentage to a decimal by dividing by 100. Thus, 2.5% becomes 0.025.", "2.5\\% = 0.025"),
    ("the annual interest rate is 8.5% or 0.085, and the time is 5 years.", "8.5\\% = 0.085"),
    ("15% as a decimal is 0.15.", "15\\% = 0.15"),
    ("So, 30% becomes 0.30.", "30\\% = 0.30"),
    ("and 100% is 1.", "100\\% = 1"),
])
def test_a_percent_said_as_its_decimal_is_confirmed(text: str, claim: str) -> None:
    assert _claims(text) == [(claim, "true")]


def test_a_percent_conversion_beside_a_computation_is_one_more_claim() -> None:
    assert _claims("20% = 0.2, so 0.2 * 650 = 130 children") == [("0.2  \\cdot  650 = 130", "true"),
                                                                  ("20\\% = 0.2", "true")]


@pytest.mark.parametrize("text", [
    "Thus, 2.5% becomes 0.25.",  # a wrong conversion is left unread: "20% is 0.5" may say what a share is
    "20% is 10 students.",  # the value of a share
    "20% is 0.5 of the remaining.",
    "a 20% increase is 1.2 times the price.",
    "12.5% = 0.125x",  # an equation in a letter, not a conversion
])
def test_a_percent_that_is_no_conversion_is_never_refuted_as_one(text: str) -> None:
    got = _claims(text)
    assert "false" not in [v for _, v in got] and not any(c.startswith(("2.5\\%", "20\\%")) for c, _ in got)


@pytest.mark.parametrize("text, claims", [
    ("2 to the first power is 2, 2 to the second power is 4, 2 to the third power is 8.",
     [("2^1 = 2", "true"), ("2^2 = 4", "true"), ("2^3 = 8", "true")]),
    ("So 2 to the third power is 9.", [("2^3 = 9", "false")]),
    ("So 3 raised to the fourth power is 81.", [("3^4 = 81", "true")]),
])
def test_powers_with_ordinal_words_are_read(text: str, claims: list[tuple[str, str]]) -> None:
    assert _claims(text) == claims


def test_a_long_run_of_numbers_with_units_and_relation_words_is_read_in_linear_time() -> None:
    # the unit-aware left side is searched once per relation word, in a bounded window: no backtracking blow-up
    import time

    from stepforge.verifiers.math import plain_words

    line = " ".join(f"{k} apples plus {k} pears divided by 2 boxes is" for k in range(2000)) + " 5."
    t0 = time.perf_counter()
    plain_words.rewrite(line, lambda side: True, [])
    assert time.perf_counter() - t0 < 5.0


@pytest.mark.parametrize("text, claim, verdict", [
    # a count of times per something is a rate ("times" alone counts repeats and is no unit)
    ("In 1 session he jumps 4 times/minute * 10 minutes = 40 times", "4 \\cdot 10 = 40", "true"),
    ("5 squares/time * 3 times/day = 15 squares/day", "5 \\cdot 3 = 15", "true"),
    ("he does laundry 2 times per week x 52 weeks = 104 times.", "2 \\times 52 = 104", "true"),
])
def test_a_rate_of_times_is_a_unit(text: str, claim: str, verdict: str) -> None:
    assert _claims(text) == [(claim, verdict)]


def test_a_false_rate_of_times_is_never_confirmed() -> None:
    # the units' algebra does not know "times" as a count, so the false one is neutral at worst, never confirmed
    assert _claims("he does laundry 2 times per week x 52 weeks = 114 times.")[0][1] in ("false", "unknown")


@pytest.mark.parametrize("text", [
    "Let's verify: -5+3 still equals -2.",  # an adverb is no unit of the number before it
    "So 22/7 approximately equals 3.15.",  # a hedge: the relation is no exact one
])
def test_an_adverb_after_a_number_is_no_unit(text: str) -> None:
    assert "false" not in [v for _, v in _claims(text)]
    assert not any(":units" in c for c, _ in _claims(text))


@pytest.mark.parametrize("text, claim, verdict", [
    # where a number is counted is no part of its unit ("24 hours in a day"): MR-GSM8K, gold's first error
    ("Therefore, Harold has 24 hours in a day - (10 hours + 8 hours + 1 hour) = 15 hours of free time left.",
     "24 - (10 + 8 + 1 ) = 15", "false"),
    ("Claire has spent a total of 24 hours in a day - 4 hours cleaning - 2 hours cooking - 8 hours sleeping = 10 hours",
     "24 - 4 - 2 - 8 = 10", "true"),
])
def test_where_a_number_is_counted_qualifies_its_unit(text: str, claim: str, verdict: str) -> None:
    assert _claims(text) == [(claim, verdict)]


def test_days_in_a_year_times_years_may_convert_and_is_never_refuted() -> None:
    assert "false" not in [v for _, v in _claims("There have been 365 days in a year * 4 years=1560 days.")]
