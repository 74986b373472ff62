"""Greatest common divisors and least common multiples stated in words ("the greatest common divisor of 14 and 100
is 2", "the LCM of 5 and 2 is 10"): computed exactly (they were unread, so a step resting on one stayed 0)."""

from __future__ import annotations

import time

import pytest

from stepforge.verifiers.math.divisor_lists import common_claims
from stepforge.verifiers.math.steps import StepContext, check_steps


def _step(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("text, claim", [
    ("This means that the greatest common divisor of 14 and 100 is 2, the last nonzero remainder.", "gcd(14, 100) = 2"),
    ("The least common multiple of 5 and 4 is 20, so I can multiply the first fraction by 4/4.", "lcm(5, 4) = 20"),
    ("I can multiply both sides by the least common multiple of 2 and 3, which is 6.", "lcm(2, 3) = 6"),
    ("the least common multiple (LCM) of 5 and 2, which is 10.", "lcm(5, 2) = 10"),
    ("the lcm of 2, 3, and 4 is 12.", "lcm(2, 3, 4) = 12"),
    ("the least common multiple of $3$ and $4$ is $12$.", "lcm(3, 4) = 12"),
    ("So the GCF... the greatest common factor of 1,000 and 2,500 is 500.", "gcd(1000, 2500) = 500"),
])
def test_true_gcd_and_lcm_in_words_are_confirmed(text: str, claim: str) -> None:
    c = _step(text)
    assert c.rating == 1 and [(x.claim, x.verdict) for x in c.claims] == [(claim, "true")], c.claims


@pytest.mark.parametrize("text", [
    "the GCD of 91 and 26 is 12.",
    "The least common multiple of 6 and 8 is 48, so the first meeting is then.",
    "the highest common factor of 12, 18 and 30 is 3",
])
def test_wrong_gcd_and_lcm_in_words_are_refuted(text: str) -> None:
    c = _step(text)
    assert c.rating == -1 and [x.rule for x in c.claims] == ["gcd_lcm_in_words"], c.claims
    assert c.claims[0].detail  # the right value, as evidence


@pytest.mark.parametrize("text", [
    "The LCM of 5 and 2 is 10 minutes.",  # a unit after the value
    "the lcm of 5 minutes and 2 minutes is 10 minutes",  # units on the operands
    "the gcd of 12 and 18 is 6 * 1",  # an operation after the value
    # the value is a computation's first factor (MATH's reference solutions)
    "we conclude that the least common multiple of 21 and 33 is $3 \\cdot 7 \\cdot 11 = 231$.",
    "The least common multiple of 3, 4, and 5 is $3\\cdot4\\cdot5=60$, so we must find",
    "the lcm of 4 and 6 is 2 × 6", "the gcd of 4 and 6 is 2= 2", "the lcm of 3 and 4 is 3!",
    "the gcd of 12 and 18 is 6.5",
    "the LCM of 5 and 2 is the time it takes for both to back up together",
    "the gcd of a and b is 6",
])
def test_gcd_and_lcm_not_plainly_stated_are_unread(text: str) -> None:
    assert common_claims(text) == []


@pytest.mark.parametrize("text", [
    "gcd of " + "1,111" * 3000, "gcd of " + "1,   " * 5000, "the gcd of " + "12, " * 10000 + "x",
    "lcm of 1 and " * 5000, "the lcm of 1 and 2 is 2. " * 5000,
])
def test_reading_is_linear_on_hostile_text(text: str) -> None:
    t0 = time.perf_counter()
    common_claims(text)
    assert time.perf_counter() - t0 < 2
