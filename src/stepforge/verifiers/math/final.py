"""An answer is a final answer, not a restatement of the problem.

Equivalence is decided only between answers: a pred that still holds an operation the problem asked to
carry out (an integral, derivative, limit, sum, product, gcd, arithmetic on numbers), the equation instead
of its solution, or a copy of the problem's expression is ``not_equal`` with rule ``not_a_final_answer``,
however equal its value. With the problem's text, what was asked also decides the form (expand, factor,
lowest terms) and whether a decimal gold is an approximation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from stepforge.verifiers.math import evaluate as E
from stepforge.verifiers.math.compare import scalars, solved
from stepforge.verifiers.math.exact import NotExact
from stepforge.verifiers.math._spans import span_groups
from stepforge.verifiers.math.latex import Node, clean, has, symbols
from stepforge.verifiers.math.parse import Answer, Scalar
from stepforge.verifiers.math.policy import MathPolicy

_EXPAND_RE = re.compile(r"\b(?:expand(?:ed)?|multiply\s+out|expanded\s+form|distribute)\b", re.I)
_FACTOR_RE = re.compile(r"\b(?:factor(?:i[sz]e)?\s+(?:the\s+(?:expression|polynomial|following)|completely|fully|\$|\\\(|it\b)|factored\s+form|factori[sz]ation\s+of)", re.I)
_LOWEST_RE = re.compile(r"lowest\s+terms|simplest\s+form|common\s+fraction|reduced\s+(?:form|fraction)|fully\s+simplif|\bsimplify\b", re.I)
_APPROX_RE = re.compile(r"\b(?:round(?:ed)?|nearest|decimal\s+places?|approximately|approximate|estimate|significant\s+(?:digits|figures))\b|\\approx", re.I)
_MATH_RE = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_OPS = {"integral": "an integral", "derivative": "a derivative", "limit": "a limit", "sum": "a sum", "product": "a product"}
_CALLS = {"gcd", "lcm", "mod"}


@dataclass(frozen=True)
class Problem:
    """What the problem asks, read from its text once."""

    expand: bool
    factor: bool
    lowest_terms: bool
    approximate: bool
    expressions: frozenset
    squashed: str = ""  # the whole text without blanks: what it states outright


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", clean(s))


@lru_cache(maxsize=256)
def read_problem(text: str | None) -> Problem | None:
    """The problem's asks (expand, factor, lowest terms, rounding) and its expressions that hold an operation."""
    if not text:
        return None
    exprs = set()
    for groups in span_groups(_MATH_RE, text):  # an unclosed "\\(" is not searched to the end: linear
        seg = next(g for g in groups if g is not None)
        for side in re.split(r"=|\\le|\\ge|<|>|\\approx|,", seg):
            sq = _squash(side)
            if sq and re.search(r"[-+*/^!]|\\(?:frac|int|sum|prod|lim|sqrt|binom|cdot|times|div|gcd|operatorname)", sq.lstrip("-")):
                exprs.add(sq)
    return Problem(
        expand=bool(_EXPAND_RE.search(text)), factor=bool(_FACTOR_RE.search(text)),
        lowest_terms=bool(_LOWEST_RE.search(text)), approximate=bool(_APPROX_RE.search(text)),
        expressions=frozenset(exprs), squashed=_squash(text),
    )


def _calls(node: Node | None) -> set[str]:
    if node is None:
        return set()
    return {c for c in _CALLS if has(node, {c})}


def _computed(s: Scalar, policy: MathPolicy) -> bool:
    """Arithmetic on numbers left undone: a sum, difference, product or quotient of numbers whose value is
    rational, not written as one number (``3 + 4``, ``\\frac{3}{4} + \\frac{1}{6}``, ``2 \\cdot 3!``). A factorial,
    binomial, power or root alone is a notation for its number (``6!``, ``2^{10}``), not arithmetic left undone."""
    if s.node is None or s.literal or symbols(s.node):
        return False
    node = s.node[1] if s.node[0] == "neg" else s.node
    if node[0] not in ("add", "mul", "div"):
        return False
    try:
        return E.value(s.node, policy).as_rational() is not None
    except (NotExact, ZeroDivisionError):
        return False


