"""Differentiate a sum of power, sine, cosine and exponential terms term by term."""

from __future__ import annotations

import random

import sympy as sp

from ._base import X, Fault, MathProblem, boxed_step, family, nonzero, tex


def _term(rng: random.Random, used: set[str]) -> sp.Expr:
    while True:
        kind = rng.choice(["pow", "pow", "pow", "sin", "cos", "exp"])
        a = nonzero(rng, -7, 7)
        if kind == "pow":
            n = rng.randint(2, 6)
            key = f"pow{n}"
            term = a * X**n
        else:
            key = kind
            term = a * {"sin": sp.sin(X), "cos": sp.cos(X), "exp": sp.exp(X)}[kind]
        if key not in used:
            used.add(key)
            return term


def _rule(rest: sp.Expr) -> sp.Expr:
    """The derivative of x^n, x, sin x, cos x or e^x by its textbook rule (the steps' own working;
    the reference answer is computed by sympy.diff independently)."""
    if rest == X:
        return sp.Integer(1)
    if rest.is_Pow:
        return rest.exp * X ** (rest.exp - 1)
    return {sp.sin: sp.cos(X), sp.cos: -sp.sin(X), sp.exp: sp.exp(X)}[rest.func]


@family("derivative", "Differentiate a sum of power, trig and exponential terms.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    used: set[str] = set()
    terms = [_term(rng, used) for _ in range(rng.randint(2, 3))]
    terms.append(nonzero(rng, -6, 6) * X)
    f = sp.Add(*terms)
    slip = rng.choice([-2, -1, 1, 2])
    steps: list[str] = []
    parts = []
    for term in terms:
        coeff, rest = term.as_coeff_Mul()
        right = coeff * _rule(rest)
        wrong: dict[str, tuple[sp.Expr, str]] = {
            "arithmetic_slip": (right + slip * _rule(rest), "miscalculated the coefficient"),
        }
        if rest.is_Pow:
            n = rest.exp
            wrong["wrong_rule"] = (coeff * n * X**n, "applied the power rule without lowering the exponent")
        elif rest.func in (sp.sin, sp.cos):
            wrong["sign_slip"] = (-right, f"used the wrong sign for the derivative of {rest.func.__name__}")
        elif rest == X:
            wrong["wrong_rule"] = (sp.Integer(0), "treated the linear term as a constant")
        d = fault.at(len(steps), right, **wrong)
        parts.append(d)
        rule = "the power rule" if rest.is_Pow or rest == X else f"the derivative of ${tex(rest)}$"
        steps.append(f"By {rule}: $\\frac{{d}}{{dx}}\\left({tex(term)}\\right) = {tex(d)}$.")
    total = sp.Add(*parts)
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
