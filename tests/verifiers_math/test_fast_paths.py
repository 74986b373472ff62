"""The step checker's shortcuts (issue 11's labelling speed) give what the long way gives: a polynomial's definite
integral evaluated exactly without sympy's general integrator, and pure readings remembered (each tree's sympy
view, each cleaned text) instead of being worked out again for every check that reads the same side."""

from __future__ import annotations

import random

import pytest
import sympy

from stepforge.verifiers.math import latex, symbolic
from stepforge.verifiers.math.latex import read
from stepforge.verifiers.math.relations import STEP_POLICY


def _integral(poly: sympy.Expr, lo: sympy.Rational, hi: sympy.Rational) -> sympy.Integral:
    return sympy.Integral(poly, (sympy.Symbol("x"), lo, hi))


def test_polynomial_integrals_match_sympys_integrator():
    """The exact value is the very object ``doit`` returns, over random polynomials and limits (reversed and
    fractional limits, fractional coefficients, products not expanded)."""
    x = sympy.Symbol("x")
    rng = random.Random(11)
    for _ in range(60):
        f = sum(sympy.Rational(rng.randint(-9, 9), rng.choice([1, 2, 3])) * x ** k for k in range(rng.randint(0, 5)))
        if rng.random() < 0.3:
            f = (x + rng.randint(-3, 3)) * (x - sympy.Rational(1, 2)) * f
        node = _integral(f, sympy.Rational(rng.randint(-5, 5), rng.choice([1, 2])),
                         sympy.Rational(rng.randint(-5, 5), rng.choice([1, 3])))
        fast = symbolic._polynomial_integral(node)
        assert fast is not None
        assert sympy.srepr(fast) == sympy.srepr(node.doit())


@pytest.mark.parametrize("integral", [
    sympy.Integral(sympy.sin(sympy.Symbol("x")), (sympy.Symbol("x"), 0, 1)),  # not a polynomial
    sympy.Integral(sympy.Symbol("x") * sympy.Symbol("y"), (sympy.Symbol("x"), 0, 1)),  # another symbol
    sympy.Integral(sympy.Symbol("x"), (sympy.Symbol("x"), 0, sympy.oo)),  # an infinite limit
    sympy.Integral(sympy.Symbol("x"), (sympy.Symbol("x"), 0, sympy.pi)),  # an irrational limit
    sympy.Integral(sympy.Float(0.5) * sympy.Symbol("x"), (sympy.Symbol("x"), 0, 1)),  # a float coefficient
    sympy.Integral(sympy.Symbol("x") ** 2, sympy.Symbol("x")),  # indefinite
])
def test_other_integrals_take_the_long_way(integral):
    assert symbolic._polynomial_integral(integral) is None


def test_a_step_integral_needs_no_general_integrator(monkeypatch):
    """``\\int_0^2 (4x^2 - 3x - 2) dx`` read from a step: its value, with sympy's integrator out of reach."""
    node = read(r"\int_{0}^{2} \left(4 x^{2} - 3 x - 2\right) \, dx", STEP_POLICY, letters=True)[0]

    def no_integrator(self, **hints):  # noqa: ANN001, ANN202
        raise AssertionError("sympy's general integrator was called")

    monkeypatch.setattr(sympy.Integral, "doit", no_integrator)
    symbolic._to_sympy_cached.cache_clear()
    assert symbolic.to_sympy(node, STEP_POLICY) == sympy.Rational(2, 3)
    # inside a larger expression too
    node = read(r"3 + 2 \int_{0}^{1} x^{2} \, dx", STEP_POLICY, letters=True)[0]
    assert symbolic.to_sympy(node, STEP_POLICY) == sympy.Rational(11, 3)


def test_sympy_views_are_remembered(monkeypatch):
    node = read(r"\frac{d}{dx}\left(7 x^{5} - 3 x\right)", STEP_POLICY, letters=True)[0]
    calls = []
    conv = symbolic._conv
    monkeypatch.setattr(symbolic, "_conv", lambda n, p: calls.append(n) or conv(n, p))
    symbolic._to_sympy_cached.cache_clear()
    first = symbolic.to_sympy(node, STEP_POLICY)
    assert symbolic.to_sympy(node, STEP_POLICY) is first
    assert calls.count(node) == 1
    assert first == 35 * sympy.Symbol("x") ** 4 - 3


