"""The symbolic step checker: each step's claims checked against the problem's state.

A step's claims are the relations inside its math segments (``$...$``, ``\\(...\\)``, ``\\[...\\]``).
A chain ``a = b = c`` is checked pair by pair; a pair holds when it is an identity, or, for an
equation in the problem's unknowns, when every solution of the premises satisfies it (a single case
of the solution set, such as ``x = 2`` of roots {2, 3}, is neutral). A ``\\boxed{}`` answer is
compared with the reference by the answer verifier. Claims are read by the verifier's one reader
(:mod:`latex`) and the boxed answer found by its one extractor (:func:`extract.last_boxed`); an identity
is first decided exactly (:func:`evaluate.identical`), sympy only where that cannot. Runs in-process:
callers that need a hard time limit run it inside a :mod:`stepforge._pool` worker.
"""

from __future__ import annotations

import random
import re
import time
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field

from stepforge.verifiers.math._lazy import sympy as sp

from stepforge.verifiers.math.errors import ParseError
from stepforge.verifiers.math.compare import finite_decimal, number_close
from stepforge.verifiers.math.evaluate import identical, value
from stepforge.verifiers.math.exact import NotExact
from stepforge.verifiers.math.extract import last_boxed
from stepforge.verifiers.math.latex import NotFast, clean, read, symbols
from stepforge.verifiers.math.relations import (
    STEP_POLICY,
    Derivations,
    constant_truth,
    is_hypothetical,
    parse_chain,
    read_expr,
)

Verdict = Literal["true", "false", "unknown"]

_SEGMENT = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_OR = re.compile(r"\\(?:quad|qquad|,|;)?\s*\\text\{\s*or\s*\}|\\text\{\s*or\s*\}|\s+or\s+")
_BOXED = re.compile(r"\\(?:boxed|fbox)\b")
_INEQ = re.compile(r"<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|leqslant|geqslant)(?![a-zA-Z])")
_MAX_CLAIM_CHARS = 400


class ClaimCheck(BaseModel):
    """One relation (or the final answer) in a step, with the rule that decided it."""

    claim: str
    verdict: Verdict
    rule: str
    detail: str = ""


class StepCheck(BaseModel):
    """The checker's finding for one step: its rating and the evidence for it."""

    index: int
    rating: Literal[-1, 0, 1]
    rule: str
    claims: list[ClaimCheck] = Field(default_factory=list)
    seconds: float = 0.0


class StepContext(BaseModel):
    """What the checker knows of the problem.

    ``premises`` are the problem's equations in ``unknowns`` (claims about unknowns are checked against
    their solutions). ``variables`` are free variables: a claim in them must hold for every value (an
    expansion, a derivative). An equation in any other symbol cannot be refuted without context and
    is neutral: free text is full of constraints such as ``7n + 5 = 143p + 10``.
    """

    premises: list[str] = Field(default_factory=list)
    unknowns: list[str] = Field(default_factory=list)
    variables: list[str] = Field(default_factory=list)
    gold: str | None = None


class _Unparseable(Exception):
    pass


@lru_cache(maxsize=4096)
def _parse(tex: str) -> Any:
    """One side of a claim as sympy (the verifier's one reader, latex2sympy2_extended for the rest);
    derivatives and integrals evaluated."""
    tex = tex.strip().rstrip(".,;")
    if not tex or len(tex) > _MAX_CLAIM_CHARS:
        raise _Unparseable(tex)
    try:
        expr = read_expr(tex, STEP_POLICY)
    except (ParseError, NotFast, TypeError, ValueError, ZeroDivisionError, RecursionError) as exc:
        raise _Unparseable(f"{tex}: {exc}") from None
    if not isinstance(expr, sp.Basic):
        raise _Unparseable(tex)
    return expr


