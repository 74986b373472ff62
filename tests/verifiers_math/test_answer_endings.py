"""Final answers a solution states in its last sentences without a marker, by family (found on PRMBench's training
split and on RealCritic's model solutions): a closing remark after the answer, a value restated with "which is", a
lead that gives the value ("That gives us ..."), "... and therefore ...", a reason or an operation before the
statement, a quantity named with a word the reader took for a doubt ("expected value", "test scores"), a count worked
out in the sentence, a word problem's answer sentence. And what stays unread: a supposition, a check, a hedge, a
bound, a difference, an equation in unknowns."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math import extract as extract_fn

_WORK = ("We start from the relations given in the problem and simplify each of them in turn.\n"
         "Then we combine the simplified relations into one equation and solve it.\n"
         "The intermediate values are checked against the problem's conditions as we go.\n")
_PROBLEM = "Four balls are put in 3 boxes. In how many ways can the balls be put in the boxes?"


def _read(ending: str, problem: str | None = None) -> str | None:
    ex = extract_fn(_WORK + ending, problem)
    return ex.answer if ex.how == "conclusion" and ex.status == "ok" else None


READ = [
    # closing remarks after the sentence that states the answer, on its line or on lines of their own
    ("So $f(3)=8+5-2=11$.\nOk. That's our final answer.", "11"),
    ("So the number of ways is $6*5=30$.\nYou're right!", "30"),
    ("So, the whole expression simplifies to $\\frac{-1-5i}{13}$.\nAnd we're done.", "\\frac{-1-5i}{13}"),
    ("So the total is $40$.\nThat was a hard problem.", "40"),
    ("Which is 13.\nRight.\nYay!", "13"),
    # a value restated: the last member of the "which is" chain, or "Which is ..." restating the step before
    ("So (7@4) - (4@7) = 14 - 20\nWhich is -6.", "-6"),
    ("This simplifies to $2(382)$, which is $764$.", "764"),
    ("So the volume of one wedge is $\\frac{1}{4} \\cdot 288\\pi$, which is $72\\pi$.", "72\\pi"),
    ("So it is 14 - 20, which is -6.", "-6"),
    ("Which is $\\frac{11-1}{2}$, which is $\\frac{10}{2}$, which is $5$.", "5"),
    ("Which is equal to $275$ feet.", "275"),
    # a lead whose verb gives the value
    ("That gives us $67+9=76$ numbers.", "76"),
    ("So we get 12 apples.", "12"),
    # what "therefore" concludes
    ("So $|z|^2 = 81$ and therefore $|z| = 9$.", "9"),
    # a reason or an operation before the statement
    ("Since $2^2$ is the only common divisor of $a+4$ and $a^2 + 9a + 24$, the greatest common divisor is $2^2 = 4$.",
     "4"),
    ("And since we're taking the log base 10, this is equal to 8.", "8"),
    ("And if we divide both sides by $6$, we get $x=-3.5$.", "x = -3.5"),
    ("Rounded to the nearest tenth, that is 17.5.", "17.5"),
    # a quantity's own name
    ("So the expected value is 50.", "50"),
    ("So, the mean of the six test scores is 50.", "50"),
    ("So the common ratio is definitely $-\\frac{3}{2}$.", "-\\frac{3}{2}"),
    # a word problem's answer sentence: a conclusion word, a subject and its verb, one number
    ("So, James runs a total of 540 meters a week.", "540"),
    ("Therefore, each uniform costs $175.", "175"),
    ("So, Sophia can drive 100 miles on a single tank of gas.", "100"),
    ("So, it will take Tom 1.25 hours to catch up with Bob.", "1.25"),
    ("That means that he borrowed $\\$132$.", "132"),
    ("This means that $f^{-1}(0) + f^{-1}(6) = 0$.", "0"),  # functions applied, not an equation in unknowns
    ("So $a-b = 0$.", "0"),  # a difference of two names, not an equation with coefficients
]

NOT_READ = [
    "Let's say $\\log_{11} 12 = y$, so therefore $\\log_{11} 121 = 2y$.",  # rests on a supposition
    "Since we assumed $x = 3$, the sum is $8$.",  # a supposition as the reason
    "Having assumed and checked the same, $x = 2$.",  # a supposition
    "If $x = 3$, we get $y = 5$.",  # a condition
    "And if we move the first digit to the end, we get 258741, which is indeed equal to 188811.",  # a check
    "So we get 258741, which is equal to 188811.",  # two numbers said equal, not one value restated
    "The value is $5$, which is the answer we want.",  # "which" names no value
    "So our final equation is $x^2 - 4x + 4 = 0$.",  # an equation in unknowns states no value
    "Thus, considering a hypothetical shift, the leading coefficient becomes $-10$.",  # a supposition
    "Therefore, there seemed to be 5 positive integers.",  # a doubt
    "So the original expression simplifies to \\sin^2 y.",  # an expression, not the 2 of its power
    "So, Jane must score at least 24 points on the third test to pass.",  # a bound
    "So, Sam took 2 more hours than Bill to travel the 400 miles.",  # a difference
    "So, Mary could bake 12 pans.",  # a possibility
    "So, the polygon has approximately 27 sides.",  # an estimate
    "So, you can run 2000 cycles with the new box if you use 1 pod per cycle.",  # a condition, two numbers
    "And since we're taking the log base 10, this remains equal to 8 when it should be 8.301.",  # set against another
    "Let's check: $3 + 4 = 7$.\nThat is correct.",  # an agreement after a check states no answer
    "So the sum is $7$. So the sum is $12",  # an unclosed math span (or currency?) in a solution written with $...$
    "If we divide again by 2, we get $-3/2x + 5/2y - 9/2z - 2 = 0$.",  # an equation set to zero (a plane)
    "Thus, the third side can be 3.",  # a possibility
    "Therefore, the final answer should have been 10000 given the circular justification.",  # counterfactual
    "In fact, after reconsideration, the cost excludes hidden expenses, therefore, $93 - 15 = \\$98$.",  # retracted
    "So the unicycle's speed is definitely 50 pi inches per second.",  # 50 is a factor of the value
    "Right. So, in a leap year, Suzanne walks 40 miles in February.",  # a clause before: a case, not the result
    "So the count is 4 * 6 = 24, which is 2 dozen eggs.",  # 2 counts dozens: not the value restated
    "So, he bought 2 dozen eggs.",  # a number that counts dozens
]


@pytest.mark.parametrize("ending,value", READ)
def test_an_ending_that_states_its_result_is_read(ending: str, value: str) -> None:
    assert _read(ending) == value


@pytest.mark.parametrize("ending", NOT_READ)
def test_an_ending_that_states_no_plain_result_is_not_read(ending: str) -> None:
    assert _read(ending) is None


def test_a_count_worked_out_in_the_sentence_is_the_count() -> None:
    ending = "So there are a total of $1 + 2 + 1 = 4$ ways to put the balls in the boxes."
    assert _read(ending, _PROBLEM) == "4"
    assert _read("So there are $3 - 4 = 12$ ways to put the balls in the boxes.", _PROBLEM) is None  # not a sum
    assert _read("So there are 12 more ways to put the balls in the boxes.", _PROBLEM) is None  # a difference


def test_closing_remarks_are_stepped_over_a_few_lines_only() -> None:
    assert _read("So the total is $40$.\nRight.\nYay!\nWe did it!") == "40"
    assert _read("So the total is $40$.\n" + "Right.\n" * 6 + "Yay!") is None  # too far back to be the answer
