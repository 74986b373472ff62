"""Evaluate the definite integral of a polynomial with the fundamental theorem of calculus."""

from __future__ import annotations

import itertools
import random
from typing import Any

import sympy as sp

from ._base import X, Fault, MathProblem, ParamSpace, boxed_step, family, nonzero_range, par, slip, tex

_COEF = nonzero_range(-6, 6)
SPACE = ParamSpace(degs=tuple(itertools.combinations((3, 2, 1, 0), 3)), c1=_COEF, c2=_COEF, c3=_COEF,
                   lo=range(-3, 2), width=range(1, 5))


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


def _slip_value(v: sp.Rational, salt: str) -> sp.Rational:
    """A wrong value of the same form: a slipped integer, or a slipped numerator."""
    v = sp.Rational(v)
    if v.q == 1:
        return sp.Integer(slip(int(v), salt))
    return sp.Rational(slip(int(v.p), salt), v.q)


@family("definite_integral", "Evaluate the definite integral of a polynomial.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    coeffs = dict(zip(p["degs"], (p["c1"], p["c2"], p["c3"])))
    lo = p["lo"]
    hi = lo + p["width"]
    poly = sp.Add(*(c * X**k for k, c in coeffs.items()))
    steps: list[str] = []

    right = [(sp.Rational(c, k + 1), k + 1) for k, c in coeffs.items()]
    anti = fault.at(
        len(steps), right,
        wrong_rule=([(sp.Integer(c), k + 1) for k, c in coeffs.items()], "raised the power without dividing by the new exponent"),
        dropped_term=(right[:-1], "dropped the last term of the antiderivative"),
    )
    F = sp.Add(*(c * X**k for c, k in anti))
    steps.append(f"An antiderivative is $F(x) = {tex(F)}$, since $\\frac{{d}}{{dx}}\\left({tex(F)}\\right) = {tex(poly)}$.")
    F_hi = fault.at(len(steps), F.subs(X, hi), arithmetic_slip=(_slip_value(F.subs(X, hi), "hi"), "evaluated F at the upper bound wrongly"))
    steps.append(f"At the upper bound: ${_at(anti, hi)} = {tex(F_hi)}$.")
    F_lo = fault.at(len(steps), F.subs(X, lo),
                    arithmetic_slip=(_slip_value(F.subs(X, lo), "lo") if F.subs(X, lo) != 0 else None,
                                     "evaluated F at the lower bound wrongly"))
    steps.append(f"At the lower bound: ${_at(anti, lo)} = {tex(F_lo)}$.")
    order = fault.at(len(steps), "hi-lo", swapped_quantity=("lo-hi", "subtracted the value at the upper bound from the lower one"))
    first, second = (F_hi, F_lo) if order == "hi-lo" else (F_lo, F_hi)
    value = fault.at(len(steps), first - second, sign_slip=(first + second, "added F(lower) instead of subtracting it"))
    integral = f"\\int_{{{lo}}}^{{{hi}}} \\left({tex(poly)}\\right) \\, dx"
    steps.append(f"Subtract: ${integral} = {tex(first)} - {par(second)} = {tex(value)}$.")
    steps.append(boxed_step(tex(value)))

    prim = sp.Poly(poly, X).integrate()
    gold = prim.eval(hi) - prim.eval(lo)
    return MathProblem(
        family="definite_integral",
        prompt=f"Evaluate ${integral}$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(value), final_value=value,
        variables=["x"],
        params={"p": str(poly), "lo": lo, "hi": hi}, difficulty=2,
    )