@lru_cache(maxsize=4096)
def _tree(tex: str) -> Any:
    """The reader's tree of one side, or None (then only sympy decides)."""
    tex = clean(tex.strip().rstrip(".,;"))
    if not tex or len(tex) > _MAX_CLAIM_CHARS:
        return None
    try:
        return read(tex, STEP_POLICY, letters=True)[0]
    except (ParseError, NotFast, RecursionError):
        return None


def _exact_identity(a: str, b: str, seed: int) -> bool | None:
    """Exact decision that ``a = b`` holds for every value of its symbols (None: not decidable exactly)."""
    ta, tb = _tree(a), _tree(b)
    if ta is None or tb is None:
        return None
    eq, _, _ = identical(ta, tb, STEP_POLICY, seed)
    return eq


def _split_top(tex: str, sep: str) -> list[str]:
    """Split on ``sep`` outside braces, brackets and parentheses."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(tex):
        ch = tex[i]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        if depth == 0 and tex.startswith(sep, i):
            out.append("".join(cur))
            cur, i = [], i + len(sep)
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


def _is_zero(d: Any, rng: random.Random) -> bool | None:
    """Is ``d`` identically zero? Exact where possible (rationals, polynomials). Otherwise high-precision
    evaluation refutes, expand/simplify confirm, and where simplify gives up, agreement to 25 digits
    at several random rational points (or to 80 digits for a constant) confirms. ``None``: undecided."""
    if d == 0:
        return True
    if d.is_Rational:
        return False
    syms = sorted(d.free_symbols, key=str)
    if syms and d.is_polynomial(*syms):
        return bool(sp.expand(d) == 0)
    if not syms:
        val = sp.N(d, 50)
        if not val.is_number or val.has(sp.zoo, sp.nan):
            return None
        if abs(val) > sp.Float("1e-25"):
            return False
        if sp.simplify(d) == 0:
            return True
        return bool(abs(sp.N(d, 100)) < sp.Float("1e-80"))
    zeros = 0
    for _ in range(5):
        point = {s: sp.Rational(rng.randint(-97, 97), rng.randint(1, 13)) for s in syms}
        val = d.subs(point)
        if val.is_Rational:
            if val != 0:
                return False
            zeros += 1
            continue
        val = sp.N(val, 50)
        if not val.is_number or val.has(sp.zoo, sp.nan):
            continue
        if abs(val) > sp.Float("1e-25"):
            return False
        zeros += 1
    if sp.expand(d) == 0 or sp.simplify(d) == 0:
        return True
    return True if zeros >= 3 else None


def _zero_at(d: Any, point: dict[Any, Any]) -> bool:
    v = d.xreplace(point)
    return bool(v == 0) if v.is_Rational else bool(sp.simplify(v) == 0)


def _solve(eqs: list[Any], unknowns: list[Any]) -> list[dict[Any, Any]]:
    """Solutions as dicts: linsolve for linear systems, roots for one polynomial, else sympy.solve."""
    polys = [e.lhs - e.rhs for e in eqs]
    if all(p.is_polynomial(*unknowns) and sp.Poly(p, *unknowns).total_degree() <= 1 for p in polys):
        sols = sp.linsolve(polys, unknowns)
        return [dict(zip(unknowns, s)) for s in sols if not any(v.free_symbols & set(unknowns) for v in s)]
    if len(polys) == 1 and len(unknowns) == 1 and polys[0].is_polynomial(unknowns[0]):
        roots = sp.roots(sp.Poly(polys[0], unknowns[0]))
        if sum(roots.values()) == sp.degree(polys[0], unknowns[0]):
            return [{unknowns[0]: r} for r in roots if r.is_real is not False]
    return sp.solve(eqs, unknowns, dict=True)


def _roots(d: Any, sym: Any) -> list[Any]:
    if d.is_polynomial(sym):
        poly = sp.Poly(d, sym)
        roots = sp.roots(poly)
        if sum(roots.values()) == poly.degree():
            return list(roots)
    return sp.solve(d, sym)


class _State:
    """The premises' solution set, solved once per context."""

    def __init__(self, ctx: StepContext) -> None:
        self.unknowns = [sp.Symbol(u) for u in ctx.unknowns]
        self.variables = {sp.Symbol(v) for v in ctx.variables}
        self.solutions: list[dict[Any, Any]] | None = None
        if ctx.premises and self.unknowns:
            try:
                eqs = [_relation(p) for p in ctx.premises]
                sols = _solve(eqs, self.unknowns)
                if sols and all(set(self.unknowns) <= set(s) for s in sols):
                    self.solutions = sols
            except (_Unparseable, NotImplementedError, TypeError, ValueError):
                self.solutions = None

    def holds(self, lhs: Any, rhs: Any) -> Verdict | None:
        """Check ``lhs = rhs`` against the solution set; ``None`` when the state cannot judge it."""
        if self.solutions is None:
            return None
        syms = (lhs - rhs).free_symbols
        if not syms or not syms <= set(self.unknowns):
            return None
        d = lhs - rhs
        if all(_zero_at(d, s) for s in self.solutions):
            return "true"
        if len(syms) == 1:
            (sym,) = syms
            try:
                own = set(_roots(d, sym))
            except NotImplementedError:
                return "false"
            roots = {s[sym] for s in self.solutions}
            if own and own <= roots:
                return "unknown"  # one case of the solution set
        return "false"


