"""Values written in a notation the step checker's readers do not take, rewritten to one they do.

Found on MATH's reference solutions (which are right) and on model-written solutions: the checker left these
claims unchecked, so a step that computes ``A + B = 5 + 7 = \\boxed{12}`` or ``\\frac{11}{30} = 0.3\\overline{6}``
was 0 however true it was.

* A box or bold ending a chain (:func:`end_value`): ``= \\boxed{12}``, ``= \\mathbf{12}`` is the chain's last
  member, a value, not an equation to solve. The box is unwrapped only when it is the last member and holds one
  value (no relation, no list, no words but a unit after it: ``\\boxed{440\\text{ cm}^2}``); a bold only when it holds a number (``\\mathbf{0}`` beside a bold letter
  is a zero vector: left as it is, and the formula stays unchecked).
* A repeating decimal (:func:`repeating_decimals`): ``0.\\overline{3}``, ``0.3\\overline{6}``, ``3.\\bar{142857}``
  is the fraction it names, exactly (``1/3``, ``11/30``, ``22/7``). Only digits, a point, digits and a bar over
  digits: ``\\overline{AB}`` (a segment) and ``\\overline{z}`` (a conjugate) are not numbers and stay unread.
"""

from __future__ import annotations

import re
from fractions import Fraction

from stepforge.verifiers.math._spans import split_top

_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
# a box's content that is not one value: a relation, a list, words, a choice of values
_NOT_ONE_VALUE = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|ne|neq|approx|equiv|text|mathrm|textrm|mbox|quad|qquad|pm|mp|"
                            r"cup|cap|in|infty|begin)(?![a-zA-Z])|,|;|\\\{|\bor\b|\band\b")
# a unit written in the box after its value, letters only ("440\text{ cm}^2", "81\text{ teachers}"); not a time of
# day ("9\text{ a.m.}": clock arithmetic), a date ("\text{June 20}") or a word between values ("2 \text{ or } 3")
_UNIT_AFTER = re.compile(r"(?<=[\d}])\s*\\(?:text|mathrm|textrm|mbox)\s*\{\s*(?!(?:or|and|if|for|when|with|to)\s*\})"
                         r"[A-Za-z]+(?: [A-Za-z]+)?\s*\}(?:\^\{?[23]\}?)?\s*$")
_SPACING = re.compile(r"\\[,;:! ]")
_MODULUS_AFTER = re.compile(r"\s*(?:\\[,;:! ]\s*)*\\pmod\s*\{\s*\d+\s*\}[\s.,;]*|\s*\(\s*\\(?:text|mathrm)\s*\{\s*mod\s*\}\s*\d+\s*\)[\s.,;]*")
_ENDS_DISPLAY = re.compile(r"[\s.,;]*(?:\\\\\s*)?\\end\{(?:align|aligned|eqnarray|gather|gathered|split)\*?\}[\s.,;]*")
_BOLD_NUMBER = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm)\s*\{\s*(-?(?:\d+(?:\{,\}\d{3})*(?:\.\d+)?|\.\d+))\s*\}")
_BOLD = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm)(?![a-zA-Z])")
# digits, a point, digits, a bar over digits; not inside a longer number or after a letter or a brace
_REPEATING = re.compile(r"(?<![\w.}\\])(\d*)\.(\d*)\\(?:overline|bar)\s*\{\s*(\d+)\s*\}(?!\s*\d)")


