"""Evaluate the definite integral of a polynomial with the fundamental theorem of calculus."""

from __future__ import annotations

import random

import sympy as sp

from ._base import X, Fault, MathProblem, boxed_step, family, nonzero, par, tex


def _at(antideriv: list[tuple[sp.Rational, int]], v: int) -> str:
    """The antiderivative with ``v`` written in for x, term by term, before evaluating."""
    out = ""
    for i, (c, k) in enumerate(antideriv):
        body = f"{par(v)}^{{{k}}}" if k > 1 else par(v)
        mag = abs(c)
        t = body if mag == 1 else f"{tex(mag)} \\cdot {body}"
        sign = "-" if c < 0 else "+"
        out += (f"- {t}" if c < 0 else t) if i == 0 else f" {sign} {t}"
    return out


@family("definite_integral", "Evaluate the definite integral of a polynomial.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    degs = sorted(rng.sample(range(0, 4), rng.randint(2, 3)), reverse=True)
    coeffs = {k: nonzero(rng, -6, 6) for k in degs}
    lo = rng.randint(-3, 1)
    hi = lo + rng.randint(1, 4)
    p = sp.Add(*(c * X**k for k, c in coeffs.items()))
    slip = rng.choice([-2, -1, 1, 2])
    steps: list[str] = []

    right = [(sp.Rational(c, k + 1), k + 1) for k, c in coeffs.items()]
    anti = fault.at(
        len(steps), right,
        wrong_rule=([(sp.Integer(c), k + 1) for k, c in coeffs.items()], "raised the power without dividing by the new exponent"),
        dropped_term=(right[:-1], "dropped the last term of the antiderivative"),
    )
    F = sp.Add(*(c * X**k for c, k in anti))
    steps.append(f"An antiderivative is $F(x) = {tex(F)}$, since $\\frac{{d}}{{dx}}\\left({tex(F)}\\right) = {tex(p)}$.")
    F_hi = fault.at(len(steps), F.subs(X, hi), arithmetic_slip=(F.subs(X, hi) + slip, "evaluated F at the upper bound wrongly"))
    steps.append(f"At the upper bound: ${_at(anti, hi)} = {tex(F_hi)}$.")
    F_lo = F.subs(X, lo)
    steps.append(f"At the lower bound: ${_at(anti, lo)} = {tex(F_lo)}$.")
    value = fault.at(len(steps), F_hi - F_lo, sign_slip=(F_hi + F_lo, "added F(lower) instead of subtracting it"))
    integral = f"\\int_{{{lo}}}^{{{hi}}} \\left({tex(p)}\\right) \\, dx"
    steps.append(f"Subtract: ${integral} = {tex(F_hi)} - {par(F_lo)} = {tex(value)}$.")
    steps.append(boxed_step(tex(value)))

    prim = sp.Poly(p, X).integrate()
    gold = prim.eval(hi) - prim.eval(lo)
    return MathProblem(
        family="definite_integral",
        prompt=f"Evaluate ${integral}$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(value), final_value=value,
        variables=["x"],
        params={"p": str(p), "lo": lo, "hi": hi}, difficulty=2,
    )
