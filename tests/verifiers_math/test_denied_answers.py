"""A value the answer sentence denies is no answer: "The answer is not $40$." was read as 40 and judged equal to a
reference of 40 (so was a box after "not"), a pass forged by one word; Math-Verify reads it the same way. A denied
value gives no verdict, with the negation in the evidence; a negation elsewhere (an earlier sentence, a reason, a
rejected alternative after the answer) leaves the answer as it was."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math import check_answer
from stepforge.verifiers.math.extract import extract

DENIED = [
    "The answer is not 40.",
    "The answer is not $40$.",
    "The final answer is not 40 dollars.",
    "The answer is definitely not $\\boxed{40}$.",
    "Answer: not 40",
    "The answer is not 40 but 30.",
    "The answer is not equal to $40$.",
    "The answer isn't \\(40\\).",
    "So $x$ cannot be $\\boxed{40}$",
    "Therefore, the total is never $\\boxed{40}$.",
    "The answer is Howard has not $40$ left",
    "**Final Answer:** Not \\(\\boxed{40}\\)",
]


@pytest.mark.parametrize("text", DENIED)
def test_a_denied_value_is_no_answer(text: str) -> None:
    ex = extract(text)
    assert ex.answer is None and ex.status == "none" and "a negation before the answer" in ex.detail, ex
    v = check_answer("40", text)
    assert (v.verdict, v.rule) == ("unparseable", "no_pred_answer"), v
    assert "negation" in v.detail
    assert check_answer("30", text).verdict == "unparseable"  # nor a wrong answer: nothing was stated


STATED = [
    ("The answer is 40.", "40"),
    ("The answer is $\\boxed{40}$.", "40"),
    ("It is not 30. The answer is $\\boxed{40}$.", "40"),  # the negation is another sentence's
    ("Since 30 is not right, the answer is $\\boxed{40}$.", "40"),  # a reason, then the value
    ("This is not an integer, so we round: the answer is $\\boxed{40}$.", "40"),
    ("Not all cases work; the answer is 40.", "40"),
    ("We cannot use 30 here.\n\nThe answer is $40$.", "40"),
    ("The answer is $\\boxed{40}$, not 30.", "40"),  # a rejected alternative after the answer
    ("There are no other solutions, so the answer is \\boxed{40}.", "40"),
    # a negation inside the description of what the value counts
    ("Final Answer: The number of integers not divisible by 3 is 40.", "40"),
    ("The final answer is: the count of numbers not exceeding 100 is 40.", "40"),
    ("The number of integers not divisible by 3 is $\\boxed{40}$.", "40"),
    ("So the number of non-negative solutions with no part larger than 7 is $\\boxed{40}$.", "40"),
    ("Therefore, the greatest length he can cut with no waste is \\(\\boxed{40}\\) feet.", "40"),  # a quantifier
    ("The time during which the tank is not full is $\\boxed{40}$ minutes.", "40"),  # the subject's negation
    ("Final Answer: the number of days it does not rain is 40.", "40"),
]


@pytest.mark.parametrize(("text", "value"), STATED)
def test_a_negation_that_denies_something_else_leaves_the_answer(text: str, value: str) -> None:
    assert extract(text).answer == value
    assert check_answer("40", text).verdict == "equal"


@pytest.mark.parametrize("text", ["The answer is no, it cannot be done.", "Final Answer: No, it cannot be done."])
def test_a_no_answer_is_still_a_no(text: str) -> None:
    assert extract(text).answer == "No"


@pytest.mark.parametrize("neg", ["not", "never", "isn't", "cannot be", "is not equal to"])
@pytest.mark.parametrize("form", ["{neg} $\\boxed{{{v}}}$", "{neg} ${v}$", "{neg} {v}"])
@pytest.mark.parametrize("v", ["7", "\\frac{1}{2}", "2\\sqrt{3}"])
def test_every_form_of_a_denied_value_gives_no_verdict_for_any_reference(neg: str, form: str, v: str) -> None:
    text = "We work it out.\n\nThe answer " + ("" if neg.startswith(("is", "cannot")) else "is ") + form.format(
        neg=neg, v=v) + "."
    for gold in (v, "5"):
        assert check_answer(gold, text).verdict == "unparseable", (text, gold)
