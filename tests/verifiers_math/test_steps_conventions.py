"""The step checker reads the conventions of worked solutions (found on MATH's and GSM8K's own reference solutions,
which are right, and on real model solutions): each family is never refuted when written right, and still refuted
when the arithmetic under the convention is wrong."""

from __future__ import annotations

import pytest

from stepforge.verifiers.math import judge
from stepforge.verifiers.math.steps import StepContext, check_steps

NONE = StepContext()


def _one(text: str):
    (c,) = check_steps([text], NONE)
    return c


def _false(text: str) -> list[str]:
    return [c.claim for c in _one(text).claims if c.verdict == "false"]


# (right as written: never refuted, and checked true where the convention is the text's plain meaning)
RIGHT = [
    # plain text
    ("The 25 decorations were 1/3 of the total, so he used 25 / 1/3 = 75 decorations.", True),  # a tight fraction
    ("There are 3/ 1/4 = 12 one-fourth miles in 3 miles.", True),
    ("He can bake 2/ 1/5 = 10 cupcakes.", True),
    ("The price is $2,430 – ($1,250 + $850) = $2,430 – $2,100 = $330", True),  # en dash as minus
    ("her remaining time is 5/5 − 1/5 = 4/5 of the day.", True),  # U+2212
    ("B = (-2 * -4 - 8 + 2) = (8 - 8 + 2) = 2.", True),  # an operand's own sign after an operator
    ("so 7 - -7 * 4 = 35", True),
    ("So, Bea earned $2.50 - $2.24 = 26 cents more than Dawn.", True),  # dollars to cents
    ("There are 60 students x 2/3 = 40 students.", False),  # the times sign after a word continues the left side
    ("There are 15 cups because 12 x 1 and 1/4 = 15", False),  # a mixed number cut by "and"
    ("It takes 17/3 = 5 and 2/3 loads.", False),
    ("the sun will set at 6:00+48=6:48 PM", False),  # a clock, not arithmetic
    ("Tuesday:14/2=7", True),  # a label's colon before a number (GSM8K's own text)
    ("After 2 hours, the first car will have traveled 60 + 2(60) = 180 miles.", True),  # a product by juxtaposition
    ("Plug in the number of adults and children: 22(2) + 7(2) = $58 is the total cost", True),
    ("so (2)(3) = 6", True),
    ("Evaluate f(-3) = $(-3)^2$ + 6(-3) - 7 = 9 - 18 - 7 = -16.", False),  # a sign after math goes on from it
    ("f'(x) = (2/3)x^(-1/3) => f'(8) = (2/3)(8)^(-1/3) = 1/3", False),  # a function's argument is no left side
    # a name set again in the display just after: one chain (models write a computation one display a line)
    ("to find \\( O \\):  \\[ O = 22 \\times 16 \\] \\[ O = 352 \\]", True),
    ("\\[ D = 2(-2) + 8 \\] \\[ D = -4 + 8 \\]", True),
    ("\\[ \\text{Left} = 1955 \\text{ km} - 325 \\text{ km} \\] \\[ \\text{Left} = 1630 \\text{ km} \\]", True),
    ("\\[ x = \\frac{6+2}{2} \\] \\[ x = \\frac{6-2}{2} \\]", False),  # two roots: alternatives, not a chain
    ("\\[ x = 4 \\] \\[ x = 2 \\]", False),
    ("Second day:600/2=300 people", True),
    ("Time: 6:00+48=6:48", False),  # a clock after a label's colon
    ("Therefore, he has 12*1000= 12,000MB.", False),  # a number with its unit glued on: not read as 12
    ("$0.25G/$0.25 = $20/$0.25", False),  # a currency sign is not where a number starts inside "G/$0.25"
    # math
    ("$\\frac{4}{4}=1 \\qquad \\frac{4}{8}=\\frac{1}{2}\\qquad \\frac{4}{12} =\\frac{1}{3}$", True),  # side by side
    ("\\[\\frac{942}{5} = 188\\frac{2}{5} \\quad \\frac{188}{5} = 37\\frac{3}{5}\\]", True),
    ("it made $19{,}404\\pi \\div 6\\pi = 3234$ revolutions.", True),  # a braced thousands comma; a divisor 6pi
    ("There are $6!/3!3! = 20$ orders and $7!/5!2! = 21$ more.", True),  # factorials side by side under a slash
    ("Multiplying both parts by 6 gives $3:5 = 3\\cdot 6:5\\cdot 6 = 18:30$.", True),  # ratios
    ("her balance is $A=10000(1+0.06)^5=13382.255..$.", True),  # an ellipsis of two dots
    ("Thus the area is $\\pi 250^2\\approx196300$ square meters.", True),  # rounded to hundreds
    ("Since $f(0) = 0 < 1$ and $f$ is continuous", True),  # a value of an unknown function is not a constant
    ("For the opposite point, $\\theta' = \\theta + \\pi$.", False),  # a primed Greek letter is a name of its own
    ("$6 \\ast 8 = \\cfrac{6+8}{2}$ or 7.", False),  # an operator the problem defines
    ("In other words, \\[500 \\div 13=13 \\cdot 38+6.\\]", False),  # the division algorithm
    ("$452\\div(1+0.05)^{14} = 452\\div1.98 = 228.29$", False),  # an operand rounded earlier
    ("Therefore, in base $7$, we have $44 \\times 55 = 3506$.", False),  # another base
    ("Since her win ratio started at exactly .$500 = \\tfrac{1}{2},$ she played $2n$ games.", False),
    ("The deviations are (3-2), (0-2), …, (5-2) = 1, -2, …, 3", False),  # two lists matched member by member
    ("t = √80 = √(16 × 5) = 4√5", False),  # a root sign continues the left side
    ("Also, since $QZ:ZO = \\sqrt{3}:1$, then the angle is $60^\\circ$.", False),  # a ratio of unknown lengths
    ("He has to leave at 0900-0130 = 0730 hours", False),  # clock times
    ("the number of factors of $5$ in $42!$ is $42/5 + 42/25 = 8 + 1 = 9$.", False),  # whole-number division
    ("Arthur can buy 100 / 6 = 16 comic books", False),
    ("So 100 - 100/6 = 84 comic books are left", False),  # a binary minus: the quotient may still be whole
]


