"""What the word-problem families share: people, and arithmetic written as a solver writes it.

A solution's style is its own choice (drawn from the item seed, not part of the problem): ``plain``
writes GSM8K-style text arithmetic ("4 * 3 = 12 dollars"), ``latex`` the same in ``$...$``.
"""

from __future__ import annotations

import random
import re
from fractions import Fraction

NAMES = (("Maya", "she", "her"), ("Liam", "he", "his"), ("Priya", "she", "her"), ("Tom", "he", "his"),
         ("Aisha", "she", "her"), ("Carlos", "he", "his"), ("Mei", "she", "her"), ("Jonas", "he", "his"),
         ("Sofia", "she", "her"), ("Omar", "he", "his"), ("Hannah", "she", "her"), ("Kenji", "he", "his"),
         ("Lucia", "she", "her"), ("Ben", "he", "his"), ("Zara", "she", "her"), ("Ivan", "he", "his"),
         ("Nora", "she", "her"), ("Diego", "he", "his"), ("Emma", "she", "her"), ("Samir", "he", "his"))

STYLES = ("plain", "latex")


def num(v: int | Fraction) -> str:
    """A number as a person writes it: 12, 12.5, 2/3."""
    v = Fraction(v)
    if v.denominator == 1:
        return str(v.numerator)
    d = v.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        return f"{float(v):.6f}".rstrip("0").rstrip(".")
    return f"{v.numerator}/{v.denominator}"


_FRAC = re.compile(r"(\d+)/(\d+)")


class Writer:
    """Writes a calculation in the solution's style."""

    def __init__(self, rng: random.Random) -> None:
        self.style = rng.choice(STYLES)

    def calc(self, expr: str, result: int | Fraction, unit: str = "") -> str:
        """``expr`` in plain form ("4 * 3", "2 * (12 + 7)"), with its result and a unit word."""
        tail = f" {unit}" if unit else ""
        if self.style == "plain":
            return f"{expr} = {num(result)}{tail}"
        body = _FRAC.sub(r"\\frac{\1}{\2}", expr.replace(" * ", " \\times "))
        res = _FRAC.sub(r"\\frac{\1}{\2}", num(result))
        return f"${body} = {res}${tail}"


def boxed(value: int | Fraction, unit: str = "") -> str:
    return f"The answer is $\\boxed{{{num(value)}}}${' ' + unit if unit else ''}."
