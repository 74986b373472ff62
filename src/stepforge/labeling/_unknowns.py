"""Equations in unknowns a solution writes ("$3x = 16 - 5 = 12$", "$80 * x + $24 = $440", "x = 5"), read from a
step's text, and solved right for :func:`stepforge.labeling.locate.explains_outcome`: one unknown (a polynomial
equation, a unique real solution or a set of roots) or a small linear system (a unique solution). Anything else
is not solved (None); solving never raises and is bounded (small polynomials only, a wall-clock budget)."""

from __future__ import annotations

import re
import time
import zlib
from typing import Any

import sympy as sp

from stepforge.verifiers.math.plain_words import EQUALS_AHEAD  # an "=" ahead: linear on runs of operands
from stepforge.verifiers.math.steps import math_segments

_MAX_UNKNOWNS = 3
_MAX_DEGREE = 4
_MAX_OPS = 60
_MAX_TEXT = 4000
BUDGET_S = 1.0  # for all the solving one redo does

# plain text: a side is numbers (a currency sign, thousands commas, a decimal, a coefficient "0.32x"), single
# letters (never part of a word), operators and parentheses; possessive, so linear on any text
_TOKEN = (r"(?:\$\s?)?+(?:\d{1,3}(?:,\d{3})++|\d++)(?:\.\d++)?+(?:[A-Za-z](?![A-Za-z]))?+"
          r"|(?<![A-Za-z'])[A-Za-z](?![A-Za-z'])")
_OP = r"[-+*/×÷^]"
_SIDE = rf"\(*+\s*+-?(?:{_TOKEN})(?:\s*+\)*+\s*+{_OP}\s*+\(*+\s*+-?(?:{_TOKEN}))*+\s*+\)*+"
_PLAIN_EQ = re.compile(rf"(?<![\w.,/^\\]){EQUALS_AHEAD}{_SIDE}(?:\s*+=\s*+{_SIDE})++(?![\w/^\\{{(%]|\.\d)")
# math: pieces of a chunk ("$2p = 0.58$, so $p = 0.29$"; "x = 5 \quad\text{and}\quad y = 2")
_PIECE_SEP = re.compile(r",|;|\\quad|\\qquad|\\text\{[^{}]*\}"
                        r"|\\(?:implies|Rightarrow|Longrightarrow|therefore)(?![a-zA-Z])")
_RELATION = re.compile(r"<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|approx|sim|equiv|pm|mp|in|cup|cap)(?![a-zA-Z])|%|\\%")
_LETTERS = re.compile(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])")
_ANY_LETTER = re.compile(r"[A-Za-z]")


def split_top(tex: str, sep: str) -> list[str]:
    """``tex`` split on ``sep`` outside brackets (an ``=`` of ``<=``, ``>=``, ``!=``, ``:=``, ``==`` is no split)."""
    depth, last, out = 0, 0, []
    for i, ch in enumerate(tex):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == sep and depth == 0 and tex[i - 1:i] not in ("<", ">", "!", ":") and tex[i + 1:i + 2] != "=":
            out.append(tex[last:i])
            last = i + 1
    out.append(tex[last:])
    return out


def _plain(side: str) -> str:
    s = side.strip().replace("\\$", "").replace("$", "")
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    return s.replace("×", " \\times ").replace("÷", " \\div ").replace("*", " \\cdot ")


_WORD = re.compile(r"[A-Za-z]{2,}")
_MAX_WINDOW = 300


def _windows(chunk: str) -> list[tuple[int, int]]:
    """The stretches of plain text between words that hold an ``=``: an equation has no word in it, and a short
    stretch keeps the reader's failed attempts short (linear in the text, not quadratic)."""
    out, last = [], 0
    for m in [*_WORD.finditer(chunk), None]:
        end = m.start() if m is not None else len(chunk)
        if "=" in chunk[last:end] and end - last <= _MAX_WINDOW:
            out.append((last, end))
        last = m.end() if m is not None else end
    return out


# a quantity named in words as an operand of a plain-text equation ("(Original number of fries - 31) * (1/3) - 1 = 5",
# "...: Original number of fries = 49"): two to five words, after an opening bracket, "=", a colon or a line's
# start, right before an operator, ")" or "="; never prose (a verb, a connective, an instruction)
_NAME = re.compile(r"(?:(?<=[(=:\n])|^)[ \t]*+((?:[A-Za-z][a-z']*+[ \t]++){1,4}[A-Za-z][a-z']*+)(?=[ \t]*+[-+*/×÷=)])")
_NOT_NAME = frozenset(
    "is are was were be been so we get gets got then thus therefore hence equation equations side sides both solve "
    "solving simplify simplifying add adding subtract subtracting multiply multiplying divide dividing find set up "
    "represent answer calculate let us this that it which and or by to from into gives equals becomes have has can "
    "will would plug substitute substituting isolate rearrange step value per each".split())
_NAME_LETTERS = "NQWKZYUV"  # a name's letter, from its words: the same in every step; never one the text uses


