"""Final answers read from a competition solution's prose (CHAMP-style endings, no box, no marker): yes/no after an
answer marker, a count whose description restates the problem, a value followed by where it is reached, a plain-text
formula; and what must stay unread. A wrong reading makes a wrong verdict, so every family has its wrong cases."""

import pytest

from stepforge.verifiers.math import judge
from stepforge.verifiers.math.extract import conclusion, extract

_WORK = "We count the cases one by one and check each of them against the conditions of the problem.\n\n" * 4

PROBLEM = ("How many strings of length 6 using the digits {0, 1, ..., 9} have adjacent digits differing by at most 1? "
           "Fill a 2 x 7 rectangle; 4 horses run on the set {1, 2, 3, 4, 5, 6}.")


# --- yes / no after an answer marker -------------------------------------------------------------------------------

YES_NO = [
    ("Therefore, the answer is no, \\( n+2 \\) cannot be a factor of \\( 1^{1987} + 2^{1987} \\) for any \\( n \\).", "No"),
    ("Final Answer: No, the sequence does not contain the subsequence 3, 2, 6, 9.", "No"),
    ("Therefore, the answer is yes, $2n$ is always a sum of two perfect squares.", "Yes"),
    ("Therefore, the answer is no, it is not possible.", "No"),
    ("So the answer is no.", "No"),
]


@pytest.mark.parametrize("ending,value", YES_NO)
def test_yes_or_no_with_the_sentence_that_restates_it(ending, value):
    ex = extract(_WORK + ending)
    assert (ex.answer, ex.status) == (value, "ok")


@pytest.mark.parametrize("ending", [
    "Therefore, the answer is yes, there is no such $n$.",  # "yes" restated as a negation: commits to neither
    "The answer is no, because 5 is odd.",  # "no" restated without one
    "Therefore, the answer is no more than 5.",  # not a yes/no answer at all
])
def test_a_yes_or_no_its_restatement_contradicts_is_not_read(ending):
    ex = extract(_WORK + ending)
    assert ex.answer not in ("Yes", "No"), ex


def test_yes_and_no_are_compared_honestly():
    assert judge("No", _WORK + "Final Answer: No, the sequence does not contain it.").verdict == "equal"
    assert judge("No", _WORK + "Therefore, the answer is yes, $2n$ is always a sum of two squares.").verdict == "not_equal"
    assert judge("Yes", _WORK + "So the answer is no.").verdict == "not_equal"


def test_a_value_read_for_a_yes_no_question_decides_nothing():
    """"Since 1985 is prime, the only two roots are 1985" read as 1985 for "Is there ...?": not a yes/no answer."""
    v = judge("No", _WORK + "Since $1985$ is prime, the only root of this equation is $1985$.")
    assert (v.verdict, v.rule) == ("unparseable", "not_a_yes_no_answer")
    assert judge("yes", "\\text{maybe}").verdict == "not_equal"  # a word answer is still compared as one
    assert judge("5", "Yes").verdict == "not_equal"


# --- a count whose description restates the problem's givens ------------------------------------------------------

COUNTS = [
    ("Therefore, there are 29 valid strings of length 6 that have adjacent digits differing by less than or equal to 1.",
     "29"),
    ("Therefore, there are 239 such strings of length 6.", "239"),
    ("Therefore, there are 76 involutions on the set {1, 2, 3, 4, 5, 6}.", "76"),
    ("Therefore, there are 35 different ways for 4 horses to go through the finish line, including the possibility of "
     "ties.", "35"),
    ("Therefore, there are 8 ways to fill a 2 x 7 rectangle.", "8"),
    ("So, there are 40 ways to distribute the toys such that at least two boys are selected.", "40"),
    ("In conclusion, there are \\( 98 \\) values of \\( n \\) in the set \\( \\{1, 2, 3, 4, 5, 6\\} \\) for which "
     "\\( n^2 > 1 \\).", "98"),
]


@pytest.mark.parametrize("ending,value", COUNTS)
def test_a_count_whose_description_restates_the_problem_is_read(ending, value):
    assert conclusion(ending, PROBLEM) == value
    if any(c.isdigit() for c in ending.split(value, 1)[1]):
        assert conclusion(ending) is None  # without the problem, a number after the count is not known to restate it


