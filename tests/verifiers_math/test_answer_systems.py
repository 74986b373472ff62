"""Several solutions of one system written as labelled assignments (``x = 0, y = 2 and x = 1, y = 3``) are a set
of solutions: they equal the same pairs as tuples in any order, and differ where any value, or the pairing of
values, differs. A list that only repeats one name, or mixes names unevenly, is not read as solutions."""

import pytest

from stepforge.verifiers.math import judge


@pytest.mark.parametrize(("gold", "pred"), [
    (r"(0, 2), (1, 3)", r"$x = 0, y = 2$ and $x = 1, y = 3$"),
    (r"(0,2),(1,3)", r"x=0,y=2; x=1,y=3"),
    (r"(1,3),(0,2)", r"x=0,y=2 \text{ and } x=1,y=3"),
    (r"(1,3),(0,2)", r"x = 0, y = 2 \text{ and } y = 3, x = 1"),
    (r"x=0,y=2 \text{ or } x=1,y=3", r"(0,2),(1,3)"),
    (r"(1,2,3),(4,5,6)", r"a=1,b=2,c=3 \text{ or } a=4,b=5,c=6"),
    (r"x=1,y=3 \text{ and } x=0,y=2", r"x=0,y=2 \text{ and } x=1,y=3"),
])
def test_solutions_as_assignments_equal_the_pairs(gold: str, pred: str) -> None:
    v = judge(gold, pred)
    assert v.verdict == "equal", v


@pytest.mark.parametrize(("gold", "pred"), [
    (r"(0,2),(1,4)", r"x=0,y=2 \text{ and } x=1,y=3"),  # one value differs
    (r"(0,3),(1,2)", r"x=0,y=2 \text{ and } x=1,y=3"),  # the values paired otherwise
    (r"(2,0),(3,1)", r"x=0,y=2 \text{ and } x=1,y=3"),  # each pair in the other order
    (r"(0,2)", r"x=0,y=2 \text{ and } x=1,y=3"),  # a solution too many
    (r"(0,2),(1,3),(2,4)", r"x=0,y=2 \text{ and } x=1,y=3"),  # one missing
    (r"x=1,y=2 \text{ and } x=0,y=3", r"x=0,y=2 \text{ and } x=1,y=3"),
])
def test_solutions_that_differ_are_not_equal(gold: str, pred: str) -> None:
    assert judge(gold, pred).verdict == "not_equal"


def test_uneven_assignments_are_not_read_as_solutions() -> None:
    # x twice but y once: no reading as two solutions (and never equal to two pairs)
    assert judge(r"(0,2),(1,3)", r"x=0,y=2,x=1").verdict != "equal"