def _sum_factor(node: Node) -> bool:
    """A product with a factor that is a sum in the variables, or a power of such a sum: not expanded."""
    stack = [node]
    while stack:
        n = stack.pop()
        k = n[0]
        if k == "mul" and any(f[0] == "add" and symbols(f) for f in n[1]):
            return True
        if k == "pow" and n[1][0] == "add" and symbols(n[1]) and n[2][0] == "num" and n[2][1] >= 2:
            return True
        if k in ("add", "mul"):
            stack.extend(n[1])
        elif k == "neg":
            stack.append(n[1])
        elif k == "div":
            stack.extend((n[1], n[2]))
    return False


def _is_solution(g: Answer) -> bool:
    """A gold that is a value (or values) rather than an equation of a curve."""
    if g.kind == "relation":
        if g.var is None:
            return False
        rhs = g.extra["rhs"]
        return all(not (s.node is not None and symbols(s.node)) and not (s.sym is not None and s.sym.free_symbols) for s in scalars(rhs))
    return g.kind in ("scalar", "set", "tuple", "pair", "system", "interval", "union")


def _equation(p: Answer) -> bool:
    """The pred is an equation, inequality or system still to solve (no side is a bare name)."""
    if p.kind == "relation" and p.var is None:
        return True
    if p.kind in ("inequality", "inequality_or") and not solved(p) and not p.extra.get("set_builder"):
        return True
    if p.kind == "system_rel":
        return any(it.kind == "relation" and it.var is None for it in p.value)
    if p.kind in ("set", "tuple"):
        return any(isinstance(it, Answer) and _equation(it) for it in p.value)
    return False


def restatement(g: Answer, p: Answer, p_text: str, g_text: str, problem: Problem | None, policy: MathPolicy) -> str | None:
    """Why the pred is not a final answer, or None."""
    if policy.restatements == "accept":
        return None
    gs, ps = scalars(g), scalars(p)
    g_ops = set().union(*[s.ops for s in gs], *[_calls(s.node) for s in gs]) if gs else set()
    for s in ps:
        for op in sorted(s.ops | _calls(s.node)):
            if op not in g_ops:
                return f"it still holds {_OPS.get(op, op)} to carry out"
    if _equation(p) and _is_solution(g):
        return "it is an equation to solve, not its solution"
    if gs and all(s.literal for s in gs) and not p.extra.get("computed") and any(_computed(s, policy) for s in ps):
        return "arithmetic on numbers is left undone"
    if problem is not None:
        sq = _squash(p_text)
        if sq in problem.expressions and sq != _squash(g_text):
            return "it is the problem's own expression"
        for s in ps:
            if s.node is None:
                continue
            if problem.expand and _sum_factor(s.node) and not any(x.node is not None and _sum_factor(x.node) for x in gs):
                return "the problem asks for the expansion"
            if problem.factor and symbols(s.node) and not _sum_factor(s.node) and any(x.node is not None and _sum_factor(x.node) for x in gs):
                return "the problem asks for the factored form"
            if problem.lowest_terms and s.fraction and math.gcd(*s.fraction) != 1:
                return "the problem asks for lowest terms"
    return None


def names(problem: Problem | None, lhs: str, whole: str) -> bool:
    """``lhs`` is one of the expressions the problem's own math holds ("find $m+n$") and ``whole`` (the relation)
    is not a copy of the problem's own statement ("Solve $x^2+2x=15$")."""
    return (problem is not None and _squash(lhs) in problem.expressions
            and _squash(whole).strip("$") not in problem.squashed)


__all__ = ["Problem", "names", "read_problem", "restatement"]
