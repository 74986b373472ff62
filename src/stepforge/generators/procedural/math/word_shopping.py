"""A shopping word problem (GSM8K-like): two purchases and the change from a bill."""

from __future__ import annotations

import random
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, family, misread, slip
from ._words import NAMES, Writer, boxed

ITEMS = (("notebook", "notebooks"), ("pen", "pens"), ("apple", "apples"), ("sandwich", "sandwiches"),
         ("ticket", "tickets"), ("candle", "candles"), ("mug", "mugs"), ("book", "books"), ("plant", "plants"),
         ("scarf", "scarves"))
SPACE = ParamSpace(who=NAMES, items=tuple((i, j) for i in range(len(ITEMS)) for j in range(len(ITEMS)) if i != j),
                   n1=range(2, 10), p1=range(2, 16), n2=range(2, 10), p2=range(1, 13))


@family("word_shopping", "Word problem: two purchases and the change from a bill.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (name, _, _), (i, j) = p["who"], p["items"]
    (s1, pl1), (s2, pl2) = ITEMS[i], ITEMS[j]
    n1, p1, n2, p2 = p["n1"], p["p1"], p["n2"], p["p2"]
    total_right = n1 * p1 + n2 * p2
    bill = next(b for b in (20, 50, 100, 200, 500) if b > total_right)
    w = Writer(rng)
    steps: list[str] = []

    q1 = fault.at(len(steps), p1, swapped_quantity=(p2, f"used the price of a {s2} for the {pl1}"))
    op1 = fault.at(len(steps), "*", wrong_operation=("+", f"added the number of {pl1} and the price"))
    c1 = n1 * q1 if op1 == "*" else n1 + q1
    c1 = fault.at(len(steps), c1, arithmetic_slip=(slip(c1, "c1"), f"multiplied {n1} by {q1} wrongly"))
    steps.append(f"{name} spends {w.calc(f'{n1} {op1} {q1}', c1, 'dollars')} on {pl1}.")
    m2 = fault.at(len(steps), n2, misread_quantity=(n1 if n1 != n2 else None, f"used {n1} {pl2} instead of {n2}"))
    c2 = fault.at(len(steps), m2 * p2, arithmetic_slip=(slip(m2 * p2, "c2"), f"multiplied {m2} by {p2} wrongly"))
    steps.append(f"{name} spends {w.calc(f'{m2} * {p2}', c2, 'dollars')} on {pl2}.")
    c2s = fault.at(len(steps), c2, misread_quantity=(misread(c2), f"copied {c2} as {misread(c2)}"))
    total = fault.at(len(steps), c1 + c2s, arithmetic_slip=(slip(c1 + c2s, "t"), "added the two costs wrongly"))
    steps.append(f"Altogether that is {w.calc(f'{c1} + {c2s}', total, 'dollars')}.")
    total = fault.at(len(steps), total, misread_quantity=(misread(total) if misread(total) and misread(total) < bill else None,
                                                          f"copied {total} as {misread(total)}"))
    change = bill - total
    change = fault.at(len(steps), change, arithmetic_slip=(slip(change, "ch") if change > 1 else None, "subtracted wrongly"))
    steps.append(f"The change from the {bill}-dollar bill is {w.calc(f'{bill} - {total}', change, 'dollars')}.")
    steps.append(boxed(change, "dollars"))

    gold = bill - total_right
    return MathProblem(
        family="word_shopping",
        prompt=(f"{name} buys {n1} {pl1} at {p1} dollars each and {n2} {pl2} at {p2} dollars each. "
                f"{name} pays with a {bill}-dollar bill. How much change, in dollars, does {name} get?"),
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(change), final_value=change,
        params={"n1": n1, "p1": p1, "n2": n2, "p2": p2, "bill": bill}, difficulty=1,
    )