@pytest.mark.parametrize(("text", "checked_true"), RIGHT)
def test_a_convention_written_right_is_never_refuted(text: str, checked_true: bool) -> None:
    c = _one(text)
    assert c.rating != -1, (text, [(x.claim, x.verdict, x.rule) for x in c.claims])
    if checked_true:
        assert c.rating == 1, (text, [(x.claim, x.verdict, x.rule) for x in c.claims])


WRONG = [
    "he used 25 / 1/3 = 65 decorations.",
    "The price is $2,430 – ($1,250 + $850) = $2,430 – $2,100 = $320",
    "B = (-2 * -4 - 8 + 2) = (8 - 8) = 0.",  # drops the +2: the cut link is read now
    "so $2.50 - $2.24 = 36 cents",
    "Wednesday:35+8=44",
    "the first car will have traveled 60 + 2(60) = 190 miles.",
    "so 2(3 + 4) = 15",
    "to find \\( O \\):  \\[ O = 22 \\times 16 \\] \\[ O = 328 \\]",
    "\\[ \\text{Total cost} = 3 \\times 20 \\] \\[ \\text{Total cost} = 70 \\]",
    "\\[ 2B = 52.5 - 15 \\] \\[ 2B = 37.0 \\]",
    "$\\frac{4}{4}=2 \\qquad \\frac{4}{8}=\\frac{1}{2}$",
    "it made $19{,}404\\pi \\div 6\\pi = 3244$ revolutions.",
    "$12\\pi / 4\\pi = 4$",
    "There are $6!/3!3! = 21$ orders.",
    "so $3:5 = 18:31$",
    "her balance is $10000(1+0.06)^5=13392.255..$.",
    "$\\pi \\cdot 4 \\approx 10$",  # one significant digit: not a rounding to tens
    "$500 \\div 13 = 13 \\cdot 38 + 7$",
    "$0.2 \\cdot 80 = 18$",  # a one-place decimal is exact as written
    "$0.05 \\cdot 400 = 21$",  # a rounding over 1% of the operand: exact as written
    "$3.14 \\cdot 4 = 12.9$",
    "$a_1 = 5$ and $2 + 3 = 6$",  # a subscript on a letter is no base
    # a logarithm's base is no numeral base (PRMBench: "2^7 = 64" was left neutral as "computed in base 2")
    "So 2 to the seventh power is equal to 64, which means that the logarithm of 64 base 2 is 7.",
    "Since $\\log$ base $2$ of $64$ is the power, $2^7 = 64$.",
    "so 5 * 3 = 16, 16 + 2 = 18",  # a chain of results is no list
    "We have 3, 5 * 3 = 16",
    "$42/5 = 7$",  # neither the quotient nor the whole-number quotient
    # a fraction reduced wrongly: both sides divide, so neither is a whole-number quotient (though both are 2, 7)
    "Divide numerator and denominator by $2$: $\\frac{36}{14} = \\frac{19}{7}$.",
    "so 30/4 = 29/4",
    # fractions kept exact elsewhere in the claim: the 5/4 is no whole-number quotient (an antiderivative at -1)
    "At the lower bound: $- \\frac{5}{4} \\cdot \\left(-1\\right)^{4} - \\left(-1\\right)^{3} - \\frac{1}{2} \\cdot "
    "\\left(-1\\right)^{2} = - \\frac{1}{2}$.",
    "$\\frac{7}{2} + 1 = 4.5 - 0.5$",
    # a negated fraction is a coefficient, never a count of whole parts (the only division, so no other fraction
    # kept exact tells; 3 // 2 = 1 gives 1 - 1 + 3 = 1 where the value is 1/2)
    "At the lower bound: $- \\frac{3}{2} \\cdot \\left(-1\\right)^{4} - \\left(-1\\right)^{2} - 3 \\cdot "
    "\\left(-1\\right) = 1$.",
    "$x = -\\frac{7}{2} = -3$",
    "At the upper bound: $\\frac{3}{2} \\cdot 1^{4} + 1 = 2$.",  # a power: a polynomial evaluated, not a count
    "so 9/4 + 1/2 = 5/2",
]