def _relation(tex: str) -> Any:
    parts = _split_top(tex, "=")
    if len(parts) != 2:
        raise _Unparseable(tex)
    return sp.Eq(_parse(parts[0]), _parse(parts[1]), evaluate=False)


# Degrees and base-n subscripts (555_{10}, 4210_5): a wrong reading would make a true claim false.
_NOT_CHECKED = re.compile(r"\\circ|°|\d_\{?\d|\\mathbf|\\vec|\\overline")

_NAME = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?'*(?:\([A-Za-z]\))?$")


def _is_name(text: str) -> bool:
    """A side written as a bare name (``y``, ``x_1``, ``F(x)``, ``f'(x)``): the claim defines it. Decided
    on the text, not the value: ``\\frac{d}{dx}(x^2/2)`` evaluates to ``x`` but defines nothing."""
    return bool(_NAME.match(re.sub(r"\\left|\\right|\s", "", text)))


_DECIMAL = re.compile(r"^\s*-?\d*\.\d+\s*$")


def _rounded_value(a: str, b: str) -> ClaimCheck | None:
    """``\\sqrt{2} = 1.414``: a decimal side against an exact constant, by the answers' one rounding rule
    (correctly rounded with 3+ significant digits, for a value without a finite expansion: true; within
    half a unit of its last place otherwise: a rounded intermediate, neutral; farther: the other rules)."""
    for exact_side, dec in ((a, b), (b, a)):
        if not _DECIMAL.match(dec) or _DECIMAL.match(exact_side):
            continue
        tree = _tree(exact_side)
        if tree is None or symbols(tree):
            return None
        close = number_close(tree, dec.strip(), STEP_POLICY)
        if not close:
            return None
        claim = f"{a.strip()} = {b.strip()}"
        digits = len(dec.strip().lstrip("-").replace(".", "").lstrip("0"))
        try:
            rational = value(tree, STEP_POLICY).as_rational()
        except (NotExact, ZeroDivisionError):
            return None
        if rational is not None and rational == Fraction(dec.strip()):
            return None  # exactly equal: the identity rules say so
        finite = rational is not None and finite_decimal(rational)
        if not finite and digits >= STEP_POLICY.pred_decimal_min_digits:
            return ClaimCheck(claim=claim, verdict="true", rule="rounded_value")
        return ClaimCheck(claim=claim, verdict="unknown", rule="rounded_value")
    return None


