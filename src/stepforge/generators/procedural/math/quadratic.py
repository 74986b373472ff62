"""Solve a monic quadratic with integer roots by factoring."""

from __future__ import annotations

import itertools
import random
from typing import Any

import sympy as sp

from ._base import X, Fault, MathProblem, ParamSpace, boxed_step, family, par, tex

SPACE = ParamSpace(roots=tuple(itertools.combinations(range(-12, 13), 2)))


@family("quadratic", "Find both roots of a monic quadratic by factoring.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    r1, r2 = p["roots"]
    b, c = -(r1 + r2), r1 * r2
    poly = X**2 + b * X + c
    eq = f"{tex(poly)} = 0"
    steps: list[str] = []

    p_, q_ = fault.at(
        len(steps), (-r1, -r2),
        sign_slip=((r1, r2), "took the roots as the numbers in the factors"),
    )
    steps.append(
        f"Look for two numbers whose product is ${c}$ and whose sum is ${b}$: "
        f"${par(p_)} \\cdot {par(q_)} = {c}$ and ${par(p_)} + {par(q_)} = {b}$."
    )
    flips = {"sign_slip": ((-p_, q_), "flipped the sign inside the first factor")} if -p_ != q_ else {}
    f1, f2 = fault.at(len(steps), (p_, q_), **flips)
    steps.append(f"So the quadratic factors: $\\left({tex(X + f1)}\\right) \\left({tex(X + f2)}\\right) = 0$.")
    s1, s2 = sorted([-f1, -f2])
    roots = fault.at(
        len(steps), (s1, s2),
        sign_slip=((-s2, -s1) if s1 != -s2 else None, "solved each factor with the wrong sign"),
        dropped_case=((s2,) if s2 != 0 else (s1,), "kept only one of the two factors"),
    )
    if len(roots) == 2:
        steps.append(
            f"A product is zero when a factor is zero: ${tex(X + f1)} = 0 \\text{{ or }} {tex(X + f2)} = 0$, "
            f"so $x = {tex(roots[0])} \\text{{ or }} x = {tex(roots[1])}$."
        )
        final = f"{tex(roots[0])}, {tex(roots[1])}"
    else:
        keep = f2 if roots[0] == -f2 else f1
        steps.append(f"Setting the factor to zero: ${tex(X + keep)} = 0$, so $x = {tex(roots[0])}$.")
        final = tex(roots[0])
    steps.append(boxed_step(final))

    gold = sorted(sp.roots(sp.Poly(poly, X)))
    return MathProblem(
        family="quadratic",
        prompt=f"Find all real solutions of ${eq}$.",
        answer=", ".join(tex(r) for r in gold), answer_value=tuple(gold),
        steps=steps, final_answer=final, final_value=tuple(roots),
        premises=[eq], unknowns=["x"],
        params={"b": b, "c": c}, difficulty=2,
    )
