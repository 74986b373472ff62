"""A fractions word problem (GSM8K-like): a share sold, then a share of the rest."""

from __future__ import annotations

import math
import random
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, family, misread, slip
from ._words import NAMES, Writer, boxed

GOODS = ("cookies", "muffins", "cupcakes", "bread rolls", "pretzels", "bagels")
_FRACS = tuple((a, b) for b in (2, 3, 4, 5, 6, 8) for a in range(1, b) if math.gcd(a, b) == 1)
SPACE = ParamSpace(who=NAMES, goods=GOODS, first=_FRACS, second=_FRACS, k=range(1, 9))


@family("word_leftovers", "Word problem: sell a fraction, then a fraction of the rest; how many are left.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (name, he, _), goods, (a, b), (c, d), k = p["who"], p["goods"], p["first"], p["second"], p["k"]
    n = b * d * k
    w = Writer(rng)
    steps: list[str] = []

    sold1 = fault.at(len(steps), n * a // b, arithmetic_slip=(slip(n * a // b, "s1", ok=lambda v: 0 < v < n and (n - v) * c % d == 0),
                                                                "multiplied wrongly"))
    steps.append(f"In the morning {he} sells {w.calc(f'{n} * {a}/{b}', sold1, goods)}.")
    rest = fault.at(len(steps), n - sold1, arithmetic_slip=(slip(n - sold1, "r", ok=lambda v: v * c % d == 0), "subtracted wrongly"))
    steps.append(f"That leaves {w.calc(f'{n} - {sold1}', rest, goods)}.")
    base = fault.at(len(steps), rest, misread_quantity=(n, "took the fraction of all the goods instead of the rest"))
    sold2 = base * c // d  # every choice above keeps this whole: no fractional goods
    sold2 = fault.at(len(steps), sold2, arithmetic_slip=(slip(sold2, "s2", ok=lambda v: 0 < v < rest), "multiplied wrongly"))
    steps.append(f"In the afternoon {he} sells {w.calc(f'{base} * {c}/{d}', sold2, goods)}.")
    rest = fault.at(len(steps), rest, misread_quantity=(misread(rest) if misread(rest) and misread(rest) > sold2 else None,
                                                        f"copied {rest} as {misread(rest)}"))
    op = fault.at(len(steps), "-", wrong_operation=("+", "added the afternoon sales to what was left"))
    left = rest - sold2 if op == "-" else rest + sold2
    left = fault.at(len(steps), left, arithmetic_slip=(slip(left, "l", ok=lambda v: v > 0), "subtracted wrongly"))
    steps.append(f"So {w.calc(f'{rest} {op} {sold2}', left, goods)} are left.")
    steps.append(boxed(left, goods))

    gold = (n - n * a // b) * (d - c) // d
    return MathProblem(
        family="word_leftovers",
        prompt=(f"{name} bakes {n} {goods}. {he.capitalize()} sells {a}/{b} of them in the morning and {c}/{d} of "
                f"the rest in the afternoon. How many {goods} are left?"),
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(left), final_value=left,
        params={"n": n, "first": [a, b], "second": [c, d]}, difficulty=1,
    )