def _named(text: str) -> str:
    """``text`` with each quantity named in words as an operand (:data:`_NAME`) replaced by one capital letter, so
    an equation in it reads as an equation in one unknown; a name whose letter the text already uses, or that
    another name in the text shares, is left as it is."""
    names: dict[str, str] = {}
    for m in _NAME.finditer(text):
        words = m.group(1).split()
        if words[0].lower() == "the":
            words = words[1:]
        if len(words) < 2 or any(w.lower() in _NOT_NAME for w in words):
            continue
        if text[:m.start(1)].rstrip().endswith("(") and text[m.end(1):].lstrip().startswith(")"):
            continue  # "x * (stitches per sleeve)": a note in brackets, what a factor counts
        key = " ".join(w.lower() for w in words)
        names[key] = _NAME_LETTERS[zlib.crc32(key.encode()) % len(_NAME_LETTERS)]
    letters = list(names.values())
    used = set(_LETTERS.findall(text))
    keep = {k: v for k, v in names.items() if letters.count(v) == 1 and v not in used}
    if not keep:
        return text
    pattern = re.compile(r"(?<![A-Za-z])(?:the[ \t]+)?(" + "|".join(
        r"[ \t]+".join(re.escape(w) for w in k.split()) for k in sorted(keep, key=len, reverse=True)) + r")(?![A-Za-z])",
                         re.I)
    return pattern.sub(lambda m: keep[" ".join(m.group(1).lower().split())], text)


def chains(text: str) -> list[list[str]]:
    """The ``=`` chains of ``text`` (math and plain text) with a single letter in some member, each as its members'
    LaTeX, in the order written. A chain with a relation or a percent sign in it is left out (not an equation to
    solve, or a percent whose base is not known)."""
    if len(text) > _MAX_TEXT:
        return []
    out: list[list[str]] = []
    for is_math, chunk in math_segments(text):
        if not is_math and "=" in chunk:
            chunk = _named(chunk)
        if is_math:
            members_list = [[m.strip().rstrip(".") for m in split_top(p, "=")] for p in _PIECE_SEP.split(chunk)
                            if "=" in p]
        else:
            members_list = [[_plain(m) for m in eq.group(0).split("=")] for a, b in _windows(chunk)
                            for eq in _PLAIN_EQ.finditer(chunk, a, b)]
        letter = _ANY_LETTER if is_math else _LETTERS  # in plain text, a letter alone ("x"), never in a word
        for members in members_list:
            if (len(members) >= 2 and all(members) and not any(_RELATION.search(m) for m in members)
                    and any(letter.search(re.sub(r"\\[A-Za-z]+", " ", m)) for m in members)):
                out.append(members)
    return out


def letters_only(expr: Any) -> bool:
    """Every free symbol is a one-letter name (``x``, ``p``, ``x_1``): an unknown, not a word read as a product."""
    return all(len(s.name.split("_")[0]) == 1 for s in expr.free_symbols)


def solve(equations: list[Any], unknowns: list[Any], deadline: float) -> list[dict[Any, Any]] | None:
    """The real solutions of ``equations`` (expressions equal to zero) for ``unknowns``: a linear system's unique
    solution, or the real roots of one polynomial equation in one unknown (none, one or several). None when it
    cannot be solved here (more unknowns, a nonlinear system, a high degree, a large expression, the budget
    spent, an infinite family) and on any failure: never raises."""
    if (not equations or not unknowns or len(unknowns) > _MAX_UNKNOWNS or time.monotonic() > deadline
            or any(sp.count_ops(e) > _MAX_OPS for e in equations)):
        return None
    if any(e.free_symbols - set(unknowns) or e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) for e in equations):
        return None  # another letter, or a division by zero: not an equation in these unknowns
    try:
        nums, dens = [], []
        for e in equations:
            n, d = sp.together(e).as_numer_denom()
            if not (n.is_polynomial(*unknowns) and d.is_polynomial(*unknowns)):
                return None
            nums.append(sp.expand(n))
            dens.append(d)
        degrees = [sp.Poly(n, *unknowns).total_degree() if n.free_symbols else 0 for n in nums]
        if all(d <= 1 for d in degrees):
            if len(equations) < len(unknowns):
                return None
            sols = list(sp.linsolve(nums, unknowns))
            if len(sols) != 1 or any(v.free_symbols for v in sols[0]):
                return None if sols else []
            found = [dict(zip(unknowns, sols[0]))]
        elif len(unknowns) == 1 and len(equations) == 1 and degrees[0] <= _MAX_DEGREE:
            poly = sp.Poly(nums[0], unknowns[0])
            roots = sp.roots(poly)
            if sum(roots.values()) != poly.degree():
                return None
            found = [{unknowns[0]: r} for r in roots if r.is_real]
        else:
            return None
        return [s for s in found if all(d.subs(s) != 0 for d in dens)]
    except Exception:  # noqa: BLE001 - sympy on untrusted text: not solved, never a crash
        return None
