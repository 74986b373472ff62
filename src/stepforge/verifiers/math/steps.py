"""The symbolic step checker: each step's claims checked against the problem's state.

A step's claims are the relations inside its math segments (``$...$``, ``\\(...\\)``, ``\\[...\\]``), and the
arithmetic written in plain text (``so 5 * 3 = 15 apples``, ``7,995 - 2,595 = 5,400``: numbers only, never a
letter). A ``$`` that opens prose (``costs $5 for apples and $3 for pears``) is currency, not math; ``\\$`` always
is. Primes are names of their own (``m'`` is not ``m``); ``\\approx`` is a relation of its own, checked as an
approximation by the answers' rounding rule. The checker never raises: a claim it cannot decide (an error of the
reader or of sympy, or past its time budget) is neutral with the reason in its evidence.
A chain ``a = b = c`` is checked pair by pair; a pair holds when it is an identity, or, for an
equation in the problem's unknowns, when every solution of the premises satisfies it (a single case
of the solution set, such as ``x = 2`` of roots {2, 3}, is neutral). A ``\\boxed{}`` answer is
compared with the reference by the answer verifier. Claims are read by the verifier's one reader
(:mod:`latex`) and the boxed answer found by its one extractor (:func:`extract.last_boxed`); an identity
is first decided exactly (:func:`evaluate.identical`), sympy only where that cannot. Runs in-process:
callers that need a hard time limit run it inside a :mod:`stepforge._pool` worker.
"""

from __future__ import annotations

import math
import random
import re
import time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field

from stepforge.verifiers.math._lazy import sympy as sp
from stepforge.verifiers.math._spans import split_top as _split_top
from stepforge.verifiers.math._spans import sub_spans

from stepforge.verifiers.math.budget import Budget as _Budget
from stepforge.verifiers.math.budget import OutOfTime as _OutOfTime
from stepforge.verifiers.math.errors import ParseError
from stepforge.verifiers.math.compare import finite_decimal, number_close
from stepforge.verifiers.math.evaluate import identical, value
from stepforge.verifiers.math.exact import NotExact
from stepforge.verifiers.math.extract import last_boxed
from stepforge.verifiers.math.displays import aligned_rows
from stepforge.verifiers.math.given import givens, restated
from stepforge.verifiers.math.latex import NotFast, clean, read, symbols, walk
from stepforge.verifiers.math import (divisor_lists, functions, notation, plain_algebra, plain_units, plain_words,
                                     readings, rounding, tex_units, worded)
from stepforge.verifiers.math.points import (
    SIMPLIFY_TERMS,
    TooBig,
    exact_at,
    expand_terms,
    proof_hazard,
    risky,
    truth_at,
    zero_at,
)
from stepforge.verifiers.math.relations import (
    INEXACT_RE,
    MAX_SOLVE_DEGREE,
    STEP_POLICY,
    Derivations,
    constant_truth,
    is_hypothetical,
    like_terms_slip,
    parse_chain,
    read_expr,
    standalone_letters,
)

Verdict = Literal["true", "false", "unknown"]

_OR = re.compile(r"\\(?:quad|qquad|,|;)?\s*\\text\{\s*or\s*\}|\\text\{\s*or\s*\}|(?<!\s)\s+or\s+")  # " or " starts where blanks start: linear
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
    #: the problem's own relations as written (``given.problem_relations``): a step that restates or follows from one
    #: is confirmed, never refuted by them (a problem's letters may name something else in a solution)
    given: list[str] = Field(default_factory=list)
    #: the problem's text: a boxed answer is judged as the answer verifier judges it with the problem ("find
    #: $\\frac{b_1}{b_2}$", then "$\\boxed{\\frac{b_1}{b_2}=\\frac{3}{2}}$" states the value asked for)
    problem: str | None = None


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


def _is_zero(d: Any, rng: random.Random) -> bool | None:
    """Is ``d`` identically zero? Exact where possible (rationals, polynomials). Otherwise high-precision
    evaluation refutes, expand/simplify confirm, and where simplify gives up, agreement to 25 digits
    at several random rational points (or to 80 digits for a constant) confirms. ``None``: undecided."""
    if d == 0:
        return True
    if d.is_Rational:
        return False
    syms = sorted(d.free_symbols, key=str)
    # a polynomial too large to expand ((x+y+z+w)^{100} - ...: minutes, no alarm in a thread) is tested at points
    size, hazard = expand_terms(d), proof_hazard(d)
    if syms and not hazard and d.is_polynomial(*syms):
        return bool(sp.expand(d) == 0)
    if not syms:
        val = sp.N(d, 50)
        if not val.is_number or val.has(sp.zoo, sp.nan):
            return None
        if abs(val) > sp.Float("1e-25"):
            return False
        if not hazard and size <= SIMPLIFY_TERMS and _simplified_zero(d):
            return True
        return bool(abs(sp.N(d, 100)) < sp.Float("1e-80"))
    zeros = 0
    bounded = risky(d)  # a variable exponent: never substituted exactly (points.zero_at bounds every power)
    for _ in range(5):
        point = {s: sp.Rational(rng.randint(-97, 97), rng.randint(1, 13)) for s in syms}
        if bounded:
            z = zero_at(d, point)
            if z == "nonzero":
                return False
            zeros += z in ("zero", "close")
            continue
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
    if not hazard and (sp.expand(d) == 0 or size <= SIMPLIFY_TERMS and _simplified_zero(d)):
        return True
    return True if zeros >= 3 else None


def _simplified_zero(d: Any) -> bool | None:
    """``sympy.simplify(d) == 0``; None when sympy's assumptions contradict themselves on the way. They can on a
    tree kept as written (``12(5-9) + 6(0-5) + 0(9-0)``, unevaluated: its ``even`` deduced both ways), and whether
    they do depends on the order sympy asks them in, which it shuffles with a process-random generator and takes
    from hash-ordered sets: the same claim was ``identity`` in one process and ``undecided`` in another (an
    InconsistentAssumptions read as an unreadable difference). Here it is no proof of zero, in every order: the
    caller decides as it does when simplify does not reach 0."""
    from sympy.core.facts import InconsistentAssumptions

    try:
        return bool(sp.simplify(d) == 0)
    except InconsistentAssumptions:
        return None


def _zero_at(d: Any, point: dict[Any, Any]) -> bool | None:
    """Is ``d`` zero at a solution? None: cannot tell (a risky ``d`` whose bounded value is not exact, or a power
    too large to compute exactly there: x^{1000} at x = 2^{100000})."""
    if risky(d):
        z = zero_at(d, point)
        return True if z == "zero" else False if z == "nonzero" else None
    try:
        v = exact_at(d, point)
    except TooBig:
        z = zero_at(d, point)
        return True if z == "zero" else False if z == "nonzero" else None
    if v.is_Rational:
        return bool(v == 0)
    return _simplified_zero(v) if not proof_hazard(v) and expand_terms(v) <= SIMPLIFY_TERMS else None


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


def _unsolvable(d: Any, unknowns: list[Any]) -> bool:
    """A premise not given to sympy's solvers, which no alarm stops in a thread: a variable exponent (``y = x^x``
    with ``x = 2^{100}`` substitutes a power of 2^{107} bits), a polynomial of degree over 12 (roots factors it
    for minutes), an expansion too large. Without a solution set its claims are neutral, never refuted."""
    if risky(d) or proof_hazard(d):
        return True
    if any(p.exp.is_Integer and abs(p.exp) > MAX_SOLVE_DEGREE for p in d.atoms(sp.Pow)):
        return True
    return d.is_polynomial(*unknowns) and sp.Poly(d, *unknowns).total_degree() > MAX_SOLVE_DEGREE


class _State:
    """The premises' solution set, solved once per context."""

    def __init__(self, ctx: StepContext) -> None:
        self.unknowns = [sp.Symbol(u) for u in ctx.unknowns]
        self.variables = {sp.Symbol(v) for v in ctx.variables}
        self.problem = ctx.problem
        self._functions: dict[str, Any] | None = None
        self.redefined: set[str] = set()  # defined names a step wrote a definition of its own for
        self.supposes = False  # the step being read takes what it states as given ("Assume $g(6) = 7$")
        self.solutions: list[dict[Any, Any]] | None = None
        if ctx.premises and self.unknowns:
            try:
                eqs = [_relation(p) for p in ctx.premises]
                if any(_unsolvable(e.lhs - e.rhs, self.unknowns) for e in eqs):
                    return
                sols = _solve(eqs, self.unknowns)
                if sols and all(set(self.unknowns) <= set(s) for s in sols):
                    self.solutions = sols
            except (_Unparseable, NotImplementedError, TypeError, ValueError):
                self.solutions = None

    def functions(self) -> dict[str, Any]:
        """The functions the problem defines by one formula (:mod:`functions`), read once; those a step redefined
        left out."""
        if self._functions is None:
            self._functions = {}
            if self.problem and "(" in self.problem:
                pieces = _segments(self.problem)
                around = [(m, p, pieces[k - 1][1][-40:] if k else "", pieces[k + 1][1][:40] if k + 1 < len(pieces)
                           else "") for k, (m, p) in enumerate(pieces)]
                try:
                    self._functions = functions.definitions(around, _parse)
                except Exception:  # noqa: BLE001 - a problem whose formulas cannot be read defines nothing here
                    self._functions = {}
        return {k: v for k, v in self._functions.items() if k not in self.redefined}

    def holds(self, lhs: Any, rhs: Any) -> Verdict | None:
        """Check ``lhs = rhs`` against the solution set; ``None`` when the state cannot judge it."""
        if self.solutions is None:
            return None
        syms = (lhs - rhs).free_symbols
        if not syms or not syms <= set(self.unknowns):
            return None
        d = lhs - rhs
        zeros = [_zero_at(d, s) for s in self.solutions]
        if all(z is True for z in zeros):
            return "true"
        if any(z is None for z in zeros):  # a solution where the value is not decided: never refuted there
            return None
        if risky(d):  # never solved (sympy.solve of x^{x^2} = 3 can spin): refuted only where no solution fits
            return "false" if all(z is False for z in zeros) else None
        if len(syms) == 1:
            (sym,) = syms
            if _unsolvable(d, [sym]):  # its roots are not solved for (degree over 12): as a variable exponent
                return "false" if all(z is False for z in zeros) else None
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
# The inverse cotangent, secant and cosecant: their ranges differ between conventions (sympy's acot(-1) is -pi/4).
# ``cis`` (cos + i sin) and a one-sided limit's point (``3^+``, ``0^{-}``) are notations the readers take for a product
# of letters and a power
_NOT_CHECKED = re.compile(r"\\circ|°|\d_\{?\d|\\mathbf|\\vec|\\overline|arc(?:cot|sec|csc)|\\(?:cot|sec|csc)\^\{?-"
                          r"|(?<![A-Za-z\\])cis(?![A-Za-z])|\{\s*cis\s*\}"
                          r"|\^\s*(?:\{\s*[+-]\s*\}|[+-](?!\s*[\w({\\.]))")

_NAME = re.compile(r"^[A-Za-z](?:_\{?\w+\}?)?'*(?:\([A-Za-z]\))?$")
# functions of integers that sympy reads as something else once a letter is inside: gcd and lcm of polynomials
# ("\gcd(p, q) = 1" is always "true" there, "lcm(a, b) = ab" "false"), a remainder, a floor, a factorial or a
# binomial of a symbol, a max: with a letter in the claim they say nothing sympy can decide
_INTEGER_FUNCTION = re.compile(r"\\(?:gcd|lcm|bmod|pmod|mod|lfloor|rfloor|lceil|rceil|max|min|binom|dbinom|tbinom|choose)"
                               r"(?![A-Za-z])|\\operatorname\s*\{\s*(?:gcd|lcm|mod|GCD|LCM|lcd)\s*\}"
                               r"|(?<![\\A-Za-z])(?:gcd|lcm|GCD|LCM|mod)(?![A-Za-z])|[A-Za-z)}]\s*!")
# a letter applied to numbers, "T(0)", "S(10, 2)": a function of the solution's own (olympiad solutions name them
# with any letter) or a product; the readers take letters outside "fghFGHpqPQuvwy" for products, so "T(0) = 5" would
# be refuted as 0 = 5. Either reading is a guess: neutral
_LETTER_AT_NUMBERS = re.compile(r"(?<![A-Za-z\\])[A-EI-OR-Za-ei-or-txz]\s*(?:\\left\s*)?\(\s*-?\d+(?:\.\d+)?"
                                r"(?:\s*,\s*-?\d+(?:\.\d+)?)*\s*(?:\\right\s*)?\)")
# an inverse or iterated function applied ("f^{-1}(0) = 3", "g^2(x)"): read as a product it is 0 = 3
_FUNCTION_POWER = re.compile(r"(?<![A-Za-z\\])(?:[A-Za-z]\s*\^\s*(?:\{\s*-\s*1\s*\}|-\s*1)|[fgh]\s*\^\s*(?:\{[^{}]*\}|\w))"
                             r"\s*(?:\\left\s*)?\(")
_LETTER_VARIABLE = re.compile(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])")


def _function_misread(text: str) -> str | None:
    """The rule that leaves a relation neutral because the readers would take a function in it for something else:
    an integer function of symbols (a gcd of polynomials), or a letter applied to numbers (a function or a
    product). None when neither is there."""
    if _INTEGER_FUNCTION.search(text) and _LETTER_VARIABLE.search(_COMMAND_OR_TEXT.sub(" ", text)):
        return "integer_function_of_symbols"
    if _LETTER_AT_NUMBERS.search(text):
        return "function_or_product"
    return None


_PI_ALONE = re.compile(r"^\s*\\pi\s*$")


def _pi_named(a: str, b: str) -> bool:
    """``\\pi = \\frac{1}{300}``: one side is ``\\pi`` alone and the other a number far from 3.14: the text names a
    quantity pi (a parallax, a profit), and the claim defines it. A side in letters (``\\theta = \\pi``) is no such
    number."""
    for name, other in ((a, b), (b, a)):
        if _PI_ALONE.match(name) and not _PI_ALONE.match(other):
            try:
                value = complex(_parse(other).evalf(15))
            except (_Unparseable, TypeError, ValueError, ZeroDivisionError, AttributeError, OverflowError):
                return False
            return abs(value - math.pi) > 0.01 * math.pi
    return False


def _is_name(text: str) -> bool:
    """A side written as a bare name (``y``, ``x_1``, ``F(x)``, ``f'(x)``): the claim defines it. Decided
    on the text, not the value: ``\\frac{d}{dx}(x^2/2)`` evaluates to ``x`` but defines nothing."""
    return bool(_NAME.match(re.sub(r"\\left|\\right|\s", "", text)))


_DECIMAL = re.compile(r"^\s*-?\d*\.\d+\s*$")
# "1.666...", "0.333\ldots": a decimal whose digits go on, written cut (or rounded) at its last shown place
_ELLIPSIS_END = re.compile(r"\s*(?:\.{2,3}|…|\\[lc]?dots(?![A-Za-z]))\s*$")  # "13382.255..", cut at two dots too


