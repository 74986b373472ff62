"""Answer forms that were misread.

A contest option with its value (``\\textbf{(C) }12``) names both the letter and the value: it equals the letter
and the value, and nothing else; several options (``\\text{A, C}``) are a set of letters. A decimal ending in an
ellipsis is the repeating decimal its digits show when a block is written out again (one digit three times, a
longer block twice), else an approximation at its last written place; the ellipsis is never a sentence's period
to strip. "No solution" is the empty set. An inverse or a derivative named on the left (``f^{-1}(x) = ...``) is an
assignment, as ``f(x) = ...`` is."""

import pytest

from stepforge.verifiers.math import judge


@pytest.mark.parametrize(("gold", "pred", "verdict"), [
    (r"\textbf{(C) } 12", "12", "equal"),
    (r"\textbf{(C) } 12", "13", "not_equal"),
    (r"\textbf{(C) } 12", r"\text{(C)}", "equal"),
    (r"\textbf{(C)}", r"\textbf{(C) } 12", "equal"),
    (r"\text{(C) 12}", "12", "equal"),
    (r"(C) 12", "C", "equal"),
    (r"\textbf{(B) } 12", r"\textbf{(C) } 12", "not_equal"),
    (r"\textbf{(C)}\ \frac{1}{2}", "0.5", "equal"),
    (r"\textbf{(E)}", "5", "not_equal"),  # a letter alone says nothing of a value
    (r"(A) and (B)", "A", "not_equal"),
])
def test_an_option_with_its_value(gold: str, pred: str, verdict: str) -> None:
    assert judge(gold, pred).verdict == verdict


@pytest.mark.parametrize(("gold", "pred", "verdict"), [
    (r"\frac16", r"0.1666\ldots", "equal"),
    (r"\frac13", "0.333...", "equal"),
    (r"\frac13", "0.333....", "equal"),
    (r"\frac{5}{11}", "0.4545...", "equal"),
    (r"\frac17", r"0.142857142857\ldots", "equal"),
    (r"-\frac13", r"-0.333\ldots", "equal"),
    ("2", r"1.999\ldots", "equal"),
    (r"\frac13", r"0.33\ldots", "not_equal"),  # one digit twice: no repetition shown, an approximation at 0.01
    (r"\frac{1}{3}", r"0.3334\ldots", "not_equal"),
    (r"\pi", r"3.14159\ldots", "equal"),  # no block repeats: an approximation
    ("3.2", r"3.14159\ldots", "not_equal"),
])
def test_a_decimal_with_an_ellipsis(gold: str, pred: str, verdict: str) -> None:
    assert judge(gold, pred).verdict == verdict


@pytest.mark.parametrize(("gold", "pred", "verdict"), [
    (r"\text{A, C}", r"\text{(A), (C)}", "equal"),
    (r"\text{A, C}", r"\text{C, A}", "equal"),
    (r"\text{A, C, E}", r"\text{A, C and E}", "equal"),
    (r"\text{A, C}", r"\text{A, B}", "not_equal"),
    (r"\text{A, C}", r"\text{A}", "not_equal"),
    (r"(A, B)", r"(B, A)", "not_equal"),  # a pair of points, not a list of options
])
def test_several_options(gold: str, pred: str, verdict: str) -> None:
    assert judge(gold, pred).verdict == verdict


@pytest.mark.parametrize(("gold", "pred", "verdict"), [
    (r"\emptyset", r"\text{no solution}", "equal"),
    (r"\emptyset", r"\text{No real solutions}", "equal"),
    (r"\text{none}", r"\varnothing", "equal"),
    (r"\text{no solution}", r"\{\}", "equal"),
    (r"\text{no solution}", "3", "not_equal"),
    (r"\emptyset", r"\{1\}", "not_equal"),
    (r"\text{Nonempty}", r"\emptyset", "not_equal"),
])
def test_no_solution_is_the_empty_set(gold: str, pred: str, verdict: str) -> None:
    assert judge(gold, pred).verdict == verdict


@pytest.mark.parametrize(("gold", "pred", "verdict"), [
    (r"\frac{x-3}{2}", r"f^{-1}(x)=\frac{x-3}{2}", "equal"),
    (r"\frac{x-3}{2}", r"f^{-1}(x)=\frac{x+3}{2}", "not_equal"),
    ("2x", "f'(x) = 2x", "equal"),
    ("2x", "f'(x) = 2x+1", "not_equal"),
])
def test_an_inverse_or_a_derivative_named_on_the_left(gold: str, pred: str, verdict: str) -> None:
    assert judge(gold, pred).verdict == verdict
