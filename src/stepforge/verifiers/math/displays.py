"""Multi-line displays (``\\begin{align*} ... \\end{align*}``) read as one display per row, as the step checker reads
a computation written one display a line.

MATH's reference solutions and model solutions write their longest computations this way, bare or inside ``$$``
or ``\\[``; read whole, the rows' ``&`` and ``\\\\`` made every claim in them unparseable, so a step that computes
"&= \\frac{35}{20} = \\boxed{\\frac74}" was 0 however true it was. A row that opens with ``=`` goes on from the row
before it (``steps._continued``). An inner environment (``aligned``, ``split``, ``gathered``) is read only when it is
the whole display; anything else in the display (``x = \\begin{aligned} ...``, ``\\intertext``, an ``array``) leaves it
as it was.
"""

from __future__ import annotations

import re

_ENV = re.compile(r"\\begin\s*\{(align\*?|eqnarray\*?|gather\*?|aligned|split|gathered)\}")
_TOP_LEVEL = ("align", "align*", "eqnarray", "eqnarray*", "gather", "gather*")  # never inside a formula
_OPENERS = {"$$": "$$", "\\[": "\\]", "$": "$", "\\(": "\\)"}
_ROW_BREAK = re.compile(r"\\\\(?:\s*\[[^\]\n]{0,20}\])?|\\cr(?![a-zA-Z])")
_NOT_READ = re.compile(r"\\(?:intertext|shortintertext|begin|end)(?![a-zA-Z])")
_ROW_NOISE = re.compile(r"&|\\(?:nonumber|notag)(?![a-zA-Z])|\\(?:label|tag)\s*\{[^{}]*\}|(?<![\\^_])\{\s*\}")
_LEADING_SPACE = re.compile(r"^(?:\s|\\(?:q?quad|[,;:! ])(?![a-zA-Z]))+")
_MAX_ROWS = 60


def aligned_rows(text: str) -> str:
    """``text`` with each multi-line display it holds as a whole rewritten as one ``\\[ row \\]`` per row (``&``,
    ``\\nonumber`` and labels dropped); the rest of the text as it was."""
    if "\\begin" not in text:
        return text
    out, pos = [], 0
    # each environment's next end found so far, or -1 for none left: never searched again (linear on any text)
    ends: dict[str, int] = {}
    skip = 0
    for m in _ENV.finditer(text):
        env = m.group(1)
        end_tag = f"\\end{{{env}}}"
        if env not in ends or 0 <= ends[env] < m.end():
            ends[env] = text.find(end_tag, m.end())
        close = ends[env]
        if m.start() < max(pos, skip) or close < 0:
            continue  # inside a display already rewritten or left as it was, or never ended
        skip = close  # what is inside it is read with it or not at all
        if _NOT_READ.search(text, m.end(), close):
            continue
        start, stop = m.start(), close + len(end_tag)
        # the step's blank runs are one blank already (steps._squeezed): a few characters hold a delimiter
        before = text[max(pos, start - 6):start].rstrip()
        opener = next((o for o in ("$$", "\\[", "\\(", "$") if before.endswith(o)), None)
        if opener is not None:
            after = text[stop:stop + 6]
            closer = _OPENERS[opener]
            if not after.lstrip().startswith(closer):
                continue  # more formula after the environment: it is part of a formula
            start = start - (len(text[max(pos, start - 6):start]) - len(before)) - len(opener)
            stop += len(after) - len(after.lstrip()) + len(closer)
        elif env not in _TOP_LEVEL:
            continue  # an inner environment with no display of its own around it
        rows = _joined(_ROW_BREAK.split(text[m.end():close]))
        if not rows or len(rows) > _MAX_ROWS:
            continue
        out.append(text[pos:start])
        out.append(" ".join(f"\\[ {r} \\]" for r in rows))
        pos = stop
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _row(row: str) -> str:
    return _LEADING_SPACE.sub("", _ROW_NOISE.sub(" ", row)).strip()


# a row that goes on with the expression of the row before ("&\quad + (25 - x)", "+ &(7744 - 2005)", "&- \binom{6}{3}"; a
# congruence row, "&\equiv 16", is one chain with the rows before it: the last row states the modulus for all),
# and a row that ends in an operator (the next row is its operand); a row opening with "-x" is a new relation
_OPERATOR_FIRST = re.compile(r"(?:\+|\\(?:cdot|times|div|equiv)(?![a-zA-Z]))|-(?=\s|&)")
_AFTER_ALIGN_MINUS = re.compile(r"\s*&\s*(?:\\(?:q?quad|[,;:! ])(?![a-zA-Z])\s*)*-")
_OPERATOR_LAST = re.compile(r"(?:[-+=]|\\(?:cdot|times|div)(?![a-zA-Z]))\s*$")


def _joined(raw_rows: list[str]) -> list[str]:
    """The display's rows, each continuation of an expression joined to the row it continues."""
    rows: list[str] = []
    for raw in raw_rows:
        row = _row(raw)
        if not row:
            continue
        goes_on = _OPERATOR_FIRST.match(row) or _AFTER_ALIGN_MINUS.match(raw)
        if rows and (goes_on or _OPERATOR_LAST.search(rows[-1])):
            rows[-1] = f"{rows[-1]} {row}"
        else:
            rows.append(row)
    return rows


__all__ = ["aligned_rows"]