def _truncated_decimal(a: str, b: str, claim: str) -> ClaimCheck:
    """``100 / 60 = 1.666...``: true when the exact side, cut or rounded at the decimal's last shown place, is the
    decimal; false when neither; neutral when a side is not a decimal against a constant."""
    for exact_side, dec in ((a, b), (b, a)):
        m = _ELLIPSIS_END.search(dec)
        if m is None or _ELLIPSIS_END.search(exact_side) or not _DECIMAL.match(dec[:m.start()]):
            continue
        found = _cut_or_rounded(exact_side, dec[:m.start()])
        if found is None:
            break
        ok = any(found)
        return ClaimCheck(claim=claim, verdict="true" if ok else "false",
                          rule="truncated_decimal" if ok else "not_truncated_decimal")
    return ClaimCheck(claim=claim, verdict="unknown", rule="decimal_with_ellipsis")


def _decimal_of(exact_side: str) -> Decimal | None:
    """The constant ``exact_side`` to 40 digits, or None when it is no constant with a numeric value."""
    try:
        e = _parse(exact_side)
        v = e.evalf(40) if isinstance(e, sp.Expr) and not e.free_symbols else None
        d = Decimal(str(v)) if v is not None and v.is_Number else None
    except (_Unparseable, TypeError, ValueError, ArithmeticError):
        return None
    return d if d is not None and d.is_finite() else None


def _float_repr(exact_side: str, shown: str) -> bool:
    """``shown`` is how a binary double prints the constant ``exact_side`` (15 to 17 significant digits, the last
    one off: ``26.666666666666668``), within a few units of a double's precision (1e-15 relative)."""
    digits = shown.strip().lstrip("-").replace(".", "").lstrip("0")
    if not 15 <= len(digits) <= 17:
        return False
    d = _decimal_of(exact_side)
    return d is not None and d != 0 and abs(d - Decimal(shown.strip())) <= abs(d) * Decimal("1e-15")


def _cut_or_rounded(exact_side: str, shown: str) -> tuple[bool, bool] | None:
    """Whether the constant ``exact_side``, cut (toward zero) or rounded at ``shown``'s last decimal place, is
    ``shown``; None when it is no constant with a numeric value."""
    d = _decimal_of(exact_side)
    if d is None or "." not in shown:
        return None
    place = Decimal(1).scaleb(-len(shown.strip().split(".")[1]))
    try:
        return (Decimal(shown.strip()) == d.quantize(place, ROUND_DOWN),
                Decimal(shown.strip()) == d.quantize(place, ROUND_HALF_UP))
    except ArithmeticError:
        return None


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
        claim = f"{a.strip()} = {b.strip()}"
        if not close:
            if _float_repr(exact_side, dec):  # "2000 / 75 = 26.666666666666668": a program's float
                return ClaimCheck(claim=claim, verdict="true", rule="float_repr")
            cut = _cut_or_rounded(exact_side, dec)
            if cut is not None and cut[0]:  # "100 / 60 = 1.666": cut, not rounded, at its last place
                return ClaimCheck(claim=claim, verdict="unknown", rule="truncated_value")
            return None
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


def _known(side: Any, state: _State, other: Any) -> bool:
    """A bare name that is one of the problem's variables or unknowns, equated to an expression in symbols, is a
    value, not a definition (``\\frac{d}{dx}(x^2) = x`` claims something of ``x``); equated to a constant it
    names a point (``at x = 3``), which is not a claim about every value."""
    return isinstance(side, sp.Symbol) and (side in state.variables or side in state.unknowns) \
        and bool(getattr(other, "free_symbols", None) or not getattr(other, "is_number", True))


def _constant_tree(node: Any) -> bool:
    """A tree of numbers, constants and known functions only (no symbol, no undefined function, no operator
    such as d/dx): its claims are decided exactly, without sympy."""
    if isinstance(node, tuple):
        if node and isinstance(node[0], str):
            if node[0] in ("sym", "app", "op"):
                return False
            return all(_constant_tree(x) for x in node[1:])
        return all(_constant_tree(x) for x in node)  # a tuple of children
    return True


def _negative_root(node: Any) -> bool:
    """A fractional power or a root of a negated quantity (``(-8)^{1/3}``): real and principal roots differ, and
    which one a writer means is a convention, not a fact."""
    if isinstance(node, tuple):
        if node and isinstance(node[0], str):
            if node[0] == "pow" and len(node) == 3 and _negated(node[1]) and not _integer_num(node[2]):
                return True
            if node[0] == "fn" and node[1] == "root" and node[2] and _negated(node[2][0]):
                return True
            return any(_negative_root(x) for x in node[1:])
        return any(_negative_root(x) for x in node)
    return False


def _negated(node: Any) -> bool:
    return isinstance(node, tuple) and bool(node) and (
        node[0] == "neg" or (node[0] == "num" and isinstance(node[1], Fraction) and node[1] < 0))


def _integer_num(node: Any) -> bool:
    return isinstance(node, tuple) and len(node) == 2 and node[0] == "num" and isinstance(node[1], Fraction) \
        and node[1].denominator == 1


def _check_pair(a: str, b: str, state: _State, rng: random.Random) -> ClaimCheck:
    check = _check_pair_as_read(a, b, state, rng)
    if check.verdict == "false":
        check = _by_convention(check, a, b, rng)
    if check.verdict == "false" and (_negative_root(_tree(a)) or _negative_root(_tree(b))):
        return check.model_copy(update={"verdict": "unknown", "rule": "branch_of_root",
                                        "detail": f"{check.rule}; a root of a negative number"})
    if check.verdict == "false" and bool(_PERCENT_NUMBER.match(a)) != bool(_PERCENT_NUMBER.match(b)) \
            and not ("%" in a and "%" in b):
        # "\frac{3}{5} \times 100 = 60\%": the percent sign labels the number computed; rounded as numbers are
        # ("4/12 * 100 = 33.33%")
        a2, b2 = _PERCENT_END.sub("", a), _PERCENT_END.sub("", b)
        if _exact_identity(a2, b2, rng.randint(0, 2**48)):
            return check.model_copy(update={"verdict": "true", "rule": "percent_convention",
                                            "detail": f"{a2.strip()} = {b2.strip()}"})
        if (rounded := _rounded_value(a2, b2)) is not None and rounded.verdict != "false":
            return check.model_copy(update={"verdict": rounded.verdict, "rule": "percent_convention",
                                            "detail": f"{a2.strip()} = {b2.strip()}: {rounded.rule}"})
    if check.verdict == "false" and (_TIMES_100_PERCENT.search(a) or _TIMES_100_PERCENT.search(b)):
        # "9 / 21 * 100% = 42.857": multiplying by 100% names the number a percentage, it does not scale it
        a2, b2 = (_PERCENT_END.sub("", _TIMES_100_PERCENT.sub(r"\1 100", x)) for x in (a, b))
        again = _check_pair_as_read(a2, b2, state, rng)
        if again.verdict == "true":
            return check.model_copy(update={"verdict": "true", "rule": "percent_convention",
                                            "detail": f"{a2.strip()} = {b2.strip()}"})
    if check.verdict == "false" and (_PERCENT_OF_BASE.search(a) or _PERCENT_OF_BASE.search(b)):
        # "2000 + 10% = 2200": a percent added to or taken from an amount is a percent of it, by convention
        return check.model_copy(update={"verdict": "unknown", "rule": "percent_of_base",
                                        "detail": f"{check.rule}; a percent added to or subtracted from an amount"})
    if check.verdict == "false" and (_PERCENT_OPERATOR.search(a) or _PERCENT_OPERATOR.search(b)):
        return check.model_copy(update={"verdict": "unknown", "rule": "percent_or_modulo",
                                        "detail": f"{check.rule}; '%' between two operands is a remainder (17 % 5)"})
    if check.verdict == "false" and _BARE_LOG.search(a + " " + b):
        return check.model_copy(update={"verdict": "unknown", "rule": "log_base_convention",
                                        "detail": f"{check.rule}; \\log without a base is ln or log10 by convention"})
    return check


def _by_convention(check: ClaimCheck, a: str, b: str, rng: random.Random) -> ClaimCheck:
    """A refuted claim read again by the conventions writers use (``readings``): true where the convention is the
    plain meaning of the text (``6!/3!3! = 20``), neutral where it may be (a rounded operand, the division
    algorithm), else still refuted."""
    def same(x: str, y: str) -> bool | None:
        return _exact_identity(x, y, rng.randint(0, 2**48))

    grouped = [readings.factorial_denominator(a) or a, readings.factorial_denominator(b) or b]
    if grouped != [a, b] and same(*grouped):
        return check.model_copy(update={"verdict": "true", "rule": "factorial_denominator",
                                        "detail": f"{grouped[0].strip()} = {grouped[1].strip()}"})
    grouped = [readings.dotted_mixed(a) or a, readings.dotted_mixed(b) or b]
    if grouped != [a, b] and same(*grouped):
        return check.model_copy(update={"verdict": "true", "rule": "dotted_mixed_number",
                                        "detail": f"{grouped[0].strip()} = {grouped[1].strip()}"})
    grouped = [readings.juxtaposed_divisor(a) or a, readings.juxtaposed_divisor(b) or b]
    if grouped != [a, b] and same(*grouped):
        return check.model_copy(update={"verdict": "true", "rule": "juxtaposed_divisor",
                                        "detail": f"{grouped[0].strip()} = {grouped[1].strip()}"})
    for x, y in ((a, b), (b, a)):
        if readings.remainder_form(x, y, same):
            return check.model_copy(update={"verdict": "unknown", "rule": "quotient_with_remainder",
                                            "detail": f"{check.rule}; the division algorithm, not a quotient"})
    if readings.floor_division(a, b, same):
        return check.model_copy(update={"verdict": "unknown", "rule": "integer_division",
                                        "detail": f"{check.rule}; true when each division is whole-number division"})
    if readings.rounded_whole(a, b, _float, _finite_value):
        return check.model_copy(update={"verdict": "unknown", "rule": "rounded_to_whole",
                                        "detail": f"{check.rule}; the value rounded to the nearest whole number"})
    if readings.rounded_operands(a, b, _float):
        return check.model_copy(update={"verdict": "unknown", "rule": "rounded_operand",
                                        "detail": f"{check.rule}; within the rounding of its decimal operands"})
    return check


_PERCENT_OF_BASE = re.compile(r"[-+]\s*\(?\s*\d+(?:\.\d+)?\s*\\?%|\d+(?:\.\d+)?\s*\\?%\s*\)?\s*[-+]\s*\d")
_PERCENT_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*\\?%\s*[.,;]?\s*$")  # "60\%" alone (a sentence may end there)
_PERCENT_END = re.compile(r"\s*\\?%\s*[.,;]?\s*$")
_TIMES_100_PERCENT = re.compile(r"(\\times|\\cdot|\*|×)\s*100\s*\\?%")
_PERCENT_OPERATOR = re.compile(r"\\?%\s*(?:\d|\(|[A-Za-z](?![A-Za-z]))")  # "17\\%5", "n % 10": modulo, not a percent
_BARE_LOG = re.compile(r"\\log(?!_)(?![a-zA-Z])|(?<![\\\w])log(?![_\w])")


def _check_pair_as_read(a: str, b: str, state: _State, rng: random.Random) -> ClaimCheck:
    claim = f"{a.strip()} = {b.strip()}"
    if _NOT_CHECKED.search(claim):
        return ClaimCheck(claim=claim, verdict="unknown", rule="notation_not_checked")
    if readings.DEFINED_OPERATOR.search(claim):  # "6 \ast 8": an operation the problem defines, not a product
        return ClaimCheck(claim=claim, verdict="unknown", rule="defined_operator")
    if readings.has_ratio(a) or readings.has_ratio(b):  # "3:5 = 18:30"
        same = readings.ratio(a, b, lambda x, y: _exact_identity(x, y, rng.randint(0, 2**48)))
        if same is None:
            return ClaimCheck(claim=claim, verdict="unknown", rule="ratio_notation")
        return ClaimCheck(claim=claim, verdict="true" if same else "false", rule="ratio")
    if (misread := _function_misread(claim)) is not None:
        return ClaimCheck(claim=claim, verdict="unknown", rule=misread)
    if _FUNCTION_POWER.search(claim):
        return ClaimCheck(claim=claim, verdict="unknown", rule="function_notation")
    if _ELLIPSIS_END.search(a) or _ELLIPSIS_END.search(b):
        return _truncated_decimal(a, b, claim)
    if _pi_named(a, b):
        return ClaimCheck(claim=claim, verdict="unknown", rule="definition")
    ta, tb = _tree(a), _tree(b)
    if ta is not None and tb is not None and _constant_tree(ta) and _constant_tree(tb):
        # arithmetic between constants: the exact engine decides, as the sympy path below would
        rounded = _rounded_value(a, b)
        if rounded is not None:
            return rounded
        eq = _exact_identity(a, b, rng.randint(0, 2**48))
        if eq is not None:
            return ClaimCheck(claim=claim, verdict="true" if eq else "false",
                              rule="identity" if eq else "not_an_identity")
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
        return _by_definition(lhs, rhs, state, rng, claim) or ClaimCheck(claim=claim, verdict="unknown",
                                                                          rule="undefined_function")
    zero = _exact_identity(a, b, rng.randint(0, 2**48))
    if zero is None and (lhs.has(sp.Float) or rhs.has(sp.Float)):
        zero = _float_equal(lhs, rhs)
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
    if (_is_name(a) and not _known(lhs, state, rhs)) or (_is_name(b) and not _known(rhs, state, lhs)):
        return ClaimCheck(claim=claim, verdict="unknown", rule="definition")
    if zero is None:
        return ClaimCheck(claim=claim, verdict="unknown", rule="undecided")
    free = (lhs - rhs).free_symbols
    gone = not (lhs.free_symbols | rhs.free_symbols)
    if (free and not free <= state.variables) or (gone and _cancelled_letters(a + " " + b, state)):
        # unknowns that cancel when read as a product ("ab - ba = 27": the digits of a number) say nothing false
        return ClaimCheck(claim=claim, verdict="unknown", rule="equation_without_context")
    if gone and _SLASH_LETTER.search(claim):
        # "28-y/y = 4/3": a letter over a bare slash that cancels is a numerator written without its brackets
        # ((28-y)/y), an equation in y; read as written it is a number, which refutes nothing the writer meant
        return ClaimCheck(claim=claim, verdict="unknown", rule="grouping_ambiguous",
                          detail="a letter cancelled across a slash without brackets")
    return ClaimCheck(claim=claim, verdict="false", rule="not_an_identity")


# a bare slash before a letter (not ``\\frac``) beside a sum or difference ("28-y/y", "x/x+1"): what it divides is
# the writer's grouping, perhaps not the reader's ("2x/x" is 2 however it is grouped)
_SLASH_LETTER = re.compile(r"[-+]\s*[\w.]+\s*/\s*\(?\s*[A-Za-z](?![A-Za-z])|/\s*[A-Za-z](?![A-Za-z])\s*[-+]")
# two letters side by side, read as a product ("ab", "xy"; not a differential "dx"): perhaps a number's digits
_LETTER = re.compile(r"(?<![A-Za-z])(?!d[a-z](?![A-Za-z]))[A-Za-z]{2}(?![A-Za-z])")
_COMMAND_OR_TEXT = re.compile(r"\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{[^{}]*\}|\\[A-Za-z]+")