def _check_pair(a: str, b: str, state: _State, rng: random.Random) -> ClaimCheck:
    claim = f"{a.strip()} = {b.strip()}"
    if _NOT_CHECKED.search(claim):
        return ClaimCheck(claim=claim, verdict="unknown", rule="notation_not_checked")
    try:
        lhs, rhs = _parse(a), _parse(b)
    except _Unparseable:
        return ClaimCheck(claim=claim, verdict="unknown", rule="unparseable")
    if not all(isinstance(v, sp.Expr) for v in (lhs, rhs)):
        return ClaimCheck(claim=claim, verdict="unknown", rule="not_an_expression")
    rounded = _rounded_value(a, b)
    if rounded is not None:
        return rounded
    from sympy.core.function import AppliedUndef

    if (isinstance(lhs, AppliedUndef) and _is_name(a)) or (isinstance(rhs, AppliedUndef) and _is_name(b)):
        return ClaimCheck(claim=claim, verdict="unknown", rule="definition")
    if lhs.has(AppliedUndef) or rhs.has(AppliedUndef):
        return ClaimCheck(claim=claim, verdict="unknown", rule="undefined_function")
    zero = _exact_identity(a, b, rng.randint(0, 2**48))
    if zero is None:
        try:
            zero = _is_zero(lhs - rhs, rng)
        except (TypeError, ValueError, ZeroDivisionError):
            zero = None
    if zero:
        return ClaimCheck(claim=claim, verdict="true", rule="identity")
    by_state = state.holds(lhs, rhs)
    if by_state == "true":
        return ClaimCheck(claim=claim, verdict="true", rule="implied_by_premises")
    if by_state == "unknown":
        return ClaimCheck(claim=claim, verdict="unknown", rule="case_of_solution_set")
    if by_state == "false":
        return ClaimCheck(claim=claim, verdict="false", rule="contradicts_premises")
    if _is_name(a) or _is_name(b):
        return ClaimCheck(claim=claim, verdict="unknown", rule="definition")
    if zero is None:
        return ClaimCheck(claim=claim, verdict="unknown", rule="undecided")
    free = (lhs - rhs).free_symbols
    if free and not free <= state.variables:
        return ClaimCheck(claim=claim, verdict="unknown", rule="equation_without_context")
    return ClaimCheck(claim=claim, verdict="false", rule="not_an_identity")


def _check_disjunction(parts: list[str], state: _State) -> ClaimCheck:
    """``x = 2 or x = 3``: right when every solution of the premises satisfies some disjunct."""
    claim = " or ".join(p.strip() for p in parts)
    if state.solutions is None:
        return ClaimCheck(claim=claim, verdict="unknown", rule="disjunction_without_premises")
    try:
        rels = [_relation(p) for p in parts]
    except _Unparseable:
        return ClaimCheck(claim=claim, verdict="unknown", rule="unparseable")
    for sol in state.solutions:
        if not any(_zero_at(r.lhs - r.rhs, sol) for r in rels):
            return ClaimCheck(claim=claim, verdict="false", rule="disjunction_misses_solution", detail=str(sol))
    return ClaimCheck(claim=claim, verdict="true", rule="disjunction_covers_solutions")


def _ineq_claims(seg: str, state: _State, derived: Derivations, hypothetical: bool) -> list[ClaimCheck]:
    """A chain with inequalities (``\\sqrt2 < 1.5 < 2``, ``2x + 3 > 7``): between constants it is decided by
    value; in the problem's unknowns, by substituting the premises' solutions; in one variable, it is
    confirmed when it follows from the relations derived before it; else neutral."""
    if _NOT_CHECKED.search(seg):
        return [ClaimCheck(claim=seg.strip(), verdict="unknown", rule="notation_not_checked")]
    try:
        rels = parse_chain(seg, STEP_POLICY)
    except ParseError:
        return [ClaimCheck(claim=seg.strip(), verdict="unknown", rule="unparseable")]
    out = []
    for lhs, op, rhs in rels:
        claim = f"{lhs} {op} {rhs}"
        free = (lhs - rhs).free_symbols
        if not free:
            truth = constant_truth(lhs, op, rhs)
            out.append(ClaimCheck(claim=claim, verdict=truth, rule="relation_between_constants"))
            continue
        by_state = _ineq_by_state(lhs, op, rhs, state)
        if by_state is not None:
            out.append(by_state.model_copy(update={"claim": claim}))
            derived.record((lhs, op, rhs), by_state.verdict)
            continue
        truth = derived.judge((lhs, op, rhs), hypothetical, refute=False)
        rule = "follows_from_previous_steps" if truth == "true" else "relation_without_context"
        out.append(ClaimCheck(claim=claim, verdict=truth, rule=rule))
        derived.record((lhs, op, rhs), truth)
    return out


