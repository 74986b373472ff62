"""A slip in the number of a percentage answer is followed to the answer ("(12 / 20) * 100 = 65", then "The answer
is: 65%"; "12/20 = 0.65", then "65%"): redone right it gives the reference, so the slip is the located first error.
A percentage whose redo misses the reference is not kept (MathCheck, a right first error held back as
``first_error_uncertain`` because "65%" was compared with the slip's 65 as 0.65)."""

from __future__ import annotations

import pytest

from stepforge.schema import Trace

_PROBLEM = ("In a dance class with 20 students, 4 chose jazz and 4 chose tap. The rest chose hip-hop. What percentage "
            "of the class chose hip-hop?")


@pytest.mark.parametrize("last", [
    ["The share is (12 / 20) * 100 = 65.", "The answer is: 65%."],
    ["The share is 12 / 20 = 0.65.", "So 65\\% of the class chose hip-hop.", "The answer is: $65\\%$."],
])
def test_a_slip_in_a_percentage_is_the_first_error(record, last: list[str]) -> None:
    steps = ["The students who chose jazz or tap are 4 + 4 = 8.", "So 20 - 8 = 12 students chose hip-hop.", *last]
    got = record(_PROBLEM, "60", steps)
    assert isinstance(got, Trace), getattr(got, "detail", None)
    assert got.first_error_index == 2
    assert [s.label.rating for s in got.steps[:2]] == [1, 1]


def test_a_percentage_whose_redo_misses_the_reference_is_not_kept(record) -> None:
    # 13 chose hip-hop after a slip the checker cannot see; the redo of "13/20 * 100 = 70" gives 65, not 60
    steps = ["The students who chose jazz or tap are 7.", "So 20 - 7 = 13 students chose hip-hop.",
             "The share is (13 / 20) * 100 = 70.", "The answer is: 70%."]
    got = record(_PROBLEM, "60", steps)
    assert not isinstance(got, Trace)