def _closing(tex: str, open_at: int) -> int:
    """The index of the ``}`` closing the brace at ``open_at``, or -1."""
    depth = 0
    for i in range(open_at, len(tex)):
        if tex[i] == "{":
            depth += 1
        elif tex[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


# a "*" between operands: in LaTeX usually an operation the problem defines ("2 * 6 = 2^6 + 6^2"), not a product
_STAR = re.compile(r"[\w)}]\s*\*\s*[\w({\\]")


def last_member(seg: str) -> str:
    """The content of the last member of ``seg``'s ``=`` chain with its box unwrapped (the value the box states)."""
    member = split_top(seg, "=")[-1].strip().rstrip(" .,;")
    box = _BOX_OPEN.search(member)
    if box is None:
        return member
    end = _closing(member, box.end() - 1)
    return member[box.end():end] if end > 0 else member


def end_value(seg: str) -> str | None:
    """``seg`` with a box or bold that ends its ``=`` chain unwrapped (``5 + 7 = \\boxed{12}`` -> ``5 + 7 = 12``), or
    None when a box in it is anything else (the segment is then not read, as before: a box alone, a box in the
    middle of a formula, two boxes, a box around an equation or a list)."""
    seg = bold_numbers(seg)
    boxes = list(_BOX_OPEN.finditer(seg))
    if not boxes:
        return seg
    if len(boxes) > 1:
        return None
    box = boxes[0]
    end = _closing(seg, box.end() - 1)
    if end < 0:
        return None
    content = seg[box.end():end]
    rel = "=" if len(split_top(seg, "=")) > 1 else "\\equiv"  # "17 \\cdot 18 \\equiv 2 \\equiv \\boxed{2} \\pmod{4}"
    members = split_top(seg, rel)
    value = _UNIT_AFTER.sub("", _SPACING.sub(" ", content))  # "440\text{ cm}^2": the value, then its unit
    if len(members) < 2 or not value.strip() or _NOT_ONE_VALUE.search(value.replace("{,}", "")):
        return None
    if _STAR.search(seg):
        return None  # "2 * 6 = 2^6 + 6^2 = \boxed{100}": a defined operation, left unread as before
    before = seg[:box.start()]
    if len(split_top(before, rel)) != len(members) or split_top(before, rel)[-1].strip() not in ("", "\\$"):
        return None  # the box is not the whole last member ("= 2\\boxed{6}", "\\boxed{12} = 5 + 7"; "= \\$\\boxed{10}" is)
    after = seg[end + 1:]
    if after.strip(" .,;\\!") and not _ENDS_DISPLAY.fullmatch(after) and not (
            rel != "=" and _MODULUS_AFTER.fullmatch(after)):
        return None  # something after the box in the formula ("= \\boxed{12} \\text{ dollars}")
    # the display's last row ends on the box ("&= \\frac{35}{20} = \\boxed{\\frac{7}{4}}. \\end{align*}"): kept
    return f"{before}{content}{after if after.strip(' .,;') else ''}"


def bold_numbers(seg: str) -> str:
    """``seg`` with bold numbers unbolded (``\\mathbf{12}`` -> ``12``), when every bold in it is a number (a bold
    letter makes ``\\mathbf{0}`` a zero vector)."""
    if not _BOLD.search(seg) or len(_BOLD.findall(seg)) != len(_BOLD_NUMBER.findall(seg)) or "\\begin" in seg:
        return seg
    return _BOLD_NUMBER.sub(r"\1", seg)


def repeating_value(whole: str, fixed: str, period: str) -> Fraction:
    """The value of ``whole.fixed(period)(period)...``: ``0.3\\overline{6}`` is 11/30."""
    head = int(whole + fixed) if whole + fixed else 0
    return Fraction(int(whole + fixed + period) - head, 10 ** len(fixed) * (10 ** len(period) - 1))


def repeating_decimals(seg: str) -> str:
    """``seg`` with each repeating decimal written as the fraction it is (``0.\\overline{3}`` -> ``(\\frac{1}{3})``)."""
    if "\\overline" not in seg and "\\bar" not in seg:
        return seg

    def frac(m: re.Match) -> str:
        v = repeating_value(m.group(1), m.group(2), m.group(3))
        return f"({v.numerator})" if v.denominator == 1 else f"(\\frac{{{v.numerator}}}{{{v.denominator}}})"

    return _REPEATING.sub(frac, seg)
