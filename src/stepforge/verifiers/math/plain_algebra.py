"""Equations in one letter written in plain text ("129 - 0.32x = 7", "(4/3)*x = 88", "x = 433"), cut out of a step's
prose as formulas, so that the step checker reads them as it reads ``$129 - 0.32x = 7$``: an identity in the letter
is confirmed, a transformation that follows from the equation before it too, and a slip in solving it is refuted.

The plain-text reader reads numbers only (a word is never a variable); a span is taken here only where it is plainly
algebra in one of the letters x, y, n: the letter glued to a coefficient or beside an operator, a parenthesis or
"=", never between two numbers as a times sign ("3 x 4 = 12", "3x4"), never inside a word, parentheses balanced."""

from __future__ import annotations

import re

# numbers, one of the letters (not inside a word), operators, parentheses, "=" and blanks: greedy, each token one
# kind of character, so a span is found in one pass (no backtracking on a failed match: nothing follows the group)
# (an amount may carry its currency sign: "$80 * x + $24 = $440", as the plain arithmetic reader reads it)
_SPAN = re.compile(r"(?<![A-Za-z\d.,$_'\\{}|!^])"
                   r"(?:(?:\\?\$)?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)|[xyn](?![A-Za-z\d])|[-+*/^()=]|[ \t])+")
_CURRENCY = re.compile(r"\\?\$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "88,000": one number
_LETTER = re.compile(r"(?<![A-Za-z])[xyn](?![A-Za-z\d])")  # "x2" may be x squared: not read
# "3 x 4", "3x4", "(12 + 36) x 2", "60 students x 2/3": a times sign, not a letter; and any two operands side by side
# across a blank ("65(18 - x) 52x = 1170": equations run together), which no plain formula has
_TIMES_SIGN = re.compile(r"[\d)][ \t]*x[ \t]*[\d(]|x[ \t]+[\d(.]|[\dxyn)][ \t]+[\dxyn(]|/\d+(?:\.\d+)?[xyn]")
# (and "1/2x": half of x or 1/(2x), not plain)
_LEAD = "+*/^= \t"  # a leading minus is a sign: kept
_TRAIL = "+-*/^= \t"


def _algebra(core: str) -> str | None:
    """The equation ``core`` as a formula, or None when it is not plainly an equation in one letter."""
    core = _CURRENCY.sub("", core)  # "24 plates x $6.00 = $144.00": a times sign, seen without the currency signs
    if "=" not in core or core.count("(") != core.count(")"):
        return None
    if any(not re.search(r"[\dxyn]", side) for side in core.split("=")):
        return None
    if len(set(_LETTER.findall(core))) != 1 or not re.search(r"\d", core) or _TIMES_SIGN.search(core):
        return None
    return _THOUSANDS.sub("", core).replace("*", " \\cdot ")


def cut(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """The step's (is_math, text) pieces with each plain equation in one letter cut out of the prose as a formula."""
    out: list[tuple[bool, str]] = []
    for is_math, text in pieces:
        if is_math or "=" not in text or not _LETTER.search(text):
            out.append((is_math, text))
            continue
        pos = 0
        for m in _SPAN.finditer(text):
            span = m.group(0)
            start = m.start() + len(span) - len(span.lstrip(_LEAD))
            core = span.lstrip(_LEAD).rstrip(_TRAIL)
            after = text[start + len(core):start + len(core) + 4]
            # not cut from a longer token: "= 3.5.2", "= 3:15", "x = 5z/2", "= 2pi", "= 4\\pi", "= 7. \\overline{7}"
            formula = _algebra(core) if not re.match(r"[.,:]\d|[A-Za-z_\\'!]|\.?\s*\\", after) else None
            if formula is None:
                continue
            if start > pos:
                out.append((False, text[pos:start]))
            out.append((True, formula))
            pos = start + len(core)
        if pos < len(text):
            out.append((False, text[pos:]))
    return out
