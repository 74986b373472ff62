"""Count committees: a binomial coefficient computed from factorials."""

from __future__ import annotations

import math
import random
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, boxed_step, family, slip

SPACE = ParamSpace(nk=tuple((n, k) for n in range(5, 26) for k in range(2, min(6, n - 1))),
                   what=(("committee", "people"), ("team", "players"), ("group", "students"), ("panel", "judges")))


@family("combinations", "Count the ways to choose k of n (order does not matter).", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (n, k), (unit, who) = p["nk"], p["what"]
    steps: list[str] = []

    ordered = fault.at(len(steps), False, wrong_formula=(True, "counted ordered selections (order does not matter here)"))
    if ordered:
        steps.append(f"We pick the {k} {who} one after another, so the count is $\\frac{{{n}!}}{{({n - k})!}}$.")
    else:
        steps.append(f"Order does not matter, so the count is $\\binom{{{n}}}{{{k}}} = \\frac{{{n}!}}{{{k}! \\, ({n - k})!}}$.")
    top = " \\cdot ".join(str(n - i) for i in range(k))
    bottom = " \\cdot ".join(str(k - i) for i in range(k))
    num, den = math.perm(n, k), (1 if ordered else math.factorial(k))
    if ordered:
        num = fault.at(len(steps), num, arithmetic_slip=(slip(num, "num"), "multiplied the top factors wrongly"))
        steps.append(f"Cancel $({n - k})!$: $\\frac{{{n}!}}{{({n - k})!}} = {top} = {num}$.")
        value = num
    else:
        num = fault.at(len(steps), num, arithmetic_slip=(slip(num, "num", ok=lambda v: v % den == 0),
                                                         "multiplied the top factors wrongly"))
        steps.append(
            f"Cancel $({n - k})!$: $\\frac{{{n}!}}{{{k}! \\, ({n - k})!}} = \\frac{{{top}}}{{{bottom}}} = \\frac{{{num}}}{{{den}}}$."
        )
        value = fault.at(len(steps), num // den, arithmetic_slip=(slip(num // den, "div"), "divided wrongly"))
        steps.append(f"Divide: $\\frac{{{num}}}{{{den}}} = {value}$.")
    steps.append(boxed_step(str(value)))

    gold = math.comb(n, k)
    return MathProblem(
        family="combinations",
        prompt=f"In how many ways can a {unit} of ${k}$ {who} be chosen from ${n}$ {who}?",
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(value), final_value=value,
        params={"n": n, "k": k}, difficulty=1,
    )