_DECIMAL_POINT = re.compile(r"\d?\.\d|\\approx")


def _by_definition(lhs: Any, rhs: Any, state: _State, rng: random.Random, claim: str) -> ClaimCheck | None:
    """A claim about the values of functions the problem defines, read through their formulas ("$g(-2) = (-2 -
    1)^2$" for $g(x) = (x - 1)^2$), or None. A claim still in letters is only confirmed (``f(f(x)) = x`` may be an
    equation to solve); a value with a decimal point is only confirmed (it may be rounded)."""
    defs = state.functions() if not state.supposes else None
    if not defs:
        return None  # none defined; or an assumed value ("Assume $g(f(5)-1) = 7$ and verify it"): not a claim made
    a, b = functions.substitute(lhs, defs), functions.substitute(rhs, defs)
    if a is None or b is None:
        return None
    d = a - b
    try:
        zero = _is_zero(d, rng)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if zero:
        return ClaimCheck(claim=claim, verdict="true", rule="function_by_definition")
    if zero is False and not d.free_symbols and not _DECIMAL_POINT.search(claim) \
            and d.is_finite is True and a.is_real is True and b.is_real is True:
        return ClaimCheck(claim=claim, verdict="false", rule="not_by_definition",
                          detail=f"by the problem's definitions: {a} = {b} is false")
    return None


def _cancelled_letters(claim: str, state: _State) -> bool:
    """The claim's text juxtaposes two letters that are not both the problem's variables ("ab - ba": the reader
    took the digits of a number for a product, which cancelled)."""
    names = {str(v) for v in state.variables}
    return any(not set(m.group(0)) <= names for m in _LETTER.finditer(_COMMAND_OR_TEXT.sub(" ", claim)))


def _float_equal(lhs: Any, rhs: Any) -> bool | None:
    """Two constant sides one of which holds a decimal the reader kept as a float (``135\\% \\times 118.2``):
    equal when they agree to 12 significant digits (float arithmetic is exact to ~15), else not; None when a
    side has unknowns or is not a real number."""
    if lhs.free_symbols or rhs.free_symbols:
        return None
    try:
        x, y = complex(sp.N(lhs, 30)), complex(sp.N(rhs, 30))
    except (TypeError, ValueError):
        return None
    if x.imag or y.imag:
        return None
    return abs(x.real - y.real) <= 1e-12 * max(1.0, abs(x.real), abs(y.real))


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
        zeros = [_zero_at(r.lhs - r.rhs, sol) for r in rels]
        if None in zeros and True not in zeros:
            return ClaimCheck(claim=claim, verdict="unknown", rule="bounded_evaluation",
                              detail=f"a disjunct cannot be evaluated within bounds at {sol}")
        if True not in zeros:
            return ClaimCheck(claim=claim, verdict="false", rule="disjunction_misses_solution", detail=str(sol))
    return ClaimCheck(claim=claim, verdict="true", rule="disjunction_covers_solutions")


def _ineq_claims(seg: str, state: _State, derived: Derivations, hypothetical: bool) -> list[ClaimCheck]:
    """A chain with inequalities (``\\sqrt2 < 1.5 < 2``, ``2x + 3 > 7``): between constants it is decided by
    value; in the problem's unknowns, by substituting the premises' solutions; in one variable, it is
    confirmed when it follows from the relations derived before it; else neutral."""
    from sympy.core.function import AppliedUndef

    if _NOT_CHECKED.search(seg):
        return [ClaimCheck(claim=seg.strip(), verdict="unknown", rule="notation_not_checked")]
    if (misread := _function_misread(seg)) is not None:
        # as for equations: "\gcd(n^3, n!) \ge 100" would be "1 >= 100", "T(0) \neq 0" would be "0 != 0"
        return [ClaimCheck(claim=seg.strip(), verdict="unknown", rule=misread)]
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
            undefined = truth == "unknown" and (lhs.has(AppliedUndef) or rhs.has(AppliedUndef))
            out.append(ClaimCheck(claim=claim, verdict=truth,
                                  rule="undefined_function" if undefined else "relation_between_constants"))
            continue
        by_state = _ineq_by_state(lhs, op, rhs, state)
        if by_state is not None:
            out.append(by_state.model_copy(update={"claim": claim}))
            derived.record((lhs, op, rhs), by_state.verdict)
            continue
        confirmed = _confirmation((lhs, op, rhs), derived, hypothetical)
        truth, rule = ("true", confirmed) if confirmed else ("unknown", "relation_without_context")
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
        if risky(lhs, rhs):
            truths.add(truth_at(lhs, op, rhs, point))
        else:
            truths.add(constant_truth(lhs.xreplace(point), op, rhs.xreplace(point)))
    if truths == {"true"}:
        return ClaimCheck(claim="", verdict="true", rule="implied_by_premises")
    if truths == {"false"}:
        return ClaimCheck(claim="", verdict="false", rule="contradicts_premises")
    return ClaimCheck(claim="", verdict="unknown", rule="case_of_solution_set")




#: a claim that is one of the problem's own relations as written: true, but no work of the step's (never +1 alone)
RESTATES_THE_PROBLEM = "restates_the_problem"
#: a variable set to a constant right after it was solved to another (``relations.Derivations.redefines_solved``)
REDEFINES_SOLVED = "redefines_solved"


def _confirmation(rel: Any, derived: Derivations, hypothetical: bool, sides: tuple[str, str] | None = None) -> str | None:
    """The rule that confirms a relation no context decides, or None: one of the problem's relations as written
    (``sides``: an equation's two sides as the step wrote them), a consequence of earlier steps, or of the problem's
    relations. Confirmation only: nothing here refutes. A step that assumes what it states ("Assume that $-1 < x <
    5$") shows nothing, even where the relation holds: it takes the conclusion as given."""
    if derived.supposes:
        return None
    if restated(derived.problem, rel, sides):
        return RESTATES_THE_PROBLEM
    if derived.judge(rel, hypothetical, refute=False, sides=sides) == "true":
        return "follows_from_previous_steps"
    if derived.from_problem(rel, sides):
        return "follows_from_the_problem"
    return None


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
        # confirmation only (free text reuses letters and lists independent constraints), but for a slip in solving
        # the equation just stated (Derivations.contradicts_solution)
        if confirmed := _confirmation(rel, derived, hypothetical, (a, b)):
            check = ClaimCheck(claim=check.claim, verdict="true", rule=confirmed)
        elif not hypothetical and not INEXACT_RE.search(f"{a} {b}") and (  # a decimal may be rounded
                solved := derived.contradicts_solution(rel)) is not None:
            check = ClaimCheck(claim=check.claim, verdict="false", rule="contradicts_solved_equation",
                               detail=f"no solution of the equation just stated, {solved[0]} {solved[1]} {solved[2]}")
        elif check.rule == "definition" and not hypothetical and (solved := derived.redefines_solved(rel)) is not None:
            # "-135 = x", then "x = \\frac{-135}{-135}": set again to another value, not shown (a slip, or a case
            # unnamed): neutral, and said so, for what follows from it is no confirmation
            check = ClaimCheck(claim=check.claim, verdict="unknown", rule=REDEFINES_SOLVED,
                               detail=f"the step before solved it: {solved[0]} {solved[1]} {solved[2]}")
        elif (check.rule == "equation_without_context" and not hypothetical and not derived.solving
              and (slip := like_terms_slip(rel[0], rel[2], a, b)) is not None):
            # "(1/4)*x + (1/3)*x = (5/12)*x": no step of solving (one that follows is confirmed above, and a step
            # that speaks of an equation or of both sides is left alone), a false simplification
            check = ClaimCheck(claim=check.claim, verdict="false", rule="like_terms", detail=slip)
        elif not hypothetical and (link := derived.restated_side(rel, a, b)) is not None:
            # "1210 - 640 - 540 = 3x", then "230 = 3x": the computation the side was equal to, now a number
            check = ClaimCheck(claim=f"{link[0]} = {link[1]}", verdict="false", rule="restated_equation",
                               detail=f"{a.strip()} = {b.strip()} sets again the side of the equation just before")
    if check.rule not in ("definition", "case_of_solution_set", "notation_not_checked"):
        derived.record(rel, check.verdict, (a, b))
    return check


_WORD_AFTER = re.compile(r"\s*[A-Za-z]{2,}")


def _boxed_answer(claims: list[ClaimCheck], boxed: str, after: str) -> list[ClaimCheck]:
    """The claims of a chain ending in a box (unwrapped, :func:`notation.end_value`): a false last claim is neutral
    where the box may state the answer in the problem's terms rather than the chain's value: rounded as the problem
    asks ("1000 \\cdot 1.01875^8 = \\boxed{1160}", to the nearest dollar: within half its last place or 1%;
    ``rounded_answer``) or in a unit written after the formula ("\\$\\frac{9}{10} = \\boxed{90}$ cents";
    ``unit_after_answer``)."""
    if not claims or claims[-1].verdict != "false" or not claims[-1].claim.rstrip(" .,;").endswith(boxed.strip()):
        return claims
    last = claims[-1]
    why = "unit_after_answer" if _WORD_AFTER.match(after) else None
    if why is None and _NUMBER.match(boxed):
        exact, lit = _float(last.claim.rsplit(" = ", 1)[0]), boxed.strip()
        places = len(lit.split(".")[1]) if "." in lit else 0
        if exact is not None and abs(exact - float(lit)) <= max(0.5 * 10.0 ** -places, 0.01 * abs(float(lit))):
            why = "rounded_answer"
    if why is None:
        return claims
    return [*claims[:-1], last.model_copy(update={"verdict": "unknown", "rule": why, "detail": last.rule})]


def _segment_claims(
    seg: str, state: _State, rng: random.Random, derived: Derivations | None = None, hypothetical: bool = False
) -> list[ClaimCheck]:
    derived = derived if derived is not None else Derivations()
    seg = _PRIME.sub(_unprime, seg)
    seg = _TEXT_OF.sub(r" \\cdot ", seg)  # "\frac{3}{4} \text{ of } 20"
    seg = _SPACED_WORD.sub(r" \\text{ \1}", seg)  # "12 \ pots \times \$3": a unit word, not letters multiplied
    seg = _ungrouped(_BRACED_COMMA.sub("", seg))  # "19{,}404", "350,000": thousands separators
    seg = _UNBRACED_INDEX.sub(r"\1_{\2}", seg)  # "w_200": one name, w_{200}, never w_2 times 00
    # "0.3\overline{6}": the fraction it names; "= \mathbf{12}": a bold number is the number
    seg = notation.repeating_decimals(notation.bold_numbers(seg))
    raw, seg = seg, seg.replace("\\$", "")  # a dollar sign in math is currency (a unit: :mod:`tex_units`)
    if not _OR.search(seg):
        parts = [p for p in _SPACER.split(raw) if p.strip()]
        if len(parts) > 1:  # "\frac{4}{4}=1 \qquad \frac{4}{8}=\frac{1}{2}": formulas side by side, each its own
            return [c for p in parts for c in _segment_claims(p, state, rng, derived, hypothetical)]
    steps_of = [p for p in _IMPLIES.split(raw) if p.strip()]
    if len(steps_of) == 1 and _ARROW.search(raw) and not _LIMIT.search(raw):
        # "3C = 42 \rightarrow C = 14": an arrow between relations only (an arrow is also a limit's or a map's)
        arrowed = [p for p in _ARROW.split(raw) if p.strip()]
        if len(arrowed) > 1 and all(_RELATION_IN.search(p) for p in arrowed):
            steps_of = arrowed
    if len(steps_of) > 1 and not _OR.search(seg):
        # "2x = 6 \implies x = 3": each side of an implication is a relation of its own, in order (a derivation
        # the first makes is what the next is checked against); never one chain through the arrow
        return [c for p in steps_of for c in _segment_claims(p, state, rng, derived, hypothetical)]
    if worded.has_tex_mod(seg) and (ch := worded.tex_chain(seg)) is not None:
        # "2^{10} \equiv 1 \pmod{11}"; bare numbers are checked, as "$0 = 1$" is (a contradiction says so in words)
        return _congruences(ch, state, rng, "", True)
    if _APPROX.search(seg):
        return _approx_chain(seg, state, rng, derived, hypothetical)
    disjuncts = [d for d in _OR.split(seg) if d.strip()]
    if len(disjuncts) > 1:
        return [_check_disjunction(disjuncts, state)]
    if _INEQ.search(seg):
        return _ineq_claims(seg, state, derived, hypothetical)
    chain = _split_top(seg, "=")
    if len(chain) < 2:
        return []
    raw_chain = _split_top(raw, "=") if "\\$" in raw else chain
    if len(raw_chain) != len(chain):
        raw_chain = chain
    claims = [_unit_claim(ra, rb, a, b, state, rng) or _tuple_claim(a, b, state, rng, derived, hypothetical)
              or _equation_claim(a, b, state, rng, derived, hypothetical)
              for (ra, rb), (a, b) in zip(zip(raw_chain, raw_chain[1:]), zip(chain, chain[1:]))]
    if readings.PRODUCT_BY_JUXTAPOSITION.search(seg):
        claims = [_mixed_as_product(c, a, b, rng) for c, (a, b) in zip(claims, zip(chain, chain[1:]))]
    if len(chain) > 2 and any(c.rule == "not_by_definition" for c in claims) \
            and _check_pair(chain[0], chain[-1], state, rng).verdict == "true":
        # "\frac{f(g(f(2)))}{g(f(g(2)))} = \frac{f(g(7))}{g(f(2))} = \frac{f(19)}{g(4)} = \frac{41}{31}": a middle
        # member miswritten (g(f(2)) for g(f(4))) in a chain whose ends agree is a slip of notation, not of value
        claims = [c.model_copy(update={"verdict": "unknown", "rule": "chain_ends_agree", "detail": c.rule})
                  if c.rule == "not_by_definition" else c for c in claims]
    return [_stepwise_partial(c, a, b) if k < len(chain) - 2 else c
            for k, (c, (a, b)) in enumerate(zip(claims, zip(chain, chain[1:])))]


_FRACTION = re.compile(r"\\[dt]?frac\{")
_TEXT_CMD_ANY = re.compile(r"\\(?:text|mathrm|textrm|mbox|rm)\s*\{")
_UNIT_RULE = ":units"


def _count_times_rate(ua: Any, ub: Any) -> bool:
    """Units that differ by one thing counted, once, on one side: a count times (or a total over) a rate whose "per
    thing" goes unsaid (``12 \\text{ pots} \\times \\$3 = \\$36``: dollars per pot). Nothing can convert there, so
    the numbers decide; a group (pairs, dozens) may hide a count converted, and so may two things counted."""
    if not isinstance(ua, dict) or not isinstance(ub, dict):
        return False
    rest_a, rest_b = ({k: p for k, p in u.items() if not k.startswith("count:")} for u in (ua, ub))
    counted = [(k, p) for u in (ua, ub) for k, p in u.items() if k.startswith("count:")]
    return (bool(rest_a) and rest_a == rest_b and len(counted) == 1 and abs(counted[0][1]) == 1
            and counted[0][0] not in tex_units.GROUPS)


