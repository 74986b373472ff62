"""Where a wrong answer's answer line is the located first error (``answer_contradicts_steps``): only when the
solution's last derived value before the final-answer statement, the answer step's own computation included, is
the reference answer, stated as a result (not under a supposition) by a claim the checker found true. And answer
options in the problem are candidates, not given numbers, for the keep rule's unchecked-step guard. Families found
on real data (MR-Ben, BIG-Bench Mistake), rebuilt here on small problems."""

from __future__ import annotations

from stepforge.labeling.locate import ANSWER_CONTRADICTS_STEPS, NOT_LOCATED, locate_answer_line, supposed
from stepforge.pipeline.keep import without_options
from stepforge.schema import Rejection, Trace


def _trace(rec: Trace | Rejection) -> Trace:
    return rec if isinstance(rec, Trace) else Trace.model_validate(rec.candidate)


# -- the answer step's own computation is the solution's last derivation (BIG-Bench Mistake arith-255's family) --

OPERAND = ("Compute (3 - 5) + (2 * 2 - 4 + 2).", "0",
           ["Let A = (3 - 5) and B = (2 * 2 - 4 + 2).",
            "Then A = 3 - 5 = -2.",
            "And B = 2 * 2 - 4 = 0.",  # drops the + 2 (B is 2): true arithmetic, a wrong step
            "So A + B = -2 + 0 = -2. So the answer is -2"])


def test_the_answer_steps_own_computation_ending_on_its_answer_is_what_the_steps_derived() -> None:
    _, gold, steps = OPERAND
    where = locate_answer_line(steps, gold)
    # B = 0 (an operand that equals the reference by coincidence) is not the last derivation: "-2 + 0 = -2" is
    assert where["rule"] == NOT_LOCATED and where["derived"] == "-2" and where["derived_step"] == 3
    # the answer step's computation before the answer sentence counts, in the same sentence as well
    where = locate_answer_line(["B = 2 * 2 - 4 = 0.", "A + B = -2 + 0 = -2, so the answer is -2"], "0")
    assert where["rule"] == NOT_LOCATED and where["derived"] == "-2"
    # a derivation that equals the reference and an answer line that states another value is still located
    where = locate_answer_line(["A + B = -2 + 2 = 0.", "So the answer is -2"], "0")
    assert where["rule"] == ANSWER_CONTRADICTS_STEPS and where["derived"] == "0"
    # an answer read without the sign written before it ("-$\pi/6$" read as \pi/6) is no contradiction
    steps = ["That angle is $\\pi/6$.", "So $\\arcsin(-1/2) = -\\pi/6$.\n\n# Answer\n\n-$\\pi/6$"]
    where = locate_answer_line(steps, "-\\frac{\\pi}{6}")
    assert where["rule"] == NOT_LOCATED  # the extractor reads the sign now; the sign guard stays as a second line
    # the answer line justifying its answer after stating it derives its own value: not located
    where = locate_answer_line(["B = 2 * 2 - 4 + 2 = 2.", "The answer is 5, since 3 + 2 = 5"], "2")
    assert where["rule"] == NOT_LOCATED


def test_an_answer_line_that_takes_a_value_the_steps_derived_is_not_located() -> None:
    # found on PRMBench: the unknown solved from a wrong equation is answered; a side value equals the reference
    steps = ["Let x be the 8th grade's seats: $65x = 52(18 - x)$, so $x = 8$.",
             "The 8th grade gets 8 seats and the 7th grade 18 - 8 = 10.", "# Answer: 8"]
    where = locate_answer_line(steps, "10")
    assert where["rule"] == NOT_LOCATED and where["derived"] == "10" and where["answer_line"] == "8"
    # a value stated after the derivation is found as a number of its own, not inside "40" when 4 was derived
    steps = ["Speed: 20 * 12/60 = 4 inches per second.", "So the speed is certainly 40.", "# Answer", "40"]
    where = locate_answer_line(steps, "4")
    assert where["rule"] == NOT_LOCATED and where["stated_later"] == "40"
    # restating the derived fraction is not another value
    steps = ["So $3 \\times 8 = 24$ and $24 / 144 = 1/6$.", "Of the choices, 1/6 matches.",
             "The answer is $\\boxed{6}$."]
    assert locate_answer_line(steps, "1/6")["rule"] == ANSWER_CONTRADICTS_STEPS


def test_an_operand_equal_to_the_reference_does_not_put_the_error_on_the_answer_line(record) -> None:
    rec = record(*OPERAND)
    t = _trace(rec)
    assert t.outcome.correct is False
    assert isinstance(rec, Rejection) and rec.reason == "error_not_located", rec
    assert t.steps[3].label.rating == 0 and t.steps[3].evidence["located"]["rule"] == NOT_LOCATED


# -- a value under a supposition is not a derived result (MR-Ben's "Consider Choice D: If y = 35") --

