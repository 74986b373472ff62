"""Final-answer extraction from whole solutions."""

import pytest

from stepforge.verifiers.math import extract, extract_answer, judge

CASES = [
    (r"so the result is \boxed{\frac{1}{2}}.", r"\frac{1}{2}", "boxed"),
    (r"\boxed{\{1, \{2\}\}}", r"\{1, \{2\}\}", "boxed"),
    (r"first \boxed{3} then, correcting, \boxed{4}", "4", "boxed"),
    (r"Thus $x = \boxed{2}$ and $y = \boxed{5}$", "x = 2, y = 5", "boxed"),
    (r"x=\boxed{2} or x=\boxed{3}", "x = 2, x = 3", "boxed"),
    (r"\boxed{840} \boxed{840}", "840", "boxed"),
    (r"we get \fbox{7} as the total", "7", "boxed"),
    ("Final Answer: The final answer is $12$. I hope it is correct.", "12", "final_answer"),
    ("Step 1 ...\n\n# Answer\n\n40,\\!000", "40,\\!000", "hash_answer"),
    ("Some work.\nAnswer: 17 apples", "17 apples", "answer_colon"),
    ("<think>maybe \\boxed{3}</think> The answer is $4$.", "4", "answer_colon"),
    ("<answer>\\frac{3}{4}</answer>", "\\frac{3}{4}", "answer_tag"),
    ("所以答案是 5", "5", "answer_colon"),
    ("$\\frac{1}{3}$", "\\frac{1}{3}", "bare"),
    ("-1 + exp(16)", "-1 + exp(16)", "bare"),
    ("The roots are $x=2$ or $x=3$", "x=2, x=3", "math_env"),
    ("**Final Answer**\n\\[ \\boxed{9} \\]", "9", "boxed"),
    ("", None, "none"),
    (r"so $\boxed{50}\%$ of them", "50\\%", "boxed"),
    ("The answer is 5. Wait, no: the answer is 6.", "6", "answer_colon"),
    ("x" * 100, "x" * 100, "bare"),
]


@pytest.mark.parametrize("text,answer,how", CASES)
def test_extract(text, answer, how):
    assert extract_answer(text) == (answer, how)


def test_unbalanced_box_is_not_an_answer():
    assert extract_answer(r"\boxed{12")[0] != "12"


# ---------------------------------------------------------------------------------------- no backtracking hangs
# Each text below made one of the extractor's patterns backtrack quadratically (a run retried from each of its
# characters): at a million characters that is hours. They finish in milliseconds now; the 60 s deadline is only
# a hang detector, not a speed goal. The private helpers are called because extract() reads only the last 50,000
# characters, where a quadratic reader still "only" takes a minute.
_N = 1_000_000


def _finishes(call, deadline: float = 60.0):
    import threading

    out: list = []
    worker = threading.Thread(target=lambda: out.append(call()), daemon=True)
    worker.start()
    worker.join(deadline)
    assert not worker.is_alive(), "the extractor hangs (catastrophic backtracking)"
    return out[0]