@pytest.mark.parametrize("ending", [
    "So there are 12 strings of length 8.",  # 8 is not the problem's: another quantity
    "So there are 4 choices for each of the 6 digits.",  # a factor of the count, not the count
    "So there are 4 ways for 6 strings, so the answer is 24.",  # the sentence goes on to another value
    "So there are 3 more strings of length 6.",  # a difference
    "So, there will be 40 strings of length 6.",  # a prediction
    "Therefore, there are 29 strings of length 6 = 2 x 7 + 15.",  # a relation after the count
    "So there are 5 apples in each box that she bakes.",  # a count per box, not the count asked for
    "So there are 5 apples left that John has.",  # what remains, not what was asked
])
def test_a_count_with_other_values_is_not_read(ending):
    assert conclusion(ending, PROBLEM) is None


def test_a_count_computed_in_the_sentence_is_read_as_before():
    assert conclusion("So there are 4 * 6 = 24 eggs in all.", "A box holds 6 eggs. How many eggs in 4 boxes?") == "24"


def test_the_verdict_reads_the_count_with_the_problem():
    text = _WORK + "Therefore, there are 239 such strings of length 6."
    assert judge("239", text, problem=PROBLEM).verdict == "equal"
    assert judge("240", text, problem=PROBLEM).verdict == "not_equal"
    assert judge("239", text).verdict == "unparseable"  # no problem: not read


# --- "is equal to" -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ending,value", [
    ("Therefore, the limit of the sequence \\( \\{a_n\\} \\) exists and is equal to 3.", "3"),
    ("So the answer is equal to $\\frac{1}{2}$.", "\\frac{1}{2}"),
    ("So the total is equal to 3 + 4 = 7.", "7"),
])
def test_a_value_after_is_equal_to_is_read(ending, value):
    assert conclusion(ending) == value  # was None: "equal" was taken for the verb and "to 3" for what follows it


def test_is_equal_to_with_a_second_value_is_not_read():
    assert conclusion("The area is equal to 12 when the side is 4.") is None


# --- a value, then where it is reached ------------------------------------------------------------------------------

REACHED = [
    ("So, the smallest value of f(x) = (x^2 + 2) / sqrt(x^2 + 1) for real x is 2, and it occurs when x = 0.", "2"),
    ("Therefore, the smallest value of the given expression is $0$, which occurs when $a=b$.", "0"),
    ("This means that the largest value of (a * b^n)^(1/(n+1)) / (a + nb) is 1, and this is achieved when a = b.", "1"),
    ("Therefore, the minimum value is 4 when x = 2.", "4"),
    ("Therefore, the number of tilings such that the tiling is same when the board is flipped is $2^{3} = 8$.", "8"),
]


@pytest.mark.parametrize("ending,value", REACHED)
def test_where_a_value_is_reached_is_not_a_second_value(ending, value):
    problem = "Find the smallest value of f(x) = (x^2 + 2) / sqrt(x^2 + 1) for real x."
    assert conclusion(ending, problem) == value


def test_at_least_and_latex_commands_are_not_conditions_or_second_statements():
    """PRMBench endings the first version of these rules lost: "at least once" is no condition; "\\frac" no word."""
    ending = ("Finally, the largest value of $a$ such that the graph of $y=f(x)$ intersects every horizontal line at "
              "least once is $a=2$.")
    assert conclusion(ending) == "a = 2"
    chain = "f(-2) + f(-1) + f(0) = 2 + \\frac{5}{3} + 1 = \\frac{6}{3} + \\frac{5}{3} + \\frac{3}{3} = \\frac{14}{3}."
    assert conclusion(chain) == "\\frac{14}{3}"
    assert conclusion("The minimum is 2, which is achieved at a = b.") == "2"


@pytest.mark.parametrize("ending", [
    "Therefore the area is 12 when the side is 4.",  # was read as 4: the last verb's value is the condition's
    "So the answer is 2 for n = 1 and 5 for n = 2.",  # two values
    "So the minimum is 2 when x = 1, and 3 when x = 2.",  # two values
    "Therefore, the smallest value is a, where a is positive.",  # a name, then what it is
])
def test_a_value_with_a_second_one_is_not_read(ending):
    assert conclusion(ending) is None


# --- a formula written in plain text ---------------------------------------------------------------------------------

FORMULAS = [
    ("So, the expression for the number of ways to place n rooks peacefully is n!.", "n!"),
    ("So, the number of distinct arrangements, considering both rotations and reflections, is (n-1)!/2.", "(n-1)!/2"),
    ("So, the total number of ways to select the triple is n*(n+1)*(2n+1)/6.", "n*(n+1)*(2n+1)/6"),
    ("Thus, the largest value of the expression is √3 / 3.", "√3 / 3"),
    ("Therefore, the minimum value of the expression is n^n / (n - 1) as an expression of n.", "n^n / (n - 1)"),
    ("So, P(n+1) = (n+1)/(n+2).", "(n+1)/(n+2)"),
]


