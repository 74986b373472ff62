"""False alarms found on PRM800K's human-rated GPT-4 solutions (phase 1, steps rated right by the raters): each a
reading of the text the writer did not mean. Each is neutral or true now, and the slip next to it is still refuted.
And lists of divisors in words, which number theory solutions state in prose, checked as the whole set they claim."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math import check_answer
from stepforge.verifiers.math.steps import StepContext, check_steps


def _one(text: str):
    (c,) = check_steps([text], StepContext())
    return c


@pytest.mark.parametrize("text, rating", [
    # factorials side by side after a slash are the denominator: n!/(k!(n-k)!)
    ("So 8!/2!6! is equal to 8*7/2 which is 28.", 1),
    ("So 10!/3!7! = 120.", 1),
    ("So 8!/2!6! = 20.", -1),
    # a letter over a bare slash that cancels: the numerator's brackets left out ((28-y)/y), not the number 27
    ("Now, we can substitute. x/y=4/3 -> 28-y/y=4/3.", 0),
    ("$3(x+2) - 3x = 5$", -1),  # letters that cancel by sums still make a false claim
    # cis(t) = cos t + i sin t, and a one-sided limit's point, are no products of letters or powers
    ("That gives us $cis\\left(0\\right) = 1$.", 0),
    ("Since $3^+>3$, we use the first formula, so $f(3^+)=3^+ +2=5$.", 0),
    ("$2^-1 = 2$", -1),
    # a quotient rounded to the nearest whole number, "=" for "about": not sure enough to refute
    ("That's right. So 200 / 0.4536 = 441 pounds.", 0),
    ("So 200 / 0.4536 = 442 pounds.", -1),
    ("$7/2 = 4$", -1),  # a one-digit whole number is no rounding kept
    ("so the total cost of the shorts is 3 * $16.50 = $50.", -1),  # 49.50 has its decimals: a slip
    ("the monkey eats 291 / 7 = 42 bananas each day.", 0),
    ("Ratio of 2x to x is 2:3, so 2x/x = 2/3.", -1),  # 2 however it is grouped
    # the second member of a pair a noun phrase names is not the subject of "is"
    ('The expression $|x-\\sqrt[5]{16}|=3$ can be read as "the distance between $x$ and $\\sqrt[5]{16}$ is $3$."', 0),
    ("The sum of $2^3$ and $2^2$ is $12$.", 0),
    ("So $2+3$ is $6$.", -1),
])
def test_readings_found_on_prm800k(text: str, rating: int) -> None:
    c = _one(text)
    assert c.rating == rating, c.claims


def test_a_test_carried_over_several_steps_is_not_asserted() -> None:
    # plugging in a candidate, simplifying the tested relation step by step, then rejecting it: none is refuted
    steps = ["If we plug in $-7$ for $x$, we get $|-7-3| = 2(-7) + 4$.",
             "That simplifies to $|-10| = -14 + 4$.",
             "$|-10|$ is $10$, so the equation becomes $10 = -14 + 4$.",
             "Which further simplifies to $10 = -10$. This is incorrect, so $x$ cannot be $-7$.",
             "So $3 + 4 = 8$."]
    c = check_steps(steps, StepContext())
    assert [x.rating for x in c] == [0, 0, 0, 0, -1], [x.claims for x in c]
    assert c[1].claims[0].rule == "claim_under_test"


PROBLEM = ("Suppose that $a$ is inversely proportional to $b$. Let $a_1,a_2$ be two nonzero values of $a$ such that "
           "$\\frac{a_1}{a_2}=\\frac{2}{3}$. Let the corresponding $b$ values be $b_1,b_2$. If $b_1,b_2$ are nonzero, "
           "find the value of $\\frac{b_1}{b_2}$.")
LAST = ("This simplifies to $\\frac{b_2}{b_1}=\\frac{2}{3}$, so $\\boxed{\\frac{b_1}{b_2}=\\frac{3}{2}}$."
        "\n\n# Answer\n\n"
        "\\frac{3}{2}")


def test_a_box_naming_the_value_asked_for_is_that_value() -> None:
    # the box states what the problem asks for with its name, and the answer line restates the value: one answer
    v = check_answer("\\frac{3}{2}", LAST, problem=PROBLEM)
    assert v.verdict == "equal", v
    (c,) = check_steps([LAST], StepContext(gold="\\frac{3}{2}", problem=PROBLEM))
    assert c.rating == 1, c.claims
    wrong = LAST.replace("{3}{2}}$", "{2}{3}}$").replace("Answer\n\n\\frac{3}{2}", "Answer\n\n\\frac{2}{3}")
    (w,) = check_steps([wrong], StepContext(gold="\\frac{3}{2}", problem=PROBLEM))
    assert w.rating == -1, w.claims


@pytest.mark.parametrize("text, rating", [
    ("The factors of 18 are 1, 2, 3, 6, 9, and 18.", 1),
    ("The positive divisors of 80 are: \\(1, 2, 4, 5, 8, 10, 16, 20, 40, 80\\).", 1),
    ("The proper divisors of 284 are 1, 2, 4, 71, and 142.", 1),
    ("The prime factors of 60 are 2, 3 and 5.", 1),
    ("The divisors of 1978 are 1, 2, 23, 43, 46, 86, 989, and 1,978.", 1),
    # a divisor missed or made up: the list claims the whole set
    ("The divisors of 1978 are 1, 2, 43, 46, 94, 215, 989, and 1978.", -1),
    ("The divisors of 12 are \\( 1, 2, 3, 4, 6, \\) and \\( 12 \\). So the factors of 20 are 1, 2, 4, 5, 10.", -1),
    # not a whole set, or not a plain list: unread
    ("Some factors of 18 are 2 and 3.", 0),
    ("Some of the factors of 18 are 2 and 3.", 0),
    ("The integers from 1-9 that are divisors of 24,516 are 1, 2, 3, 6, and 9.", 0),
    ("The even divisors of 12 are 2, 4, 6 and 12.", 0),
    ("The positive factors of $28$ are $(1,28),$ $(2,14),$ $(4,7).$", 0),
    ("The factors of 12 are 1, 2, 3, 4, 6 and 12 and 5 of them are even.", 0),
    ("The factors of 600 are 1,2,3,4,5,6,8,10,12,15,20,24,25,30,40,50,60,75,100,120,150,200,300,600.", 0),
])
def test_a_list_of_divisors_in_words_is_checked_as_the_whole_set(text: str, rating: int) -> None:
    c = _one(text)
    assert c.rating == rating, c.claims
