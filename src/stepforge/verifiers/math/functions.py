"""Functions the problem defines by one formula, and the values a step claims for them.

"If $f(x) = 3x + 2$ and $g(x) = (x - 1)^2$, what is $f(g(-2))$?": a step's "$g(-2) = (-2 - 1)^2 = 9$" was
``undefined_function`` (neutral), though the problem says what g is. Here a name the problem defines once, as
``NAME(VAR) = formula in VAR`` alone in its formula, with no condition after it ("for $x > 0$", "if ...") and no
second definition, is read through its formula (:func:`definitions`, :func:`substitute`).

The caller decides with it only where the reading is the plain one: a claim whose every application is of a
defined name at an argument that is not a lone letter (``f(x) = ...`` in a step may define another f); a claim in
letters is only ever confirmed (``f(f(x)) = x`` may be an equation to solve); and a step that writes ``NAME(letter)
= ...`` other than as the problem wrote it redefines the name for the rest of the solution (:func:`redefined`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from stepforge.verifiers.math._lazy import sympy as sp
from stepforge.verifiers.math.points import exact_at

# "f(x) = 3x + 2", "g\left(t\right)=\sqrt{t}": a one-letter name of one one-letter argument, then the formula
_DEFINITION = re.compile(r"^\s*([A-Za-z])\s*(?:\\left)?\(\s*([A-Za-z])\s*(?:\\right)?\)\s*=\s*(.+?)\s*[.,;]?\s*$", re.S)
# a formula that is no single closed expression: cases, an ellipsis, words, another relation
_NOT_ONE_FORMULA = re.compile(r"\\begin|\\(?:c|l)?dots|\\ldots|\.\.\.|\\text|\\mbox|\\operatorname|\\mathrm|"
                              r"=|<|>|\\[lg]e(?:q)?(?![a-zA-Z])|\\ne(?:q)?(?![a-zA-Z])|\\in(?![a-zA-Z])|\\quad|"
                              r"\\sum|\\prod|\\lim|\\int|\\lfloor|\\lceil|\||\\{|\\}", re.S)
# what after a definition restricts or splits it: "for $x > 0$", "if ...", "when", "otherwise"
_CONDITION_AFTER = re.compile(r"^\s*[,;]?\s*(?:\\text\{\s*)?(?:for|if|when|where|whenever|otherwise|on|with|"
                              r"and\s+\$?\s*[A-Za-z]\s*\(\s*[A-Za-z]\s*\)\s*=)\b", re.I)
HEAD = re.compile(r"(?<![A-Za-z\\])([A-Za-z])\s*(?:\\left)?\(\s*([A-Za-z])\s*(?:\\right)?\)\s*=\s*")
#: the letters the reader takes as a function applied (``f(5)``); ``t(4)`` and ``a(2)`` it reads as products (a time, a
#: coefficient), so a problem's ``t(x)`` is left unread rather than read two ways
FUNCTION_LETTERS = frozenset("FGHPQfghpquvwy")
_MAX_DEPTH = 8  # nested applications resolved (f(g(f(2))))


def _key(tex: str) -> str:
    return re.sub(r"\s+|\\[,;!: ]|\\left|\\right", "", tex).rstrip(".,;")


# the prose a definition follows: "Let", "If", "where", "and", a comma, the problem's start; not "is $h(x) = x$?"
# or "Solve $f(x) = 2x$", where the formula is an equation about the function
_DEFINING_BEFORE = re.compile(r"(?:\b(?:let|if|define[sd]?|by|suppose|given|where|with|and|function|consider|be|as|"
                              r"that|then)|[,:;(]|^)\s*$", re.I)
# a name applied to anything but one letter, then "=": "h(4x-1) = 2x + 7", "f(2) = 5" (a condition on the function)
_APPLIED = re.compile(r"(?<![A-Za-z\\])([A-Za-z])\s*(?:\\left)?\(")


def _applied_otherwise(text: str) -> set[str]:
    """The names ``text`` writes applied to something other than one letter and then set equal to something."""
    out = set()
    for m in _APPLIED.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth and i - m.end() < 200:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if depth or re.fullmatch(r"\s*[A-Za-z]\s*(?:\\right)?\s*", text[m.end():i - 1]):
            continue
        if re.match(r"\s*=", text[i:]):
            out.add(m.group(1))
    return out


def definitions(pieces: Iterable[tuple[bool, str, str, str]],
                parse: Callable[[str], Any]) -> dict[str, tuple[Any, Any, str]]:
    """The functions ``pieces`` (is_math, formula, the text before it, the text after it) define: name -> (argument
    symbol, formula as sympy, the formula as written). A name written as defined twice, with a condition, after prose
    that makes it an equation ("is $h(x) = x$?"), applied and set equal elsewhere ("$h(4x-1) = 2x+7$"), or by
    anything but one closed formula in its argument alone is left out: its values are not read."""
    from sympy.core.function import AppliedUndef

    found: dict[str, tuple[Any, Any, str] | None] = {}
    pieces = list(pieces)
    conditioned = set().union(*(_applied_otherwise(p) for m, p, _, _ in pieces if m))
    for is_math, piece, before, after in pieces:
        if not is_math:
            continue
        head = HEAD.match(piece)
        if head is None:
            continue
        name = head.group(1)
        m = _DEFINITION.match(piece)
        if name in found or name in conditioned or name not in FUNCTION_LETTERS or m is None \
                or not _DEFINING_BEFORE.search(before) or m.group(1) == m.group(2) or _NOT_ONE_FORMULA.search(m.group(3)) \
                or _CONDITION_AFTER.match(after):
            found[name] = None  # twice, or not one plain formula: never read
            continue
        var = sp.Symbol(m.group(2))
        try:
            body = parse(m.group(3))
        except Exception:  # noqa: BLE001 - a formula the reader cannot take: not a definition to use
            found[name] = None
            continue
        if not isinstance(body, sp.Expr) or body.free_symbols != {var} or body.has(sp.Piecewise):
            found[name] = None  # "f(x) = ax + b": other letters; "f(x) = 4": no argument, maybe an equation
            continue
        found[name] = (var, body, _key(m.group(3)))
    defs = {k: v for k, v in found.items() if v is not None}
    # a formula in other defined functions ("$t(x) = 3 - g(x)$ and $g(x) = \sqrt{x}$"): theirs put in, once
    out = {}
    for name, (var, body, written) in defs.items():
        if body.has(AppliedUndef):
            body = _composed(body, name, defs)
            if body is None:
                continue
        out[name] = (var, body, written)
    return out


def _composed(body: Any, name: str, defs: dict[str, tuple[Any, Any, str]]) -> Any | None:
    """``body`` with the applications of other defined names (plain formulas, not themselves composed) put in."""
    from sympy.core.function import AppliedUndef

    repl = {}
    for app in body.atoms(AppliedUndef):
        other = type(app).__name__
        if other == name or other not in defs or len(app.args) != 1 or defs[other][1].has(AppliedUndef):
            return None
        var, inner, _ = defs[other]
        repl[app] = inner.xreplace({var: app.args[0]})
    return body.xreplace(repl)


def redefined(text: str, defs: dict[str, tuple[Any, Any, str]]) -> set[str]:
    """The defined names ``text`` writes as ``NAME(letter) = ...`` other than as the problem defined them (another
    argument letter or another formula as written): the solution's own function from there on."""
    out = set()
    for m in HEAD.finditer(text):
        name = m.group(1)
        if name not in defs:
            continue
        var, _, written = defs[name]
        rest = _key(text[m.end():m.end() + len(written) + 40])
        if m.group(2) != str(var) or not rest.startswith(written):
            out.add(name)
    return out


def substitute(expr: Any, defs: dict[str, tuple[Any, Any, str]]) -> Any | None:
    """``expr`` with every application of a defined name replaced by its formula at the argument, innermost first;
    None when an application is of a name not defined, has several arguments, or is at a lone letter."""
    from sympy.core.function import AppliedUndef

    for _ in range(_MAX_DEPTH):
        apps = expr.atoms(AppliedUndef)
        if not apps:
            return expr
        repl = {}
        for app in apps:
            name = type(app).__name__
            if name not in defs or len(app.args) != 1 or isinstance(app.args[0], sp.Symbol):
                return None
            if app.args[0].has(AppliedUndef):
                continue  # an inner application first
            var, body, _ = defs[name]
            try:  # bottom-up, no power too large to compute built (f(x) = x^{100} at f(10^{100}))
                repl[app] = exact_at(body, {var: app.args[0]})
            except Exception:  # noqa: BLE001 - TooBig, or a value the formula has no meaning at
                return None
        if not repl:
            return None
        expr = expr.xreplace(repl)
    return None
