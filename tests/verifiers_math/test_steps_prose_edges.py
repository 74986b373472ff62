"""Where prose around a chain carries its expression on (then a wrong-looking side is only a fragment, neutral) and
where it does not (a wrong chain is refuted): a preposition after the last side continues it only before an operand
("= 12 from 20"), never before words ("= $200 from these lessons"), and "a total of" opens the whole expression."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _one(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("text", [
    "He also has 2 1-hour lessons with a veteran, so he earns 2 * (1 - 0.25) * $80 = $200 from these lessons.",
    "The price of one BMX is half the price of an MTB, so Marcel earned 45 * ($500/2) = $12,500 from selling bikes.",
    "Therefore, after three weeks, the farm will have a total of 70 + 420 + 210 = 680 animals.",
    "Bentley filled 170 balloons, so he paid a total of $65 * 170 = $10,550.",
    "so 10 - 4 = 7 of the 10 apples are left",
    r"we get $3 \times 4 = 13$ from the sale",
    "The trip takes 120 / 40 = 4 hours by car.",
])
def test_a_wrong_chain_before_words_or_after_a_total_of_is_refuted(text: str) -> None:
    c = _one(text)
    assert c.rating == -1, c.claims
    assert any(x.verdict == "false" and x.rule.startswith("not_an_identity") for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    "He has 5 * 4 = 21 from 30 left",  # "21 from 30": the side goes on
    "In all, 3 + 4 = 8 by 5 boxes",
    "so 3 * 4 = 20 percent",  # the value is 20 percent, not 20
    "so 10 / 5 = 3 times as many",
    "so 2 * 3 = 7 of 21 students",
    "and 12 = 20% of 50",  # a percent of something
    "half of 40 = 25",  # "of" before: the left side is only part of it
    "he paid 3 times of 4 + 5 = 27",
])
def test_a_side_the_prose_carries_on_is_neutral(text: str) -> None:
    c = _one(text)
    assert c.rating == 0 and not any(x.verdict == "false" for x in c.claims), c.claims


@pytest.mark.parametrize("text", [
    "so he earns 2 * (1 - 0.25) * $80 = $120 from these lessons.",
    "a total of 70 + 420 + 210 = 700 animals",
    "so 12% of $50 = 6 dollars",
])
def test_right_chains_stay_confirmed(text: str) -> None:
    assert _one(text).rating == 1
