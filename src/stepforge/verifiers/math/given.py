"""The relations a problem states ("Solve $2x(x - 10) = -50$", "if $x + y = 10$ and $x - y = 2$"), read from its text
so that a step restating or solving one is confirmed ("Dividing by 2, $x(x - 10) = -25$").

Confirmation only: a problem's letters may name something else in a solution, and its formulas may be options,
hypotheses or the very claim to disprove, so nothing here ever refutes a step. Options are read as none at all.
"""

from __future__ import annotations

import re
from typing import Any

from stepforge.verifiers.math._lazy import sympy
from stepforge.verifiers.math.errors import ParseError
from stepforge.verifiers.math.relations import (STEP_POLICY, Derivations, Relation, equation_key, parse_chain,
                                                 solution_set)

_MAX_GIVEN = 8
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.S)
# answer options ("(A) $x = 2$", "\textbf{(B) }"), or a question about which formula holds: no formula is a given
_OPTIONS = re.compile(r"\(\s*[A-E]\s*\)|\\textbf\{\s*\(?[A-E]\)|\b(?:following|which (?:one|equation|of))\b", re.I)
# a letter before a bracket: applied to an argument ("f(x) = 2x + 3", "P(2) = 5") when it stands nowhere else
_BEFORE_BRACKET = re.compile(r"(?<![A-Za-z\\])([A-Za-z])\s*(?:'+\s*)?\(")
_RELATION = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|lt|gt)(?![a-zA-Z])")
_NOT_GIVEN = re.compile(r"\\(?:ne|neq|approx|equiv|pmod|bmod|mod|sum|prod|int|lim|cdots|ldots|dots|text)(?![a-zA-Z])|\\?\$|"
                        r"[\[\]{}]\s*,|&|\\\\")


def problem_relations(prompt: str) -> list[str]:
    """The problem's own relations in letters, as written ("2x(x-10) = -50"), at most eight; none in a problem
    with answer options."""
    if not prompt or _OPTIONS.search(prompt):
        return []
    out: list[str] = []
    for m in _MATH.finditer(prompt):
        tex = next(g for g in m.groups() if g is not None).strip().rstrip(".,;?")
        if not _RELATION.search(tex) or _NOT_GIVEN.search(tex) or _applied(tex) or len(tex) > 200:
            continue
        for part in re.split(r",\s*(?:\\quad\s*|\\text\{\s*and\s*\}\s*)?|\\quad|\\text\{\s*and\s*\}", tex):
            if _RELATION.search(part) and re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", part)):
                out.append(part.strip())
    return out[:_MAX_GIVEN]


def _applied(tex: str) -> bool:
    """A letter before a bracket that stands nowhere else in the formula: a function applied ("f(x) = 2x + 3"), not a
    product ("2x(x - 10) = -50"); read as a product it would state something else."""
    bare = re.sub(r"\\[A-Za-z]+", " ", tex)
    for m in _BEFORE_BRACKET.finditer(bare):
        elsewhere = re.sub(rf"(?<![A-Za-z]){m.group(1)}\s*'*\s*\(", " ", bare)
        if not re.search(rf"(?<![A-Za-z]){m.group(1)}(?![A-Za-z])", elsewhere):
            return True
    return False


class Givens(Derivations):
    """The problem's relations as premises, and what they say as written (a step that only restates one is
    confirmed but shows no work: :func:`restated`)."""

    _given = True

    def __init__(self) -> None:
        super().__init__(STEP_POLICY)  # ``written``: each of the problem's relations as written, both ways round
        self.parsed: list[Relation] = []


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="}


def restated(problem: Derivations | None, rel: Relation, sides: tuple[str, str] | None = None) -> bool:
    """``rel`` is one of the problem's relations as written (``sides``: the equation's two sides as the step wrote
    them) or, without the text, as parsed: a restatement, not a step of work."""
    if not isinstance(problem, Givens):
        return False
    if sides is not None:
        return equation_key(sides) in problem.written
    lhs, op, rhs = rel
    return any(g == rel or (g[1] == _FLIP.get(op) and g[0] == rhs and g[2] == lhs) for g in problem.parsed)


def givens(texts: list[str]) -> Givens | None:
    """The problem's relations as premises to confirm by (``Derivations.judge`` with ``refute=False``), or None when
    there are none or they contradict one another in a variable (options, cases: nothing follows from them)."""
    rels: list[Relation] = []
    for tex in texts:
        try:
            chain = parse_chain(tex, STEP_POLICY)
        except (ParseError, ValueError, TypeError, ZeroDivisionError, RecursionError):
            continue
        rels += [r for r in chain if (r[0] - r[2]).free_symbols and r[1] != "!=" and _plain(r)]
    if not rels:
        return None
    by_var: dict[Any, list[Relation]] = {}
    for r in rels:
        syms = (r[0] - r[2]).free_symbols
        if len(syms) == 1:
            by_var.setdefault(next(iter(syms)), []).append(r)
    for var, group in by_var.items():
        got = solution_set(group, var)
        if got is None or got == sympy.S.EmptySet:
            rels = [r for r in rels if r not in group]  # unsolvable together, or contradictory: not premises
    if not rels:
        return None
    out = Givens()
    for r in rels:
        out.record(r, "true")  # given, and consistent in each variable: every one a premise
    out.parsed = rels
    for tex in texts:
        parts = tex.split("=")
        if len(parts) == 2:
            out.write((parts[0], parts[1]))
    return out


def _plain(rel: Relation) -> bool:
    """No undefined function, infinity or division by zero in it."""
    from sympy.core.function import AppliedUndef

    return not any(side.has(AppliedUndef, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) for side in (rel[0], rel[2]))


__all__ = ["Givens", "givens", "problem_relations", "restated"]