def test_a_refused_view_is_not_remembered(monkeypatch):
    """A guard's refusal (or a budget spent) is met again the next time: only results are kept."""
    node = read(r"7^{2^{30}+\frac{1}{2}}", STEP_POLICY, letters=True)[0]  # ~3e9 bits: refused
    symbolic._to_sympy_cached.cache_clear()
    for _ in range(2):
        with pytest.raises(symbolic.GuardError):
            symbolic.to_sympy(node, STEP_POLICY)
    assert symbolic._to_sympy_cached.cache_info().currsize == 0


def test_cleaned_text_is_remembered(monkeypatch):
    calls = []
    inner = latex._clean
    monkeypatch.setattr(latex, "_clean", lambda s: calls.append(s) or inner(s))
    latex._clean_cached.cache_clear()
    text = r"$\dfrac{12\,345}{\left( 5 \right)}$."
    assert latex.clean(text) == latex.clean(text) == r"\frac{12345}{( 5 )}"
    assert calls == [text]
    long = "1 + " * 600 + "1"  # a whole problem's length: cleaned each time, never kept
    latex.clean(long)
    latex.clean(long)
    assert calls.count(long) == 2


def test_first_derivatives_of_monomial_sums_match_sympys():
    """Term by term, the very expression ``doit`` builds, over random sums of monomials and of sin x, cos x, e^x
    (negated, one term, fractional and large coefficients)."""
    x = sympy.Symbol("x")
    rng = random.Random(5)
    for _ in range(200):
        f = sum(sympy.Rational(rng.randint(-99, 99), rng.choice([1, 2, 3, 7])) * x ** k
                for k in range(rng.randint(0, 9)) if rng.random() < 0.8)
        for g in (sympy.sin(x), sympy.cos(x), sympy.exp(x)):
            f = f + sympy.Rational(rng.randint(-9, 9), rng.choice([1, 2])) * g if rng.random() < 0.3 else f
        f = -f if rng.random() < 0.2 else f
        node = sympy.Derivative(f, x)
        if not isinstance(node, sympy.Derivative):
            continue  # a constant: sympy's own 0
        fast = symbolic._polynomial_derivative(node)
        assert fast is not None
        assert sympy.srepr(fast) == sympy.srepr(node.doit())


@pytest.mark.parametrize("derivative", [
    sympy.Derivative((sympy.Symbol("x") + 1) ** 3, sympy.Symbol("x")),  # doit keeps 3*(x + 1)**2
    sympy.Derivative(sympy.Symbol("x") * (sympy.Symbol("x") - 2), sympy.Symbol("x")),  # a product
    sympy.Derivative(sympy.Symbol("x") ** 5 + sympy.Symbol("x"), (sympy.Symbol("x"), 2)),  # doit factors 20*x**3
    sympy.Derivative(sympy.Symbol("x") ** 2 * sympy.Symbol("y"), sympy.Symbol("x")),  # another symbol
    sympy.Derivative(sympy.Float(0.5) * sympy.Symbol("x") ** 2, sympy.Symbol("x")),  # a float coefficient
    sympy.Derivative(sympy.sin(2 * sympy.Symbol("x")), sympy.Symbol("x")),  # the chain rule
    sympy.Derivative(sympy.tan(sympy.Symbol("x")), sympy.Symbol("x")),
])
def test_other_derivatives_take_the_long_way(derivative):
    assert symbolic._polynomial_derivative(derivative) is None


def test_a_step_derivative_needs_no_derivative_dispatch(monkeypatch):
    node = read(r"\frac{d}{dx}\left(- 6 x^{6} - 3 x^{5} + \frac{5}{2} x^{2} + 2 x\right)", STEP_POLICY, letters=True)[0]

    def no_dispatch(self, **hints):  # noqa: ANN001, ANN202
        raise AssertionError("sympy's derivative was called")

    monkeypatch.setattr(sympy.Derivative, "doit", no_dispatch)
    symbolic._to_sympy_cached.cache_clear()
    x = sympy.Symbol("x")
    assert symbolic.to_sympy(node, STEP_POLICY) == -36 * x ** 5 - 15 * x ** 4 + 5 * x + 2
