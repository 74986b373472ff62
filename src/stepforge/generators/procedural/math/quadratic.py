"""Solve a monic quadratic with integer roots by factoring."""

from __future__ import annotations

import random

import sympy as sp

from ._base import X, Fault, MathProblem, boxed_step, family, par, tex


@family("quadratic", "Find both roots of a monic quadratic by factoring.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    r1, r2 = sorted(rng.sample(range(-9, 10), 2))
    b, c = -(r1 + r2), r1 * r2
    poly = X**2 + b * X + c
    eq = f"{tex(poly)} = 0"
    steps: list[str] = []

    p, q = fault.at(
        len(steps), (-r1, -r2),
        sign_slip=((r1, r2), "took the roots as the numbers in the factors"),
    )
    steps.append(
        f"Look for two numbers whose product is ${c}$ and whose sum is ${b}$: "
        f"${par(p)} \\cdot {par(q)} = {c}$ and ${par(p)} + {par(q)} = {b}$."
    )
    flips = {"sign_slip": ((-p, q), "flipped the sign inside the first factor")} if -p != q else {}
    f1, f2 = fault.at(len(steps), (p, q), **flips)
    steps.append(f"So the quadratic factors: $\\left({tex(X + f1)}\\right) \\left({tex(X + f2)}\\right) = 0$.")
    s1, s2 = sorted([-f1, -f2])
    steps.append(
        f"A product is zero when a factor is zero: ${tex(X + f1)} = 0 \\text{{ or }} {tex(X + f2)} = 0$, "
        f"so $x = {tex(s1)} \\text{{ or }} x = {tex(s2)}$."
    )
    final = f"{tex(s1)}, {tex(s2)}"
    steps.append(boxed_step(final))

    roots = sorted(sp.roots(sp.Poly(poly, X)))
    return MathProblem(
        family="quadratic",
        prompt=f"Find all real solutions of ${eq}$.",
        answer=", ".join(tex(r) for r in roots), answer_value=tuple(roots),
        steps=steps, final_answer=final, final_value=(s1, s2),
        premises=[eq], unknowns=["x"],
        params={"b": b, "c": c}, difficulty=2,
    )