@pytest.mark.parametrize("ending,value", FORMULAS)
def test_a_plain_text_formula_ending_the_sentence_is_read(ending, value):
    assert conclusion(ending) == value


@pytest.mark.parametrize("ending", [
    "So the answer is 2 x 7.",  # a product written with x: read as 2·x·7
    "So the smallest value is a constant.",  # words
    "So the smallest value is (n+1.",  # unbalanced
    "So the smallest value is n+1 for large n.",  # the sentence goes on
    # arithmetic on numbers not done: the value is not stated (and grading calls it "not a final answer")
    "Therefore, by inclusion-exclusion, the number of ways that all three lanes are occupied is 3^6 - 3 * 2^6 + 3 * 1.",
])
def test_a_formula_that_is_not_alone_or_not_whole_is_not_read(ending):
    assert conclusion(ending) is None


def test_a_plain_formula_is_judged():
    assert judge("n(n+1)(2n+1)/6", _WORK + "So, the total number of ways is n*(n+1)*(2n+1)/6.").verdict == "equal"
    assert judge("(n+1)/(r+1)", _WORK + "So, the mean is (n+1) / (n-r+1).").verdict == "not_equal"


# --- a word problem's last sentence restating the result the work computed last ------------------------------------

_SHOP = "Howard had $100 and spent $20 on Monday and twice that on Tuesday. How much is left after 5 days?"


def _work(result: str) -> str:
    return ("First, we find what he spent on Tuesday:\n\\[ 2 \\times 20 = 40 \\]\n\n"
            f"Then we subtract what he spent:\n\\[ 100 - 20 - 40 = {result} \\]\n\n")


RESTATED = [
    ("So, Howard has $40 left.", "40"),
    ("Therefore, Howard still holds $40 after 5 days.", "40"),  # a given number as a circumstance
    ("Howard had $40 to save from his allowance.", "40"),  # no conclusion word: the last line is the statement
    ("So, 40\\% of the money is left.", "40\\%"),
    ("5. Howard kept 40 dollars in the end.", "40"),  # a list item's own number opens the line
]


@pytest.mark.parametrize("ending,value", RESTATED)
def test_a_sentence_restating_the_last_result_is_read(ending, value):
    ex = extract(_work("40") + ending, _SHOP)
    assert (ex.answer, ex.how) == (value, "conclusion")


UNREAD_RESTATEMENTS = [
    "So, Howard has $50 left.",  # not the value the work computed last
    "So, Howard has $40 left and owes $30.",  # a second new number
    "So, Howard has 40 dollars and 20 cents left.",  # a given number that is not a circumstance
    "So, Howard could have $40 left.",  # a possibility
    "So, Howard should have $40 left, but this was flawed logic.",  # a doubt
    "So, Howard does not have $40 left.",  # a negation
    "Since Howard has $40 left, he can buy the toy.",  # a reason, not the result
    "So, in interval notation: $(-1, 40]$.",  # an interval
    "So, Howard has 40 dozen coins left.",  # the number counts dozens
    "Is it $40 that Howard has left?",  # a question
]


@pytest.mark.parametrize("ending", UNREAD_RESTATEMENTS)
def test_a_sentence_that_does_not_plainly_restate_the_last_result_is_not_read(ending):
    assert conclusion(_work("40") + ending, _SHOP) is None


@pytest.mark.parametrize("last", ["\\text{Total} = \\$6 + \\$12", "3y = 18y", "t = 18 x 2", "t = 18 \\times 2"])
def test_no_restatement_is_read_when_the_work_ends_on_an_expression(last):
    text = f"We add them:\n\\[ {last} \\]\n\nSo, Adam had $18 to contribute."
    assert conclusion(text, "Adam got $6 from his mother.") is None


def test_a_restated_result_is_judged_against_the_reference():
    text = _work("40") + "So, Howard has $40 left."
    assert judge("40", text, problem=_SHOP).verdict == "equal"
    assert judge("30", text, problem=_SHOP).verdict == "not_equal"


def test_currency_on_two_lines_is_currency_on_each():
    # two lone dollars on two lines pair up over the text, but neither line opens math
    text = "He spent $20 on Monday.\n\n" + _work("40") + "So, Howard has $40 left."
    assert extract(text, _SHOP).answer == "40"


# --- an answer marker before a sentence that restates the last result ----------------------------------------------

