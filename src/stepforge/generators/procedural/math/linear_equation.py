"""Solve a linear equation a x + b = c (integer or fractional solution)."""

from __future__ import annotations

import random

import sympy as sp

from ._base import X, Fault, MathProblem, boxed_step, family, nonzero, tex


@family("linear_equation", "Solve a x + b = c for x.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    a = nonzero(rng, -9, 9)
    b = nonzero(rng, -20, 20)
    c = a * rng.randint(-12, 12) + b if rng.random() < 0.7 else rng.randint(-30, 30)
    slip = rng.choice([-2, -1, 1, 2])
    eq = f"{tex(a * X + b)} = {c}"
    steps: list[str] = []

    rhs = fault.at(
        len(steps), c - b,
        sign_slip=(c + b, f"moved {b} across without changing its sign"),
        arithmetic_slip=(c - b + slip, f"computed {c} - ({b}) wrongly"),
    )
    move = f"Subtract ${tex(b)}$ from" if b > 0 else f"Add ${tex(-b)}$ to"
    steps.append(f"{move} both sides: ${tex(a * X)} = {c} {'-' if b > 0 else '+'} {abs(b)} = {tex(rhs)}$.")

    x = fault.at(
        len(steps), sp.Rational(rhs, a),
        wrong_rule=(sp.Integer(rhs * a), f"multiplied by {a} instead of dividing"),
        sign_slip=(sp.Rational(-rhs, a), "lost the sign when dividing"),
    )
    steps.append(f"Divide both sides by ${tex(a)}$: $x = \\frac{{{tex(rhs)}}}{{{tex(a)}}} = {tex(x)}$.")
    steps.append(boxed_step(tex(x)))

    (gold,) = sp.roots(sp.Poly(a * X + b - c, X))
    return MathProblem(
        family="linear_equation",
        prompt=f"Solve for $x$: ${eq}$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(x), final_value=x,
        premises=[eq], unknowns=["x"],
        params={"a": a, "b": b, "c": c}, difficulty=1,
    )
