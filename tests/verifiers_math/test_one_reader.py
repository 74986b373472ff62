"""One final-answer extractor for the answer verifier, the LLM trace and the step checker: they agree."""

from __future__ import annotations

import pytest

from stepforge.generators.llm.parse import last_boxed as llm_last_boxed
from stepforge.verifiers.math import judge
from stepforge.verifiers.math.steps import StepContext, check_steps

CASES = [
    # (solution's last step, gold, the verdict all three must reach)
    (r"Hence $x=\boxed{2}$ or $x=\boxed{3}$.", "2, 3", "equal"),
    (r"x=\boxed{2} or x=\boxed{3}", "2, 3", "equal"),
    (r"The answer is \fbox{7}.", "7", "equal"),
    (r"So $\boxed{\frac{1}{2}}$ and $\boxed{3}$.", r"\{\frac12, 3\}", "equal"),
    (r"x=\boxed{2} or x=\boxed{3}", "3", "not_equal"),
    (r"first \boxed{3} then, correcting the sign, \boxed{4}", "4", "equal"),
]


@pytest.mark.parametrize("text,gold,verdict", CASES)
def test_three_readers_agree(text, gold, verdict):
    # 1. the answer verifier on the whole text
    assert judge(gold, text).verdict == verdict
    # 2. the LLM trace's final answer, judged as the pipeline judges it
    final = llm_last_boxed(text)
    assert final is not None
    assert judge(gold, final).verdict == verdict
    # 3. the step checker's final-answer claim on the same step
    (step,) = check_steps([text], StepContext(gold=gold))
    finals = [c for c in step.claims if c.rule.startswith("final_answer")]
    assert finals, step.claims
    assert finals[-1].verdict == {"equal": "true", "not_equal": "false"}[verdict]


def test_fbox_is_seen_by_the_step_checker():
    (step,) = check_steps([r"Therefore the total is \fbox{7}."], StepContext(gold="7"))
    assert step.rating == 1 and step.rule == "final_answer:exact_int"


def test_the_trace_keeps_every_box_of_a_list_answer():
    assert llm_last_boxed(r"x=\boxed{2} or x=\boxed{3}") == "x = 2, x = 3"
    assert llm_last_boxed(r"\boxed{1} then \boxed{\frac{1}{2}}") == r"\frac{1}{2}"