@pytest.mark.parametrize("text", WRONG)
def test_wrong_arithmetic_under_a_convention_is_still_refuted(text: str) -> None:
    assert _false(text), [(x.claim, x.verdict, x.rule) for x in _one(text).claims]


def test_one_answer_boxed_in_two_forms_is_one_answer() -> None:
    assert judge("12x-34", "We obtain $\\boxed{12x -34}$, or $\\boxed{-34 + 12x}$.").verdict == "equal"
    assert judge("1/2", "$\\boxed{0.5}$ or $\\boxed{\\frac12}$").verdict == "equal"
    assert judge("2", "$\\boxed{2}$ and $\\boxed{3}$").verdict == "not_equal"  # two answers stay two
    assert judge("13", "$\\boxed{12x -34}$, or $\\boxed{-34 + 12x}$").verdict == "not_equal"


@pytest.mark.parametrize(("text", "answer"), [
    ("so the angle is found.\n\n# Answer\n\n-$\\pi/6$", "-\\pi/6"),  # the sign written before the math
    ("The answer is -$\\frac{1}{2}$.", "-\\frac{1}{2}"),
    ("The answer is $-\\frac12$", "-\\frac12"),
])
def test_a_minus_sign_before_the_math_belongs_to_the_answer(text: str, answer: str) -> None:
    from stepforge.verifiers.math.extract import extract

    assert extract(text).answer == answer
    assert judge(answer, text).verdict == "equal"
    assert judge(answer.lstrip("-"), text).verdict == "not_equal"


def test_a_name_set_again_keeps_its_own_claim() -> None:
    """The link read across two displays is a claim more, never instead of the second display's own: "x = 650"
    after "15.6x = 9360" is still a slip in solving, though 9360 / 14.4 = 650 holds (MathCheck)."""
    steps = ["We know her salary is $9,360.\nTherefore, $15.6x = $9,360", "Solve for the value of x.\nx = $9,360 / $14.4\nx = $650"]
    got = check_steps(steps, StepContext())
    assert got[1].rating == -1, [(c.claim, c.verdict, c.rule) for c in got[1].claims]
    assert ("x = 650", "false", "contradicts_solved_equation") in [(c.claim, c.verdict, c.rule) for c in got[1].claims]


def test_a_name_set_again_in_the_next_paragraphs_display_is_one_chain() -> None:
    """Models write a computation one display a paragraph, and a paragraph is a step (ProcessBench, RealCritic's
    GSM8K model solutions: 90 such displays in 273 wrong answers): the display that opens a step and sets the name
    the step before ended setting to a computation is read as that chain's next link."""
    steps = ["Now the total distance is:\n\\[\n\\text{Total distance} = 100 \\text{ miles} \\times 12\n\\]",
             "\\[\n\\text{Total distance} = 1300 \\text{ miles}\n\\]",
             "\\[\n\\text{Total distance} = 1200 \\text{ miles}\n\\]"]
    checks = check_steps(steps, StepContext())
    assert [c.rating for c in checks] == [0, -1, 1], [[(x.claim, x.verdict) for x in c.claims] for c in checks]
    right = check_steps([steps[0], steps[2]], StepContext())
    assert [c.rating for c in right] == [0, 1]


@pytest.mark.parametrize("between", [
    "So we have found it.\n\\[\n\\text{Total distance} = 1300 \\text{ miles}\n\\]",  # prose opens the step
    "\\[\n\\text{Distance} = 1300 \\text{ miles}\n\\]",  # another name
])
def test_a_display_after_prose_or_of_another_name_is_no_link(between: str) -> None:
    steps = ["Now the total distance is:\n\\[\n\\text{Total distance} = 100 \\text{ miles} \\times 12\n\\]", between]
    assert check_steps(steps, StepContext())[1].rating == 0


def test_a_step_that_ends_in_prose_gives_no_link() -> None:
    steps = ["\\[\n\\text{Total distance} = 100 \\times 12\n\\] which is what we need.",
             "\\[\n\\text{Total distance} = 1300\n\\]"]
    assert check_steps(steps, StepContext())[1].rating == 0


def test_a_step_that_opens_with_equals_continues_the_chain_the_step_before_ended() -> None:
    steps = ["So the sum is \\[ 3 + 4 \\times 2 \\]", "\\[ = 3 + 8 \\]", "\\[ = 12 \\]"]
    assert [c.rating for c in check_steps(steps, StepContext())] == [0, 1, -1]
    ended_in_prose = ["So the sum is \\[ 3 + 4 \\times 2 \\] as we see.", "\\[ = 12 \\]"]
    assert check_steps(ended_in_prose, StepContext())[1].rating == 0
