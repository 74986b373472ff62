"""Expand a product of two binomials and combine like terms."""

from __future__ import annotations

import random

import sympy as sp

from ._base import X, Fault, MathProblem, boxed_step, family, nonzero, tex, terms_tex


@family("polynomial_expansion", "Expand (a x + b)(c x + d).")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    a, b, c, d = (nonzero(rng, -9, 9) for _ in range(4))
    if a < 0 and c < 0:
        a = -a
    slip = rng.choice([-2, -1, 1, 2])
    left, right = a * X + b, c * X + d
    shown = f"\\left({tex(left)}\\right) \\left({tex(right)}\\right)"
    steps: list[str] = []

    dist = f"{tex(a * X)} \\left({tex(right)}\\right) {'+' if b > 0 else '-'} {abs(b)} \\left({tex(right)}\\right)"
    steps.append(f"Distribute the first factor: ${shown} = {dist}$.")
    terms = [a * c * X**2, a * d * X, b * c * X, b * d]
    terms = fault.at(
        len(steps), terms,
        sign_slip=([a * c * X**2, a * d * X, b * c * X, -b * d], "lost the sign of the constant product"),
        dropped_term=([a * c * X**2, a * d * X, b * c * X], "dropped the constant product"),
        arithmetic_slip=([(a * c + slip) * X**2, a * d * X, b * c * X, b * d], "multiplied the leading coefficients wrongly"),
    )
    written = terms_tex(terms)
    steps.append(f"Multiply out each product: ${dist} = {written}$.")
    combined = sp.expand(sum(terms))
    mid = (a * d + b * c)
    combined = fault.at(
        len(steps), combined,
        arithmetic_slip=(combined + slip * X if mid + slip != 0 else combined - slip * X, "added the x coefficients wrongly"),
    )
    steps.append(f"Combine like terms: ${written} = {tex(combined)}$.")
    steps.append(boxed_step(tex(combined)))

    gold = sp.expand(left * right)
    return MathProblem(
        family="polynomial_expansion",
        prompt=f"Expand and simplify ${shown}$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(combined), final_value=combined,
        variables=["x"],
        params={"a": a, "b": b, "c": c, "d": d}, difficulty=1,
    )
