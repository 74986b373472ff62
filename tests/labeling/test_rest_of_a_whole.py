"""A step that says the rest of a whole ("1/4 don't show up. This means that 3/4 attend") is checked, so a slip after
it can be kept as the first error (MathCheck: such a step, unread, held a right first error back as uncertain);
a wrong rest is left unread and still holds it back."""

from __future__ import annotations

from stepforge.schema import Trace


def test_a_rest_of_the_whole_before_a_refuted_slip_lets_the_slip_be_kept_as_the_first_error(record) -> None:
    from stepforge.schema import Trace

    problem = ("Christina invited 16 friends to her party. 1/4 of the invited guests usually don't show up. She wants "
               "2 gift bags for each guest who attends. How many gift bags does she need?")
    steps = ["1/4 of the invited guests don't show up. This means that 3/4 of the guests invited attend.",
             "3/4 of 16 friends is 3/4 * 16 = 12 guests.",
             "She needs 2 gift bags per guest, so 12 * 2 = 26 gift bags.",  # the slip: 24
             "The answer is 26."]
    got = record(problem, "24", steps)
    assert isinstance(got, Trace), getattr(got, "detail", None)
    assert got.first_error_index == 2
    assert [s.label.rating for s in got.steps[:2]] == [1, 1]
    # the same solution with a wrong rest (2/3) leaves that step unread: the slip is not shown to come first
    wrong = [steps[0].replace("3/4 of the guests", "2/3 of the guests")] + steps[1:]
    assert not isinstance(record(problem, "24", wrong), Trace)
