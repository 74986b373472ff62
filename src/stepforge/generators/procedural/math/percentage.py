"""A price raised or lowered by a percentage."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, boxed_step, family, slip

SPACE = ParamSpace(n=range(40, 620, 20), p=range(5, 100, 5), up=(True, False))


def dec(v: Fraction) -> str:
    """A terminating decimal as a person writes it (12, 12.5, 0.75)."""
    if v.denominator == 1:
        return str(v.numerator)
    s = f"{float(v):.6f}".rstrip("0").rstrip(".")
    return s


def _swap(p: int) -> int | None:
    s = str(p)
    return int(s[::-1]) if len(s) == 2 and s[0] != s[1] and s[1] != "0" and int(s[::-1]) < 100 else None


@family("percentage", "Increase or decrease an amount by a percentage.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    n, pct, up = p["n"], p["p"], p["up"]
    steps: list[str] = []

    seen = fault.at(len(steps), pct, misread_quantity=(_swap(pct), f"read {pct}% as {_swap(pct)}%"))
    part = Fraction(seen * n, 100)
    part = fault.at(len(steps), part,
                    arithmetic_slip=(Fraction(slip(int(part), "part")) if part.denominator == 1 else None, "multiplied wrongly"))
    steps.append(f"Compute ${seen}\\%$ of ${n}$: $\\frac{{{seen}}}{{100}} \\cdot {n} = {dec(part)}$.")
    adds = fault.at(len(steps), up, wrong_operation=(not up, "subtracted the increase" if up else "added the decrease"))
    value = n + part if adds else n - part
    value = fault.at(len(steps), value,
                     arithmetic_slip=(Fraction(slip(int(value), "value")) if value.denominator == 1 else None,
                                      "added wrongly" if adds else "subtracted wrongly"))
    steps.append(f"{'Add it to' if adds else 'Subtract it from'} the original price: "
                 f"${n} {'+' if adds else '-'} {dec(part)} = {dec(value)}$.")
    steps.append(boxed_step(dec(value)))

    gold = Fraction(n * (100 + pct), 100) if up else Fraction(n * (100 - pct), 100)
    how = "increased" if up else "decreased"
    return MathProblem(
        family="percentage",
        prompt=f"A price of ${n}$ dollars is {how} by ${pct}\\%$. What is the new price in dollars?",
        answer=dec(gold), answer_value=gold,
        steps=steps, final_answer=dec(value), final_value=value,
        params={"n": n, "p": pct, "up": up}, difficulty=1,
    )
