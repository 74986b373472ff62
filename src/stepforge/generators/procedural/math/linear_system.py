"""Solve a 2x2 linear system by elimination; the answer is the ordered pair (x, y)."""

from __future__ import annotations

import random

import sympy as sp

from ._base import X, Y, Fault, MathProblem, boxed_step, family, nonzero, par, tex


@family("linear_system", "Solve a 2x2 linear system for (x, y).")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    while True:
        a1, b1, a2, b2 = (nonzero(rng, -6, 6) for _ in range(4))
        if a1 * b2 - a2 * b1 != 0:
            break
    x0, y0 = rng.randint(-8, 8), rng.randint(-8, 8)
    c1, c2 = a1 * x0 + b1 * y0, a2 * x0 + b2 * y0
    slip = rng.choice([-2, -1, 1, 2])
    e1, e2 = f"{tex(a1 * X + b1 * Y)} = {c1}", f"{tex(a2 * X + b2 * Y)} = {c2}"
    steps: list[str] = []

    m1 = fault.at(len(steps), a2 * c1, arithmetic_slip=(a2 * c1 + slip, "multiplied the right-hand side wrongly"))
    steps.append(
        f"Multiply the first equation by ${tex(a2)}$ and the second by ${tex(a1)}$: "
        f"${tex(a1 * a2 * X + a2 * b1 * Y)} = {tex(m1)}$ and ${tex(a1 * a2 * X + a1 * b2 * Y)} = {tex(a1 * c2)}$."
    )
    k = a2 * b1 - a1 * b2
    m = fault.at(
        len(steps), m1 - a1 * c2,
        sign_slip=(m1 + a1 * c2, "added the right-hand sides instead of subtracting"),
        arithmetic_slip=(m1 - a1 * c2 + slip, "subtracted the right-hand sides wrongly"),
    )
    steps.append(f"Subtract the second equation from the first to eliminate $x$: ${tex(k * Y)} = {tex(m)}$.")
    y = fault.at(
        len(steps), sp.Rational(m, k),
        wrong_rule=(sp.Integer(m * k), f"multiplied by {k} instead of dividing"),
    )
    steps.append(f"Divide by ${tex(k)}$: $y = \\frac{{{tex(m)}}}{{{tex(k)}}} = {tex(y)}$.")
    rest = c1 - b1 * y
    x = fault.at(
        len(steps) + 1, rest / a1,
        sign_slip=(-rest / a1, "lost a sign when solving for x"),
    )
    steps.append(
        f"Substitute $y = {tex(y)}$ into the first equation: ${tex(a1 * X)} + {par(b1)} \\cdot {par(y)} = {c1}$, "
        f"so ${tex(a1 * X)} = {tex(rest)}$."
    )
    steps.append(f"Divide by ${tex(a1)}$: $x = \\frac{{{tex(rest)}}}{{{tex(a1)}}} = {tex(x)}$.")
    pair = f"\\left({tex(x)}, {tex(y)}\\right)"
    steps.append(boxed_step(pair))

    gx, gy = sp.Matrix([[a1, b1], [a2, b2]]).LUsolve(sp.Matrix([c1, c2]))
    sol = {X: gx, Y: gy}
    return MathProblem(
        family="linear_system",
        prompt=f"Solve the system ${e1}$ and ${e2}$. Give the answer as an ordered pair $(x, y)$.",
        answer=f"\\left({tex(sol[X])}, {tex(sol[Y])}\\right)", answer_value=(sol[X], sol[Y]),
        steps=steps, final_answer=pair, final_value=(x, y),
        premises=[e1, e2], unknowns=["x", "y"],
        params={"a1": a1, "b1": b1, "c1": c1, "a2": a2, "b2": b2, "c2": c2}, difficulty=2,
    )
