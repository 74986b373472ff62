"""Numbers that are no values, read as the writer meant them (found among the false alarms on GSM8K's reference
solutions, right by construction):

* a label's number: "Week 1 + Week 2 = 35 + 35 = 70" (no "2 = 35 + 35"), "on day 1 * 2 = 20";
* a number whose thousands a comma and a blank part: "14, 400 / 80 = 180";
* words in brackets against a number beside a bare number: ".1(Number of Minutes) + 1 = .15(Number of Minutes)" is an
  equation in an unknown named in words, not a sum of counted things.

Each was refuted before; now neutral. A slip beside them is still refuted where the reading is sure.

A chain carried on from a link's value ("7 x 60 = 420 + 23 = 443") stays a claim that the two are equal, refuted: as a
running total it was tried and dropped, since on model-written solutions the same shape is how an error is written
("1/2 x 40 + 5 = 25 + 5 = 30" adds the 5 twice, "20% x 100 = 20 x 100 = 2000", "sqrt(144) = 12 * 2 = 24": MathCheck,
RealCritic, MR-BEN first errors each)."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _checked(text: str) -> tuple[int, list[tuple[str, str]]]:
    (c,) = check_steps([text], StepContext())
    return c.rating, [(x.claim, x.verdict) for x in c.claims]


@pytest.mark.parametrize("text", [
    "So 7 x 60 = 420 + 23 = 443 seconds.",
    "Aaron has \\(\\frac{1}{2} \\times 40 + 5 = 25 + 5 = 30\\) jewels.",
    "So the box has \\[ 20\\% \\times 100 = 20 \\times 100 = 2000 \\]",
    "$$\\sqrt{144} = 12 \\cdot 2 = 24$$",
])
def test_a_chain_carried_on_from_a_links_value_is_a_claim_that_the_two_are_equal(text: str) -> None:
    rating, claims = _checked(text)
    assert rating == -1 and claims[0][1] == "false", claims


@pytest.mark.parametrize("text", [
    "Week 1 + Week 2 = 35 + 35 = 70 hours",
    "Day 3 + Day 4 = 12 + 15 = 27 miles",
    "10 pages per day on day 1 * 2 = 20 pages per day for days 2 through 7",
    "They read 180 pages a day because 14, 400 / 80 = 180",
    "We know that .1(Number of Minutes) + 1 = .15(Number of Minutes)",
    "We know that .4(Number of Minutes) = .25(Number of Minutes) + .6",
])
def test_numbers_that_are_no_values_are_never_refuted(text: str) -> None:
    rating, claims = _checked(text)
    assert rating != -1 and "false" not in [v for _, v in claims], claims


@pytest.mark.parametrize("text", [
    "He runs 5 miles per day 5 * 7 = 36 miles.",  # "per day": no label before the 5
    "In week 2 he works 3 * 5 = 16 hours.",  # the label is not the computation's
    "Day 3 + Day 4 = 12 + 15 = 28 miles",  # the sum itself
    "12 tickets (Pam's) + 24 tickets (Fred's) = 37 tickets",  # notes with a blank: what is counted
    "20(first friend) + 25(second friend) = 46",  # notes only, the result alone on its side
])
def test_a_slip_beside_them_is_still_refuted(text: str) -> None:
    rating, claims = _checked(text)
    assert rating == -1, claims
