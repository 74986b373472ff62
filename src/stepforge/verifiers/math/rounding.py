"""A number rounded in words: "Rounding 28.55 to the nearest whole number gives 29", "Marigolds at $2.74 round to $3",
"Devon rounds 12345.6789 to the nearest ten, which is 12,340", "66.67 rounded to two decimal places is 66.67",
"Rounded to the nearest tenth, 3.456 is 3.5".

Solutions state such roundings in prose, so the step checker read nothing in them: a right one left its step 0 with
a new number (the keep rule then cannot tell it from a misread quantity), a wrong one went unseen. A rounding is read
only where the number rounded and the result sit in one clause: the number right after "round" (a few words such as
"the price" between) or right before "round(s|ed)", the result right after "to" or after the place and a word that
gives it ("gives", "is", "which is", "=", ":"). The number rounded is a value, not the end of an operation ("12 +
2.74 rounded to ..." rounds what?), and no number, operator or power follows the result.

The place decides:

* Said as a place ("to the nearest ten", "tenth", "whole number", "integer", "two decimal places", "three significant
  figures"), or as a unit the rounded number carries ("320 minutes to the nearest minute", "$2.74 to the nearest
  dollar"): the rounding is confirmed when the result is the number rounded there (any rule for a tie) and
  **refuted** when it is not ("up" and "down" as said).
* Rounded "up" or "down": refuted as above, never confirmed. The arithmetic of "I round 22.18 up to 23" holds, but
  the step says the writer chose to round up, and that choice is what may be wrong (PRMBench: after "round to the
  nearest whole number", exactly that step was the annotated error).
* Not said ("$2.74 round to $3"), or a unit the number does not carry ("to the nearest hour" of a bare 320, maybe in
  minutes): the place is the result's own last place; confirmed when the result is the rounding there, else left
  unread (the writer may round something else, or another way).

A percent on one side only, or units of one kind that differ ("320 minutes to the nearest hour is 5 hours"), is a
conversion: unread."""

from __future__ import annotations

import math
import re
from decimal import (ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP,
                     Decimal, InvalidOperation)

from stepforge.verifiers.math.units import parse_unit

_MAX_CLAIMS = 20  # roundings read in one step
_MAX_DIGITS = 30  # longer numbers are not read (a digit string, not a quantity)

# a number as prose and math write it: "$2.74", "\$3", "12,340", "-0.5", "$6.4$", "66.666...", "28.55%"
_NUM = (r"(?:\$\s?)?(?<![\w.])(?<!\d,)(?P<{0}>-?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?|-?\.\d+)(?![\d,]\d|\.\d)"
        r"(?P<{0}e>\.\.\.|…)?(?P<{0}p>\s?\\?%)?\$?")
# what the rounded number counts: up to two words ("320 minutes", "6 square units"), never a word of the sentence's
# grammar (the rounding's own words, a relation)
_UNIT = (r"(?P<{0}u>(?:\s+(?!(?:to|up|down|and|which|that|is|are|gets|when|rounds?|rounded|rounding)\b)"
         r"[A-Za-z]+){{0,2}})")
_WORD_NUMS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PLACE_NAMES = {
    "whole number": 0, "whole": 0, "integer": 0, "one": 0, "ones": 0, "unit": 0, "units": 0,
    "ten": -1, "tens": -1, "hundred": -2, "hundreds": -2, "thousand": -3, "thousands": -3,
    "ten thousand": -4, "ten-thousand": -4, "hundred thousand": -5, "hundred-thousand": -5, "million": -6,
    "tenth": 1, "tenths": 1, "hundredth": 2, "hundredths": 2, "thousandth": 3, "thousandths": 3,
    "ten-thousandth": 4, "ten thousandth": 4, "ten-thousandths": 4, "hundred-thousandth": 5, "millionth": 6,
}
# the place: a place's name ("nearest tenth"), a unit ("nearest dollar"), or a count of places or figures
_PLACE = (r"(?:the\s+nearest\s+(?P<place>(?:whole\s+number|(?:ten|hundred)[-\s]thousandths?"
          r"|(?:ten|hundred)[-\s]thousand|[A-Za-z]+)(?![A-Za-z-]))"
          r"|(?P<count>\d|one|two|three|four|five|six)\s+(?P<kind>decimal\s+places?|"
          r"decimals|significant\s+(?:figures?|digits?)|sig\.?\s*figs?))")