def _unit_only(node: Any) -> bool:
    """A tree of unit symbols alone (``u_1``, ``\\frac{u_1}{u_2}``, ``u_1 \\cdot u_2``)."""
    if node[0] == "sym":
        return True
    if node[0] == "div":
        return _unit_only(node[1]) and _unit_only(node[2])
    return node[0] == "mul" and all(_unit_only(k) for k in node[1])


def _quantity_dims(node: Any, by_dim: dict[str, str]) -> dict[str, int] | None:
    """The dimensions of one number with its units (``12 \\text{ miles}``, ``\\$5``, ``12 \\text{ mph}``), when
    they are measures (no count noun: "3 apples + 2 oranges" adds things counted); None for anything else."""
    if node[0] == "neg":
        node = node[1]
    if node[0] != "mul" or sum(k[0] == "num" for k in node[1]) != 1 or not all(
            k[0] == "num" or _unit_only(k) for k in node[1]):
        return None
    dims = tex_units.units_of(node, by_dim)
    if not isinstance(dims, dict) or not dims or any(str(d).startswith("count") for d in dims):
        return None
    return dims


def _unlike_sum(node: Any, by_dim: dict[str, str]) -> bool:
    """Somewhere in the tree, a sum of quantities of different measures (a length and a time, dollars and hours):
    no arithmetic on their numbers says anything true of them."""
    return any(n[0] == "add" and len({tuple(sorted(d.items())) for k in n[1]
                                      if (d := _quantity_dims(k, by_dim)) is not None}) >= 2 for n in walk(node))


def _unit_claim(ra: str, rb: str, a: str, b: str, state: _State, rng: random.Random) -> ClaimCheck | None:
    """``a = b`` whose numbers carry units (:mod:`tex_units`; ``ra``/``rb`` as written, with ``\\$``), or None (no
    unit, a text that is no unit, a side that is not a number once its units are read: the claim is read as before).

    The numbers decide where the units cannot change them: one unit on both sides (``30 \\text{ trays} \\times 2.5
    \\text{ dollars/tray} = 75 \\text{ dollars}``: the units' algebra gives dollars on the left). Sides of one
    dimension in different units (``2 \\text{ hours} = 120 \\text{ minutes}``) are decided on the units' factors, and
    refuted only between units of one exact convention (not a day, a week, a ton, a gallon; not across systems) by
    more than the written result's last place. Otherwise two units of one dimension may hide a conversion: neutral
    (``units_differ``); units that do not balance (``2 \\times 25 \\text{ red pens} = 50 \\text{ black pens}``) are
    confirmed by the numbers, never refuted, but a bare computation whose result alone carries a unit (``3 \\times 20
    = 60 \\text{ dollars}``) is decided as the numbers say, unless a conversion of the result's unit explains it
    (``3 \\times 0.25 = 75 \\text{ cents}``), and so is a count times a rate (:func:`_count_times_rate`)."""
    if not (_TEXT_CMD_ANY.search(ra) or _TEXT_CMD_ANY.search(rb) or "\\$" in ra + rb) or _PM.search(a + b):
        return None
    names: dict[str, str] = {}
    sa, sb = tex_units.read_side(ra, names), tex_units.read_side(rb, names)
    if sa is None or sb is None or not (sa.units or sb.units):
        return None
    blank_a, blank_b = sa.blank.replace("\\$", ""), sb.blank.replace("\\$", "")
    trees = [_tree(x) for x in (blank_a, blank_b, sa.sym.replace("\\$", ""), sb.sym.replace("\\$", ""))]
    if any(t is None for t in trees) or not all(_constant_tree(t) for t in trees[:2]):
        return None
    atoms = {**sa.atoms, **sb.atoms}
    by_unit = {n: at.key for n, at in atoms.items()}
    by_dim = {n: at.dim for n, at in atoms.items()}
    ua, ub = (tex_units.units_of(t, by_unit) for t in trees[2:])
    if ua is None or ub is None:
        return None
    claim = f"{a.strip()} = {b.strip()}"
    units = ", ".join(dict.fromkeys(sa.units + sb.units))
    num = _check_pair(blank_a, blank_b, state, rng)

    def out(verdict: str, rule: str, detail: str = "") -> ClaimCheck:
        read_as = f"{blank_a.strip()} = {blank_b.strip()}; units {units}"
        return ClaimCheck(claim=claim, verdict=verdict, rule=rule,  # type: ignore[arg-type]
                          detail=f"{detail}; {read_as}" if detail else read_as)

    if tex_units.INHOMOGENEOUS in (ua, ub) and any(_unlike_sum(t, by_dim) for t in trees[2:]):
        # "12 \text{ miles} - 60 \text{ hours} = -48 \text{ hours}": a length less a time; true numbers show nothing
        return out("unknown", "units_unlike_sum", num.rule)
    if ua != tex_units.INHOMOGENEOUS and ua == ub:  # one unit on both sides: the numbers decide
        return out(num.verdict, num.rule + _UNIT_RULE, num.detail)
    listed = list(atoms.values())
    da, db = (tex_units.units_of(t, by_dim) for t in trees[2:])
    if da != tex_units.INHOMOGENEOUS and da == db and ua and ub:  # one dimension, other units: a conversion
        return _converted(sa, sb, listed, out, rng, tex_units.INHOMOGENEOUS in (ua, ub))
    if tex_units.conflict(listed, sa.rates + sb.rates):
        return out("unknown", "units_differ", num.rule) if num.verdict != "unknown" else out("unknown", num.rule)
    if num.verdict != "false" or _count_times_rate(ua, ub):
        return out(num.verdict, num.rule + _UNIT_RULE, num.detail)
    for bare, bare_units, value, value_side in ((blank_a, ua, blank_b, sb), (blank_b, ub, blank_a, sa)):
        if bare_units != {} or (sa if value_side is sb else sb).atoms or not _NUMBER.match(value):
            continue
        x, y = _exact_value(_tree(bare)), _exact_value(_tree(value))
        # a computation; a lone fraction only above 1 ("\frac{1}{2} = 6 \text{ eggs}": half of a dozen)
        if x is None or y is None or not (_COMPUTES.search(bare) or (_FRACTION.search(bare) and abs(x) >= 1)):
            continue
        ratios = {r for atom in value_side.atoms.values() for r in tex_units.conversion_ratios(atom)}
        if x and any(x * r == y for r in ratios):
            return out("unknown", "unit_conversion", num.rule)
        return out("false", num.rule + _UNIT_RULE, num.detail)  # "3 \times 20 = 50 \text{ dollars}"
    return out("unknown", "units_unbalanced", num.rule)


def _converted(sa: tex_units.Side, sb: tex_units.Side, atoms: list[tex_units.Atom], out: Any,
               rng: random.Random, mixed: bool) -> ClaimCheck:
    """Two sides of one dimension in different units (``5 \\text{ feet} = 60 \\text{ inches}``): decided on the
    units' factors; refuted only in one exact convention, by more than the last written place, where each side is one
    number in one unit (``2 \\text{ hours} = 100 \\text{ minutes}``), never where a side adds different units
    (``mixed``: ``2 \\text{ hours} + 30 \\text{ minutes}``)."""
    same = _exact_identity(sa.conv.replace("\\$", ""), sb.conv.replace("\\$", ""), rng.randint(0, 2**48))
    if same:
        return out("true", "unit_conversion")
    if mixed and same is not None:
        return out("unknown", "units_differ")  # "2 \\text{ hours} + 30 \\text{ minutes} = 32 \\text{ minutes}"
    if same is None or not tex_units.exact_family(atoms) or len(sb.atoms) != 1:
        return out("unknown", "unit_conversion")
    (atom,) = sb.atoms.values()
    written = sb.blank.replace("\\$", "").strip()
    left = _exact_value(_tree(sa.conv.replace("\\$", "")) or ("const", "oo"))
    if not (_NUMBER.match(written) and _NUMBER.match(sa.blank.replace("\\$", ""))) or left is None \
            or atom.factor is None or len(sa.atoms) != 1 or "^" in sa.sym + sb.sym:
        # "24 \text{ minutes} \div 60 = 0.4 \text{ hours}": a bare number in a computation may be the factor
        return out("unknown", "unit_conversion")
    places = len(written.split(".")[1]) if "." in written else 0
    if abs(left / atom.factor - Fraction(written)) < Fraction(1, 10**places):
        return out("unknown", "unit_conversion_rounded")
    return out("false", "unit_conversion_wrong", f"{float(left / atom.factor):.10g} {atom.key} on the left")


# an operator between the numbers of a computation worked in steps ("10 \cdot 12" of "10 \cdot 12 \cdot 14")
_STEP_OP = r"\\cdot|\\times|\\div|[*/+\-×÷]"
_CONTINUES = re.compile(rf"^(?:{_STEP_OP})")
_NUMBERS_AND_OPS = re.compile(rf"[\d.]+(?:(?:{_STEP_OP})[\d.]+)+")


def _stepwise_partial(check: ClaimCheck, a: str, b: str) -> ClaimCheck:
    """``10 \\cdot 12 \\cdot 14 = 10 \\cdot 12 = 120``, then ``120 \\cdot 14 = 1680``: a chain link whose right side is
    the left side's leading part, the chain going on from it, is the writer working the computation in steps, not a
    claim that the two are equal: neutral, with the reason."""
    if check.verdict != "false":
        return check
    left, right = re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)
    if not right or not left.startswith(right) or not _CONTINUES.match(left[len(right):]):
        return check
    ops = {"mul" if o in ("\\cdot", "\\times", "*", "×") else "div" if o in ("\\div", "/", "÷") else "add"
           for o in re.findall(_STEP_OP, left[1:])}
    if len(ops) != 1 or not _NUMBERS_AND_OPS.fullmatch(left):
        return check  # one kind of operator between plain numbers only: "2 + 3 \\cdot 4 = 2 + 3" ignores precedence
    return check.model_copy(update={"verdict": "unknown", "rule": "stepwise_partial",
                                    "detail": f"{b.strip()} is the leading part of {a.strip()}, worked out first"})


def _mixed_as_product(check: ClaimCheck, a: str, b: str, rng: random.Random) -> ClaimCheck:
    """A refuted claim with a mixed number (``2\\frac{1}{2}``), in a formula that writes a product of a number and
    a fraction by juxtaposition (``2\\frac{\\log_2 2}{2} = 2\\frac{1}{2} = 1``): neutral where the product reading
    holds, the writer's notation being the product's."""
    if check.verdict != "false":
        return check
    grouped = [readings.mixed_as_product(a) or a, readings.mixed_as_product(b) or b]
    if grouped == [a, b] or not _exact_identity(*grouped, rng.randint(0, 2**48)):
        return check
    return check.model_copy(update={"verdict": "unknown", "rule": "mixed_number_or_product",
                                    "detail": f"{check.rule}; true where {grouped[0].strip()} = {grouped[1].strip()}"})


# an implication between relations: "2x = 6 \implies x = 3", "\Rightarrow", "\therefore"
_IMPLIES = re.compile(r"\\(?:implies|Rightarrow|Longrightarrow|therefore)(?![a-zA-Z])|⟹|⇒|∴")
_ARROW = re.compile(r"\\(?:rightarrow|longrightarrow)(?![a-zA-Z])|→")
_LIMIT = re.compile(r"\\(?:lim|to|mapsto)(?![a-zA-Z])|\\operatorname\s*\{\s*lim")
_RELATION_IN = re.compile(r"(?<![<>!])=|<|>|\\(?:le|ge|leq|geq|lt|gt)(?![a-zA-Z])")
_TUPLE_SIDE = re.compile(r"\s*(?:\\left\s*)?\((.*)(?:\\right\s*)?\)\s*[.,;]?\s*", re.S)


def _tuple_members(side: str) -> list[str] | None:
    """The members of a side that is one parenthesised tuple of two or more ("(5, 7)", "\\left( \\frac{10}{2},
    \\frac{14}{2} \\right)"), else None; a member that may be a thousands group ("(1,000)") makes it None."""
    m = _TUPLE_SIDE.fullmatch(side)
    if m is None:
        return None
    inner = re.sub(r"\\right\s*$", "", m.group(1).strip())
    depth = 0
    for ch in inner:  # the opening parenthesis closes at the end, not inside: "(a)(b)" is no tuple
        depth += (ch in "({[") - (ch in ")}]")
        if depth < 0:
            return None
    members = [x.strip() for x in _split_top(inner, ",")]
    if len(members) < 2 or any(not x for x in members):
        return None
    if any(re.fullmatch(r"\d{3}(?:\.\d+)?", x) and re.search(r"\d$", y) for y, x in zip(members, members[1:])):
        return None
    return members


def _tuple_claim(a: str, b: str, state: _State, rng: random.Random, derived: Derivations,
                 hypothetical: bool) -> ClaimCheck | None:
    """``(a_1, ..., a_n) = (b_1, ..., b_n)``, a point or a vector (a midpoint, a sum of vectors), member by member:
    false when a member is, true when every member is; None when a side is not such a tuple."""
    ma, mb = _tuple_members(a), _tuple_members(b)
    if ma is None or mb is None:
        return None
    claim = f"{a.strip()} = {b.strip()}"
    if len(ma) != len(mb):
        return ClaimCheck(claim=claim, verdict="unknown", rule="tuple_lengths_differ")
    got = [_equation_claim(x, y, state, rng, derived, hypothetical) for x, y in zip(ma, mb)]
    bad = next((c for c in got if c.verdict == "false"), None)
    if bad is not None:
        return ClaimCheck(claim=claim, verdict="false", rule=f"tuple:{bad.rule}", detail=f"member {bad.claim}")
    if all(c.verdict == "true" for c in got):
        return ClaimCheck(claim=claim, verdict="true", rule=f"tuple:{got[0].rule}")
    return ClaimCheck(claim=claim, verdict="unknown", rule="tuple:" + next(c.rule for c in got if c.verdict != "true"))


def _equation_claim(a: str, b: str, state: _State, rng: random.Random, derived: Derivations,
                    hypothetical: bool) -> ClaimCheck:
    """One ``a = b`` of a chain: both signs of a ``\\pm``, else checked and carried into the derivations."""
    if _PM.search(a) or _PM.search(b):
        return _check_plus_minus(a, b, state, rng)
    return _carry_forward(_check_pair(a, b, state, rng), a, b, derived, hypothetical)


# a name with primes (m', f'' before no argument list) is a name of its own; f'(x) stays a function
_PRIME = re.compile(r"(?<![\\A-Za-z])([A-Za-z]|\\[A-Za-z]+)('+|\^\{?\\prime\}?)(?!'|\s*\()")  # also \theta'
_BRACED_COMMA = re.compile(r"(?<=\d)\{,\}(?=\d{3})")
# a number grouped in threes by bare commas ("0.05 \times 350,000 = 17,500", "1,377.5"): the answer checker's policy
# (parse: a comma before exactly three digits groups thousands; "0,5" and "2,75" are decimal commas)
_GROUPED = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?!\d)(?!,\d)")


