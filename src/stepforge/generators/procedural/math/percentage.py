"""Percent of a quantity, and a price raised or lowered by a percentage."""

from __future__ import annotations

import random

from ._base import Fault, MathProblem, boxed_step, family


@family("percentage", "Increase or decrease an amount by a percentage.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    n = 20 * rng.randint(2, 30)
    p = 5 * rng.randint(1, 19)
    up = rng.random() < 0.5
    slip = rng.choice([-2, -1, 1, 2])
    steps: list[str] = []

    part = fault.at(
        len(steps), p * n // 100,
        arithmetic_slip=(p * n // 100 + slip, "multiplied wrongly"),
        wrong_rule=(n * 100 // p if (n * 100) % p == 0 else n * p // 10, "used the wrong operation for the percentage"),
    )
    steps.append(f"Compute ${p}\\%$ of ${n}$: $\\frac{{{p}}}{{100}} \\cdot {n} = {part}$.")
    value = fault.at(
        len(steps), n + part if up else n - part,
        sign_slip=(n - part if up else n + part, "subtracted instead of adding" if up else "added instead of subtracting"),
    )
    steps.append(f"{'Add it to' if up else 'Subtract it from'} the original price: ${n} {'+' if up else '-'} {part} = {value}$.")
    steps.append(boxed_step(str(value)))

    gold = n * (100 + p) // 100 if up else n * (100 - p) // 100
    how = "increased" if up else "decreased"
    return MathProblem(
        family="percentage",
        prompt=f"A price of ${n}$ dollars is {how} by ${p}\\%$. What is the new price in dollars?",
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(value), final_value=value,
        params={"n": n, "p": p, "up": up}, difficulty=1,
    )
