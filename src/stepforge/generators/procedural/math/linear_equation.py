"""Solve a linear equation a x + b = c (integer or fractional solution)."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from ._base import X, Fault, MathProblem, ParamSpace, boxed_step, family, nonzero_range, slip, tex

SPACE = ParamSpace(a=nonzero_range(-9, 9), b=nonzero_range(-20, 20), c=range(-40, 41))


def _swap_digits(v: int) -> int | None:
    s = str(abs(v))
    if len(s) != 2 or s[0] == s[1] or s[1] == "0":
        return None
    return int(s[::-1]) * (1 if v > 0 else -1)


@family("linear_equation", "Solve a x + b = c for x.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    a, b, c = p["a"], p["b"], p["c"]
    eq = f"{tex(a * X + b)} = {c}"
    steps: list[str] = []

    seen_c = fault.at(len(steps), c, misread_quantity=(_swap_digits(c), f"copied {c} from the equation as {_swap_digits(c)}"))
    moved = fault.at(len(steps), "undo", wrong_operation=("keep", f"moved {b} across without changing its sign"))
    rhs = seen_c - b if moved == "undo" else seen_c + b
    rhs = fault.at(len(steps), rhs, arithmetic_slip=(slip(rhs, "rhs"), f"computed {seen_c} {'-' if b > 0 else '+'} {abs(b)} wrongly"))
    if moved == "undo":
        how = f"Subtract ${tex(b)}$ from" if b > 0 else f"Add ${tex(-b)}$ to"
        steps.append(f"{how} both sides: ${tex(a * X)} = {seen_c} {'-' if b > 0 else '+'} {abs(b)} = {tex(rhs)}$.")
    else:
        steps.append(f"Move ${tex(b)}$ to the other side: ${tex(a * X)} = {seen_c} {'+' if b > 0 else '-'} {abs(b)} = {tex(rhs)}$.")

    x = sp.Rational(rhs, a)
    if a == 1:
        steps.append(boxed_step(tex(x)))
        return _problem(a, b, c, eq, steps, x)
    x = fault.at(
        len(steps), x,
        sign_slip=(-x if a < 0 else None, "lost the sign when dividing by a negative number"),
        arithmetic_slip=(sp.Integer(slip(int(x), "x")) if x.is_integer and x != 0 else None, "divided wrongly"),
    )
    steps.append(f"Divide both sides by ${tex(a)}$: $x = \\frac{{{tex(rhs)}}}{{{tex(a)}}} = {tex(x)}$.")
    steps.append(boxed_step(tex(x)))
    return _problem(a, b, c, eq, steps, x)


def _problem(a: int, b: int, c: int, eq: str, steps: list[str], x: Any) -> MathProblem:
    (gold,) = sp.roots(sp.Poly(a * X + b - c, X))
    return MathProblem(
        family="linear_equation",
        prompt=f"Solve for $x$: ${eq}$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(x), final_value=x,
        premises=[eq], unknowns=["x"],
        params={"a": a, "b": b, "c": c}, difficulty=1,
    )