def _ungrouped(seg: str) -> str:
    """``seg`` with its thousands commas dropped, only where every comma in it (but a ``\\,`` space) groups a
    number's digits: a comma that lists ("1,000, 2,000", "(1, 2)", a decimal comma "2,75") leaves the formula as
    written, and so does a grouped number alone in brackets ("(2,500)": a point or a number)."""
    if "," not in seg:
        return seg
    found = list(_GROUPED.finditer(seg))
    body = seg.rstrip().rstrip(",.;").rstrip()  # a comma that ends the formula is the sentence's
    inside = {i for m in found for i in range(m.start(), m.end())}
    if not found or any(ch == "," and i not in inside and body[i - 1:i] != "\\" for i, ch in enumerate(body)):
        return seg
    out = seg
    for m in reversed(found):
        before, after = seg[:m.start()].rstrip(), seg[m.end():].lstrip()
        if before.endswith(("(", "[", "\\{")) and after.startswith((")", "]", "\\}", "\\right")):
            return seg
        out = out[:m.start()] + m.group(0).replace(",", "") + out[m.end():]
    return out


# a letter's index of several digits written without braces ("w_200", "a_12"): LaTeX sets only the first digit low,
# yet no writer means w_2 times 00; the exponent's digits are read whole already (3^105)
_UNBRACED_INDEX = re.compile(r"(?<![\\A-Za-z])([A-Za-z])_(\d{2,})(?![\d.])")
# spacing between formulas set side by side in one display (not inside a "\quad\text{or}\quad")
_SPACER = re.compile(r"\\q?quad(?![a-zA-Z])|\\hspace\*?\{[^{}]*\}")
_TEXT_OF = re.compile(r"\\(?:text|mathrm|textrm)\s*\{\s*of\s*\}")
#: a word set off by a LaTeX space after a number ("12 \\ pots"): the number's unit, as "\\text{ pots}" writes it
_SPACED_WORD = re.compile(r"(?<=\d)\s*\\ \s*([A-Za-z]{2,})\b(?!\s*[({])")
_APPROX = re.compile(r"\\approx(?![a-zA-Z])|≈")


def _unprime(m: re.Match) -> str:
    n = m.group(2).count("'") or 1
    name = m.group(1)
    if name.startswith("\\") and not re.fullmatch(r"\\(?:[a-z]?[a-z]*(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|"
                                                 r"lambda|mu|nu|xi|pi|rho|sigma|tau|upsilon|phi|chi|psi|omega))", name,
                                                 re.I):
        return m.group(0)  # "\sin'": not a name
    return f"{name}_{{{'p' * n}rime}}"


def _approx_chain(seg: str, state: _State, rng: random.Random, derived: Derivations,
                  hypothetical: bool) -> list[ClaimCheck]:
    """``a = b \\approx c``: each ``=`` pair as usual, each ``\\approx`` pair as an approximation."""
    members: list[str] = []
    ops: list[str] = []
    for i, part in enumerate(_APPROX.split(seg)):
        pieces = _split_top(part, "=")
        if i:
            ops.append("~")
        members.extend(pieces)
        ops.extend("=" * (len(pieces) - 1))
    out = []
    for (a, b), op in zip(zip(members, members[1:]), ops):
        if not a.strip() or not b.strip():
            continue
        out.append((_unit_approx(a, b) or _check_approx(a, b)) if op == "~" else
                   (_unit_claim(a, b, a, b, state, rng) or _equation_claim(a, b, state, rng, derived, hypothetical)))
    return out


def _unit_approx(a: str, b: str) -> ClaimCheck | None:
    """``\\frac{81.64}{\\pi} \\approx 26 \\text{ inches}``: an approximation whose numbers carry units, checked on its
    numbers where one unit is on both sides or only the result carries one (a refutation a conversion of the result's
    unit explains is neutral), else None."""
    if not (_TEXT_CMD_ANY.search(a) or _TEXT_CMD_ANY.search(b)):
        return None
    names: dict[str, str] = {}
    sa, sb = tex_units.read_side(a, names), tex_units.read_side(b, names)
    if sa is None or sb is None or not (sa.units or sb.units):
        return None
    trees = [_tree(x) for x in (sa.blank, sb.blank, sa.sym, sb.sym)]
    if any(t is None for t in trees) or not all(_constant_tree(t) for t in trees[:2]):
        return None
    atoms = {**sa.atoms, **sb.atoms}
    ua, ub = (tex_units.units_of(t, {n: at.key for n, at in atoms.items()}) for t in trees[2:])
    if ua is None or ub is None or ua == tex_units.INHOMOGENEOUS or ub == tex_units.INHOMOGENEOUS:
        return None
    check = _check_approx(sa.blank, sb.blank)
    units = ", ".join(dict.fromkeys(sa.units + sb.units))
    check = check.model_copy(update={"claim": f"{a.strip()} \\approx {b.strip()}", "rule": check.rule + _UNIT_RULE,
                                     "detail": f"{check.detail}; units {units}" if check.detail else f"units {units}"})
    if ua == ub:
        return check
    value_side = sb if not sa.atoms else sa if not sb.atoms else None
    if value_side is None or tex_units.conflict(list(atoms.values())):
        return None
    if check.verdict == "false":
        bare = sa.blank if value_side is sb else sb.blank
        x, y = _float(bare), _float(value_side.blank)
        ratios = {r for atom in value_side.atoms.values() for r in tex_units.conversion_ratios(atom)}
        if x is None or y is None or any(abs(x * float(r) - y) <= 0.01 * abs(y) for r in ratios):
            return check.model_copy(update={"verdict": "unknown", "rule": "unit_conversion"})
    return check


_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


def _check_approx(a: str, b: str) -> ClaimCheck:
    """``a \\approx b`` between constants. With a written number on the right (or left), the answers' rounding
    rule: the exact value correctly rounded to its places is true; off by less than one unit in its last place
    (truncated, rounded twice) is neutral; farther is false. Two exact values: equal or within 1% is neutral
    (a known approximation, 22/7 for pi), farther false. Anything with a letter is neutral."""
    claim = f"{a.strip()} \\approx {b.strip()}"
    for exact_side, written in ((a, b), (b, a)):
        labelled = _PERCENT_NUMBER.match(written) and "%" not in exact_side and _PERCENT_END.sub("", written)
        if labelled:  # "\frac{500}{13} \approx 38.46\%": the percent sign labels the number computed
            as_label = _check_approx(exact_side, labelled)
            if as_label.verdict != "false":
                return as_label.model_copy(update={"claim": claim, "rule": f"percent_convention:{as_label.rule}"})
    for exact_side, written in ((a, b), (b, a)):
        if not _NUMBER.match(written):
            continue
        tree = _tree(exact_side)
        if tree is None or symbols(tree):
            return ClaimCheck(claim=claim, verdict="unknown", rule="approximation_not_checked")
        exact = _float(exact_side)
        if exact is None:
            return ClaimCheck(claim=claim, verdict="unknown", rule="approximation_not_checked")
        lit = written.strip()
        places = len(lit.split(".")[1]) if "." in lit else 0
        zeros = len(lit) - len(lit.rstrip("0")) if "." not in lit else 0
        if zeros and len(lit.lstrip("-").rstrip("0")) >= 2:
            places = -zeros  # "\pi 250^2 \approx 196300": rounded to hundreds (two or more significant digits kept)
        ulp = 10.0 ** -places
        err = abs(exact - float(lit))
        if number_close(tree, lit, STEP_POLICY) or err <= ulp / 2 * (1 + 1e-9):
            return ClaimCheck(claim=claim, verdict="true", rule="approximation_rounded")
        if err < ulp * (1 + 1e-9):
            return ClaimCheck(claim=claim, verdict="unknown", rule="approximation_loose")
        return ClaimCheck(claim=claim, verdict="false", rule="approximation_off", detail=f"{exact:.10g}")
    x, y = _float(a), _float(b)
    if x is None or y is None:
        return ClaimCheck(claim=claim, verdict="unknown", rule="approximation_not_checked")
    if abs(x - y) <= 0.01 * max(abs(x), abs(y)):
        return ClaimCheck(claim=claim, verdict="unknown", rule="approximation_loose")
    return ClaimCheck(claim=claim, verdict="false", rule="approximation_off", detail=f"{x:.10g} vs {y:.10g}")


def _finite_value(tex: str) -> bool | None:
    """The constant ``tex`` has an exact rational value with a finite decimal expansion (None: no exact value)."""
    tree = _tree(tex)
    if tree is None or symbols(tree):
        return None
    try:
        rational = value(tree, STEP_POLICY).as_rational()
    except (NotExact, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    return None if rational is None else finite_decimal(rational)


def _float(tex: str) -> float | None:
    try:
        v = _parse(tex)
        if v.free_symbols:
            return None
        c = complex(sp.N(v, 30))
    except Exception:  # noqa: BLE001 - not a number we can evaluate: neutral
        return None
    return c.real if abs(c.imag) < 1e-12 else None


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


def _final_claim(text: str, gold: str, seed: int, problem: str | None = None) -> ClaimCheck | None:
    boxed = last_boxed(text)  # the verifier's one extractor: the same answer the trace and the judge read
    if boxed is None:
        return None
    from stepforge.verifiers.math import judge

    v = judge(gold, boxed, seed=seed, problem=problem)  # seeded: a rerun writes the same evidence
    verdict: Verdict = {"equal": "true", "not_equal": "false"}.get(v.verdict, "unknown")  # type: ignore[assignment]
    return ClaimCheck(claim=boxed, verdict=verdict, rule=f"final_answer:{v.rule}", detail=v.verdict)


_DELIMS = re.compile(r"\\\$|\$\$|\$|\\\(|\\\)|\\\[|\\\]")
_CLOSE = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}
# a would-be closing "$" right before a number ("$1,200 + $300"): both are currency signs
_CURRENCY_CLOSE = re.compile(r"\d")
# two words in a row outside \text{...}: prose, so a "$" before it was currency
_PROSE = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}[,.;:]?\s+[A-Za-z]{2,}(?![A-Za-z]*\})")
_TEXT_CMD = re.compile(r"\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{[^{}]*\}")


