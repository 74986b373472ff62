"""Two answer forms that were misread.

A contest option with its value (``\\textbf{(C) }12``) names both the letter and the value: it equals the letter
and the value, and nothing else. A decimal ending in an ellipsis is the repeating decimal its digits show when a
block is written out again (one digit three times, a longer block twice), else an approximation at its last
written place; the ellipsis is never a sentence's period to strip."""

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
