"""The rest of a whole said in words ("25% of the guests don't attend, so 75% do", "1/4 don't show up. This means that
3/4 attend", "60% off, which means it is 40% of the price"), found on MathCheck, MR-GSM8K, PRMBench and GSM8K's
reference solutions. Unread, such a step stayed 0 and its new share (75%) held a later refuted step back as "first
error uncertain". Two shares that make the whole are now confirmed; a pair that does not is left unread, never
refuted (the second share may be of something else), and a share that changes a quantity ("70% more") or is a share
of a part ("75% of the rest") is no rest."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math.steps import StepContext, check_steps


def _checked(text: str) -> tuple[int, list[tuple[str, str, str]]]:
    (c,) = check_steps([text], StepContext())
    return c.rating, [(x.claim, x.verdict, x.rule) for x in c.claims]


@pytest.mark.parametrize("text, claim", [
    ("Since 25% of the guests usually don't attend, 75% do attend.", "1 - \\frac{1}{4} = \\frac{3}{4}"),
    ("Knowing that 1/4 of them don't show up. This means that 3/4 of the guests invited attend.",
     "1 - \\frac{1}{4} = \\frac{3}{4}"),
    ("We know that 40% of the students are girls, so 60% of the students are boys.", "1 - \\frac{2}{5} = \\frac{3}{5}"),
    ("If 40% of the water is used by the city, then the remaining 60% is used by farms.",
     "1 - \\frac{2}{5} = \\frac{3}{5}"),
    ("The sale price is 60% off the original price, which means it is 40% of the original price.",
     "1 - \\frac{3}{5} = \\frac{2}{5}"),
    ("The discount reduces the full price by 25%, which means she pays 75% of the full price.",
     "1 - \\frac{1}{4} = \\frac{3}{4}"),
    ("20% of the microphones won't fit, which means 80% of them are arranged in pairs.",
     "1 - \\frac{1}{5} = \\frac{4}{5}"),
    ("Half of them leave: 50% go home and the other 50% stay.", "1 - \\frac{1}{2} = \\frac{1}{2}"),
    ("2/5 of the cars are red and the rest, 3/5, are blue.", "1 - \\frac{2}{5} = \\frac{3}{5}"),
    ("Gold packs with an efficiency of 74.05%, leaving 25.95% of the volume empty.",
     "1 - \\frac{1481}{2000} = \\frac{519}{2000}"),
    # the rest first, then why: a share taken off (MathCheck: "$19.50 is actually 75% of the original price, since a
    # 25% discount was applied")
    ("The amount paid ($19.50) is actually 75% of the original price, since a 25% discount was applied.",
     "1 - \\frac{3}{4} = \\frac{1}{4}"),
    ("He pays 80% of the price because of a 20% discount.", "1 - \\frac{4}{5} = \\frac{1}{5}"),
    ("She pays 70% of the list price after 30% off.", "1 - \\frac{7}{10} = \\frac{3}{10}"),
])
def test_the_rest_of_a_whole_is_confirmed(text: str, claim: str) -> None:
    rating, claims = _checked(text)
    assert (claim, "true", "complement:plain_text") in claims, claims
    assert rating == 1


@pytest.mark.parametrize("text", [
    # the two do not make the whole: a slip, or another quantity; unread, never refuted
    "The building is 3/4 occupied. This means that 1/3 of the building is unoccupied.",
    "Since 25% of the guests don't attend, 70% do attend.",
    # a share that changes a quantity, or a share of a part, is no rest
    "John gets a 30% discount on the initial cost. This means he has to pay 70% more on the initial cost.",
    "20% of the apples are red, so 80% of the remaining ones are ripe.",
    # the same share said again ("so 1/2 a bottle"), or as a fraction of 100: no rest
    "Each person needs 1/2 a bottle of water each hour, so 1/2 a bottle for the hike.",
    "The dress is extended by 50% of its length, which means it is extended by 50/100 of its length.",
    # no word of the rest between them, or a number between them
    "1/4 of the class likes chess and 3/4 of the class likes go.",
    "25% of the 80 guests don't attend, and 75% of the food is left.",
    # the rest first, then a share that is not taken off, or that does not make the whole
    "He pays 75% of the price, since 25% of the buyers are members.",
    "So he pays 80% of the price, since a 25% discount was applied.",
    # dates, times and ratios are no shares
    "On 3/12 at 9:15 the shop closed, so on 9/12 it opened.",
])
def test_what_is_not_read_as_the_rest(text: str) -> None:
    rating, claims = _checked(text)
    assert not [c for c in claims if c[2] == "complement:plain_text"], claims
    assert rating != -1, claims

