"""Differentiate a sum of power, sine, cosine and exponential terms term by term."""

from __future__ import annotations

import itertools
import random
from typing import Any

import sympy as sp

from ._base import X, Fault, MathProblem, ParamSpace, boxed_step, family, nonzero_range, slip, tex

_KINDS = ("pow2", "pow3", "pow4", "pow5", "pow6", "sin", "cos", "exp")
_COEF = nonzero_range(-7, 7)
SPACE = ParamSpace(kinds=tuple(itertools.combinations(_KINDS, 3)), c1=_COEF, c2=_COEF, c3=_COEF,
                   lin=nonzero_range(-6, 6))


def _base_fn(kind: str) -> sp.Expr:
    if kind.startswith("pow"):
        return X ** int(kind[3:])
    return {"sin": sp.sin(X), "cos": sp.cos(X), "exp": sp.exp(X)}[kind]


def _rule(rest: sp.Expr) -> sp.Expr:
    """The derivative of x^n, x, sin x, cos x or e^x by its textbook rule (the steps' own working;
    the reference answer is computed by sympy.diff independently)."""
    if rest == X:
        return sp.Integer(1)
    if rest.is_Pow:
        return rest.exp * X ** (rest.exp - 1)
    return {sp.sin: sp.cos(X), sp.cos: -sp.sin(X), sp.exp: sp.exp(X)}[rest.func]


@family("derivative", "Differentiate a sum of power, trig and exponential terms.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    terms = [coef * _base_fn(k) for k, coef in zip(p["kinds"], (p["c1"], p["c2"], p["c3"]))]
    terms.append(p["lin"] * X)
    f = sp.Add(*terms)
    steps: list[str] = []
    parts = []
    for term in terms:
        coeff, rest = term.as_coeff_Mul()
        seen = fault.at(len(steps), coeff,
                        misread_quantity=(slip(int(coeff), "seen", str(rest)), f"copied the coefficient {coeff} wrongly"))
        right = seen * _rule(rest)
        wrong: dict[str, tuple[Any, str]] = {
            "arithmetic_slip": (slip(int(seen * (rest.exp if rest.is_Pow else 1)), "coef", str(rest))
                                * (X ** (rest.exp - 1) if rest.is_Pow else _rule(rest)), "miscalculated the coefficient"),
        }
        if rest.is_Pow:
            n = rest.exp
            wrong["wrong_rule"] = (seen * n * X**n, "applied the power rule without lowering the exponent")
        elif rest.func in (sp.sin, sp.cos):
            wrong["sign_slip"] = (-right, f"used the wrong sign for the derivative of {rest.func.__name__}")
        elif rest == X:
            wrong["wrong_rule"] = (sp.Integer(0), "treated the linear term as a constant")
        d = fault.at(len(steps), right, **wrong)
        parts.append(d)
        rule = "the power rule" if rest.is_Pow or rest == X else f"the derivative of ${tex(rest)}$"
        steps.append(f"By {rule}: $\\frac{{d}}{{dx}}\\left({tex(seen * rest)}\\right) = {tex(d)}$.")
    kept = fault.at(len(steps), len(parts), dropped_term=(len(parts) - 1, "left the last derivative out of the sum"))
    total = sp.Add(*parts[:kept])
    steps.append(f"Add the results: $\\frac{{d}}{{dx}}\\left({tex(f)}\\right) = {tex(total)}$.")
    steps.append(boxed_step(tex(total)))

    gold = sp.diff(f, X)
    return MathProblem(
        family="derivative",
        prompt=f"Find the derivative of $f(x) = {tex(f)}$ with respect to $x$.",
        answer=tex(gold), answer_value=gold,
        steps=steps, final_answer=tex(total), final_value=total,
        variables=["x"],
        params={"f": str(f)}, difficulty=2,
    )