def math_segments(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is_math, piece) pairs, read as the step checker reads it (a currency "$" opens no math)."""
    return _segments(text)


def _segments(text: str) -> list[tuple[bool, str]]:
    """The step cut into (is_math, content) pieces in order. ``\\$`` is a dollar sign; a single ``$`` whose
    would-be segment holds prose is currency (``$5 for apples and $3``), and scanning goes on after it."""
    out: list[tuple[bool, str]] = []
    pos = i = 0
    n = len(text)
    unclosed: dict[str, int] = {}  # a closer with none after this position: a later opener of it opens nothing
    while i < n:
        m = _DELIMS.search(text, i)
        if m is None:
            break
        tok = m.group(0)
        if tok not in _CLOSE:  # an escaped dollar, or a closer without an opener: text
            i = m.end()
            continue
        close = _CLOSE[tok]
        if m.end() >= unclosed.get(close, n + 1):  # not searched again: a run of unclosed openers was quadratic
            i = m.end()
            continue
        j = m.end()
        while True:
            c = text.find(close, j)
            if c < 0 or close != "$" or text[c - 1] != "\\":
                break
            j = c + 1  # an escaped dollar inside: not the closer
        if c < 0:
            unclosed[close] = m.end()
            i = m.end()
            continue
        content = text[m.end():c]
        if tok == "$" and (_PROSE.search(_TEXT_CMD.sub(" ", content)) or not content.strip()
                           or _CURRENCY_CLOSE.match(text, c + 1)):
            i = m.end()  # currency: this "$" opens nothing
            continue
        out.append((False, text[pos:m.start()]))
        out.append((True, content))
        pos = i = c + len(close)
    out.append((False, text[pos:]))
    return [(is_math, c) for is_math, c in out if c.strip()]


# a formula that is one number ("\( 180 \)"), and prose with an operator or "=" beside it (after a unit word or two)
_NUMBER_ONLY = re.compile(r"\s*(?:\\\$\s*)?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:\\%)?\s*")
_OP_AFTER = re.compile(r"^[ \t]*(?:[A-Za-z]{2,}[ \t]+){0,2}(?:[-+*/×÷=–−]|\\(?:times|cdot|div)(?![a-zA-Z]))")
_OP_BEFORE = re.compile(r"(?:[-+*/×÷=–−]|\\(?:times|cdot|div))[ \t]*$")


def _inline_numbers(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """``\\( 180 \\) meters + \\( 180 \\) meters = \\( 540 \\) meters``: formulas that are each one number, joined by
    operators in the prose, are one plain-text computation (read by the plain reader, its units blanked by
    :mod:`plain_units`); such a number becomes prose where an operator or "=" of the prose stands beside it."""
    if not any(is_math and _NUMBER_ONLY.fullmatch(p) for is_math, p in pieces):
        return pieces
    out: list[tuple[bool, str]] = []
    for j, (is_math, p) in enumerate(pieces):
        if is_math and "\n" not in p and _NUMBER_ONLY.fullmatch(p):
            before = pieces[j - 1][1] if j and not pieces[j - 1][0] else ""
            after = pieces[j + 1][1] if j + 1 < len(pieces) and not pieces[j + 1][0] else ""
            if _OP_BEFORE.search(before) or _OP_AFTER.match(after):
                is_math, p = False, f" {p.strip().replace(chr(92) + '%', '%')} "
        if out and not is_math and not out[-1][0]:
            out[-1] = (False, out[-1][1] + p)
        else:
            out.append((is_math, p))
    return out


# plain-text arithmetic: numbers (thousands commas, decimals, a currency sign, a percent sign), operators and
# parentheses around an "=", never a letter (words are not read as variables)
_NUM = plain_units.NUM
# blanks are possessive wherever the next token is no blank (" x " sees its blank behind), a side's closing blanks
# and parens sit before the next "=", and no match starts inside a blank run: linear (blanks were cubic: minutes)
_OP = plain_units.OP  # "–" (en dash) and "−" (U+2212) are minus signs
# an operand may carry its own sign after an operator ("-2 * -4 - 8", "7 - -7", "3 + -5")
# ... and may be a factorial or a binomial ("5!", "C(5, 2)", "5C2": plain_words.OPERAND)
_PLAIN_SIDE = plain_words.SIDE
# never starting or ending inside a number: after a currency sign ("$0.25G"), a clock's colon ("6:00+48=6:48"), a
# thousands comma ("12,000MB" read as 12), a prime ("f'(8) = ...": a function's argument); after a label's colon it
# may ("Tuesday:14/2=7")
# and an "=" ahead (plain_words.EQUALS_AHEAD: linear; a left side cut by it is read as cut by _truncated)
_PLAIN = re.compile(rf"(?:(?!\s)|(?<!\s))(?<![\w.,/^}}\\$'])(?<![\d\s]:)(?<!step\s)(?<!Step\s){plain_words.EQUALS_AHEAD}{_PLAIN_SIDE}"
                    rf"(?:\s*+\)*+\s*+=\s*+{_PLAIN_SIDE})+\s*\)*(?![\w/^\\{{]|[.,:]\d)")
# LaTeX environments outside $...$ (align, array): math the plain-text reader must not pick numbers out of
_ENV = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_BEGIN = re.compile(r"\\begin\{(\w+\*?)\}")


def _sub_envs(chunk: str) -> str:
    """``_ENV.sub(" ", chunk)`` in linear time: a ``\\begin{X}`` with no ``\\end{X}`` after it opens nothing, yet the
    lazy scan tried from it ran to the end of the text (quadratic on a run of unclosed openers), so such an opener
    is hidden (its backslash swapped for a private-use character the text lacks) and restored after: same output."""
    if "\\begin{" not in chunk:
        return chunk
    last: dict[str, int] = {}
    dead = []
    for m in _BEGIN.finditer(chunk):
        name = m.group(1)
        if name not in last:
            last[name] = chunk.rfind("\\end{" + name + "}")
        if last[name] < m.end():
            dead.append(m.start())
    if not dead:
        return _ENV.sub(" ", chunk)
    mark = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in chunk)
    parts, prev = [], 0
    for i in dead:
        parts.append(chunk[prev:i])
        parts.append(mark)
        prev = i + 1
    parts.append(chunk[prev:])
    return _ENV.sub(" ", "".join(parts)).replace(mark, "\\")


# "pages 10-20" as a whole side: a range, or a negative difference; inside a computation ("(500-400) + (13-87)") it
# is a subtraction
_RANGE_SIDE = re.compile(r"\s*+\(?\s*+(\d+)-(\d+)\s*+\)?\s*+")


def _latex_of_plain(side: str) -> str:
    s = plain_words.to_latex(side.strip().replace("\\$", "").replace("$", ""))  # "C(5, 2)": \binom{5}{2}
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    s = s.replace("×", " \\times ").replace("÷", " \\div ").replace("*", " \\cdot ").replace(" x ", " \\times ")
    s = s.replace("–", "-").replace("−", "-")
    s = _JUXTAPOSED.sub(r"\1 \\cdot (", s)  # "2(60)", "(2)(3)": a product
    # a fraction written tight beside a spaced operator is one number: "25 / 1/3" is 25 divided by a third
    s = _TIGHT_FRACTION.sub(r"(\1/\2)", s)
    return s.replace("%", "\\%")


_TIGHT_FRACTION = re.compile(r"(?<![\d./])(\d+)/(\d+)(?![\d./])")
_JUXTAPOSED = re.compile(r"([\d)])\(")


# a mixed number in plain text ("2 1/2 cups"): a whole number, a space, a proper fraction
_MIXED_PLAIN = re.compile(r"(?<![\w.,/^}\\])(\d+) (\d+)/(\d+)(?![\w./])")


def _mixed_plain(m: re.Match) -> str:
    whole, num, den = (int(g) for g in m.groups())
    if 0 < num < den:
        return f"({whole} + {num}/{den})"
    return f"{m.group(1)} ; {m.group(2)}/{m.group(3)}"  # not a mixed number: two numbers, never one product


# a line break: plain arithmetic never runs across one ("units digit is 8\n- 8^2 = 64" is not "8 - 8^2 = 64"); a
# list marker opening a line ("- ", "* ", "• ", "2. ", "b) ") is no operator
_LINE = re.compile(r"[^\n]+")
_ELLIPSIS_AFTER = re.compile(r"(?:\.{3}|…)")
_LIST_MARKER = re.compile(r"^[ \t]*+(?:[-*•+]|\d{1,2}[.)]|[a-z][.)])[ \t]++")


def _plain_claims(chunk: str, state: _State, rng: random.Random, line_start: bool = True) -> list[ClaimCheck]:
    """Arithmetic written in plain text (``2/5 * 4000 = 1600 gallons``): constants only, checked as identities,
    line by line. Chains holding an operator word (``mod``, ``choose``) are read first, whole (:mod:`worded`).
    ``line_start``: the chunk opens a line (else its first line goes on from math before it, "$(-3)^2$ + 6(-3)",
    and a sign there is an operator, no list marker)."""
    chunk = _sub_envs(chunk)
    out: list[ClaimCheck] = []
    if _WORDED.search(chunk):
        chunk, out = _worded_claims(chunk, state, rng)
    for line in _LINE.finditer(chunk):
        text = line.group(0)
        marker = _LIST_MARKER.match(text) if line_start or line.start() > 0 else None
        out += _plain_line_claims(" " * marker.end() + text[marker.end():] if marker else text, state, rng)
    return out


_WORDED = re.compile(r"(?<![A-Za-z])(?:mod|modulo|choose)(?![A-Za-z])", re.I)
_MARKERS = re.compile(_LIST_MARKER.pattern, re.M)


def _worded_claims(chunk: str, state: _State, rng: random.Random) -> tuple[str, list[ClaimCheck]]:
    """The chains of ``chunk`` holding ``mod`` or ``choose`` as a word, checked (congruences modulo the chain's
    modulus, binomials), and ``chunk`` with them blanked for the number-only reader, which read their fragments
    ("3^105 mod 11 = 1" as "11 = 1")."""
    unmarked = _MARKERS.sub(lambda m: " " * len(m.group(0)), chunk)  # "- 5 + 5 = 10 = 2 modulo 8": a list's dash
    out: list[ClaimCheck] = []
    for ch in worded.chains(unmarked, _latex_of_plain):
        got = _congruences(ch, state, rng, ":plain_text", any(_COMPUTES.search(m) for m in ch.members))
        left = _CONTINUES_LEFT.search(unmarked, max(0, ch.start - 40), ch.start)
        out.extend(_truncated(got, left, _CONTINUES_RIGHT.match(unmarked, ch.end)))
        chunk = chunk[:ch.start] + re.sub(r"[^\n]", " ", chunk[ch.start:ch.end]) + chunk[ch.end:]
    return chunk, out


_COMPUTES = re.compile(r"\d\s*(?:\\times|\\div|\\cdot|[-+/^!])\s*\(*\s*\d|\\binom")


def _congruences(ch: worded.Chain, state: _State, rng: random.Random, kind: str, computes: bool) -> list[ClaimCheck]:
    """The pairs of a chain read by :mod:`worded` (``kind``: the rules' suffix). A chain of bare numbers that computes
    nothing ("-1 ≡ 0 (mod 6)", "7 mod 3 = 2") states a congruence (a contradiction reached, a case), as "= 5" alone
    does for the number-only reader: confirmed, never refuted."""
    got = [_worded_pair(a, b, ch, state, rng, kind) for a, b in zip(ch.members, ch.members[1:])]
    if computes:
        return got
    return [c.model_copy(update={"verdict": "unknown", "rule": "congruence_stated" + kind, "detail": c.rule})
            if c.verdict == "false" else c for c in got]


def _worded_pair(a: str, b: str, ch: worded.Chain, state: _State, rng: random.Random, kind: str) -> ClaimCheck:
    """One pair of a worded chain: a congruence modulo the chain's modulus, or (binomials only) an equality."""
    n = ch.modulus
    claim = f"{a} \\equiv {b} \\pmod{{{n}}}" if n else f"{a} = {b}"
    if ch.why is not None:
        return ClaimCheck(claim=claim, verdict="unknown", rule="worded_not_read" + kind, detail=ch.why)
    if not a.strip() or not b.strip():
        return ClaimCheck(claim=claim, verdict="unknown", rule="fragment" + kind)
    if n is None:
        check = _check_pair(a, b, state, rng)
        return check.model_copy(update={"rule": check.rule + kind})
    if worded.has_letter(a + " " + b):
        return ClaimCheck(claim=claim, verdict="unknown", rule="congruence_in_symbols" + kind)
    ta, tb = _tree(a), _tree(b)
    ra = worded.residue(ta, n, _exact_value) if ta is not None else None
    rb = worded.residue(tb, n, _exact_value) if tb is not None else None
    if ra is None or rb is None:
        return ClaimCheck(claim=claim, verdict="unknown", rule="congruence_undecided" + kind)
    return ClaimCheck(claim=claim, verdict="true" if ra == rb else "false",
                      rule=("congruence" if ra == rb else "not_congruent") + kind, detail=f"{ra} and {rb} modulo {n}")


def _exact_value(node: Any) -> Fraction | None:
    """A tree's exact rational value, or None."""
    try:
        return value(node, STEP_POLICY).as_rational()
    except (NotExact, ArithmeticError, ValueError, TypeError, RecursionError):
        return None


# an operation between two numbers of a plain side (as LaTeX): an operand may carry its own sign or sit in
# parentheses ("2 * -9", "(-6 + -4)", "((-11) * (30))", "100\\% - 5\\%")
_COMPUTES_PLAIN = re.compile(r"\d\s*(?:\\%)?\s*\)*\s*(?:\\times|\\div|\\cdot|[-+/^])\s*\(*\s*-?\s*\(*\s*\.?\d"
                             r"|\d!|\\binom\{")  # a factorial, a binomial ("5! = 120", "C(5, 2) = 10") computes too
_LEADING_ZERO = re.compile(r"(?<![\d.,])0\d")
_LIST_BEFORE = re.compile(r"[\d)]\s*,\s*(?:…\s*,\s*|\.\.\.\s*,\s*)?$")
_LIST_AFTER = re.compile(r"\s*,\s*(?:…|\.\.\.|\(?-?\d)")
_CENTS_AFTER = re.compile(r"\s*(?:cents?\b|¢)", re.I)


_GROUP_FACTORIAL = re.compile(r"!(?!=)")


def _computes_plain(side: str) -> bool:
    """A plain side (as written) computes something: an operator between numbers, a factorial, a binomial."""
    return bool(_COMPUTES_PLAIN.search(_latex_of_plain(side)))


# thousands grouped by spaces ("$350 000 x 5/100 = $17 500"): read as one number, yet "6 500" may be two ("2 * 3 = 6
# 500 ml bottles"), so a claim holding one is never refuted
_SPACED_THOUSANDS = re.compile("(?<![\\d.,])\\d{1,3}(?:[ \u00a0\u202f]\\d{3})+(?![\\d,]|\\.\\d)")


def _plain_line_claims(chunk: str, state: _State, rng: random.Random) -> list[ClaimCheck]:
    out: list[ClaimCheck] = []
    joined: list[str] = []

    def join(m: re.Match) -> str:
        joined.append(re.sub(r"\D", "", m.group(0)))
        return joined[-1]

    chunk = _SPACED_THOUSANDS.sub(join, _MIXED_PLAIN.sub(_mixed_plain, chunk))
    # "3 squared is 9", "150 divided by 5 equals 30", "3 * 4 + 2, which simplifies to 14": words as operators and "="
    soft: list[int] = []  # where a value a unit of measure follows ends: "21 divided by 3, which is 7 inches"
    chunk = plain_words.rewrite(chunk, _computes_plain, soft)
    if "$" not in chunk and _OTHER_CURRENCY.search(chunk):  # "€1090 + €157 = €1247": a currency sign as "$" is
        chunk = _OTHER_CURRENCY.sub("$", chunk)
    written = chunk
    chunk, regions = plain_units.blank(chunk)  # "36 ft * 24 ft = 864 sq ft": the units blanked, the numbers read
    rev = ""  # the chunk reversed, made at the first match: the text before a match is read backwards, never copied
    for m in _PLAIN.finditer(chunk):
        sides = [_latex_of_plain(x) for x in m.group(0).split("=")]
        if _ELLIPSIS_AFTER.match(chunk, m.end()):
            sides[-1] += "..."  # "= 1.666...": the digits go on
        if not any(_COMPUTES_PLAIN.search(x) for x in sides):
            continue  # "= 5" alone states a value, it computes nothing
        if _LEADING_ZERO.search(m.group(0)):
            continue  # "0900-0130 = 0730 hours": clock times, not numbers
        got = []
        for k, (a, b) in enumerate(zip(sides, sides[1:])):
            check = _check_pair(a, b, state, rng)
            if k < len(sides) - 2:
                check = _stepwise_partial(check, a, b)
            if check.verdict == "false" and any((r := _RANGE_SIDE.fullmatch(x)) and int(r[1]) < int(r[2])
                                                for x in (a, b)):
                check = check.model_copy(update={"verdict": "unknown", "rule": "range_or_difference",
                                                 "detail": f"{check.rule}; '10-20' may be a range"})
            if check.verdict == "false" and (why := plain_words.function_reading(chunk, m.group(0), a, b)):
                check = check.model_copy(update={"verdict": "unknown", "rule": why, "detail": check.rule})
            got.append(check.model_copy(update={"rule": check.rule + ":plain_text"}))
        if got and got[-1].verdict == "false" and _CENTS_AFTER.match(chunk, m.end()) and "$" in m.group(0):
            # "$2.50 - $2.24 = 26 cents": dollars on the left, cents on the right
            cents = _check_pair(sides[-2], f"({sides[-1]}) / 100", state, rng)
            if cents.verdict == "true":
                got[-1] = got[-1].model_copy(update={"verdict": "true", "rule": "dollars_to_cents:plain_text"})
        if got and got[-1].verdict == "false" and any(m.start() < x <= m.end() + 1 for x in soft):
            # a relation in words whose value a unit follows: "24 divided by 2, which is 1 foot" may convert
            got[-1] = got[-1].model_copy(update={"verdict": "unknown", "rule": "unit_after_value:plain_text",
                                                 "detail": got[-1].rule})
        region = next((r for r in regions if r.start < m.end() and m.start() < r.end), None)
        if region is not None:
            tex = _tex_with_units(written, m.start(), m.end(), region)
            got = [_with_units(c, region, None if tex is None else (tex[k], tex[k + 1]), state, rng)
                   for k, c in enumerate(got)]
        end = m.start()
        rev = rev or chunk[::-1]
        pos = _tail_start(rev, len(chunk) - end)
        left = _CONTINUES_LEFT.search(chunk, pos, end) or (
            _FACTOR_BEFORE.search(chunk, pos, end) if m.group(0).lstrip().startswith("(") else None) or (
            _THOUSANDS_BEFORE.search(chunk, pos, end) if _THREE_DIGITS.match(chunk, end) else None)
        if _LIST_BEFORE.search(chunk, pos, end) and _LIST_AFTER.match(chunk, m.end()):
            # "(3-2), (0-2), (5-2) = 1, -2, 3": lists matched member by member, not one equation
            got = [c.model_copy(update={"verdict": "unknown", "rule": "elementwise_list", "detail": c.rule})
                   if c.verdict == "false" else c for c in got]
        # "8! / (8 - 2)! = ...": a factorial of a group the side stops before is the side's own
        out.extend(_truncated(got, left, _CONTINUES_RIGHT.match(chunk, m.end()) or _GROUP_FACTORIAL.match(chunk, m.end())))
    # "2.5% becomes 0.025": a conversion that holds is confirmed; one that does not is left unread (a share, not a slip)
    out.extend(ClaimCheck(claim=f"{p}\\% = {d}", verdict="true", rule="percent_as_decimal:plain_text")
               for p, d in plain_words.percents_as_decimals(written))
    # "25% don't attend, so 75% do": the rest of a whole, confirmed when the two make it; never refuted
    out.extend(ClaimCheck(claim=f"1 - {tex_units.frac_tex(a)} = {tex_units.frac_tex(b)}", verdict="true", rule="complement:plain_text")
               for a, b in plain_words.complements(written))
    if joined:
        grouped = re.compile(r"(?<![\d.])(?:" + "|".join(sorted(set(joined), key=len, reverse=True)) + r")(?!\d)")
        out = [c.model_copy(update={"verdict": "unknown", "rule": "spaced_thousands",
                                    "detail": f"{c.rule}; digits grouped by spaces may be two numbers"})
               if c.verdict == "false" and grouped.search(c.claim) else c for c in out]
    return out


_OTHER_CURRENCY = re.compile("[€£¥₹](?=\\s?\\.?\\d)")


def _tex_with_units(line: str, start: int, end: int, region: plain_units.Region) -> list[str] | None:
    """The sides of a plain chain as LaTeX with its units as ``\\text{}`` (``3 hours x 60 minutes/hour`` ->
    ``3 \\text{ hours} \\times 60 \\text{ minutes/hour}``, ``$20/hour`` -> ``\\$20/\\text{hour}``), so the units'
    algebra of :func:`_unit_claim` reads them as it reads a formula's; None for a compound quantity."""
    if region.why == "compound_quantity":
        return None
    text, names = line[start:end], []
    for a, b in sorted((sp for sp in region.spans if start <= sp[0] < end), reverse=True):
        names.append(line[a:b].strip())
        text = f"{text[:a - start]} #{len(names) - 1}# {text[b - start:]}"
    text = re.sub(r"\\?\$\s?(?=\.?\d)", " #D# ", text)

    def unit(k: int) -> str:
        name = plain_units.unit_name(names[k])
        if not name:
            return ""
        return f"/\\text{{{name[1:].strip()}}}" if name.startswith("/") else f"\\text{{ {name}}}"

    return [re.sub(r"\s{2,}", " ", re.sub(r"#(\d+)#", lambda u: unit(int(u[1])), _latex_of_plain(side))
                   .replace("#D# ", "\\$")).strip() for side in text.split("=")]


def _with_units(check: ClaimCheck, region: plain_units.Region, tex: tuple[str, str] | None, state: _State,
                rng: random.Random) -> ClaimCheck:
    """A claim of a chain read past its units (:mod:`plain_units`): decided by the units' algebra where it decides the
    same claim in a formula (``tex``: its two sides with their units, :func:`_unit_claim`: ``3 hours x 60
    minutes/hour = 180 minutes``), else as the numbers say, or neutral where the units may convert a number (two of
    one dimension, a compound quantity) or a sum runs across different units."""
    check = check.model_copy(update={"claim": re.sub(r"\s{2,}", " ", check.claim)})  # the blanks the units left
    if tex is not None and check.verdict != "unknown" and region.why != plain_units.FACTOR_IN_WORDS:
        by_units = _unit_claim(tex[0], tex[1], tex[0], tex[1], state, rng)
        # decisive only: true, or false with units on both sides ("in 3 days = 97 * 3": the prose's number, not a
        # quantity, before the "=" is never refuted); the claim as the numbers read it, for the rules that redo it
        if by_units is not None and (by_units.verdict == "true" or by_units.verdict == "false" and all(
                _TEXT_CMD_ANY.search(x) or "\\$" in x for x in tex) or by_units.rule == "units_unlike_sum"):
            return check.model_copy(update={"verdict": by_units.verdict, "rule": by_units.rule + ":plain_text",
                                            "detail": f"{by_units.claim}; {by_units.detail}"})
    units = ", ".join(dict.fromkeys(region.units))
    why = region.why or ("units_differ" if (region.sums_across or region.unshared) and check.verdict == "false" else None)
    if why is not None and check.verdict != "unknown":
        return check.model_copy(update={"verdict": "unknown", "rule": why + ":plain_text",
                                        "detail": f"{check.rule}; units {units}"})
    return check.model_copy(update={"rule": check.rule + ":units", "detail": (check.detail + "; " if check.detail else "")
                                    + f"units read past: {units}"})


# prose that carries an expression on into the math ("12% of $50 = 6$", "$6 = 12\%$ of 50"): the first (last)
# member of the chain is only part of what the writer computes
# a preposition carries the expression on only before an operand ("= 12 from 20", not "= $200 from these lessons")
_PREPOSITIONS = r"of|by|over|per|than|into|from"
_OPERATORS_IN_WORDS = r"times|plus|minus|divided|multiplied|squared|cubed|percent|half|third"
_OPERATOR_WORDS = rf"{_PREPOSITIONS}|{_OPERATORS_IN_WORDS}"
_OPERAND_NEXT = r"(?=\s*(?:\\?\$|\d|\.\d|\())"  # a number, a price, a group or a formula
# also "60 students x 2/3 = 40" (a times sign after a word), "12 x 1 and 1/4 = 15" / "17/3 = 5 and 2/3" (a mixed
# number cut by "and"), "exactly .$500 = \tfrac12$" (a decimal point left outside the math); never "a total of"
# (what follows is the whole: "a total of 70 + 420 + 210 = 680")
# ... or names what it numbers ("Week 1 + Week 2 = 35 + 35", "on day 1 * 2 = 20": the number is a label's, not a
# value; never after "per", "a", "each", "every": "5 miles per day 5 * 7"); or (_THOUSANDS_BEFORE) its first three
# digits are the last group of a number a comma and a blank part ("14, 400 / 80 = 180"; "3, 5 * 3" is a list)
_LABELS = (r"week|day|month|year|step|part|round|game|level|page|chapter|room|grade|group|team|row|column|floor|test|"
           r"quiz|exam|lap|hole|period|season|episode|stage|phase|batch|trip|question|problem|section|lesson|volume")
_CONTINUES_LEFT = re.compile(rf"(?:\b(?:{_OPERATOR_WORDS})(?<!\btotal of)|[-+*/×÷^%()–−√]|\\(?:cdot|times|div)|(?<=[A-Za-z] )x"
                             rf"|^\s*x|\d\s+and|(?:^|\s)\."
                             rf"|(?<!\bper )(?<!\ba )(?<!\ban )(?<!\beach )(?<!\bevery )\b(?:{_LABELS})s?(?=\s))\s*$", re.I)
_THOUSANDS_BEFORE = re.compile(r"(?<![\d,.])\d{1,3},\s$")  # "14, " before a side that opens with three digits
_THREE_DIGITS = re.compile(r"\d{3}(?![\d.,])")
_CONTINUES_RIGHT = re.compile(rf"\s*(?:(?:{_PREPOSITIONS})\b{_OPERAND_NEXT}|(?:{_OPERATORS_IN_WORDS})\b"
                              rf"|[-+*/×÷^%()–−]|\\%|\\(?:cdot|times|div)(?![a-zA-Z])"
                              rf"|and\s+\(?\\?\$?\d+\s*/\s*\d"
                              rf"|(?<=\s)!(?!=))", re.I)  # "$...=200$ ! ways": an OCR'd factorial after the dollar
# a math segment cut from the next one by a closing and an opening dollar only, at a binary operator: one chain
_MATH_ENDS_OPEN = re.compile(r"(?:[-+*/×÷^–−]|\\(?:cdot|times|div))\s*$")
_MATH_STARTS_OPEN = re.compile(r"\s*(?:[-+*/×÷^–−!]|\\(?:cdot|times|div)(?![a-zA-Z]))")
# a product written by juxtaposition before a parenthesis ("c_v (8 - 4) = ...", "7(23)"): the chain's first side
# is only a factor
_FACTOR_BEFORE = re.compile(r"(?:(?<![A-Za-z])[A-Za-z]|[0-9}]|[A-Za-z]_\{?\w+\}?)\s*$")
# the text before a match that those two can read: its trailing blanks, a "}" and the word run before it (read on the
# reversed text); any match of either starts at most 20 characters before that (the longest operator word is 10,
# "x_{" 3), and their lookbehinds see the real text before the window, so the window gives the same match
_TAIL_REV = re.compile(r"\s*+\}?+\w*+")
_TAIL_MARGIN = 20


def _tail_start(rev: str, at: int) -> int:
    """Where to start reading the text before ``len(rev) - at`` (``rev`` is the text reversed)."""
    return max(0, len(rev) - _TAIL_REV.match(rev, at).end() - _TAIL_MARGIN)


# a display that continues the one before it: "\\[ 1 \\cdot c + 3(c + 2) \\] \\[ = c + 3c + 6 \\]"
_STARTS_EQUALS = re.compile(r"\s*=(?!=)")
_OTHER_RELATIONS = re.compile(r"<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|approx|equiv|sim|implies|Rightarrow|iff|to|in)"
                              r"(?![a-zA-Z])|&|\\\\|\\(?:quad|qquad)\b|,\s*$|;")


def _math_before(pieces: list[tuple[bool, str]], j: int) -> str | None:
    """The math piece just before piece ``j``, with nothing but space between; None without one."""
    k = j - 1 if j and pieces[j - 1][0] else j - 2 if j >= 2 and not pieces[j - 1][1].strip() else -1
    return pieces[k][1] if k >= 0 and pieces[k][0] else None


def _opening(pieces: list[tuple[bool, str]], j: int, outside: str | None) -> str | None:
    """``outside`` (the display that ends the step before) when piece ``j`` opens its step with nothing before it."""
    return outside if outside is not None and not any(p.strip() for _, p in pieces[:j]) else None


def _continued(seg: str, pieces: list[tuple[bool, str]], j: int, outside: str | None = None) -> str:
    """A math segment that opens with ``=`` continues the chain of the math just before it, with nothing but space
    between (a display per line, as models write a long computation; ``outside``: the display that ends the step
    before, for a segment that opens this step): it is read with that chain's last member as its left side; any
    other relation, a list or prose between leaves it as it is (unparseable, neutral)."""
    if not _STARTS_EQUALS.match(seg) or (before := _math_before(pieces, j) or _opening(pieces, j, outside)) is None:
        return seg
    prev = before.strip().rstrip(".")
    if not prev or _OTHER_RELATIONS.search(prev) or _MATH_ENDS_OPEN.search(prev) or "\\boxed" in prev:
        return seg
    last = prev.rsplit("=", 1)[-1].strip()
    return f"{last} {seg.lstrip()}" if last else seg


# "\\[ O = 22 \\times 16 \\] \\[ O = 328 \\]": the same name set again in the display just after, as models write a
# computation one display a line; the name, and a side that computes on numbers alone (units in \\text{} allowed)
_NAME_SIDE = re.compile(r"\s*((?:\\text\s*\{[^{}]*\}|\\mathrm\s*\{[^{}]*\}|\d*[A-Za-z](?:_\{?\w+\}?)?'?))\s*=(?!=)")
_UNIT_TEXT = re.compile(r"\\(?:text|mathrm)\s*\{[^{}]*\}|\\(?:cdot|times|div|frac|dfrac|tfrac|left|right)(?![a-zA-Z])|\\[,;!$% ]")
_BARE_VALUE = re.compile(r"\s*+-?\s*+(?:\\\$\s*+)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*+(?:\\%)?\s*+\.?\s*+")


def _restated(seg: str, pieces: list[tuple[bool, str]], j: int, outside: str | None = None) -> tuple[str, bool]:
    """A display that sets the name the display just before it set (nothing but space between), when that one ends
    in a computation on numbers: one chain, ``name = computation = new side`` (``O = 22 \\times 16 = 328``). The
    flag says the new side is itself a computation: two computations may be alternatives (the two roots), so a
    false link between them is not refuted. ``outside``: the display that ends the step before, for a display
    that opens this step (a paragraph per display, as models write a computation: nothing else between), when the
    name is more than a bare letter (``\\text{Total}``, ``T_S``)."""
    m = _NAME_SIDE.match(seg)
    before = _math_before(pieces, j)
    if before is None and m is not None and not re.fullmatch(r"\d*[A-Za-z]'?", m.group(1).strip()):
        # across steps, a quantity's name only: a bare letter set again in the next step may be its next root
        # ("x = \\frac{6+2}{2}", then "x = 2")
        before = _opening(pieces, j, outside)
    if m is None or before is None:
        return seg, False
    prev = before.strip().rstrip(".,")
    pm = _NAME_SIDE.match(prev)
    if pm is None or re.sub(r"\s+", "", pm.group(1)) != re.sub(r"\s+", "", m.group(1)):
        return seg, False
    last = prev.rsplit("=", 1)[-1].strip()
    rest = seg[m.end():].strip().rstrip(".,")
    if (_OTHER_RELATIONS.search(prev) or _OTHER_RELATIONS.search(rest) or "\\pm" in prev + rest or "\\boxed" in prev
            or re.search(r"[A-Za-z]", _UNIT_TEXT.sub(" ", last)) or re.search(r"[A-Za-z]", _UNIT_TEXT.sub(" ", rest))
            or not _COMPUTES_TEX.search(_TEXT_CMD.sub(" ", last)) or not rest):
        return seg, False
    return f"{last} = {rest}", not _BARE_VALUE.fullmatch(_UNIT_TEXT.sub(" ", rest))


def _closing_display(pieces: list[tuple[bool, str]]) -> str | None:
    """The math piece a step ends with (nothing after it but space and a full stop or comma), or None."""
    k = len(pieces) - 1
    if k >= 0 and not pieces[k][0] and not pieces[k][1].strip(" \t\n.,"):
        k -= 1
    return pieces[k][1] if k >= 0 and pieces[k][0] else None


_COMPUTES_TEX = re.compile(r"[\d)]\s*(?:[-+*/^×÷]|\\(?:cdot|times|div)(?![a-zA-Z]))|\\[dt]?frac(?![a-zA-Z])|\)\s*\(")


def _truncated(claims: list[ClaimCheck], left: Any, right: Any) -> list[ClaimCheck]:
    """The chain's first claim when prose before it continues its left side, its last when prose after it continues
    its right side: a refutation there is of a fragment, so neutral."""
    if not claims or not (left or right):
        return claims
    out = list(claims)
    for k, edge in ((0, left), (len(out) - 1, right)):
        if edge and out[k].verdict == "false":
            out[k] = out[k].model_copy(update={"verdict": "unknown", "rule": "truncated_expression",
                                               "detail": f"{out[k].rule}; the prose continues it: '{edge.group(0).strip()}'"})
    return out


# a step that tests a value (plugging in, checking) or says its relation fails does not assert it
_TESTED = re.compile(r"\b(?:plug(?:ging|ged)?|check\w*|test\w*|verif\w*|tr(?:y|ying|ied))\b", re.I)
_DENIED = re.compile(r"\b(?:not\s+(?:true|equal|correct|valid|possible|a\s+solution|satisf\w*)|false|isn't|aren't|"
                     r"doesn't|does\s+not|do\s+not|cannot|can't|never|impossible|contradict\w*|extraneous|invalid|"
                     r"incorrect|wrong|fails?|mistake)\b", re.I)
_MATH_SPANS = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)


