"""Answers stated the way real solutions state them (PRM800K processes): found as wrong verdicts on right answers."""

import pytest

from stepforge.verifiers.math import extract_answer, judge

ASKS_M_PLUS_N = "Let $p = m/n$ in lowest terms be the probability. Find $m+n$."


@pytest.mark.parametrize("pred,verdict", [
    ("So, $m+n=29$.", "equal"),
    ("The answer is $m + n = 29$.", "equal"),
    ("So $m+n=30$.", "not_equal"),
    ("So $m+n=2n+5$.", "not_equal"),  # still an equation in the unknowns
    # the asked expression, its computation, its value (PRMBench's original processes)
    ("So, $m+n=5+24=29$.", "equal"),
    ("So, $m+n=5+24=30$.", "not_equal"),
    ("So, $m+n=5+n=29$.", "not_equal"),  # a member in the unknowns: not a value stated
])
def test_the_asked_expression_stated_with_its_value_is_that_value(pred, verdict):
    assert judge("29", pred, problem=ASKS_M_PLUS_N).verdict == verdict


def test_without_the_problem_an_equation_is_still_not_a_final_answer():
    v = judge("29", "So, $m+n=29$.")
    assert (v.verdict, v.rule) == ("not_equal", "not_a_final_answer")


def test_the_problems_own_equation_is_not_its_answer():
    for gold in ("15", "-5"):
        v = judge(gold, "$x^2+2x=15$", problem="Solve $x^2+2x=15$.")
        assert v.rule == "not_a_final_answer"


@pytest.mark.parametrize("text,answer", [
    ("Right. We have $m=5$ and $n=24$.\nSo, $m+n=29$.\nAnd that is our final answer.", "m+n=29"),
    ("So $(a_1)^9=-1$, and that is our final answer.", "(a_1)^9=-1"),
    ("We get $x = 12$. This is the answer.", "x = 12"),
])
def test_that_is_our_final_answer_points_back_to_a_formula(text, answer):
    assert extract_answer(text)[0] == answer


@pytest.mark.parametrize("text", [
    "Since $\\theta$ is opposite side $a,$ it is the same as angle $A,$ so this is the answer.",
    "We counted the cases one by one. And that is our final answer.",
])
def test_that_is_our_final_answer_after_words_names_nothing_certain(text):
    assert extract_answer(text)[0] is None


def test_an_answer_followed_by_not_done_yet_does_not_stand():
    text = "So the answer is 5!.\nHowever, we are not done yet, because the three can switch places.\n5! * 3! = 720."
    v = judge("720", text)
    assert v.verdict != "not_equal" and v.rule == "retracted_answer"


@pytest.mark.parametrize("text,answer", [
    # MathCheck's answer lines: the value first, then what it counts and a verb (the words after the verb were read)
    ("The answer is: 50 apartment units remain unoccupied.", "50 apartment units"),
    ("The answer is 466.67 pieces are left to be placed.", "466.67 pieces"),
    ("The answer is 12 boxes of cookies were sold.", "12 boxes"),
    ("Answer: 7 students remain in the class.", "7 students"),
    ("The answer is: $55 is what Bailey had.", "$55"),
    ("The answer is $\\frac{1}{2}$ of the cake is left.", "\\frac{1}{2}"),
    ("The answer is 20% of the students are boys.", "20%"),
])
def test_a_sentence_that_opens_with_its_value_states_that_value(text, answer):
    assert extract_answer(text)[0] == answer


@pytest.mark.parametrize("text,answer", [
    ("The answer is: the number is even.", "even"),  # no value first: the words after the verb
    ("The answer is 680 dollars.", "680 dollars"),
    ("The answer is: 15 dollars is not enough.", None),  # denied after the verb: no answer
])
def test_what_a_sentence_opening_with_words_states_is_unchanged(text, answer):
    assert extract_answer(text)[0] == answer


def test_an_opening_value_is_graded():
    assert judge("30", "120 - 90 = 30\nThe answer is: 30 apartment units remain unoccupied.").verdict == "equal"
    assert judge("30", "120 - 70 = 50\nThe answer is: 50 apartment units remain unoccupied.").verdict == "not_equal"
