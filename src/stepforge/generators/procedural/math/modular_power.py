"""The remainder of a power a^k modulo m, by repeated multiplication of remainders."""

from __future__ import annotations

import random

from ._base import Fault, MathProblem, boxed_step, family


@family("modular_power", "Remainder of a^k when divided by m.")
def build(rng: random.Random, fault: Fault) -> MathProblem:
    m = rng.randint(5, 13)
    a = rng.choice([v for v in range(m + 1, 4 * m) if v % m not in (0, 1)])
    k = rng.randint(3, 6)
    slip = rng.choice([-1, 1])
    steps: list[str] = []

    q, r1 = divmod(a, m)
    r1w = fault.at(len(steps), r1, arithmetic_slip=((r1 + slip) % m, f"took the remainder of {a} wrongly"))
    steps.append(f"First reduce the base: ${a} = {q} \\cdot {m} + {r1w}$, so ${a}$ leaves remainder ${r1w}$.")
    r = r1w
    for i in range(2, k + 1):
        prod = r * r1w
        qq, rr = divmod(prod, m)
        rr = fault.at(len(steps), rr, arithmetic_slip=((rr + slip) % m, f"reduced {prod} modulo {m} wrongly"))
        steps.append(
            f"Multiply by the remainder again for ${a}^{{{i}}}$: ${r} \\cdot {r1w} = {prod} = {qq} \\cdot {m} + {rr}$."
        )
        r = rr
    steps.append(boxed_step(str(r)))

    gold = pow(a, k, m)
    return MathProblem(
        family="modular_power",
        prompt=f"What is the remainder when ${a}^{{{k}}}$ is divided by ${m}$?",
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(r), final_value=r,
        params={"a": a, "k": k, "m": m}, difficulty=2,
    )
