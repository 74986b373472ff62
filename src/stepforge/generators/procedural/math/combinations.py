"""Count committees: a binomial coefficient computed from factorials."""

from __future__ import annotations

import math
import random

from ._base import Fault, MathProblem, boxed_step, family


@family("combinations", "Count the ways to choose k of n (order does not matter).")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    n = rng.randint(5, 12)
    k = rng.randint(2, min(5, n - 2))
    slip = rng.choice([-2, -1, 1, 2])
    steps: list[str] = []

    ordered = fault.at(len(steps), False, wrong_rule=(True, "counted ordered selections (forgot to divide by k!)"))
    if ordered:
        steps.append(f"Choosing in order gives $\\binom{{{n}}}{{{k}}} = \\frac{{{n}!}}{{({n - k})!}}$.")
    else:
        steps.append(f"Order does not matter, so the count is $\\binom{{{n}}}{{{k}}} = \\frac{{{n}!}}{{{k}! \\, ({n - k})!}}$.")
    top = " \\cdot ".join(str(n - i) for i in range(k))
    bottom = " \\cdot ".join(str(k - i) for i in range(k))
    num, den = math.perm(n, k), (1 if ordered else math.factorial(k))
    num = fault.at(len(steps), num, arithmetic_slip=(num + slip * 10, "multiplied the top factors wrongly"))
    if ordered:
        steps.append(f"Cancel $({n - k})!$: $\\frac{{{n}!}}{{({n - k})!}} = {top} = {num}$.")
        value = num
    else:
        steps.append(
            f"Cancel $({n - k})!$: $\\frac{{{n}!}}{{{k}! \\, ({n - k})!}} = \\frac{{{top}}}{{{bottom}}} = \\frac{{{num}}}{{{den}}}$."
        )
        value = fault.at(len(steps), num // den if num % den == 0 else num / den,
                         arithmetic_slip=(num // den + slip, "divided wrongly"))
        steps.append(f"Divide: $\\frac{{{num}}}{{{den}}} = {value}$.")
    steps.append(boxed_step(str(value)))

    gold = math.comb(n, k)
    return MathProblem(
        family="combinations",
        prompt=f"In how many ways can a committee of ${k}$ people be chosen from ${n}$ people?",
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(value), final_value=value,
        params={"n": n, "k": k}, difficulty=1,
    )
