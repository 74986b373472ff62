"""The remainder of a power a^k modulo m, by repeated multiplication of remainders."""

from __future__ import annotations

import random
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, boxed_step, family

SPACE = ParamSpace(base=tuple((m, a) for m in range(5, 14) for a in range(m + 1, 4 * m) if a % m not in (0, 1)),
                   k=range(3, 8))


def _near(r: int, m: int) -> int:
    """A remainder one off, as a slip in reducing: still a remainder modulo m."""
    return r + 1 if r + 1 < m else r - 1


@family("modular_power", "Remainder of a^k when divided by m.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (m, a), k = p["base"], p["k"]
    steps: list[str] = []

    q, r1 = divmod(a, m)
    r1w = fault.at(len(steps), r1, arithmetic_slip=(_near(r1, m), f"took the remainder of {a} wrongly"))
    steps.append(f"First reduce the base: ${a} = {q} \\cdot {m} + {r1w}$, so ${a}$ leaves remainder ${r1w}$.")
    r = r1w
    for i in range(2, k + 1):
        op = fault.at(len(steps), "*", wrong_operation=("+", "added the remainders instead of multiplying them"))
        prod = r * r1w if op == "*" else r + r1w
        qq, rr = divmod(prod, m)
        rr = fault.at(len(steps), rr, arithmetic_slip=(_near(rr, m), f"reduced {prod} modulo {m} wrongly"))
        shown = f"{r} \\cdot {r1w}" if op == "*" else f"{r} + {r1w}"
        steps.append(f"Multiply by the remainder again for ${a}^{{{i}}}$: ${shown} = {prod} = {qq} \\cdot {m} + {rr}$.")
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
