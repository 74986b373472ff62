"""A travel word problem (GSM8K-like): distance over two legs, one timed in minutes."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, family, misread, slip
from ._words import NAMES, Writer, boxed, num

MODES = (("drives", "miles"), ("cycles", "kilometers"), ("rides the train", "miles"), ("rows", "kilometers"))
SPACE = ParamSpace(who=NAMES, mode=MODES, v1=range(20, 75, 5), h1=range(1, 5), v2=range(24, 96, 12),
                   m2=(10, 15, 20, 30, 40, 45, 50, 75, 90))


@family("word_travel", "Word problem: total distance over two legs, one given in minutes.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (name, he, _), (verb, unit) = p["who"], p["mode"]
    v1, h1, v2, m2 = p["v1"], p["h1"], p["v2"], p["m2"]
    w = Writer(rng)
    steps: list[str] = []

    sp1 = fault.at(len(steps), v1, swapped_quantity=(v2, "used the second speed for the first leg"))
    d1 = fault.at(len(steps), sp1 * h1, arithmetic_slip=(slip(sp1 * h1, "d1"), "multiplied speed by time wrongly"))
    steps.append(f"In the first part {he} goes {w.calc(f'{sp1} * {h1}', d1, unit)}.")
    per = fault.at(len(steps), 60, unit_slip=(100, "converted minutes to hours as if an hour had 100 minutes"))
    hours = Fraction(m2, per)
    steps.append(f"{m2} minutes is {w.calc(f'{m2}/{per}', hours, 'hours' if hours != 1 else 'hour')}.")
    d2 = v2 * hours
    d2 = fault.at(len(steps), d2, arithmetic_slip=(slip(int(d2), "d2") if d2.denominator == 1 else None,
                                                   "multiplied speed by time wrongly"))
    steps.append(f"In the second part {he} goes {w.calc(f'{v2} * {num(hours)}', d2, unit)}.")
    d1 = fault.at(len(steps), d1, misread_quantity=(misread(d1), f"copied {d1} as {misread(d1)}"))
    total = d1 + d2
    total = fault.at(len(steps), total, arithmetic_slip=(slip(int(total), "t") if total.denominator == 1 else None,
                                                         "added the two distances wrongly"))
    steps.append(f"In total {he} goes {w.calc(f'{num(d1)} + {num(d2)}', total, unit)}.")
    steps.append(boxed(total, unit))

    gold = v1 * h1 + Fraction(v2 * m2, 60)
    return MathProblem(
        family="word_travel",
        prompt=(f"{name} {verb} at {v1} {unit} per hour for {h1} hour{'s' if h1 > 1 else ''}, then at {v2} {unit} "
                f"per hour for {m2} minutes. How many {unit} does {name} travel in total?"),
        answer=num(gold), answer_value=gold,
        steps=steps, final_answer=num(total), final_value=total,
        params={"v1": v1, "h1": h1, "v2": v2, "m2": m2}, difficulty=1,
    )
