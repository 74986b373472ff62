"""latex2sympy2_extended reads a text once per process (``symbolic.read_general`` remembers it, refusals too). Its
parser is the cost of the slow answers: a product of absolute values grows with every bar (``|`` opens and closes
alike in its grammar: ten juxtaposed bars, 0.6-1.6 s), and the same text was read again and again: as the gold, as
the prediction, as every step's box compared with the reference. The reading is the same each time (what is
counted is the parser's calls)."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from stepforge.verifiers.math import judge
from stepforge.verifiers.math import symbolic as sym
from stepforge.verifiers.math.errors import ParseError
from stepforge.verifiers.math.policy import MathPolicy

BARS = "".join(f"|x_{{{i}}}|" for i in range(4))


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    monkeypatch.setattr(sym, "_GENERAL", OrderedDict(), raising=False)
    calls: list[str] = []
    latex2sympy, norm, conv = sym._l2s()

    def spy(s, **kwargs):
        calls.append(s)
        return latex2sympy(s, **kwargs)

    monkeypatch.setattr(sym, "_l2s", lambda: (spy, norm, conv))
    return calls


def test_a_text_is_parsed_once_and_read_the_same(parses) -> None:
    first, ops = sym.read_general(BARS, MathPolicy())
    ops.add("mutated")  # the caller's set is its own
    again, ops2 = sym.read_general(BARS, MathPolicy())
    assert again == first and "mutated" not in ops2
    assert len(parses) == 1  # before: twice
    for _ in range(2):
        with pytest.raises(ParseError):
            sym.read_general("\\frac{1}{", MathPolicy())
    assert len(parses) == 2  # a refusal is remembered too


def test_an_answer_is_parsed_once_as_gold_and_as_prediction(parses) -> None:
    steps = f"So the product is ${BARS}$. The answer is $\\boxed{{{BARS}}}$."
    assert judge(BARS, steps, seed=0).verdict == "equal"
    assert judge(BARS, steps, seed=0).verdict == "equal"
    assert parses.count(BARS) == 1  # before: twice per verdict
