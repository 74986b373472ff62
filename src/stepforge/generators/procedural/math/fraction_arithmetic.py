"""Add, subtract or multiply two fractions and reduce the result."""

from __future__ import annotations

import math
import random

import sympy as sp

from ._base import Fault, MathProblem, boxed_step, family, frac, tex


@family("fraction_arithmetic", "Add, subtract or multiply two fractions; reduce the result.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    b, d = rng.sample(range(2, 13), 2)
    a, c = rng.randint(1, b + 4), rng.randint(1, d + 4)
    op = rng.choice(["+", "-", "*"])
    slip = rng.choice([-2, -1, 1, 2])
    steps: list[str] = []
    shown = f"{frac(a, b)} {'+' if op == '+' else '-' if op == '-' else chr(92) + 'cdot'} {frac(c, d)}"
    if op == "*":
        num = fault.at(len(steps), a * c, arithmetic_slip=(a * c + slip, "multiplied the numerators wrongly"))
        den = b * d
        steps.append(f"Multiply numerators and denominators: ${shown} = \\frac{{{a} \\cdot {c}}}{{{b} \\cdot {d}}} = {frac(num, den)}$.")
    else:
        den = math.lcm(b, d)
        na = fault.at(len(steps), a * (den // b), arithmetic_slip=(a * (den // b) + slip, "scaled the first numerator wrongly"))
        nc = c * (den // d)
        steps.append(
            f"Write both fractions over the common denominator ${den}$: "
            f"${frac(a, b)} = {frac(na, den)}$ and ${frac(c, d)} = {frac(nc, den)}$."
        )
        right = na + nc if op == "+" else na - nc
        num = fault.at(
            len(steps), right,
            sign_slip=(na - nc if op == "+" else na + nc, "used the wrong sign when combining numerators"),
            arithmetic_slip=(right + slip, "combined the numerators wrongly"),
        )
        steps.append(f"Combine the numerators: ${frac(na, den)} {op} {frac(nc, den)} = {frac(num, den)}$.")
    value = sp.Rational(num, den)
    g = math.gcd(num, den)
    if g != 1 and value != 0:
        reduced = fault.at(
            len(steps), value,
            arithmetic_slip=(sp.Rational(num // g + 1, den // g), "reduced the fraction wrongly"),
        )
        steps.append(f"Divide numerator and denominator by ${g}$: ${frac(num, den)} = {tex(reduced)}$.")
        value = reduced
    steps.append(boxed_step(tex(value)))

    gold = {"+": sp.Rational(a, b) + sp.Rational(c, d), "-": sp.Rational(a, b) - sp.Rational(c, d),
            "*": sp.Rational(a, b) * sp.Rational(c, d)}[op]
    verb = {"+": "Compute", "-": "Compute", "*": "Compute"}[op]
    return MathProblem(
        family="fraction_arithmetic",
        prompt=f"{verb} ${shown}$ and write the result in lowest terms.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(value), final_value=value,
        params={"a": a, "b": b, "c": c, "d": d, "op": op}, difficulty=1,
    )
