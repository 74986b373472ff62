"""Expand a product of two binomials and combine like terms."""

from __future__ import annotations

import random
from typing import Any

import sympy as sp

from ._base import X, Fault, MathProblem, ParamSpace, boxed_step, family, nonzero_range, slip, tex, terms_tex

SPACE = ParamSpace(a=range(1, 10), b=nonzero_range(-9, 9), c=nonzero_range(-9, 9), d=nonzero_range(-9, 9))


@family("polynomial_expansion", "Expand (a x + b)(c x + d).", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    left, right = a * X + b, c * X + d
    shown = f"\\left({tex(left)}\\right) \\left({tex(right)}\\right)"
    steps: list[str] = []

    d = fault.at(len(steps), d, misread_quantity=(slip(d, "d") if abs(d) > 1 else -d, f"copied the constant {d} of the second factor wrongly"))
    right = c * X + d
    dist = f"{tex(a * X)} \\left({tex(right)}\\right) {'+' if b > 0 else '-'} {abs(b)} \\left({tex(right)}\\right)"
    steps.append(f"Distribute the first factor: ${shown} = {dist}$.")
    terms = [a * c * X**2, a * d * X, b * c * X, b * d]
    terms = fault.at(
        len(steps), terms,
        sign_slip=([a * c * X**2, a * d * X, b * c * X, -b * d], "lost the sign of the constant product"),
        dropped_term=([a * c * X**2, a * d * X, b * c * X], "dropped the constant product"),
        arithmetic_slip=([slip(a * c, "lead") * X**2, a * d * X, b * c * X, b * d], "multiplied the leading coefficients wrongly"),
    )
    written = terms_tex(terms)
    steps.append(f"Multiply out each product: ${dist} = {written}$.")
    combined = sp.expand(sum(terms))
    mid = combined.coeff(X, 1)
    combined = fault.at(
        len(steps), combined,
        arithmetic_slip=(combined + (slip(mid, "mid") - mid) * X if mid != 0 else None, "added the x coefficients wrongly"),
    )
    steps.append(f"Combine like terms: ${written} = {tex(combined)}$.")
    steps.append(boxed_step(tex(combined)))

    gold = sp.expand(left * (c * X + p["d"]))
    return MathProblem(
        family="polynomial_expansion",
        prompt=f"Expand and simplify ${shown}$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(combined), final_value=combined,
        variables=["x"],
        params={"a": a, "b": b, "c": c, "d": d}, difficulty=1,
    )
