"""Final answers as OCR'd olympiad solutions print them (OlympiadBench): a bold number whose digits were set
apart, ``\\mathbf{2 3}``, reads as the number printed (math mode ignores the spaces); outside a bold group two
numbers side by side stay unread."""

import pytest

from stepforge.verifiers.math import judge


@pytest.mark.parametrize(("gold", "pred", "verdict"), [
    ("23", r"With $T=43$, the answer is $\mathbf{2 3}$.", "equal"),
    ("24", r"With $T=43$, the answer is $\mathbf{2 3}$.", "not_equal"),
    ("1020", r"The answer is $\mathbf{1 0 2 0}$.", "equal"),
    ("548\\pi", r"Thus the area of $\omega_{1}$ is $\mathbf{5 4 8 \pi}$.", "equal"),
    ("\\frac{222}{13}", r"the desired ratio is $\frac{\mathbf{2 2 2}}{\mathbf{1 3}}$.", "equal"),
    ("\\frac{222}{13}", r"the desired ratio is $\frac{\mathbf{2 2 2}}{\mathbf{1 4}}$.", "not_equal"),
])
def test_bold_spaced_digits_are_one_number(gold: str, pred: str, verdict: str) -> None:
    assert judge(gold, pred).verdict == verdict


def test_spaced_digits_outside_bold_stay_unread() -> None:
    assert judge("23", r"so the answer is $2 3$").verdict != "equal"