@pytest.mark.parametrize("after", [
    "a" + " " * _N + "x",                      # blanks after the answer, then no "I hope it is correct"
    "." + "\n" * _N + "I hope it is",
    " \t\n" * (_N // 3) + "I hope",
])
def test_a_long_blank_run_after_the_answer_is_read_without_backtracking(after):
    from stepforge.verifiers.math.extract import _after_status

    assert _finishes(lambda: _after_status(after))[0] == "ok"


@pytest.mark.parametrize("text", [
    "\\boxed{3}" + " " * _N + "x",              # blanks after a box and no percent sign
    "\\boxed{3}" + "\t " * (_N // 2) + "$ " + " " * _N + "pct",
])
def test_blanks_after_a_box_are_read_without_backtracking(text):
    from stepforge.verifiers.math.extract import _box_run

    assert _finishes(lambda: _box_run(text))[0] == "3"


@pytest.mark.parametrize("text", [
    "# Answer" + " " * _N + "x",                # a header marker, blanks, then more text on the line
    "## Final Answer" + "\t" * _N + ".",
    "**Final Answer" + " " * _N + "x",
    "**Final Answer" + " \t" * (_N // 2) + "*",
    "#### 3" + " " * _N + "x",                  # GSM8K's marker, blanks inside the answer line
    "#### 3 " + "\t " * (_N // 2) + ",",
])
def test_answer_markers_followed_by_long_blank_runs_are_read_without_backtracking(text):
    from stepforge.verifiers.math.extract import _markers

    _finishes(lambda: _markers(text))


@pytest.mark.parametrize("ans", [
    "3" + ".;" * (_N // 2) + "x",                # a run of marks that does not end the answer
    "3" + "\\text{ . }" * (_N // 10) + "x",
    "3" + "**" * (_N // 2) + "x",
    "3" + "\\text{.}" * (_N // 8) + "x",
])
def test_trailing_marks_are_stripped_without_backtracking(ans):
    from stepforge.verifiers.math.extract import _clean_tail

    assert _finishes(lambda: _clean_tail(ans)) == ans


def test_a_run_of_trailing_marks_is_stripped_whole():
    from stepforge.verifiers.math.extract import _clean_tail

    assert _clean_tail("3" + ".;" * 50_000) == "3"
    assert _clean_tail("\\frac{1}{2} \\text{ . }**") == "\\frac{1}{2}"
    assert _clean_tail("**Yes!**") == "Yes"


@pytest.mark.parametrize("span", [
    "\\(" * (_N // 2),                          # math openers that never close
    "\\[" * (_N // 2),
    "\\) x. " + "\\( a" * (_N // 4),            # ... after the last closer
    "$x$. \\\\(" * (_N // 8),
])
def test_unclosed_math_openers_are_read_without_backtracking(span):
    from stepforge.verifiers.math.extract import _first_sentence_end, _prose

    _finishes(lambda: (_first_sentence_end(span), _prose(span)))


# Found on real model solutions (PRM800K processes in PRMBench): each of these was read as a *different* answer,
# so a right solution was judged wrong.
FACTORIALS = [
    ("So the answer is 5! * 3!.", "5! * 3!"),
    ("Therefore the answer is $4! \\cdot 2$.", "4! \\cdot 2"),
    ("The answer is 10! / 2.", "10! / 2"),
    ("The answer is 5!.", "5!"),
    ("5! * 3! is our answer.", "5! * 3!"),
    ("The count is 7!\n", "7!"),
]


@pytest.mark.parametrize("text,answer", FACTORIALS)
def test_a_factorial_is_not_the_end_of_a_sentence(text, answer):
    assert extract_answer(text)[0] == answer


def test_an_exclamation_before_a_new_sentence_still_ends_it():
    assert extract_answer("Hence the answer is 12! Great, done.")[0] == "12"


@pytest.mark.parametrize("judged", [
    "I conclude that my answer is correct.",
    "So our answer is indeed correct, and we are done.",
    "It checks out: the answer is right.",
    "Our answer is consistent with the special case.",
    "I think my answer is wrong",
])
def test_a_judgement_of_an_answer_is_not_an_answer(judged):
    assert extract_answer(judged)[0] is None
    # the answer given before it is the one read
    assert extract_answer(f"The answer is $42$.\n{judged}")[0] == "42"


def test_a_closing_clause_that_judges_the_answer_is_not_part_of_it():
    assert extract_answer("The answer is 7, which is correct.")[0] == "7"
    assert extract_answer("The answer is $7$, which is indeed right!")[0] == "7"


@pytest.mark.parametrize("head", [" # Answer", "  ## Answer:", "\t# Final Answer"])
def test_an_indented_answer_header_is_a_marker(head):
    text = f"Thus the count is 5! * 3! = 120 * 6.\nThe constraint is 5! * 3!.\n{head}\n720"
    assert extract_answer(text) == ("720", "hash_answer")


# ------------------------------------------------------------------------ prose endings (no answer marker)
# A model's solution often ends in a sentence, not a box: the value is read from its last sentence only when that
# sentence states one result and nothing else; otherwise there is still no answer.
_WORK = ("We start from the relations given in the problem and simplify each of them in turn.\n"
         "Collecting the terms on one side gives a linear equation, which we solve directly.\n"
         "Substituting back confirms that the intermediate quantities are consistent with the data.\n")

READ = [
    ("Hence the total number of marbles is 57.", "57"),
    ("So altogether Maria has 36 cookies.", "36"),
    ("Consequently, there are 210 committees that can be formed.", "210"),
    ("Thus there are 15 diagonals.", "15"),
    ("The remainder is $-7$.", "-7"),
    ("The area of the garden is $6 \\times 24 = 144$ square feet.", "144"),
    ("Therefore, $p + q = 9 + 14 = 23$.", "23"),
    ("So $y = \\frac{3}{5}$.", "y = \\frac{3}{5}"),
    ("Finally, the largest possible value of $k$ is $\\frac{7}{2}$.", "\\frac{7}{2}"),
    ("In conclusion, the probability is \\dfrac{5}{36}.", "\\dfrac{5}{36}"),
    ("The length of the hypotenuse is $13.$", "13"),
    ("Right. So the number of handshakes is $\\binom{8}{2} = 28$.", "28"),
    ("So the perimeter is $4 \\cdot 9 = 36$ cm.\nAnd that's our answer.", "36"),
    ("So the perimeter is $4 \\cdot 9 = 36$ cm. That is the final answer.", "36"),
    ("So the price of one ticket is $17$.\nRight.", "17"),  # an agreement: the sentence before states the answer
    ("So the refund was $\\$45$.", "\\$45"),
    ("That's $48 / 2 = 24$.", "24"),
    ("Solving, $3k = 12 \\implies k = 4$.", "k = 4"),
]

NOT_READ = [
    "If $x = 4$, then the sum is $10$.",  # a condition
    "So the radius is $\\sqrt{9}$ meters, which is 3 meters.",  # two values
    "This means Tom has 5 apples and 12 - 5 = 7 pears.",  # two results
    "So the quotient is $x^2 + 1$ and the remainder is $3$.",  # two results
    "Therefore, the answer is probably 12.",  # a hedge (and a marker: not this reader's)
    "We should check whether the sum is $12$.",  # a check
    "So the value of $n$ is $8$, since the sequence repeats.",  # the sentence goes on after its value
    "The product is not $24$.",  # a negation
    "Thus the remaining number of coins is 5 more than before.",  # a comparison, not a value
    "So the polygon has approximately 27 sides.",  # an estimate
    "Right.",  # no value
    "This confirms the assumption holds.",  # no value
    "So the sum is $12",  # an unclosed math span
    "Is the total $40$?",  # a question
    "Now we compute $2 + 3 = 5$ and $5 \\cdot 4 = 20$.",  # two statements, no result
    "So $x > 3$.",  # a condition, not a value
    "And that's our answer.",  # points at a previous step that states no value
    "Each of the boxes holds 5 apples.",  # a statement about every case, not a concluded result
    "Solving, $3k = 12 \\implies k > 4$.",  # an inequality
]


@pytest.mark.parametrize("ending,value", READ)
def test_a_prose_ending_that_states_one_result_is_read(ending, value):
    from stepforge.verifiers.math.extract import extract

    ex = extract(_WORK + ending)
    assert (ex.answer, ex.how, ex.status) == (value, "conclusion", "ok")


@pytest.mark.parametrize("ending", NOT_READ)
def test_an_ambiguous_prose_ending_is_not_read(ending):
    from stepforge.verifiers.math.extract import extract

    ex = extract(_WORK + "So far the sum of the first terms is $7$.\n" + ending)
    assert ex.how != "conclusion" and ex.answer in (None, "probably 12") or ex.status != "ok", ex


def test_only_the_last_sentence_concludes():
    """A result stated earlier is not the answer when the last sentence states none."""
    from stepforge.verifiers.math.extract import extract

    assert extract(_WORK + "So the total is $42$.\nWe still have to subtract the broken ones.").answer is None
    assert extract(_WORK + "So the total is $42$. Now consider the broken ones.").answer is None


def test_a_marker_or_a_box_still_decides_over_a_prose_ending():
    from stepforge.verifiers.math.extract import extract

    assert extract(_WORK + "The answer is $5$.\nSo the sum is $6$.").answer == "5"
    assert extract(_WORK + "We get $\\boxed{5}$.\nSo the sum is $6$.").answer == "5"


def test_a_prose_ending_is_judged():
    from stepforge.verifiers.math import judge

    text = _WORK + "Consequently, there are 210 committees that can be formed."
    assert judge("210", text).verdict == "equal"
    assert judge("211", text).verdict == "not_equal"
    # a value restated ("$\\sqrt{9}$, which is 3") is the value; two numbers said equal are a check, not one value
    assert judge("3", _WORK + "So the radius is $\\sqrt{9}$, which is 3.").verdict == "equal"
    assert judge("210", _WORK + "So we get 258741, which is indeed equal to 188811.").rule == "no_pred_answer"


@pytest.mark.parametrize("text", [
    "So " * (_N // 3) + "the sum is 5.",  # a run of conclusion words
    "Right. " * (_N // 7) + "So the sum is $5$.",  # a run of agreements
    "x = 1\n" * (_N // 6) + "Therefore, " + "$a$ " * 1000 + "is 4.",  # many lines, then many spans
    "Hence " + "$" * _N,  # unclosed math
])
def test_the_concluding_sentence_reader_does_not_hang(text):
    from stepforge.verifiers.math.extract import conclusion

    _finishes(lambda: conclusion(text))


@pytest.mark.parametrize("text", [r"\frac{dM}{dt}=3M", r"\frac{dy}{dx} = 3y", r"\dfrac{dV}{dt}=4\pi r^2",
                                  r"\frac{d^2y}{dx^2} = -y"])
def test_a_derivative_s_differentials_are_no_words(text: str) -> None:
    """``dM`` and ``dt`` of ``\\frac{dM}{dt}`` are no prose: the equation is the answer, left side and all, as a
    reference's is (RealCritic minerva_math: a right differential equation was judged a relation against a scalar)."""
    assert extract(text).answer == text and extract(text).how == "bare"


def test_a_differential_equation_answer_equals_itself_and_its_scaled_form() -> None:
    gold = r"\frac{dM}{dt}=\frac{10^{5}L_{\odot}}{0.007c^{2}M_{\odot}^{6}}M^{6}"
    assert judge(gold, gold).verdict == "equal"
    assert judge(gold, r"\frac{dM}{dt} = \frac{10^8 L_{\odot}}{7 c^2 M_{\odot}^6} M^6").verdict == "equal"
    assert judge(gold, r"\frac{dM}{dt} = \frac{10^7 L_{\odot}}{7 c^2 M_{\odot}^6} M^6").verdict == "not_equal"
