"""A number rounded in words is read (issue 11): confirmed when the result is the rounding, refuted only where the
place is said, left unread where the writer may round another way or convert."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.rounding import claims
from stepforge.verifiers.math.steps import StepContext, check_steps


def _step(text: str):
    (check,) = check_steps([text], StepContext())
    return check


@pytest.mark.parametrize("text", [
    "Rounding 28.55 to the nearest whole number gives 29.",
    "Round 3.8208 hours to the nearest hundredth: 3.82 hours.",
    "Felicity rounds 12345.6789 to the nearest tenth, which is 12,345.7.",
    "Alice rounds 12345.6789 to the nearest ten-thousand, which is 10,000.",
    "Rounding $111,\\!111$ to the nearest million gives $0,$ so it is far from a million.",
    "Rounded to the nearest tenth, 3.456 is 3.5.",
    "Rounding to two decimal places, 3.14159 is 3.14.",
    "Rounding 7.39 to one decimal place, we get 7.4.",
    "round 1.0665 to 3 significant figures: 1.07",
    "66.666... rounded to the nearest whole number is 67.",
    "2.5 rounded to the nearest whole number is 2.",  # a tie: either way
    "2.5 rounded to the nearest whole number is 3.",
    "Round 320 minutes to the nearest minute gives 320 minutes.",
    "$2.745 rounded to the nearest cent is $2.75.",
    "Marigolds at $2.74 round to $3 per pot, petunias at $1.87 round to $2 per pot.",  # the result's place
    "We can round $504.6739$ to $500$.",  # "500": hundreds, tens or units; hundreds holds
    "67.332 rounds to 67.3.",
    "28.55% rounded to the nearest percent is 29%.",
])
def test_a_right_rounding_is_confirmed(text: str) -> None:
    check = _step(text)
    assert check.rating == 1, check.claims
    assert all(c.verdict == "true" and c.rule == "rounding_in_words" for c in check.claims
               if c.rule == "rounding_in_words"), check.claims


@pytest.mark.parametrize("text, detail", [
    ("Devon rounds 12345.6789 to the nearest ten, which is 12,340.", "12350"),
    ("Bob rounds 12345.6789 to the nearest thousand, which becomes 12346.", "12000"),
    ("Round 12345.6789 to the nearest ten-thousandth gives 12345.6790.", "12345.6789"),
    ("Rounding 28.45 to the nearest whole number gives 29.", "28"),
    ("round 66.4 up to the nearest whole number gives 66", "67"),
    ("Rounding 4.6 down to the nearest integer gives 5.", "4"),
    ("$2.744 rounded to the nearest cent is $2.75.", "2.74"),
    ("Round 125 minutes to the nearest minute gives 130 minutes.", "125"),
    ("28.55% rounded to the nearest percent is 28%.", "29"),
])
def test_a_wrong_rounding_at_a_said_place_is_refuted(text: str, detail: str) -> None:
    check = _step(text)
    assert check.rating == -1, check.claims
    (claim,) = [c for c in check.claims if c.verdict == "false"]
    assert claim.rule == "rounding_in_words" and detail in claim.detail, claim


@pytest.mark.parametrize("text", [
    # the place not said: the writer may round another way (down for whole items, to a coarser place)
    "The area is 6 square units, which rounds to 3.3.",
    "Marigolds at $2.24 round to $3 per pot.",
    # up or down is a choice the step makes: never confirmed (and not refuted without a place)
    "With exchange fees, I round 22.18 up to 23 euros more than pounds.",
    "Round 53.64 days up to 54 days.",
    "we round 13.5 down to 13 groups",
    # a unit the number does not carry, or two units: a conversion
    "Round 320 to the nearest hour gives 5.",
    "Round 320 minutes to the nearest hour gives 5 hours.",
    "0.2855 rounded to the nearest percent is 29%",
    # the rounded number ends an operation, or the result goes on
    "12 + 2.74 rounded to the nearest whole number is 15.",
    "20% of 2.74 rounded to the nearest whole number is 1.",
    "Rounding 1.0665 to three significant figures gives 1.07 \\times 10^{16}.",
    "Round 2.5 to the nearest whole number to get 3 and 4.",
    # not a place, or another sentence
    "we round 124.56 to the nearest choice, which is 112 square inches.",
    "Round the given number 12345.6789 to the nearest ten for Irene. The number becomes 12345.6790.",
    # not a rounding
    "They sit at a round table of 8, so 8 - 1 = 7 seats are left.",
])
def test_unread_where_the_writer_may_mean_another_rounding(text: str) -> None:
    assert claims(text) == [], claims(text)


def test_a_right_rounding_is_evidence() -> None:
    check = _step("Rounding 28.55 to the nearest whole number gives 29.")
    (claim,) = check.claims
    assert claim.claim == "28.55 rounded to the nearest whole number = 29"


def test_a_digit_string_and_a_long_run_are_bounded() -> None:
    assert claims("round " + "1" * 5000 + " to the nearest ten gives 2.") == []  # no quantity: unread
    assert len(claims("3 rounds to 3, " * 2000)) == 20
    many = " ".join(f"Rounding {k}.5 to the nearest whole number gives {k + 1}." for k in range(100))
    assert len(claims(many)) == 20  # at most twenty roundings read in one step