def test_a_value_under_a_supposition_is_not_what_the_steps_derived() -> None:
    steps = ["Consider Choice C: If y = 28, the total is x + (x + 14) + 28.",
             "Consider Choice D: If y = 35, the total is x + (x + 14) + 35.",
             "The only choice that works is C.", "The final answer is $\\boxed{28}$."]
    where = locate_answer_line(steps, "35")
    assert where["rule"] == NOT_LOCATED and where["derived"] == "35" and where["supposition"]
    # a checked-true claim under a supposition is no result either, and no earlier value stands in for it
    for tried in ("Testing choice D: $7 \\times 5 = 35$.", "Suppose the answer is D. Then $7 \\times 5 = 35$.",
                  "If we take option D, $7 \\times 5 = 35$.", "Let's try $7 \\times 5 = 35$."):
        steps = ["So $5 \\times 7 = 35$.", tried, "The answer is $\\boxed{28}$."]
        assert locate_answer_line(steps, "35")["rule"] == NOT_LOCATED, tried
    # "let's" + a verb is no supposition, nor a step that derives without one
    for derived in ("Let's compute: $7 \\times 5 = 35$.", "Let\u2019s compute: $7 \\times 5 = 35$.",
                    "So $7 \\times 5 = 35$."):
        steps = [derived, "The answer is $\\boxed{28}$."]
        assert locate_answer_line(steps, "35")["rule"] == ANSWER_CONTRADICTS_STEPS, derived
    assert supposed("Consider Choice D: If y = 35,", 28) == "Consider"
    assert supposed("Then A = 3 - 5 = -2.", 16) is None


def test_a_value_no_check_found_true_is_not_what_the_steps_derived() -> None:
    # "y = 35" names a value; nothing checked it true: not a result
    steps = ["The number of subsets is y = 35.", "The final answer is $\\boxed{28}$."]
    where = locate_answer_line(steps, "35")
    assert where["rule"] == NOT_LOCATED and "checked true" in where["detail"]
    # the claims a caller passes decide: the same step with a claim checked true is located
    claims = [[{"claim": "y = 35", "verdict": "true", "rule": "identity"}], []]
    assert locate_answer_line(steps, "35", claims=claims)["rule"] == ANSWER_CONTRADICTS_STEPS
    claims = [[{"claim": "y = 35", "verdict": "unknown", "rule": "claim_under_test"}], []]
    assert locate_answer_line(steps, "35", claims=claims)["rule"] == NOT_LOCATED


MULTIPLE_CHOICE = ("Tom buys 8 pens at 3 dollars each. How many dollars does he pay?\n\nA: 21\nB: 24\nC: 25\nD: 27",
                   "24")


def test_a_tried_option_is_not_kept_as_a_contradicted_derivation(record) -> None:
    rec = record(*MULTIPLE_CHOICE, ["Consider Choice C: if he pays 25 dollars, each pen costs more than 3 dollars.",
                                    "Consider Choice B: testing $3 \\times 8 = 24$ dollars.",
                                    "The only choice that fits is C.", "The final answer is $\\boxed{25}$."])
    assert isinstance(rec, Rejection) and rec.reason == "error_not_located", rec
    assert _trace(rec).first_error_index == -1


# -- answer options are candidates, not the problem's numbers (the unchecked-step guard) --

def test_answer_options_are_not_given_numbers() -> None:
    assert "24" not in without_options(MULTIPLE_CHOICE[0]) and "8 pens" in without_options(MULTIPLE_CHOICE[0])
    amc = "Find $n$.\n\n$\\textbf{(A)}\\ 24 \\qquad \\textbf{(B)}\\ 25 \\qquad \\textbf{(C)}\\ 28$"
    assert "25" not in without_options(amc) and "Find" in without_options(amc)
    listed = "Which shape is $z = 5$?\n(A) Line\n(B) Plane\n\nEnter the letter of the correct option."
    assert without_options(listed).endswith("Enter the letter of the correct option.")
    # one label, or labels out of order, is not an options list
    for text in ("Point (A) is at 3 and (C) at 4.", "A. 4 apples and 5 pears", "If $P(A) = 0.3$, $P(B) = 0.5$, find"):
        assert without_options(text) == text


def test_an_unchecked_step_stating_an_option_makes_a_later_slip_uncertain(record) -> None:
    problem = "Lena has 4 bags with 7 pencils in each bag. How many pencils does she have?"
    steps = ["Choice B looks right: 29 pencils.", "So she has $4 \\times 7 = 29$ pencils.",
             "The answer is $\\boxed{29}$."]
    # without options, 29 is a value the unchecked step brings in: the slip after it is not first for sure...
    rec = record(problem, "28", steps)
    assert isinstance(rec, Rejection) and rec.reason == "first_error_uncertain", rec
    # ...and with options listing 29 it is still a value the problem does not give
    rec = record(problem + "\n\nA: 28\nB: 29\nC: 30\nD: 32", "28", steps)
    assert isinstance(rec, Rejection) and rec.reason == "first_error_uncertain", rec
    assert "step 0" in rec.detail
    # the slip alone (no unchecked step stating an option) is kept at its step
    rec = record(problem + "\n\nA: 28\nB: 29\nC: 30\nD: 32", "28", steps[1:])
    assert isinstance(rec, Trace) and rec.first_error_index == 0
