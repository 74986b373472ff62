"""Step parser, versioned prompts and the --problems file format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepforge.errors import UserError
from stepforge.generators.llm.parse import last_boxed, parse_solution, split_steps
from stepforge.generators.llm.problems import load_problems
from stepforge.generators.llm.prompts import MATH_STEPS, PromptTemplate, load_template


@pytest.mark.parametrize(
    "text,method,steps",
    [
        ("Step 1: a = 1.\nStep 2: b = 2.\nStep 3: \\boxed{3}", "numbered", ["a = 1.", "b = 2.", "\\boxed{3}"]),
        ("**Step 1:** x\n**Step 2.** y", "numbered", ["x", "y"]),
        ("1. first\n2) second\n3. third", "numbered", ["first", "second", "third"]),
        ("Intro.\nStep 1: x\nStep 2: y", "numbered", ["Intro.", "x", "y"]),
        ("first para\nstill first\n\nsecond\n\n\n third ", "paragraphs", ["first para\nstill first", "second", "third"]),
        ("one\ntwo", "lines", ["one", "two"]),
        ("just one", "whole", ["just one"]),
    ],
)
def test_split_steps(text: str, method: str, steps: list[str]) -> None:
    p = split_steps(text)
    assert p.method == method and [s.text for s in p.steps] == steps
    for s in p.steps:
        assert text[s.span[0] : s.span[1]] == s.text  # spans point into the raw text


def test_separator_wins_and_is_recorded() -> None:
    p = split_steps("a ## b ## c\n\nd", separator="##")
    assert p.method == "separator" and p.separator == "##" and [s.text for s in p.steps] == ["a", "b", "c\n\nd"]


def test_code_blocks_are_never_cut() -> None:
    text = "Step 1: plan\nStep 2: write it\n```python\ndef f(x):\n    # 1. not a step\n\n    return x\n```\nDone."
    p = parse_solution(text, "code")
    assert [s.text for s in p.steps][:2] == ["plan", "write it"]
    assert p.code == "def f(x):\n    # 1. not a step\n\n    return x\n"
    assert p.steps[2].code == p.code and p.steps[3].text == "Done."


def test_last_boxed_nested() -> None:
    assert last_boxed("\\boxed{1} then \\boxed{\\frac{1}{2}}") == "\\frac{1}{2}"
    assert last_boxed("no box") is None and last_boxed("\\boxed{unclosed") is None


def test_prompt_versions_and_demos(tmp_path: Path) -> None:
    msgs = MATH_STEPS.messages("What is 1 + 1?")
    assert msgs[0]["role"] == "system" and "Step k:" in msgs[0]["content"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert msgs[-1]["content"] == "Problem: What is 1 + 1?"
    changed = MATH_STEPS.model_copy(update={"conditions": ["Be brief."]})
    assert changed.id.split("#")[0] == MATH_STEPS.id.split("#")[0] and changed.id != MATH_STEPS.id
    f = tmp_path / "t.json"
    f.write_text(changed.model_dump_json())
    assert load_template(str(f)).id == changed.id
    f.write_text(json.dumps({"name": "x"}))
    with pytest.raises(UserError, match="invalid template"):
        load_template(str(f))
    assert isinstance(load_template("code-steps"), PromptTemplate)


def test_problems_file_math_and_code(tmp_path: Path) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text(
        json.dumps({"problem": "1+1?", "answer": 2, "level": 1}) + "\n\n" + json.dumps({"id": "b", "problem": "x", "answer": "y"}) + "\n"
    )
    tasks = load_problems(f, "math")
    assert tasks[0].reference.answer == "2" and tasks[0].metadata == {"level": 1} and tasks[1].task_id == "b"
    row = {"task_id": "H/0", "prompt": "def f():\n", "entry_point": "f", "test": "def check(c): pass", "canonical_solution": "  return 1\n"}
    f.write_text(json.dumps(row) + "\n")
    (t,) = load_problems(f, "code")
    assert t.reference.entry_point == "f" and t.reference.solution == "  return 1\n"


@pytest.mark.parametrize(
    "content,domain,msg",
    [
        ("{bad json\n", "math", r"p.jsonl:1: not JSON"),
        ('{"problem": "x"}\n', "math", "need an 'answer'"),
        ('{"answer": 1}\n', "math", "non-empty string 'problem'"),
        ('{"id": "a", "problem": "x", "answer": 1}\n{"id": "a", "problem": "y", "answer": 2}\n', "math", ":2: duplicate id"),
        ('{"task_id": "a", "prompt": "p"}\n', "code", "entry_point, test"),
        ("\n", "math", "no problems"),
        ("[1]\n", "math", "expected a JSON object"),
    ],
)
def test_problems_file_errors(tmp_path: Path, content: str, domain: str, msg: str) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text(content)
    with pytest.raises(UserError, match=msg):
        load_problems(f, domain)


def test_problems_file_missing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_problems(tmp_path / "nope.jsonl", "math")


@pytest.mark.parametrize("text", [
    "Step 1: x\n" + " " * 1_000_000 + "x",                 # a long blank line: no step label on it
    "1. a\n" + "\t " * 500_000 + "*",
    "```" + " " * 1_000_000 + "x",                         # a fence then blanks and no newline
    "```" + "\t" * 1_000_000 + "py x\n",
])
def test_a_reply_with_a_long_blank_run_is_split_without_backtracking(text):
    """Overlapping blank runs in the step-label and code-fence patterns backtracked quadratically (hours at a
    million blanks). The deadline only detects a hang."""
    import threading

    out: list = []
    worker = threading.Thread(target=lambda: out.append((parse_solution(text, "math"), parse_solution(text, "code"))),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "parse_solution hangs on a blank run"
    assert out[0][0].steps


@pytest.mark.parametrize("text, method", [
    ("`" * 1_000_000, "whole"),                    # backticks and no newline: each start scanned to the end (50k: 6.5 s)
    ("a\n" + "`" * 1_000_000, "lines"),
    ("```\n" * 250_000, "lines"),                  # many fences: every line was tested against every fence (80k: 13 s)
    ("```\nx = 1\n" * 100_000, "lines"),
])
def test_a_reply_of_many_backticks_or_fences_is_split_in_linear_time(text, method):
    """The code-fence search and the inside-a-fence test, on degenerate replies; the deadline only detects a hang."""
    import threading

    out: list = []
    worker = threading.Thread(target=lambda: out.append((parse_solution(text, "math"), parse_solution(text, "code"))),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "parse_solution hangs on backticks"
    assert out[0][0].method == method and out[0][0].steps


def test_fence_spans_and_the_inside_test_are_those_of_the_plain_search():
    """Same spans as ``_FENCE.finditer`` (back-to-back fences included) and the same inside-a-fence answers as a scan
    of every fence, on random replies over the tokens the pattern reads."""
    import random

    from stepforge.generators.llm import parse as P

    rng = random.Random(5)
    tokens = ["`", "``", "```", "\n", "a", " ", "py", "\n\n", "```python\n", "\t"]
    for _ in range(20_000):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 30)))
        spans = [m.span() for m in P._FENCE.finditer(text)]
        assert P._fenced_ranges(text) == spans, text
        for pos in range(len(text) + 2):
            assert P._inside(pos, spans) == any(a < pos < b for a, b in spans), (text, pos)