_NOT_ASSERTED = ("claim_under_test", "claim_denied")  # a step with such a claim is never confirmed (+1)


def _tested_or_denied(text: str, claims: list[ClaimCheck]) -> list[ClaimCheck]:
    """A refuted claim in a step that denies a relation ("1 = 3 + 4 is not true") is what the writer says it is:
    neutral, with the reason. So is a refuted relation between numbers in a step that tests a value ("plugging in
    1 we get 1 = \\sqrt{9} + 4"); a relation in the unknowns there is a derivation (substituting a value found)."""
    if not any(c.verdict == "false" for c in claims):
        return claims
    words = sub_spans(_MATH_SPANS, " ", text)  # linear on unclosed \\( runs
    denied, tested = _DENIED.search(words), _TESTED.search(words)
    if denied is None and tested is None:
        return claims
    out = []
    for c in claims:
        if c.verdict == "false" and (denied or not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", c.claim))):
            m = denied or tested
            c = c.model_copy(update={"verdict": "unknown", "rule": "claim_denied" if denied else "claim_under_test",
                                     "detail": f"{c.rule}; the step says '{m.group(0)}'" if m else c.rule})
        out.append(c)
    return out


def _side_values(claim: str) -> tuple[float, float] | None:
    """The numeric values of a relation's two sides (``a = b`` between numbers), or None."""
    sides = claim.split(" = ")
    if len(sides) != 2:
        return None
    a, b = _float(sides[0]), _float(sides[1])
    return None if a is None or b is None else (a, b)


def _under_test(claims: list[ClaimCheck], tested: list[tuple[float, float]]) -> list[ClaimCheck]:
    """A refuted relation between numbers whose sides have the values of a relation an earlier step tested or denied
    ("plugging in $-7$ we get $|-7-3| = 2(-7)+4$", then "That simplifies to $|-10| = -14 + 4$", then "This is
    incorrect") carries that test on: neutral, as the test is. Records this step's tested relations in ``tested``."""
    def same(x: tuple[float, float], y: tuple[float, float]) -> bool:
        return all(abs(p - q) <= 1e-9 * max(1.0, abs(p), abs(q)) for p, q in zip(x, y))

    out = []
    for c in claims:
        if c.verdict == "false" and tested and (v := _side_values(c.claim)) is not None and any(
                same(v, t) or same(v[::-1], t) for t in tested):
            c = c.model_copy(update={"verdict": "unknown", "rule": "claim_under_test",
                                     "detail": f"{c.rule}; the sides of a relation an earlier step tested"})
        out.append(c)
    tested += [v for c in out if c.rule in _NOT_ASSERTED and (v := _side_values(c.claim)) is not None]
    return out


_REMAINDER = re.compile(r"\bremainders?\b|\bR\s*\d", re.I)
_DIVISION = re.compile(r"\\div|÷|/|\\frac")


def _with_remainder(text: str, claims: list[ClaimCheck]) -> list[ClaimCheck]:
    """"100 ÷ 60 = 1 with a remainder of 40": a quotient stated beside its remainder is integer division, which the
    claim's reader takes as exact division; neutral, with the reason."""
    if not _REMAINDER.search(text):
        return claims
    return [c.model_copy(update={"verdict": "unknown", "rule": "quotient_with_remainder", "detail": c.rule})
            if c.verdict == "false" and _DIVISION.search(c.claim) else c for c in claims]


_LOG_BEFORE = re.compile(r"\\?\blog(?:arithm)?s?\b", re.I)


def _in_other_base(text: str, claims: list[ClaimCheck]) -> list[ClaimCheck]:
    """A step that computes in another base ("in base 7, 44 \\times 55 = 3506"): its whole-number arithmetic is not
    in decimal, so a refutation of it is neutral, with the reason."""
    if not any(not _LOG_BEFORE.search(text, max(0, m.start() - 40), m.start())
               for m in readings.OTHER_BASE.finditer(text)):
        return claims  # no base, or a logarithm's ("the logarithm of 64 base 2 is 6")
    return [c.model_copy(update={"verdict": "unknown", "rule": "other_base", "detail": c.rule})
            if c.verdict == "false" and not re.search(r"[A-Za-z.]", re.sub(r"\\[A-Za-z]+", "", c.claim)) else c
            for c in claims]


CLAIM_BUDGET_S = 3.0  # one math segment (or one step's plain text)
STEPS_BUDGET_S = 6.0  # a whole solution: what is left after it is not checked (a row stays well under 10 s)


def _guarded(what: str, work: Any, budget: float) -> list[ClaimCheck]:
    """``work()`` under a time budget; any failure of the reader or of sympy is a neutral claim, never a raise."""
    t0 = time.perf_counter()
    try:
        with _Budget(budget):
            return list(work())
    except _OutOfTime:
        if _enclosing(t0, budget):
            raise
        return [ClaimCheck(claim=what[:_MAX_CLAIM_CHARS], verdict="unknown", rule="time_budget",
                           detail=f"not decided within {budget:.1f}s")]
    except Exception as exc:  # noqa: BLE001 - ZeroDivisionError, NotAlgebraic, RecursionError...: neutral
        return [ClaimCheck(claim=what[:_MAX_CLAIM_CHARS], verdict="unknown", rule="checker_error",
                           detail=f"{type(exc).__name__}: {exc}"[:300])]


#: where a step states a relation (as the keep rule finds one in a claim it could not decide)
_RELATION_MARK = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|equiv|approx)(?![a-zA-Z])")


