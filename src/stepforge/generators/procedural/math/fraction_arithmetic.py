"""Add, subtract or multiply two fractions and reduce the result."""

from __future__ import annotations

import math
import random
from typing import Any

import sympy as sp

from ._base import Fault, MathProblem, ParamSpace, boxed_step, family, frac, slip, tex

_REDUCED = tuple((n, d) for d in range(2, 13) for n in range(1, 13) if math.gcd(n, d) == 1)
SPACE = ParamSpace(first=_REDUCED, second=_REDUCED, op="+-*")


@family("fraction_arithmetic", "Add, subtract or multiply two fractions; reduce the result.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (a, b), (c, d), op = p["first"], p["second"], p["op"]
    steps: list[str] = []
    sym = {"+": "+", "-": "-", "*": "\\cdot"}[op]
    shown = f"{frac(a, b)} {sym} {frac(c, d)}"
    # a reasoning slip: the second fraction read upside down (what is then written is true of it)
    c2, d2 = fault.at(len(steps), (c, d), swapped_quantity=((d, c), f"read {frac(c, d)} as {frac(d, c)}"))
    if op == "*":
        num = fault.at(len(steps), a * c2, arithmetic_slip=(slip(a * c2, "num"), "multiplied the numerators wrongly"))
        den = b * d2
        steps.append(f"Multiply numerators and denominators: ${frac(a, b)} \\cdot {frac(c2, d2)} = "
                     f"\\frac{{{a} \\cdot {c2}}}{{{b} \\cdot {d2}}} = {frac(num, den)}$.")
    else:
        rule = fault.at(len(steps), "common", wrong_rule=("naive", "added numerators and denominators separately"))
        if rule == "naive":
            num, den = (a + c2, b + d2) if op == "+" else (a - c2, b - d2)
            if den == 0:
                num, den = a + c2, b + d2
            steps.append(f"Combine the numerators and the denominators: ${frac(a, b)} {op} {frac(c2, d2)} = {frac(num, den)}$.")
        else:
            den = math.lcm(b, d2)
            na = fault.at(len(steps), a * (den // b), arithmetic_slip=(slip(a * (den // b), "na"), "scaled the first numerator wrongly"))
            nc = c2 * (den // d2)
            steps.append(
                f"Write both fractions over the common denominator ${den}$: "
                f"${frac(a, b)} = {frac(na, den)}$ and ${frac(c2, d2)} = {frac(nc, den)}$."
            )
            right = na + nc if op == "+" else na - nc
            num = fault.at(
                len(steps), right,
                sign_slip=(na - nc if op == "+" else na + nc, "used the wrong sign when combining numerators"),
                arithmetic_slip=(slip(right, "comb") if right != 0 else None, "combined the numerators wrongly"),
            )
            steps.append(f"Combine the numerators: ${frac(na, den)} {op} {frac(nc, den)} = {frac(num, den)}$.")
    value = sp.Rational(num, den)
    g = math.gcd(num, den)
    if g != 1 and value != 0:
        n_r, d_r = num // g, den // g
        wrong = sp.Rational(n_r + 1, d_r) if math.gcd(n_r + 1, d_r) == 1 else None
        reduced = fault.at(len(steps), value, arithmetic_slip=(wrong, "reduced the fraction wrongly"))
        steps.append(f"Divide numerator and denominator by ${g}$: ${frac(num, den)} = {tex(reduced)}$.")
        value = reduced
    steps.append(boxed_step(tex(value)))

    gold = {"+": sp.Rational(a, b) + sp.Rational(c, d), "-": sp.Rational(a, b) - sp.Rational(c, d),
            "*": sp.Rational(a, b) * sp.Rational(c, d)}[op]
    return MathProblem(
        family="fraction_arithmetic",
        prompt=f"Compute ${shown}$ and write the result in lowest terms.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(value), final_value=value,
        params={"a": a, "b": b, "c": c, "d": d, "op": op}, difficulty=1,
    )
