"""The strict fast LaTeX path agrees with latex2sympy2_extended, and refuses what it does not know."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from latex2sympy2_extended import latex2sympy

from stepforge.verifiers.math._fastlatex import Unsupported, parse_fast

X = sp.Symbol("x")

CORPUS = [
    r"\frac{3}{6} + \frac{2}{6}", r"- \frac{5}{2} \cdot 4^{2} + 4", r"2 x \left(x - 1\right) + 3 \left(x - 1\right)",
    r"\frac{d}{dx}\left(3 x^{2} + 2 x\right)", r"\binom{6}{2}", r"\frac{6!}{2! \, (4)!}", r"0.15 \cdot 80",
    r"6 \cos{\left(x \right)} - 2 \sin{\left(x \right)}", r"- 6 e^{x}", r"\sqrt{8}", r"\left(-1\right)^{4}",
    r"\int_{0}^{2} \left(3 x^{2}\right) \, dx", r"x^{2} - 5 x + 6", r"\frac{2}{-5}", r"\pi / 2",
]


@pytest.mark.parametrize("tex", CORPUS)
def test_agrees_with_the_library(tex):
    ours = parse_fast(tex)
    theirs = latex2sympy(tex)
    if isinstance(theirs, (sp.Derivative, sp.Integral)) or theirs.has(sp.Derivative, sp.Integral):
        theirs = theirs.doit()
    assert sp.simplify(ours - theirs) == 0


def test_a_lone_e_or_i_is_a_variable_and_e_to_a_power_is_the_exponential():
    e, i = sp.Symbol("e"), sp.Symbol("i")
    assert parse_fast("3 p + e") == 3 * sp.Symbol("p") + e
    assert parse_fast("i + 1") == i + 1
    assert parse_fast("e^{x}") == sp.exp(X)


@pytest.mark.parametrize("tex", [r"\sqrt[3]{8}", r"x_1", r"\sinh x", r"1, 2", r"x = 1", r"\text{cm}",
                                 r"\frac{1}{2", r"3 +", r"\log_2 8", r"|x|"])
def test_refuses_what_it_does_not_know(tex):
    with pytest.raises(Unsupported):
        parse_fast(tex)


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
    assert sp.expand(parse_fast(sp.latex(expr)) - expr) == 0
