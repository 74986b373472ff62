"""The pieces: the critic protocol's reader and vote, prefixes of a solution's text, strategy names."""

from __future__ import annotations

import pytest

from stepforge.candidate import Candidate, join_steps
from stepforge.generators.llm.parse import parse_solution
from stepforge.generators.llm.sampling import candidate_from
from stepforge.labeling import resolve
from stepforge.labeling._critic import critique_prompt, majority, read_index
from stepforge.labeling._rollouts import Rollouts
from stepforge.labeling.base import LabelContext
from stepforge.labeling.models import StrategyOptions
from stepforge.schema import Generation, Reference, Segmentation, Task


def test_read_index_takes_the_last_box_in_range_only() -> None:
    assert read_index("Paragraph 2 is wrong.\n\\boxed{2}", 5) == 2
    assert read_index("\\boxed{1} ... on reflection \\boxed{-1}", 5) == -1
    assert read_index("\\boxed{\\text{3}}", 5) == 3
    for bad in ("no box here", "\\boxed{5}", "\\boxed{-2}", "\\boxed{two}", "\\boxed{1.5}", ""):
        assert read_index(bad, 5) is None


def test_majority_ties_go_to_the_earlier_step() -> None:
    assert majority([3, 1, 3, 1], 6) == 1
    assert majority([-1, 4], 6) == 4  # "no error" ranks after every step
    assert majority([-1, -1, 2], 6) == -1
    assert majority([], 6) is None


def test_critique_prompt_indexes_paragraphs_and_adds_hints() -> None:
    text = critique_prompt("What is 1+1?", ["a", "b"], "math", ["paragraph 1: the claim '1+1=3' does not hold"])
    assert "<paragraph_0>\na\n</paragraph_0>" in text and "<paragraph_1>\nb\n</paragraph_1>" in text
    assert "the claim '1+1=3'" in text and text.endswith("in \\boxed{}.")


def _cand(text: str, domain: str = "math") -> Candidate:
    task = Task(task_id="t", prompt="p", reference=Reference(answer="1"))
    return candidate_from(parse_solution(text, domain), task, domain, Generation(generator="x", seed=0,
                                                                                 raw_response=text), id="c", index=0)


def test_prefixes_are_the_solution_text_through_a_step_and_its_separator() -> None:
    c = _cand("Step 1: Compute $1+1=2$.\nStep 2: Compute $2+2=4$.\nStep 3: The final answer is \\boxed{4}.")
    r = Rollouts(c, LabelContext(), StrategyOptions())
    assert r.size == 3 and r.prefix(0) == ""
    assert r.prefix(1) == "Step 1: Compute $1+1=2$.\n"
    assert r.prefix(2) == "Step 1: Compute $1+1=2$.\nStep 2: Compute $2+2=4$.\n"
    steps = ["First.", "Second.", "The answer is $\\boxed{1}$."]
    raw, spans = join_steps(steps)
    c2 = Candidate(id="c", index=0, domain="math", family="f", task=c.task, segmentation=Segmentation(separator="\n\n"),
                   generation=Generation(generator="x", seed=0, raw_response=raw), steps=steps, spans=spans,
                   final_answer="1")
    assert Rollouts(c2, LabelContext(), StrategyOptions()).prefix(2) == "First.\n\nSecond.\n\n"


def test_code_prefixes_go_on_line_by_line_inside_the_fence() -> None:
    text = ("Step 1: Loop.\nStep 2: Return.\n```python\ndef f(x):\n\n    y = x + 1\n    return y\n```")
    c = _cand(text, "code")
    r = Rollouts(c, LabelContext(task=object()), StrategyOptions(), lines=True)
    # plan steps, then the code after each non-blank line but the last, then the whole code step
    assert r.size == 2 + 2 + 1
    assert r.prefix(2) == "Step 1: Loop.\nStep 2: Return.\n"
    assert r.prefix(3) == "Step 1: Loop.\nStep 2: Return.\n```python\ndef f(x):\n"
    assert r.prefix(4).endswith("def f(x):\n\n    y = x + 1\n")
    assert r.step_of(4) == 2 and r.line_of(4) == 3 and r.line_of(2) is None


def test_strategy_names() -> None:
    assert resolve("consensus:mc+judge").name == "consensus:mc+judge"
    assert resolve("consensus:mc+judge").domains == ("math", "code")
    with pytest.raises(ValueError, match="needs an argument"):
        resolve("consensus")
    with pytest.raises(ValueError, match="two strategies"):
        resolve("consensus:mc")
    with pytest.raises(ValueError, match="takes no argument"):
        resolve("mc:judge")
    with pytest.raises(KeyError):
        resolve("consensus:mc+nothing")
    assert resolve("consensus:mc+symbolic").domains == ("math",)


@pytest.mark.parametrize("reply", ["\\boxed{" + " " * 1_000_000 + "x}", "\\boxed{\\text{" + "\n " * 500_000 + "2 ?}"])
def test_read_index_of_a_box_of_blanks_finishes(reply) -> None:
    """Two overlapping blank runs in the index reader backtracked quadratically (hours at a million blanks).
    The 60 s deadline only detects a hang."""
    import threading

    out: list = []
    worker = threading.Thread(target=lambda: out.append(read_index(reply, 5)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "read_index hangs on a box of blanks"
    assert out == [None]