_DIR = r"(?:(?P<dir>up|down)\s+)?"
_GIVES = (r"\s*,?\s*(?:(?:which|that|this)\s+(?:is|gives(?:\s+us)?|would\s+be|becomes)|gives(?:\s+us)?|yields|is|are|"
          r"we\s+get|to\s+get|becomes|results\s+in|giving(?:\s+us)?|and\s+get|we\s+have|=|:|≈|\\approx)\s*"
          r"(?:about\s+|approximately\s+|roughly\s+)?")
_FILLER = (r"(?:(?:the|this|that|our|its|his|her|their|each|given|number|value|result|answer|price|cost|total|"
           r"amount)\s+){0,3}")
# "round 28.55 to the nearest whole number gives 29", "rounds 2.74 up to 3"
_VERB_FIRST = re.compile(
    rf"\bround(?:s|ed|ing)?\s+{_FILLER}{_NUM.format('x')}{_UNIT.format('x')}\s+{_DIR}to\s+"
    rf"(?:{_PLACE}{_GIVES}|(?=\$?\s?-?\.?\d)){_NUM.format('y')}", re.I)
# "$2.74 round to $3", "66.67 rounded to the nearest whole number is 67", "26.67, which rounds up to 27"
_NUMBER_FIRST = re.compile(
    rf"{_NUM.format('x')}{_UNIT.format('x')}\s*,?\s*(?:(?:which|that|and)\s+)?(?:is\s+|are\s+|gets\s+|when\s+)?"
    rf"round(?:s|ed)?\s+{_DIR}to\s+(?:{_PLACE}{_GIVES})?{_NUM.format('y')}", re.I)
# "Rounded to the nearest tenth, 3.456 is 3.5"
_PLACE_FIRST = re.compile(
    rf"\bround(?:ed|ing)\s+{_DIR}to\s+{_PLACE}\s*,\s*{_NUM.format('x')}{_UNIT.format('x')}"
    r"\s*(?:is|becomes|gives|=|≈|\\approx)\s*(?:about\s+|approximately\s+|roughly\s+)?" + _NUM.format('y'), re.I)
# what may not come right before the rounded number: an operation it ends ("12 + 2.74 rounded"), a power's base
_OPERATION_BEFORE = re.compile(r"(?:[-+*/×÷^({]|\\times|\\cdot|\\div|\b(?:plus|minus|times|by|of|over))\s*$", re.I)
# what may not follow the result: more of a number or an operation ("to 3 \times 10^5", "to 2.5 hours 30 minutes")
_MORE_AFTER = re.compile(r"\s*(?:[-+*/×÷^(\d]|\\times|\\cdot|\\div|x\s*10\b)|\s+and\s+\d|\s*[A-Za-z]+\s+\d")
_PERCENT_AFTER = re.compile(r"\s*(?:\\?%|percent\b)", re.I)


def _prose(text: str) -> str:
    """``text`` with the marks LaTeX puts in numbers removed ("111,\\!111", "12{,}340") and ``\\$``, ``\\(``, ``\\)``
    as prose has them."""
    text = text.replace("\\!", "").replace("{,}", ",").replace("\\$", "$")
    return re.sub(r"\\[()\[\]]", " ", text)


