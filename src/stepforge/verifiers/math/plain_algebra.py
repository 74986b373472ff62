"""Equations in one letter written in plain text ("129 - 0.32x = 7", "(4/3)*x = 88", "x = 433"), cut out of a step's
prose as formulas, so that the step checker reads them as it reads ``$129 - 0.32x = 7$``: an identity in the letter
is confirmed, a transformation that follows from the equation before it too, and a slip in solving it is refuted.

The plain-text reader reads numbers only (a word is never a variable); a span is taken here only where it is plainly
algebra in one letter ("3W + 7 = 17", "4*c = 280"; not a, e, i, l, o, A, E, I, O: an article, a pronoun, Euler's
number, or a letter read as a digit): the letter glued to a coefficient or beside an operator, a parenthesis or "=",
never between two numbers as a times sign ("3 x 4 = 12", "3x4", "5 m"), never inside a word, parentheses balanced.
A letter that is a unit ("2h = 120", "5k + 3k = 8k") is read as a factor, which units are: right text stays true."""

from __future__ import annotations

import re

from stepforge.verifiers.math import plain_units

# the letters read as unknowns: not a, e, i, l, o, A, E, I, O
_VAR = "b-df-hj-km-np-zB-DF-HJ-NP-Z"
# numbers, one of the letters (not inside a word), operators, parentheses, "=" and blanks: greedy, each token one
# kind of character, so a span is found in one pass (no backtracking on a failed match: nothing follows the group)
# (an amount may carry its currency sign: "$80 * x + $24 = $440", as the plain arithmetic reader reads it, and so
# may the unknown amount: "$X + (3/4)X = 10X/4")
_SPAN = re.compile(rf"(?<![A-Za-z\d.,$_'\\{{}}|!^/])"  # not after "km/": "km/h = 45" is no equation in h
                   rf"(?:(?:\\?\$)?(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?)%?|(?:\\?\$)?[{_VAR}](?![A-Za-z\d])|[-+*/^()=×÷]|[ \t])+")
_CURRENCY = re.compile(r"\\?\$")
_PERCENT = re.compile(r"(?<![\d.])(\d++(?:\.\d++)?)%")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "88,000": one number
_LETTER = re.compile(rf"(?<![A-Za-z])[{_VAR}](?![A-Za-z\d])")  # "x2" may be x squared: not read
# "3 x 4", "3x4", "(12 + 36) x 2", "60 students x 2/3": a times sign, not a letter; and any two operands side by side
# across a blank ("65(18 - x) 52x = 1170": equations run together), which no plain formula has
_TIMES_SIGN = re.compile(rf"[\d)][ \t]*[xX][ \t]*[\d(]|[xX][ \t]+[\d(.]|[\d{_VAR})][ \t]+[\d{_VAR}(]"
                        rf"|/\d+(?:\.\d+)?[{_VAR}]")
# (and "1/2x": half of x or 1/(2x), not plain)
_OPERATOR = re.compile(r"[-+*/^×÷]")
# "= -4 sin(1) - 12 sin(12)": a function applied after the span, the expression goes on
_FUNCTION_AFTER = re.compile(r"[ \t]*+(?:[A-Za-z]{2,}[ \t]*\(|\\[A-Za-z])")
# "dx/dt at t = 1 = -4": a condition, then the value of something else, not a chain in the letter
_CONDITION_BEFORE = re.compile(r"\b(?:at|when|for|where|if|with)\s*$", re.I)
# "j = 29 inches + 12 inches = 41 inches": the value's unit, then the expression goes on (used with ``match`` at a
# span's end only: a bounded look, never a search)
_UNIT_THEN_OPERATOR = re.compile(rf"[ \t]*+(?:{plain_units.UNIT})[ \t]++(?:[+*/×÷]|-(?=[ \t]))", re.I)
_BINARY_MINUS = re.compile(r"-[ \t]")  # "A - B = 5": a minus with a blank after it has its left operand before it
_UNIT_RESULT = re.compile(r"=[ \t]*\d[\d,.]*[gh][ \t]*$")
_LEAD = "+*/^=×÷ \t"  # a leading minus is a sign: kept
_TRAIL = "+-*/^=×÷ \t"


