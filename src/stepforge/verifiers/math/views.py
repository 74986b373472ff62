"""Sympy views of typed answers (general path only): ``parse_math``, set algebra, nonlinear inequalities."""

from __future__ import annotations

from typing import Any

import sympy

from stepforge.verifiers.math.errors import ParseError
from stepforge.verifiers.math.parse import Answer, Scalar
from stepforge.verifiers.math.symbolic import canon_name, to_sympy


def scalar_sympy(v: Scalar, policy: Any, raw: bool = False) -> Any:
    """The sympy value of a scalar (percent as a fraction and degrees in radians unless ``raw``)."""
    e = v.sym if v.node is None else to_sympy(v.node, policy)
    if raw:
        return e
    if v.percent:
        e = e / 100
    if v.degree:
        e = e * sympy.pi / 180
    return e


def to_sympy_answer(a: Answer, policy: Any) -> Any:
    k = a.kind
    if k == "scalar":
        return scalar_sympy(a.value, policy)
    if k == "relation":
        if a.var is not None:
            rhs = a.extra["rhs"]
            var = sympy.Symbol(canon_name(a.var))
            return sympy.Eq(var, to_sympy_answer(rhs, policy), evaluate=False) if rhs.kind == "scalar" else sympy.Tuple(var, to_sympy_answer(rhs, policy))
        lhs, rhs = a.value
        return sympy.Eq(scalar_sympy(lhs, policy), scalar_sympy(rhs, policy), evaluate=False)
    if k == "inequality":
        rels = []
        for lhs, op, rhs in a.value:
            f = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "!=": sympy.Ne}[op]
            rels.append(f(scalar_sympy(lhs, policy), scalar_sympy(rhs, policy), evaluate=False))
        return rels[0] if len(rels) == 1 else sympy.And(*rels, evaluate=False)
    if k == "set":
        return sympy.FiniteSet(*[to_sympy_answer(x, policy) for x in a.value])
    if k in ("tuple", "sequence", "system_rel"):
        return sympy.Tuple(*[to_sympy_answer(x, policy) if isinstance(x, Answer) else sympy.Symbol("...") for x in a.value])
    if k == "pair":
        return sympy.Tuple(*(scalar_sympy(x, policy) for x in a.value))
    if k == "interval":
        lo, hi, lo_open, hi_open = a.value[0]
        return sympy.Interval(scalar_sympy(lo, policy), scalar_sympy(hi, policy), lo_open, hi_open)
    if k == "union":
        pieces = []
        for lo, hi, lo_open, hi_open in a.value:
            lo_e, hi_e = scalar_sympy(lo, policy), scalar_sympy(hi, policy)
            pieces.append(sympy.FiniteSet(lo_e) if lo is hi else sympy.Interval(lo_e, hi_e, lo_open, hi_open))
        return sympy.Union(*pieces)
    if k == "set_expr":
        return set_expression(a.value, policy)
    if k == "matrix":
        return sympy.Matrix([[scalar_sympy(c, policy) for c in row] for row in a.value])
    if k == "system":
        return sympy.Tuple(*[sympy.Eq(sympy.Symbol(canon_name(n)), to_sympy_answer(v, policy), evaluate=False) for n, v in a.value.items()])
    if k == "time":
        return sympy.Integer(a.value)
    if k in ("text", "choice", "bool"):
        return sympy.Symbol(str(a.value))
    raise ParseError(f"no sympy view for {k}")


def set_expression(s: str, policy: Any) -> Any:
    """``[0,2] \\cap (1,3) \\cup \\{5\\}`` as a sympy set."""
    import re

    from stepforge.verifiers.math.parse import parse_structure

    total = []
    for part in re.split(r"\\cup", s):
        inter = []
        for q in re.split(r"\\cap", part):
            q = q.strip()
            if q in ("\\mathbb{R}", "\\R", "\\mathbb R"):
                inter.append(sympy.S.Reals)
                continue
            if q in ("\\emptyset", "\\{\\}"):
                inter.append(sympy.S.EmptySet)
                continue
            a = parse_structure(q, policy, top=False)
            st = to_sympy_answer(a, policy)
            if a.kind == "pair":
                st = sympy.Interval.open(*st.args)
            if not isinstance(st, sympy.Set):
                raise ParseError(f"not a set: {q!r}")
            inter.append(st)
        total.append(sympy.Intersection(*inter))
    return sympy.Union(*total)


def relation_set(a: Answer, policy: Any) -> Any:
    """A univariate inequality (chain) as a sympy set, or None."""
    try:
        rel = to_sympy_answer(a, policy)
        syms = rel.free_symbols
        if len(syms) != 1:
            return None
        return rel.as_set() if not isinstance(rel, sympy.And) else sympy.Intersection(*[r.as_set() for r in rel.args])
    except Exception:  # noqa: BLE001
        return None


__all__ = ["relation_set", "scalar_sympy", "set_expression", "to_sympy_answer"]
