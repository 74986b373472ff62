"""A fencing word problem (GSM8K-like): perimeter less a gate, times a price per meter."""

from __future__ import annotations

import random
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, family, misread, slip
from ._words import NAMES, Writer, boxed

PLACES = ("garden", "yard", "playground", "field", "pen for goats")
SPACE = ParamSpace(who=NAMES, place=PLACES, dims=tuple((a, b) for a in range(4, 41) for b in range(3, a)),
                   gate=range(1, 4), price=range(2, 16))


@family("word_fence", "Word problem: fence a rectangle except a gate, at a price per meter.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (name, _, _), place, (L, W), gate, price = p["who"], p["place"], p["dims"], p["gate"], p["price"]
    w = Writer(rng)
    steps: list[str] = []

    half = rng.random() < 0.5
    formula = fault.at(len(steps), "perimeter", wrong_formula=(
        ("half" if half else "area"), "added length and width once" if half else "used the area instead of the perimeter"))
    if formula == "perimeter":
        expr, per = f"2 * ({L} + {W})", 2 * (L + W)
    elif formula == "half":
        expr, per = f"{L} + {W}", L + W
    else:
        expr, per = f"{L} * {W}", L * W
    per = fault.at(len(steps), per, arithmetic_slip=(slip(per, "per"), "computed the perimeter wrongly"))
    steps.append(f"The distance around the {place} is {w.calc(expr, per, 'meters')}.")
    gate_used = fault.at(len(steps), "minus", dropped_condition=("none", "forgot that the gate needs no fence"),
                         wrong_operation=("plus", "added the gate instead of leaving it out"))
    if gate_used == "none":
        fence = per
        steps.append(f"So {name} needs {fence} meters of fence.")
    else:
        fence = per - gate if gate_used == "minus" else per + gate
        fence = fault.at(len(steps), fence, arithmetic_slip=(slip(fence, "fence"), "subtracted wrongly"))
        sign = "-" if gate_used == "minus" else "+"
        steps.append(f"Leaving out the {gate}-meter gate, the fence is {w.calc(f'{per} {sign} {gate}', fence, 'meters')} long.")
    fence = fault.at(len(steps), fence, misread_quantity=(misread(fence), f"copied {fence} as {misread(fence)}"))
    cost = fault.at(len(steps), fence * price, arithmetic_slip=(slip(fence * price, "cost"), "multiplied wrongly"))
    steps.append(f"At {price} dollars per meter, the fence costs {w.calc(f'{fence} * {price}', cost, 'dollars')}.")
    steps.append(boxed(cost, "dollars"))

    gold = (2 * (L + W) - gate) * price
    return MathProblem(
        family="word_fence",
        prompt=(f"{name}'s {place} is a rectangle {L} meters long and {W} meters wide. {name} puts a fence around it, "
                f"leaving a {gate}-meter gap for a gate, which needs no fence. Fencing costs {price} dollars per meter. "
                f"How much, in dollars, does the fence cost?"),
        answer=str(gold), answer_value=gold,
        steps=steps, final_answer=str(cost), final_value=cost,
        params={"L": L, "W": W, "gate": gate, "price": price}, difficulty=1,
    )