def _algebra(core: str) -> str | None:
    """The equation ``core`` as a formula, or None when it is not plainly an equation in one letter."""
    core = _CURRENCY.sub("", core)  # "24 plates x $6.00 = $144.00": a times sign, seen without the currency signs
    if "=" not in core or core.count("(") != core.count(")"):
        return None
    if any(not re.search(rf"[\d{_VAR}]", side) for side in core.split("=")):
        return None
    if len(set(_LETTER.findall(core))) != 1 or not re.search(r"\d", core) or _TIMES_SIGN.search(core):
        return None
    if _UNIT_RESULT.search(core) and len(_LETTER.findall(core)) == 1:
        return None  # "40/2 = 20g": grams or hours tight against the result, as the plain reader reads them
    if "%" in core and _percent_of_base(core):
        return None  # "x + 10% = 1.1x": a percent added to an amount is a percent of it, by convention: not plain
    core = _PERCENT.sub(r"(\1/100)", _THOUSANDS.sub("", core))  # "79% * 0.79x": a number of hundredths, exactly
    return core.replace("*", " \\cdot ").replace("×", " \\times ").replace("÷", " \\div ")


_ADDED_PERCENT = re.compile(r"([-+])[ \t]*+(\d++(?:\.\d++)?%)|(?<![\d.])(\d++(?:\.\d++)?%)[ \t]*+([-+])")
_PERCENT_NEXT = re.compile(r"[ \t(]*+\d++(?:\.\d++)?%")  # the operand after a sign is a percent


def _percent_of_base(core: str) -> bool:
    """A percent added to or taken from something that is no percent ("x + 10%", "10% - x"); "(100% - 21%)" is a
    difference of percents."""
    for m in _ADDED_PERCENT.finditer(core):
        other_is_percent = (core[:m.start()].rstrip(" \t(").endswith("%") if m.group(1)
                            else _PERCENT_NEXT.match(core, m.end()) is not None)
        if not other_is_percent:
            return True
    return False


_ENV_MARK = re.compile(r"\\(begin|end)\{")


def _environments(text: str) -> list[tuple[int, int]]:
    """Where ``\\begin{...}`` ... ``\\end{...}`` stand in ``text`` (outermost, in one pass; an unclosed one runs to
    the end)."""
    out: list[tuple[int, int]] = []
    depth, start = 0, 0
    for m in _ENV_MARK.finditer(text):
        if m.group(1) == "begin":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append((start, m.end()))
    if depth:
        out.append((start, len(text)))
    return out


def cut(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """The step's (is_math, text) pieces with each plain equation in one letter cut out of the prose as a formula."""
    out: list[tuple[bool, str]] = []
    for is_math, text in pieces:
        if is_math or "=" not in text or not _LETTER.search(text):
            out.append((is_math, text))
            continue
        pos = 0
        envs = _environments(text)
        for m in _SPAN.finditer(text):
            if any(a <= m.start() < b for a, b in envs):
                continue  # a LaTeX environment outside "$" ("\\begin{align*} a_4 &= 2r^2 - r ..."): not prose
            span = m.group(0)
            lead = span[:len(span) - len(span.lstrip(_LEAD))]
            start = m.start() + len(lead)
            core = span.lstrip(_LEAD).rstrip(_TRAIL)
            trail = span[len(lead) + len(core):]
            after = text[start + len(core):start + len(core) + 4]
            # not cut from a longer token: "= 3.5.2", "= 3:15", "x = 5z/2", "= 2pi", "= 4\\pi", "= 7. \\overline{7}";
            # nor from a longer expression, an operand outside the span: "A + B = 5", "A - B = 5", "x = 5 + apples"
            fragment = (_OPERATOR.search(lead) or _OPERATOR.search(trail)
                        or _BINARY_MINUS.match(core) and re.search(r"[\w)]$", text[:start].rstrip())
                        or _UNIT_THEN_OPERATOR.match(text, start + len(core))
                        or _FUNCTION_AFTER.match(text, start + len(core))
                        or core.count("=") > 1 and _CONDITION_BEFORE.search(text, max(0, start - 8), start))
            formula = None if fragment or re.match(r"[.,:]\d|[A-Za-z_\\'!]|\.?\s*\\", after) else _algebra(core)
            if formula is None:
                continue
            if start > pos:
                out.append((False, text[pos:start]))
            out.append((True, formula))
            pos = start + len(core)
        if pos < len(text):
            out.append((False, text[pos:]))
    return out