def _unread(text: str, budget_s: float) -> ClaimCheck:
    """Text left unread once the solution's budget is spent (a step, or the rest of one): one neutral claim, and no
    reading at all, so nothing past the budget costs more than a scan (300 steps of 50 kB each: minutes when every
    segment was cut out and given a claim of its own). It quotes the text around its first relation: a relation left
    unread is still seen as one not decided."""
    m = _RELATION_MARK.search(text)
    at = 0 if m is None else max(0, m.start() - _MAX_CLAIM_CHARS // 2)
    return ClaimCheck(claim=text[at:at + _MAX_CLAIM_CHARS], verdict="unknown", rule="time_budget",
                      detail=f"the solution's {budget_s:.0f}s were spent")


def _final_unchecked(text: str, budget_s: float) -> list[ClaimCheck]:
    """A boxed answer left unread once the solution's budget is spent: neutral, with the reason."""
    boxed = last_boxed(text)
    return [] if boxed is None else [ClaimCheck(claim=boxed[:_MAX_CLAIM_CHARS], verdict="unknown", rule="time_budget",
                                                detail=f"the solution's {budget_s:.0f}s were spent")]


def _enclosing(t0: float, budget: float) -> bool:
    """An OutOfTime raised well before this block's own ``budget`` since ``t0`` is an enclosing budget's (a caller
    checking these steps under its own): it must reach that caller, not become a neutral claim here."""
    return time.perf_counter() - t0 < budget - 0.05


_WARM: list[bool] = []


def _warm() -> None:
    """The readers' and sympy's first use imports them (seconds on a busy machine): done once, outside any budget."""
    if not _WARM:
        _WARM.append(True)
        for side in ("1 + 1", "\\frac{d}{dx}\\left(x^{2}\\right)", "4 \\text{ cm}"):
            try:
                _parse(side)
                _tree(side)
            except Exception:  # noqa: BLE001 - warming only
                pass


_BLANK_RUN = re.compile(r"\s{2,}")


def _squeezed(text: str) -> str:
    """The step with each run of blanks made one blank, one line break or one blank line, as it reads: the readers'
    patterns that end in or start with ``\\s*`` backtrack over a long run (a million blanks: hours, in a worker
    thread no alarm stops). Claims quote the squeezed text; a step's span in its solution is kept by the caller."""
    def one(m: re.Match) -> str:
        breaks = m.group(0).count("\n")
        return " " if not breaks else "\n" if breaks == 1 else "\n\n"

    return _BLANK_RUN.sub(one, text)


def check_steps(steps: list[str], context: StepContext, *, seed: int = 0,
                budget_s: float = STEPS_BUDGET_S) -> list[StepCheck]:
    """Check every step independently against the context; the rating is -1 if any claim is false,
    +1 if some claim is true and none false, 0 if nothing in the step could be checked. Never raises; each
    math segment has ``CLAIM_BUDGET_S`` and the whole solution ``budget_s`` (claims past it are neutral)."""
    _warm()
    start = time.perf_counter()
    try:
        with _Budget(min(CLAIM_BUDGET_S, budget_s)):
            state = _State(context)
    except (_OutOfTime, Exception) as exc:  # noqa: BLE001 - premises that cannot be solved: no state
        if isinstance(exc, _OutOfTime) and _enclosing(start, min(CLAIM_BUDGET_S, budget_s)):
            raise
        state = _State(StepContext(variables=context.variables))
    rng = random.Random(seed)
    derived = Derivations(STEP_POLICY)  # one-variable relations carried from step to step
    derived.letters = standalone_letters([*context.given, *steps])
    if context.given:
        try:
            with _Budget(min(CLAIM_BUDGET_S, budget_s)):
                derived.problem = givens(context.given)
        except (_OutOfTime, Exception) as exc:  # noqa: BLE001 - givens that cannot be read: none
            if isinstance(exc, _OutOfTime) and _enclosing(start, min(CLAIM_BUDGET_S, budget_s)):
                raise
    out = []
    tested: list[tuple[float, float]] = []  # the values of the sides of relations the steps tested or denied
    last_display: str | None = None  # the math that ends the step before, with nothing after it
    for i, text in enumerate(steps):
        text = _squeezed(text)
        t0 = time.perf_counter()
        if budget_s - (t0 - start) <= 0:  # past the solution's budget a step is not read at all
            claims = [_unread(text, budget_s)] + (_final_unchecked(text, budget_s) if context.gold is not None else [])
            out.append(StepCheck(index=i, rating=0, rule="time_budget", claims=claims, seconds=0.0))
            last_display = None
            continue
        hypothetical = is_hypothetical(text)
        derived.step(text)
        state.supposes = derived.supposes
        if state.problem and functions.HEAD.search(text) and (defs := state.functions()):
            state.redefined |= functions.redefined(text, defs)  # "Let $f(x) = ...$": the solution's own f
        claims = []
        pieces = plain_algebra.cut(_inline_numbers(_segments(aligned_rows(text))))
        ending, last_display = last_display, _closing_display(pieces)
        for j, (is_math, seg) in enumerate(pieces):
            left = budget_s - (time.perf_counter() - start)
            if left <= 0:  # the rest of the step is not read
                claims.append(_unread(" ".join(p for _, p in pieces[j:]), budget_s))
                break
            budget = min(CLAIM_BUDGET_S, left)
            if is_math:
                boxed = None
                if _BOXED.search(seg):
                    # "A + B = 5 + 7 = \boxed{12}": the box ending a chain is its last member, a value; any other
                    # box (alone, around an equation, two of them) is the answer statement, not read here
                    seg, boxed = notation.end_value(seg), notation.last_member(seg)
                    if seg is None:
                        continue
                seg = _continued(seg, pieces, j, ending)
                got = _guarded(seg, lambda s=seg: _segment_claims(s, state, rng, derived, hypothetical), budget)
                link, alternatives = _restated(seg, pieces, j, ending)
                if link != seg:  # "O = 22 \\times 16", then "O = 328": also the link "22 \\times 16 = 328"
                    more = _guarded(link, lambda s=link: _segment_claims(s, state, rng, derived, hypothetical), budget)
                    if alternatives:  # "x = \\frac{6+2}{2}", then "x = \\frac{6-2}{2}": two roots, not one chain
                        more = [c.model_copy(update={"verdict": "unknown", "rule": "restated_alternative",
                                                     "detail": c.rule}) if c.verdict == "false" else c for c in more]
                    got = got + more
                before = pieces[j - 1][1] if j and not pieces[j - 1][0] else ""
                after = pieces[j + 1][1] if j + 1 < len(pieces) and not pieces[j + 1][0] else ""
                if boxed is not None:
                    got = _boxed_answer(got, boxed, after)
                # the prose after, and a "$" where a formula follows it ("$6 = 12\\%$ of $50$": an operand)
                then = after + ("$" if j + 2 < len(pieces) and pieces[j + 2][0] else "")
                left, right = _CONTINUES_LEFT.search(before), _CONTINUES_RIGHT.match(then)
                # "$m^2-n^2=1444-$ $1369=75$": two segments of one chain, cut at an operator
                if (prev_math := _math_before(pieces, j)) is not None:
                    left = left or _MATH_ENDS_OPEN.search(prev_math)
                k = j + 1 if j + 1 < len(pieces) and pieces[j + 1][0] else j + 2 if not after.strip() else len(pieces)
                if k < len(pieces) and pieces[k][0]:
                    right = right or _MATH_STARTS_OPEN.match(pieces[k][1])
                claims.extend(_truncated(got, left, right))
                if j + 2 < len(pieces) and not pieces[j + 1][0] and pieces[j + 2][0] and (
                        pair := plain_words.joined_in_words(
                            before, seg, pieces[j + 1][1], pieces[j + 2][1],
                            pieces[j + 3][1] if j + 3 < len(pieces) and not pieces[j + 3][0] else "",
                            "".join(p[1] if not p[0] else " $ " for p in pieces[max(0, j - 3):j]))):
                    # "$3 \cdot 4 + 2$, which simplifies to $14$": a relation in words between two formulas
                    got = _guarded(pair, lambda s=pair: _segment_claims(s, state, rng, derived, hypothetical), budget)
                    claims.extend(_truncated([c.model_copy(update={"rule": c.rule + ":in_words"}) for c in got],
                                             _CONTINUES_LEFT.search(before), None))
            else:
                opens = j == 0 or not pieces[j - 1][0] or pieces[j - 1][1].endswith("\n")
                claims.extend(_guarded(seg, lambda s=seg, o=opens: _plain_claims(s, state, rng, o), budget))
        for read_words, rule in ((divisor_lists.claims, "divisor_list"),
                                 (divisor_lists.common_claims, "gcd_lcm_in_words"),
                                 (rounding.claims, "rounding_in_words")):
            claims += [ClaimCheck(claim=c, verdict="true" if holds else "false", rule=rule, detail=why)
                       for c, holds, why in read_words(text)]
        claims = _in_other_base(text, _with_remainder(text, _under_test(_tested_or_denied(text, claims), tested)))
        if context.gold is not None:  # the comparison with the reference answer is in the solution's budget too
            left = budget_s - (time.perf_counter() - start)
            final = _guarded(text, lambda: [f] if (f := _final_claim(text, context.gold or "", seed, context.problem)) else [],
                             min(CLAIM_BUDGET_S, left)) if left > 0 else _final_unchecked(text, budget_s)
            claims.extend(final)
        false = [c for c in claims if c.verdict == "false"]
        if false:
            rating, rule = -1, false[0].rule
        elif any(c.verdict == "true" and c.rule != RESTATES_THE_PROBLEM for c in claims) and not any(
                c.rule in _NOT_ASSERTED for c in claims):
            rating, rule = 1, next(c.rule for c in claims if c.verdict == "true" and c.rule != RESTATES_THE_PROBLEM)
        else:
            rating, rule = 0, "no_checkable_claim" if not claims else claims[0].rule
        out.append(StepCheck(index=i, rating=rating, rule=rule, claims=claims, seconds=time.perf_counter() - t0))
    return out
