"""Reference answers for rows without one: the built-in GSM8K and MATH sets, a user's files, which one wins, and a
problem answered two ways left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepforge.errors import UserError
from stepforge.generators.sources import references as refs
from stepforge.datasets import importers
from stepforge.schema import Trace


def _trace(problem: str, answer: str | None = None) -> Trace:
    """A ProcessBench row as imported (no reference answer of its own), or with ``answer`` as its own."""
    row = {"id": "t", "generator": "g", "problem": problem, "steps": ["2 + 2 = 4."], "final_answer_correct": None,
           "label": -1}
    (trace,) = importers.iter_traces("processbench", [row])
    if answer is None:
        return trace
    ref = trace.task.reference.model_copy(update={"answer": answer})
    return trace.model_copy(update={"task": trace.task.model_copy(update={"reference": ref})})


def test_the_builtin_sets_hold_every_problem_with_an_answer() -> None:
    gsm, math = refs.load("gsm8k"), refs.load("math")
    assert gsm is not None and math is not None
    # MATH's test set holds one problem twice, in two layouts ("$4^{a}=5$" and "$4^a = 5$"), with one answer
    assert len(gsm) == 1319 + 7473 and len(math) == 5000 - 1
    assert all(r.answer.strip() for r in (*gsm.values(), *math.values()))
    assert all(r.solution for r in (*gsm.values(), *math.values()))
    # a GSM8K answer is the number after "####", commas dropped; a MATH answer the solution's last box
    assert {r.origin for r in gsm.values()} == {"builtin:gsm8k-test", "builtin:gsm8k-train"}
    assert all("," not in r.answer for r in gsm.values())
    assert refs.load(None).keys() == (gsm.keys() | math.keys()) == refs.load("builtin").keys()


def test_a_users_file_named_first_wins_and_an_ambiguous_problem_is_left_out(tmp_path: Path) -> None:
    natalia = next(k for k, v in refs.load("gsm8k").items() if v.answer == "72" and k.startswith("Nataliasold"))
    problem = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. " \
              "How many clips did Natalia sell altogether in April and May?"
    assert refs.problem_key(problem) == natalia
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps({"problem": problem, "answer": "73"}) + "\n"
                    + json.dumps({"question": "Two ways?", "answer": "1"}) + "\n"
                    + json.dumps({"question": "Two  ways?", "answer": "2"}) + "\n"
                    + json.dumps({"question": "One way?", "answer": "So 2 + 2 = 4.\n#### 4"}) + "\n")
    first = refs.load(f"{mine},gsm8k")
    assert first[natalia].answer == "73" and first[natalia].origin == str(mine.resolve())
    assert refs.load(f"gsm8k,{mine}")[natalia].answer == "72"
    assert refs.problem_key("Two ways?") not in first  # answered 1 and 2: no honest reference
    assert first[refs.problem_key("One way?")] == ("4", "So 2 + 2 = 4.\n", str(mine.resolve()))
    assert refs.describe(f"{mine},math") == f"{mine.resolve()}, builtin:math-test"
    assert refs.load("none") is None and refs.describe("none") == "none"


def test_with_reference_fills_only_what_a_row_lacks() -> None:
    table = refs.load("gsm8k")
    problem = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.\n" \
              "How many clips did Natalia sell altogether in April and May?"
    got = refs.with_reference(_trace(problem), table)
    assert got.task.reference.answer == "72" and "48/2" in (got.task.reference.solution or "")
    assert got.task.metadata["reference_from"] == "builtin:gsm8k-train"
    own = refs.with_reference(_trace(problem, answer="70"), table)  # the row's own reference stays
    assert own.task.reference.answer == "70" and "reference_from" not in own.task.metadata
    assert refs.with_reference(_trace("Not a known problem."), table).task.reference.answer is None


@pytest.mark.parametrize(("spec", "message"), [
    ("nope.jsonl", "no such file, and not a built-in set"), ("none,math", "give it alone"), (" , ", "is empty"),
])
def test_bad_specs_are_one_clear_error(spec: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        refs.parse_spec(spec)


def test_a_file_without_answers_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"problem": "x"}\n')
    with pytest.raises(UserError, match="bad.jsonl:1: not an object with 'problem'"):
        refs.load(str(bad))


def test_copies_of_a_problem_written_with_another_layout_meet_its_reference() -> None:
    """Copies of MATH's problems differ in layout only (a dollar escaped or not, ``\\(…\\)`` for ``$…$``, thin
    spaces): they get the official answer; a copy that changes a number does not."""
    math = refs.load("math")
    pencils = "Three pencils and a jumbo eraser cost $1.24. Five pencils and a jumbo eraser cost $1.82. " \
              "No prices include tax. In cents, what is the cost of a pencil?"  # MATH writes $\$1.24$
    root = r"Find all values of \(x\) that satisfy the equation \(x = \sqrt{11-2x}+4\)."  # MATH: $x=\!\sqrt{…}$
    assert math[refs.problem_key(pencils)].answer == "29"
    assert math[refs.problem_key(root)].answer == "x=5"
    assert refs.problem_key(pencils.replace("1.82", "1.83")) not in math
    assert refs.problem_key(root.replace("11-2x", "12-2x")) not in math
    # layout is all the key drops: the built-in sets keep one key per problem (MATH's one problem written twice aside)
    assert len(refs.load("builtin")) == 1319 + 7473 + 5000 - 1


@pytest.mark.parametrize(("copy", "answer"), [
    # PRMBench's copies of MATH test problems: display math as \[...\], $$...$$, \(...\) or bare
    (r"Solve the following equation for $x$: \[ \\ \frac{2}{3} = \frac{4}{x-5}.\]", "11"),
    # quotes, a display block's delimiters and line break dropped
    (r"The set of vectors $\mathbf{v}$ such that \[\operatorname{proj}_{\begin{pmatrix} 2 \\ 1 \end{pmatrix}} "
     r"\mathbf{v} = \begin{pmatrix} 0 \\ 0 \end{pmatrix}\] lie on a line. Enter the equation of this line in the "
     r"form '$y = mx + b$'.", "y = -2x"),
    # a one-character group: MATH writes \frac{x}2
    (r"Solve for $x$: $\frac{x}{2} + \frac{x}{3} = 5$", "6"),
    # \dots for $\ldots$
    ("The Fibonacci sequence is the sequence 1, 1, 2, 3, 5, \\dots where each term is the sum of the previous two "
     "terms. What is the remainder when the $100^{\\mathrm{th}}$ term of the sequence is divided by 4?", "3"),
    # row breaks written \\ or \ (an align* environment's)
    (r"Given that \begin{align*}x_{1}&=211,\\ x_{2}&=375,\\ x_{3}&=420,\\ x_{4}&=523,\\ \text{and}\\ x_{n}&=x_{n-1}-"
     r"x_{n-2}+x_{n-3}-x_{n-4}\\ \text{when}\\ n\geq5, \end{align*}find the value of $x_{531}+x_{753}+x_{975}$.",
     "898"),
    # a control space written as a row break
    (r"Assume $0 < r < 3$. Below are five equations for $x$. Which equation has the largest solution $x$?  "
     r"$\textbf{(A)}\\ 3(1 + r)^x = 7\qquad \textbf{(B)}\\ 3(1 + r/10)^x = 7\qquad \textbf{(C)}\\ 3(1 + 2r)^x = 7$ "
     r"$\textbf{(D)}\\ 3(1 + \sqrt {r})^x = 7\qquad \textbf{(E)}\\ 3(1 + 1/r)^x = 7$", "\\text{(B)}"),
])
def test_copies_in_another_display_layout_meet_their_reference(copy: str, answer: str) -> None:
    """Layout is what the key drops: display delimiters, row breaks and alignment, bracket sizing, spacing, the
    spelling of one command (``\\dfrac``/``\\frac``, ``\\ldots``/``\\dots``, ``\\leq``/``\\le``), a one-character group,
    quotes; a copy that changes what is asked does not meet it."""
    math = refs.load("math")
    assert math[refs.problem_key(copy)].answer == answer


@pytest.mark.parametrize(("one", "other"), [
    (r"Compute $\frac{1}{23}$.", r"Compute $\frac{12}{3}$."),  # the groups of two characters stay
    (r"Find $x^{23}$.", r"Find $x^{2}3$."),
    (r"Solve for $x$: $\frac{x}{2} + \frac{x}{3} = 5$", r"Solve for $x$: $\frac{x}{2} + \frac{x}{3} = 6$"),
    (r"Is $f(x) = x'$?", r"Is $f(x) = x$?"),
    (r"Find $a \le b$.", r"Find $a < b$."),
])
def test_a_different_problem_keeps_a_different_key(one: str, other: str) -> None:
    assert refs.problem_key(one) != refs.problem_key(other)