def _ineq_by_state(lhs: Any, op: str, rhs: Any, state: _State) -> ClaimCheck | None:
    """Substitution: a relation in the problem's unknowns holds at every solution of the premises, or at none."""
    if state.solutions is None:
        return None
    names = {str(u): u for u in state.unknowns}
    free = (lhs - rhs).free_symbols
    if not free or not {str(f) for f in free} <= set(names):
        return None
    truths = set()
    for sol in state.solutions:
        point = {f: sol[names[str(f)]] for f in free}
        truths.add(constant_truth(lhs.xreplace(point), op, rhs.xreplace(point)))
    if truths == {"true"}:
        return ClaimCheck(claim="", verdict="true", rule="implied_by_premises")
    if truths == {"false"}:
        return ClaimCheck(claim="", verdict="false", rule="contradicts_premises")
    return ClaimCheck(claim="", verdict="unknown", rule="case_of_solution_set")


def _carry_forward(check: ClaimCheck, a: str, b: str, derived: Derivations, hypothetical: bool) -> ClaimCheck:
    """An equation the context cannot judge may still follow (or not) from earlier steps' relations."""
    try:
        lhs, rhs = _parse(a), _parse(b)  # cached: _check_pair parsed both sides already
        if not (isinstance(lhs, sp.Expr) and isinstance(rhs, sp.Expr)):
            raise _Unparseable(f"{a} = {b}")
        rel = (lhs, "=", rhs)
    except _Unparseable:
        try:
            (rel,) = parse_chain(f"{a} = {b}", STEP_POLICY)
        except (ParseError, ValueError):
            return check
    if check.rule in ("equation_without_context", "undecided", "definition"):
        # confirmation only: free text reuses letters and lists independent constraints
        if derived.judge(rel, hypothetical, refute=False) == "true":
            check = ClaimCheck(claim=check.claim, verdict="true", rule="follows_from_previous_steps")
    if check.rule not in ("definition", "case_of_solution_set", "notation_not_checked"):
        derived.record(rel, check.verdict)
    return check


def _segment_claims(
    seg: str, state: _State, rng: random.Random, derived: Derivations | None = None, hypothetical: bool = False
) -> list[ClaimCheck]:
    derived = derived if derived is not None else Derivations()
    disjuncts = [d for d in _OR.split(seg) if d.strip()]
    if len(disjuncts) > 1:
        return [_check_disjunction(disjuncts, state)]
    if _INEQ.search(seg):
        return _ineq_claims(seg, state, derived, hypothetical)
    chain = _split_top(seg, "=")
    if len(chain) < 2:
        return []
    out = []
    for a, b in zip(chain, chain[1:]):
        if _PM.search(a) or _PM.search(b):
            out.append(_check_plus_minus(a, b, state, rng))
        else:
            out.append(_carry_forward(_check_pair(a, b, state, rng), a, b, derived, hypothetical))
    return out


_PM = re.compile(r"\\(?:pm|mp)(?![a-zA-Z])")


def _pm_variants(tex: str) -> list[str]:
    if not _PM.search(tex):
        return [tex, tex]
    plus = re.sub(r"\\pm(?![a-zA-Z])", "+", re.sub(r"\\mp(?![a-zA-Z])", "-", tex))
    minus = re.sub(r"\\pm(?![a-zA-Z])", "-", re.sub(r"\\mp(?![a-zA-Z])", "+", tex))
    return [plus, minus]