def _decimal(s: str) -> Decimal | None:
    digits = s.replace(",", "")
    if len(digits) > _MAX_DIGITS:
        return None
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _places(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def _at(x: Decimal, place: int, mode: str) -> Decimal | None:
    """``x`` rounded at ``place`` decimal places (negative: tens, hundreds) by ``mode``."""
    try:
        return x.scaleb(place).quantize(Decimal(1), rounding=mode).scaleb(-place)
    except InvalidOperation:
        return None


def _modes(direction: str | None) -> tuple[str, ...]:
    if direction == "up":
        return (ROUND_CEILING, ROUND_UP)
    if direction == "down":
        return (ROUND_FLOOR, ROUND_DOWN)
    return (ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_HALF_DOWN)  # a tie may go either way


def _unit_of(words: str, sign_before: bool = False, percent: bool = False) -> str | None:
    """What a number counts, as a key two numbers share when they count the same: a measure by its dimension and
    size ("feet" and "foot" one), a noun by its singular ("pots"), "$" dollars, "%" percent; None for no word."""
    if percent:
        words = "percent"
    elif sign_before:
        words = "dollar"
    words = words.strip().lower()
    if not words:
        return None
    unit = parse_unit(words) or parse_unit(words.split()[-1])
    if unit is not None and unit.dim != "count":
        return f"{unit.dim}:{unit.factor}"
    return "count:" + re.sub(r"(?<=[a-z]{2})s$", "", words.split()[-1])


def _explicit_place(m: re.Match, x: Decimal, x_unit: str | None) -> tuple[int | None, str]:
    """The place a rounding names and whether it names it for sure: (place, said) with ``said`` the words, or
    (None, "") when it names none (or a unit the number does not carry: then the result's place is used)."""
    if m.group("count"):
        n = int(m.group("count")) if m.group("count").isdigit() else _WORD_NUMS[m.group("count").lower()]
        if m.group("kind").lower().startswith(("decimal", "decimals")):
            return n, f"{n} decimal places"
        if x == 0 or n == 0:
            return None, ""
        return n - 1 - math.floor(math.log10(abs(float(x)))), f"{n} significant figures"
    if not m.group("place"):
        return None, ""
    name = re.sub(r"\s+", " ", m.group("place").lower())
    if name in _PLACE_NAMES:
        return _PLACE_NAMES[name], f"the nearest {name}"
    unit = _unit_of(name)
    if unit == _unit_of("cent") and x_unit == _unit_of("dollar"):
        return 2, "the nearest cent"
    if unit == x_unit:
        return 0, f"the nearest {name}"
    return None, ""


def _read(m: re.Match, text: str) -> tuple[str, bool, str] | None:
    """One rounding as (claim, holds, detail), or None when it is not read (module docstring)."""
    before = text[max(0, m.start("x") - 14):m.start("x")].rstrip(" $")
    if _OPERATION_BEFORE.search(before):
        return None
    if _MORE_AFTER.match(text, m.end()):
        return None
    x, y = _decimal(m.group("x")), _decimal(m.group("y"))
    if x is None or y is None:
        return None
    x_pct = bool(m.group("xp")) or (m.group("xu") or "").strip().lower().startswith("percent")
    y_pct = bool(m.group("yp")) or bool(_PERCENT_AFTER.match(text, m.end()))
    if x_pct != y_pct:
        return None
    x_unit = _unit_of(m.group("xu") or "", "$" in text[max(0, m.start("x") - 2):m.start("x")], x_pct)
    y_words = re.match(r"\s+([A-Za-z]+)", text[m.end():])
    y_unit = _unit_of(y_words.group(1) if y_words else "", "$" in text[max(0, m.start("y") - 2):m.start("y")], y_pct)
    if x_unit is not None and y_unit is not None and x_unit != y_unit:
        return None  # "320 minutes to the nearest hour is 5 hours": a conversion, or two things
    place, said = _explicit_place(m, x, x_unit)
    explicit = place is not None
    ulp = Decimal(1).scaleb(-_places(m.group("x").replace(",", "")))
    values = (x, x + ulp) if m.group("xe") else (x,)  # "66.666...": the digits go on past the last written one
    direction = (m.group("dir") or "").lower() or None
    if explicit:
        candidates = [place]
    else:
        digits = m.group("y").replace(",", "").lstrip("-")
        whole = digits.split(".")[0]
        zeros = len(whole) - len(whole.rstrip("0")) if "." not in digits and whole.strip("0") else 0
        candidates = [_places(digits)] + [-k for k in range(1, zeros + 1)]  # "12,340": tens, or units
    expected = {_at(v, p, mode) for v in values for p in candidates for mode in _modes(direction)} - {None}
    how = said or "the result's last place"
    rounded = f"rounded {direction}" if direction else "rounded"
    claim = f"{m.group('x')}{m.group('xe') or ''} {rounded} to {how} = {m.group('y')}"
    if y in expected:
        # "I round 22.18 up to 23": the arithmetic holds, but rounding up or down is the writer's choice, and that
        # choice is what such a step says (against "round to the nearest" it is the slip): never confirmed
        return None if direction else (claim, True, "")
    if explicit:
        shown = ", ".join(sorted({format(e.normalize(), "f") for e in expected}))
        return claim, False, f"{rounded} to {said}: {shown}"
    return None


def claims(text: str) -> list[tuple[str, bool, str]]:
    """The roundings ``text`` states in words, each checked (module docstring): (claim, holds, detail)."""
    if "round" not in text.lower():
        return []
    text = _prose(text)
    out: list[tuple[str, bool, str]] = []
    seen: set[int] = set()
    for pattern in (_VERB_FIRST, _PLACE_FIRST, _NUMBER_FIRST):
        for m in pattern.finditer(text):
            if m.start("y") in seen:
                continue
            got = _read(m, text)
            if got is not None:
                seen.add(m.start("y"))
                out.append(got)
                if len(out) >= _MAX_CLAIMS:
                    return out
    return out