MARKED = [
    "The answer is 40 dollars of his allowance.",  # three words of prose after the number
    "Answer: Howard saved 40 dollars during the week",
    "The answer is: Howard still holds 40 dollars in his piggy bank.",
    "The answer is Howard will end the week with 40 dollars.",
    "The answer is Howard kept 40 dollars of his allowance for 5 days.",  # a given number as a circumstance
]


@pytest.mark.parametrize("ending", MARKED)
def test_a_marker_before_a_sentence_restating_the_last_result_is_read(ending):
    """GPT-4-style endings ("The answer is 14 glasses of water.") that no marker reading takes (prose after the
    number): read only as the result the work derived last, so the answer line cannot contradict the steps."""
    ex = extract(_work("40") + ending, _SHOP)
    assert (ex.answer, ex.how, ex.status) == ("40", "conclusion", "ok")
    assert judge("40", _work("40") + ending, problem=_SHOP).verdict == "equal"
    assert judge("30", _work("40") + ending, problem=_SHOP).verdict == "not_equal"


UNREAD_MARKED = [
    "The answer is Howard saved 50 dollars during the week.",  # not the value the work computed last
    "The answer is Howard saved 40 dollars and 30 cents during the week.",  # a second new number
    "The answer is Howard possibly saved 40 dollars during the week.",  # a possibility
    "The answer is Howard did not save 40 dollars during the week.",  # a negation
    "The answer is 40 dollars or more in savings.",  # an alternative
    "The answer is 40 dozen coins in his savings.",  # the number counts dozens
    "The answer is Howard saved 40 dollars during the week?",  # a question
    "The answer is Howard saved 40 dollars.\n\nBut wait, he also spent money on Wednesday.",  # the text goes on
]


@pytest.mark.parametrize("ending", UNREAD_MARKED)
def test_a_marker_before_a_sentence_that_does_not_restate_the_last_result_reads_nothing(ending):
    ex = extract(_work("40") + ending, _SHOP)
    assert ex.answer is None or ex.status != "ok", (ex.answer, ex.how, ex.status)


def test_a_marker_the_existing_readings_take_is_read_as_before():
    """The restatement is a fallback: a number with a short unit, a box, math after the marker keep their reading."""
    for ending, answer, how in (("The answer is 40 dollars.", "40 dollars", "answer_colon"),
                                ("The answer is $\\boxed{40}$.", "40", "boxed"),
                                ("The answer is $40$.", "40", "answer_colon")):
        ex = extract(_work("40") + ending, _SHOP)
        assert (ex.answer, ex.how, ex.status) == (answer, how, "ok"), ending


PARSED_AS_SENTENCES = [
    "The answer is Howard has $40 left after buying the toy.",  # the marker's reading, "$40 left after ...", is no value
    "The answer is: Howard will have 40 dollars left after the week.",
    "The answer is Howard saves $40 by skipping the movie.",
]


@pytest.mark.parametrize("ending", PARSED_AS_SENTENCES)
def test_a_marker_reading_that_does_not_parse_takes_the_restated_result(ending):
    """The marker's reading is the words after the sentence's verb ("$40 left after buying the toy"), which no answer
    parser reads: the verdict then takes the value the sentence restates when it is the work's last result."""
    text = _work("40") + ending
    v = judge("40", text, problem=_SHOP)
    assert (v.verdict, v.pred) == ("equal", "40"), v
    assert judge("30", text, problem=_SHOP).verdict == "not_equal"
    other = _work("35") + ending  # the sentence states another value than the work's last: no verdict
    assert judge("40", other, problem=_SHOP).verdict == "unparseable"
    assert judge("35", other, problem=_SHOP).verdict == "unparseable"


def test_a_negative_result_restated_and_a_result_derived_in_words_are_read():
    """MathCheck endings: "The answer is -117 post-it notes were in the package." after "... = -117" (the minus
    sign was taken for a range's dash), and "... which equals $5.50." as the work's last result."""
    work = "She adds them:\n\\[ 23 + 80 - 220 = -117 \\]\n\n"
    text = work + "The answer is -117 post-it notes were in the package she purchased."
    assert judge("-117", text).verdict == "equal"
    assert judge("117", text).verdict == "not_equal"
    assert conclusion(work + "So there are 5-117 notes in the package.") is None  # a range's dash, not a sign
    words = ("Multiply 9.5 packages by $1, which equals $9.50.\n\nSubtract $9.50 from $15, which equals $5.50.\n\n"
             "The answer is Vincent saves $5.50 by choosing the better price option.")
    assert judge("5.50", words).verdict == "equal"
    assert judge("6", words).verdict == "not_equal"
    assert judge("6", words.replace("saves $5.50", "saves $6")).verdict == "unparseable"
