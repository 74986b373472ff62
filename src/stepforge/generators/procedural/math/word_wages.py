"""A wages word problem (GSM8K-like): regular hours plus overtime at time and a half."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from ._base import Fault, MathProblem, ParamSpace, family, misread, slip
from ._words import NAMES, Writer, boxed, num

SPACE = ParamSpace(who=NAMES, rate=range(10, 42, 2), limit=(35, 38, 40), extra=range(1, 16))


@family("word_wages", "Word problem: a week's pay with overtime at time and a half.", SPACE)
def build(p: dict[str, Any], rng: random.Random, fault: Fault) -> MathProblem:
    (name, he, his), rate, limit, extra = p["who"], p["rate"], p["limit"], p["extra"]
    hours = limit + extra
    w = Writer(rng)
    steps: list[str] = []

    overtime = fault.at(len(steps), True, dropped_condition=(False, "paid every hour at the regular rate"))
    if not overtime:
        pay = fault.at(len(steps), hours * rate, arithmetic_slip=(slip(hours * rate, "all"), "multiplied wrongly"))
        steps.append(f"For {hours} hours at {rate} dollars an hour, {he} earns {w.calc(f'{hours} * {rate}', pay, 'dollars')}.")
        steps.append(boxed(pay, "dollars"))
        return _problem(p, hours, steps, Fraction(pay))
    reg = fault.at(len(steps), limit * rate, arithmetic_slip=(slip(limit * rate, "reg"), "multiplied wrongly"))
    steps.append(f"For the first {limit} hours {he} earns {w.calc(f'{limit} * {rate}', reg, 'dollars')}.")
    cut = fault.at(len(steps), limit, misread_quantity=(40 if limit != 40 else None, "took the overtime limit as 40 hours"))
    over = hours - cut
    over = fault.at(len(steps), over, arithmetic_slip=(slip(over, "over") if over > 2 else None, "subtracted wrongly"))
    steps.append(f"{name} worked {w.calc(f'{hours} - {cut}', over, 'hours')} of overtime.")
    op = fault.at(len(steps), "*", wrong_operation=("+", "added 1.5 to the rate instead of multiplying by it"))
    orate = Fraction(rate) * Fraction(3, 2) if op == "*" else rate + Fraction(3, 2)
    steps.append(f"The overtime rate is {w.calc(f'{rate} {op} 1.5', orate, 'dollars an hour')}.")
    opay = over * orate
    opay = fault.at(len(steps), opay, arithmetic_slip=(slip(int(opay), "opay") if opay.denominator == 1 else None,
                                                       "multiplied wrongly"))
    steps.append(f"{his.capitalize()} overtime pay is {w.calc(f'{over} * {num(orate)}', opay, 'dollars')}.")
    reg = fault.at(len(steps), reg, misread_quantity=(misread(reg), f"copied {reg} as {misread(reg)}"))
    total = reg + opay
    total = fault.at(len(steps), total, arithmetic_slip=(slip(int(total), "tot") if total.denominator == 1 else None,
                                                         "added wrongly"))
    steps.append(f"In total {he} earns {w.calc(f'{reg} + {num(opay)}', total, 'dollars')}.")
    steps.append(boxed(total, "dollars"))
    return _problem(p, hours, steps, total)


def _problem(p: dict[str, Any], hours: int, steps: list[str], value: Fraction) -> MathProblem:
    (name, he, _), rate, limit = p["who"], p["rate"], p["limit"]
    gold = Fraction(limit * rate) + (hours - limit) * Fraction(rate * 3, 2)
    return MathProblem(
        family="word_wages",
        prompt=(f"{name} earns {rate} dollars an hour. Last week {he} worked {hours} hours. Every hour over {limit} "
                f"is paid at time and a half. How much, in dollars, did {name} earn last week?"),
        answer=num(gold), answer_value=gold,
        steps=steps, final_answer=num(value), final_value=value,
        params={"rate": rate, "limit": limit, "hours": hours}, difficulty=1,
    )
