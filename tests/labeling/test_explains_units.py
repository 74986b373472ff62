"""A slip carried through later computations whose numbers carry their units ("60 \\text{ dogs} + 120 \\text{ cats}
+ 172 \\text{ rabbits} = 352", "60g \\times 0.6 = 36g") and through a percentage answer ("(12 / 20) * 100 = 65",
then "65%"): redone right, the answer is the reference, so the slip explains it. Before, such a computation was not
followed (its units read as unknowns) and a right first error was held back as uncertain (MathCheck). Units are
dropped only where the numbers alone give the stated value: "2x + 3 = 5" is no computation on 2 and 3."""

from __future__ import annotations

import pytest

from stepforge.labeling.locate import explains_outcome
from stepforge.schema import Trace


def _claims(*steps: list[tuple[str, str]]) -> list[list[dict]]:
    return [[{"claim": c, "verdict": v} for c, v in step] for step in steps]


@pytest.mark.parametrize("later, pred", [
    ("60 \\text{ dogs} + 120 \\text{ cats} + 172 \\text{ rabbits} = 352", "352"),
    ("60 \\mathrm{dogs} + 120 \\mathrm{cats} + 172 \\mathrm{rabbits} = 352", "352 animals"),
    ("172 rabbits + 180 pets = 352", "352"),
])
def test_a_slip_is_carried_through_numbers_with_units(later: str, pred: str) -> None:
    claims = _claims([("180 - 12 = 172", "false")], [(later, "true")], [])
    ex = explains_outcome(claims, 0, "348", pred)
    assert ex["explains"] is True, ex
    assert explains_outcome(claims, 0, "350", pred)["explains"] is False  # redone it is 348, not that reference


def test_a_unit_glued_to_its_number_is_carried() -> None:
    claims = _claims([("200 \\div 250 = 0.6", "false")], [("300g \\div 5 = 60g", "true")],
                     [("60g \\times 0.6 = 36g", "true")], [])
    ex = explains_outcome(claims, 0, "48", "36g")
    assert ex["explains"] is True, ex
    assert ex["redone_answer"] == "48"


def test_letters_that_are_unknowns_are_not_dropped() -> None:
    # "2x + 3 = 5" is not checked true (an equation in x), and read without x it would be "2 + 3 = 5"
    claims = _claims([("1 + 1 = 3", "false")], [("2x + 3 = 5", "unknown")], [])
    assert explains_outcome(claims, 0, "6", "5")["explains"] is False


@pytest.mark.parametrize("slip, pred, gold", [
    ("(12 / 20) \\cdot 100 = 65", "65\\%", "60"),
    ("(12 / 20) \\cdot 100 = 65", "65 percent", "60\\%"),
    ("12 / 20 = 0.65", "65\\%", "60"),
])
def test_a_percentage_answer_is_the_slips_number(slip: str, pred: str, gold: str) -> None:
    claims = _claims([(slip, "false")], [])
    ex = explains_outcome(claims, 0, gold, pred)
    assert ex["explains"] is True, ex
    assert explains_outcome(claims, 0, "62", pred)["explains"] is False


def test_the_slip_before_a_sum_with_units_is_kept_as_the_first_error(record) -> None:
    problem = ("A shelter has 60 dogs, twice as many cats as dogs, and 12 fewer rabbits than it has dogs and cats "
               "together. How many animals does it have?")
    steps = ["The shelter has $60 \\times 2 = 120$ cats.",
             "Dogs and cats together are $60 + 120 = 180$.",
             "It has $180 - 12 = 172$ rabbits.",  # the slip: 168
             "In all, $60 \\text{ dogs} + 120 \\text{ cats} + 172 \\text{ rabbits} = 352$ animals.",
             "The answer is 352."]
    got = record(problem, "348", steps)
    assert isinstance(got, Trace), getattr(got, "detail", None)
    assert got.first_error_index == 2
