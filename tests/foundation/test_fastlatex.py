"""The verifier's one LaTeX reader agrees with latex2sympy2_extended, and refuses what it does not know."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from latex2sympy2_extended import latex2sympy

from stepforge.verifiers.math.errors import GuardError, ParseError
from stepforge.verifiers.math.latex import NotFast, read
from stepforge.verifiers.math.relations import STEP_POLICY, read_expr
from stepforge.verifiers.math.symbolic import to_sympy

X = sp.Symbol("x")

CORPUS = [
    r"\frac{3}{6} + \frac{2}{6}", r"- \frac{5}{2} \cdot 4^{2} + 4", r"2 x \left(x - 1\right) + 3 \left(x - 1\right)",
    r"\frac{d}{dx}\left(3 x^{2} + 2 x\right)", r"\binom{6}{2}", r"\frac{6!}{2! \, (4)!}", r"0.15 \cdot 80",
    r"6 \cos{\left(x \right)} - 2 \sin{\left(x \right)}", r"- 6 e^{x}", r"\sqrt{8}", r"\left(-1\right)^{4}",
    r"\int_{0}^{2} \left(3 x^{2}\right) \, dx", r"x^{2} - 5 x + 6", r"\frac{2}{-5}", r"\pi / 2", r"\sinh x",
    r"\log_2 8", r"|x - 1|", r"\sqrt[3]{27}", r"x_1 + x_2", r"\sum_{k=1}^{4} k^2",
]


def _steps(tex: str):
    node, _, _ = read(tex, STEP_POLICY, letters=True)
    return to_sympy(node, STEP_POLICY)


@pytest.mark.parametrize("tex", CORPUS)
def test_agrees_with_the_library(tex):
    ours = _steps(tex)
    theirs = latex2sympy(tex)
    if theirs.has(sp.Derivative, sp.Integral, sp.Sum):
        theirs = theirs.doit()
    free = {s: sp.Symbol(s.name) for s in theirs.free_symbols}
    assert sp.simplify(ours - theirs.xreplace(free)) == 0


def test_a_lone_e_or_i_is_a_variable_in_steps_and_e_to_a_power_is_the_exponential():
    e, i = sp.Symbol("e"), sp.Symbol("i")
    assert _steps("3 p + e") == 3 * sp.Symbol("p") + e
    assert _steps("i + 1") == i + 1
    assert _steps("e^{x}") == sp.exp(X)


@pytest.mark.parametrize("tex", [r"\{1, 2\}", r"x \bmod 3", r"\vec{v}", r"\overline{AB}", r"1, 2", r"x = 1"])
def test_refuses_what_it_does_not_know(tex):
    with pytest.raises((NotFast, ParseError)):
        read(tex, STEP_POLICY, letters=True)


@pytest.mark.parametrize("tex", [r"9^{9^{9^9}}", r"2^{10^{7}}", "100000!", r"\binom{10^{7}}{5}", "(" * 100 + "1" + ")" * 100])
def test_size_guards_refuse_before_anything_evaluates(tex):
    with pytest.raises(GuardError):
        read(tex, STEP_POLICY, letters=True)


def test_steps_and_answers_share_the_reader():
    # a step claim side read through relations.read_expr is the same tree the answer verifier reads
    assert read_expr(r"\frac{x^2 - 1}{x - 1}") == to_sympy(read(r"\frac{x^2 - 1}{x - 1}", STEP_POLICY)[0], STEP_POLICY)


_leaf = st.one_of(st.integers(-30, 30).map(sp.Integer), st.just(X))
_expr = st.recursive(
    _leaf,
    lambda ch: st.one_of(
        st.tuples(ch, ch).map(lambda t: t[0] + t[1]),
        st.tuples(ch, ch).map(lambda t: t[0] * t[1]),
        st.tuples(ch, st.integers(1, 4)).map(lambda t: t[0] ** t[1]),
        st.tuples(ch, st.integers(1, 9)).map(lambda t: t[0] / t[1]),
        ch.map(sp.sin),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(_expr)
def test_round_trips_sympy_latex(expr):
    assert sp.expand(_steps(sp.latex(expr)) - expr) == 0