def _check_plus_minus(a: str, b: str, state: _State, rng: random.Random) -> ClaimCheck:
    """With a sign choice on one side, the claim is that the other side is one of its values; on both
    sides, that both sign choices hold (or both crossed ones: the same pair of values). False only when
    no reading holds and none is undecided."""
    claim = f"{a.strip()} = {b.strip()}"
    (ap, am), (bp, bm) = _pm_variants(a), _pm_variants(b)
    if not (_PM.search(a) and _PM.search(b)):
        # one side with a sign choice: "equals one of these values" (cos t = +-2sqrt2/3)
        checks = [_check_pair(ap, bp, state, rng), _check_pair(am, bm, state, rng)]
        if any(c.verdict == "true" for c in checks):
            return ClaimCheck(claim=claim, verdict="true", rule="identity_plus_minus")
        if all(c.verdict == "false" for c in checks):
            return ClaimCheck(claim=claim, verdict="false", rule="not_an_identity_plus_minus")
        return ClaimCheck(claim=claim, verdict="unknown", rule="plus_minus_undecided")
    pairings = [[_check_pair(ap, bp, state, rng), _check_pair(am, bm, state, rng)]]
    if _PM.search(b):
        pairings.append([_check_pair(ap, bm, state, rng), _check_pair(am, bp, state, rng)])
    for checks in pairings:
        if all(c.verdict == "true" for c in checks):
            return ClaimCheck(claim=claim, verdict="true", rule="identity_plus_minus")
    definition = any(c.rule == "definition" for checks in pairings for c in checks)
    if not definition and all(
        any(c.verdict == "false" for c in checks) and not any(c.verdict == "unknown" for c in checks)
        for checks in pairings
    ):
        return ClaimCheck(claim=claim, verdict="false", rule="not_an_identity_plus_minus")
    return ClaimCheck(claim=claim, verdict="unknown", rule="plus_minus_undecided")


def _final_claim(text: str, gold: str) -> ClaimCheck | None:
    boxed = last_boxed(text)  # the verifier's one extractor: the same answer the trace and the judge read
    if boxed is None:
        return None
    from stepforge.verifiers.math import judge

    v = judge(gold, boxed)
    verdict: Verdict = {"equal": "true", "not_equal": "false"}.get(v.verdict, "unknown")  # type: ignore[assignment]
    return ClaimCheck(claim=boxed, verdict=verdict, rule=f"final_answer:{v.rule}", detail=v.verdict)


def check_steps(steps: list[str], context: StepContext, *, seed: int = 0) -> list[StepCheck]:
    """Check every step independently against the context; the rating is -1 if any claim is false,
    +1 if some claim is true and none false, 0 if nothing in the step could be checked."""
    state = _State(context)
    rng = random.Random(seed)
    derived = Derivations(STEP_POLICY)  # one-variable relations carried from step to step
    out = []
    for i, text in enumerate(steps):
        t0 = time.perf_counter()
        hypothetical = is_hypothetical(text)
        claims: list[ClaimCheck] = []
        boxed_text = text
        for m in _SEGMENT.finditer(text):
            seg = next(g for g in m.groups() if g is not None)
            if _BOXED.search(seg):
                continue
            claims.extend(_segment_claims(seg, state, rng, derived, hypothetical))
        if context.gold is not None:
            final = _final_claim(boxed_text, context.gold)
            if final is not None:
                claims.append(final)
        false = [c for c in claims if c.verdict == "false"]
        if false:
            rating, rule = -1, false[0].rule
        elif any(c.verdict == "true" for c in claims):
            rating, rule = 1, next(c.rule for c in claims if c.verdict == "true")
        else:
            rating, rule = 0, "no_checkable_claim" if not claims else claims[0].rule
        out.append(StepCheck(index=i, rating=rating, rule=rule, claims=claims, seconds=time.perf_counter() - t0))
    return out
