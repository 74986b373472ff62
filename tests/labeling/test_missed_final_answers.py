"""Final answers a solution states that the reader used to miss (PRM800K-style endings, found on PRMBench's train
split): the outcome was then inconclusive and nothing could be kept. Each reading has its wrong cases too: a wrong
reading makes a wrong verdict."""

import pytest

from stepforge.verifiers.math import judge
from stepforge.verifiers.math.extract import extract

_WORK = "We count the cases one by one and check each of them against the conditions of the problem.\n" * 4


# --- an unclosed math span on one line does not make another line's math currency ---------------------------------

def test_an_unclosed_span_earlier_leaves_a_later_formula_math():
    text = (_WORK + "So $a(1+1)(1^2+1) + b = 0\nWhich simplifies to $4a + b = 0$.\nSo the minimum value is $3$.")
    assert extract(text).answer == "3"
    assert judge("3", text).verdict == "equal"


def test_a_wrong_value_after_an_unclosed_span_is_graded_wrong():
    text = _WORK + "So $2g = 165\nSo the total cost of the gas is $275$ dollars."
    v = judge("82.50", text)
    assert (v.verdict, v.pred) == ("not_equal", "275")


def test_only_the_line_with_an_unpaired_dollar_is_read_as_currency():
    from stepforge.verifiers.math.extract import _currency_dollars

    text = "It costs $4 a ticket.\nSo $3x = 9$ and $x = 3$."
    assert _currency_dollars(text) == "It costs \\$4 a ticket.\nSo $3x = 9$ and $x = 3$."
    assert _currency_dollars("So $3x = 9$.") == "So $3x = 9$."  # signs that pair: nothing to repair


# --- a step's own label is not content -----------------------------------------------------------------------------

def test_a_step_label_before_the_pointer_sentence():
    text = (_WORK + "Step 10. Yep. So $\\frac{216}{12^3}=\\frac{1}{8}$.\nStep 11. And that's our answer.")
    assert extract(text).answer == "\\frac{1}{8}"


def test_a_step_label_alone_states_nothing():
    assert extract(_WORK + "Step 11. And that's our answer.").answer is None


# --- LaTeX on numbers written without its dollars --------------------------------------------------------------------

@pytest.mark.parametrize("ending,value", [
    ("So the area of the region is 63 \\pi.", "63\\pi"),
    ("So a= 10\\sqrt{2}.\nAnd that is our final answer.", "10\\sqrt{2}"),
    ("So the intersection point is \\left(-\\dfrac{5}{9},\\dfrac{16}{9}\\right).\nAnd that is our answer.",
     "\\left(-\\frac{5}{9}, \\frac{16}{9}\\right)"),
    ("So the slope of the line through P and Q is \\frac{-3}{2} when y = -2.\nRight.", "-\\frac{3}{2}"),
    ("Right. So x = \\frac45.", "\\frac{4}{5}"),
    ("Putting this all together, the cylindrical coordinates of the point are (4,\\frac{4\\pi}{3},-1).\nRight.",
     "(4, \\frac{4\\pi}{3}, -1)"),
])
def test_bare_latex_values_are_read(ending, value):
    text = _WORK + ending
    assert extract(text).how == "conclusion"
    assert judge(value, text).verdict == "equal", extract(text)


@pytest.mark.parametrize("ending", [
    "So the area is 63 \\pi r.",  # a letter: an expression in names, not a value
    "So the area is \\frac{1}{2} bh.",
    "So x is \\frac{3}{4}, \\frac{1}{2}.",  # two values
    "So the area is 63 \\pi when r = 2 and 5 \\pi otherwise.",  # two values under conditions
    "So the area is \\frac{1}{2} \\cdot 6 \\cdot 4 if the base is 6.",  # a condition
    "So we need \\frac{1}{2} of it.",  # no result verb before the value
])
def test_bare_latex_that_is_not_one_value_stays_unread(ending):
    assert extract(_WORK + ending).answer is None, extract(_WORK + ending)


# --- a pointer after an interjection, a result verb, a tuple of plain numbers ------------------------------------------

@pytest.mark.parametrize("ending,value", [
    ("So the area of the triangle is 9.\nRight, so we have the final answer.", "9"),
    ("So the area of the triangle is $9$.\nRight, and that's our final answer.", "9"),
    ("So the original expression simplifies to $\\frac{1}{2}$.", "\\frac{1}{2}"),
    ("So the interval is (0, 5).", "(0, 5)"),
    ("Therefore the point is (-1,2.5).", "(-1, 2.5)"),
])
def test_pointers_result_verbs_and_plain_tuples_are_read(ending, value):
    text = _WORK + ending
    assert judge(value, text).verdict == "equal", extract(text)


@pytest.mark.parametrize("ending", [
    "So we have the final answer.",  # a pointer with no sentence before it on its line, after prose: nothing stated
    "So the point is (0,5) or (1,2).",  # two values
    "So the points are (0,5), (1,2).",
    "So the point at which the line meets the axis is (0,5).",  # a clause ("which") before the verb: not read
    "Right, and that's not our final answer.",
])
def test_what_those_readings_leave_unread(ending):
    assert extract(_WORK + ending).answer is None, extract(_WORK + ending)


# --- what the keep rule then does with the answer read ---------------------------------------------------------------

def _trace(rec):
    from stepforge.schema import Trace

    return rec if isinstance(rec, Trace) else Trace.model_validate(rec.candidate)


def test_a_bare_latex_wrong_answer_is_graded_and_its_explained_slip_kept(record) -> None:
    """PRM800K-style: no dollars, no box. The answer "4\\sqrt{6}" was unread (inconclusive, nothing kept); read, it is
    wrong, and the refuted sum redone right (98) gives the reference through the later root."""
    from stepforge.schema import Trace

    rec = record("A square has side $7$. What is the length of its diagonal?", "7\\sqrt{2}",
                 ["The diagonal squared is 7^2 + 7^2 = 96.", "So the diagonal is $\\sqrt{96} = 4\\sqrt{6}$.",
                  "Right. So the diagonal is 4\\sqrt{6}."])
    t = _trace(rec)
    assert t.outcome.correct is False and t.outcome.rule != "no_pred_answer"
    assert isinstance(rec, Trace) and rec.first_error_index == 0


def test_a_bare_latex_right_answer_is_graded_and_never_labelled_wrong(record) -> None:
    rec = record("A square has side $7$. What is the length of its diagonal?", "7\\sqrt{2}",
                 ["The diagonal squared is 7^2 + 7^2 = 98.", "So the diagonal is $\\sqrt{98} = 7\\sqrt{2}$.",
                  "Right. So the diagonal is 7\\sqrt{2}."])
    t = _trace(rec)
    assert t.outcome.correct is True
    assert t.first_error_index == -1  # kept or sent to the fallback by the right-answer rules, never labelled wrong
