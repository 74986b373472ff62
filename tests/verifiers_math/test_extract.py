"""Final-answer extraction from whole solutions."""

import pytest

from stepforge.verifiers.math import extract_answer

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
