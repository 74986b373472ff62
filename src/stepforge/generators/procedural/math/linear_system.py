"""Solve a 2x2 linear system by elimination; the answer is the ordered pair (x, y)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import sympy as sp

from ._base import X, Y, Fault, MathProblem, ParamSpace, boxed_step, family, nonzero_range, par, slip, tex

_COEFFS = tuple(q for q in itertools.product(nonzero_range(-6, 6), repeat=4) if q[0] * q[3] - q[2] * q[1] != 0)
SPACE = ParamSpace(coeffs=_COEFFS, x0=range(-8, 9), y0=range(-8, 9))


@family("linear_system", "Solve a 2x2 linear system for (x, y).", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    a1, b1, a2, b2 = p["coeffs"]
    x0, y0 = p["x0"], p["y0"]
    c1, c2 = a1 * x0 + b1 * y0, a2 * x0 + b2 * y0
    e1, e2 = f"{tex(a1 * X + b1 * Y)} = {c1}", f"{tex(a2 * X + b2 * Y)} = {c2}"
    steps: list[str] = []

    m1 = fault.at(len(steps), a2 * c1, arithmetic_slip=(slip(a2 * c1, "m1"), "multiplied the right-hand side wrongly"))
    steps.append(
        f"Multiply the first equation by ${tex(a2)}$ and the second by ${tex(a1)}$: "
        f"${tex(a1 * a2 * X + a2 * b1 * Y)} = {tex(m1)}$ and ${tex(a1 * a2 * X + a1 * b2 * Y)} = {tex(a1 * c2)}$."
    )
    k = a2 * b1 - a1 * b2
    m = fault.at(
        len(steps), m1 - a1 * c2,
        wrong_operation=(m1 + a1 * c2, "added the right-hand sides while subtracting the left-hand sides"),
        arithmetic_slip=(slip(m1 - a1 * c2, "m"), "subtracted the right-hand sides wrongly"),
    )
    steps.append(f"Subtract the second equation from the first to eliminate $x$: ${tex(k * Y)} = {tex(m)}$.")
    y = fault.at(
        len(steps), sp.Rational(m, k),
        sign_slip=(-sp.Rational(m, k) if k < 0 else None, "lost the sign when dividing by a negative number"),
    )
    steps.append(f"Divide by ${tex(k)}$: $y = \\frac{{{tex(m)}}}{{{tex(k)}}} = {tex(y)}$.")
    first = fault.at(len(steps), 1, swapped_quantity=(2, "substituted into the second equation but kept the first one's constant"))
    if first == 1:
        rest = c1 - b1 * y
        steps.append(
            f"Substitute $y = {tex(y)}$ into the first equation: ${tex(a1 * X)} + {par(b1)} \\cdot {par(y)} = {c1}$, "
            f"so ${tex(a1 * X)} = {tex(rest)}$."
        )
        coef = a1
    else:
        rest = c1 - b2 * y
        steps.append(
            f"Substitute $y = {tex(y)}$ into the second equation: ${tex(a2 * X)} + {par(b2)} \\cdot {par(y)} = {c1}$, "
            f"so ${tex(a2 * X)} = {tex(rest)}$."
        )
        coef = a2
    x = fault.at(len(steps), rest / coef,
                 sign_slip=(-rest / coef if coef < 0 else None, "lost a sign when solving for x"))
    steps.append(f"Divide by ${tex(coef)}$: $x = \\frac{{{tex(rest)}}}{{{tex(coef)}}} = {tex(x)}$.")
    pair = f"\\left({tex(x)}, {tex(y)}\\right)"
    steps.append(boxed_step(pair))

    gx, gy = sp.Matrix([[a1, b1], [a2, b2]]).LUsolve(sp.Matrix([c1, c2]))
    return MathProblem(
        family="linear_system",
        prompt=f"Solve the system ${e1}$ and ${e2}$. Give the answer as an ordered pair $(x, y)$.",
        answer=f"\\left({tex(gx)}, {tex(gy)}\\right)", answer_value=(gx, gy),
        steps=steps, final_answer=pair, final_value=(x, y),
        premises=[e1, e2], unknowns=["x", "y"],
        params={"a1": a1, "b1": b1, "c1": c1, "a2": a2, "b2": b2, "c2": c2}, difficulty=2,
    )
