"""Relations for the step checker, on the answer engine: truth of a (chained) relation between constants,
and whether a step's equation or inequality follows from the relations stated before it.

Verdicts are ``true`` / ``false`` / ``unknown``; ``unknown`` whenever the engine cannot decide soundly
(a step checker must never flag what it cannot parse or solve).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from stepforge.verifiers.math._lazy import sympy
from stepforge.verifiers.math._spans import sub_spans
from stepforge.verifiers.math.errors import ParseError
from stepforge.verifiers.math.latex import NotFast, clean, read
from stepforge.verifiers.math.parse import find_rel
from stepforge.verifiers.math.points import EXPAND_TERMS, expand_terms, risky
from stepforge.verifiers.math.policy import DEFAULT_POLICY, MathPolicy


Truth = Literal["true", "false", "unknown"]
Relation = tuple[Any, str, Any]  # (lhs, op, rhs) with op in = != < <= > >=

_CMP = {"<": "Lt", "<=": "Le", ">": "Gt", ">=": "Ge"}  # sympy class names (sympy is imported on first use)
_MAX_CHARS = 400


STEP_POLICY = MathPolicy(euler_e=False, imaginary_i=False)  # free-text steps: e and i are usually variables


def read_expr(tex: str, policy: MathPolicy = STEP_POLICY) -> Any:
    """One side of a step claim as sympy: the one reader (free-text letters allowed), latex2sympy2_extended
    for what it does not know; derivatives and integrals evaluated. Raises ParseError."""
    s = clean(tex)
    if not s or len(s) > _MAX_CHARS:
        raise ParseError("empty or too long")
    from stepforge.verifiers.math.symbolic import read_general, to_sympy

    try:
        node, _, _ = read(s, policy, letters=True)
    except NotFast:
        expr, _ = read_general(s, policy)
        return expr
    return to_sympy(node, policy)


def parse_chain(tex: str, policy: MathPolicy = DEFAULT_POLICY) -> list[Relation]:
    """``a = b < c`` as adjacent relations [(a, =, b), (b, <, c)]; raises ParseError when any side does
    not parse whole (never a prefix)."""
    s = clean(tex)
    if len(s) > _MAX_CHARS:
        raise ParseError("relation too long")
    rels = find_rel(s)
    if not rels or any(op == "~" for _, _, op in rels):
        raise ParseError(f"no relation in {tex!r}")
    sides, prev = [], 0
    for a, b, _ in rels:
        sides.append(s[prev:a])
        prev = b
    sides.append(s[prev:])
    exprs = [read_expr(x, policy) for x in sides]
    if not all(isinstance(e, sympy.Expr) for e in exprs):
        raise ParseError("a side is not an expression")
    return [(exprs[i], op, exprs[i + 1]) for i, (_, _, op) in enumerate(rels)]


def constant_truth(lhs: Any, op: str, rhs: Any, policy: MathPolicy = DEFAULT_POLICY) -> Truth:
    """Truth of a relation between two constants (exact where possible, else 50-digit evaluation)."""
    if lhs.free_symbols or rhs.free_symbols:
        return "unknown"
    from sympy.core.function import AppliedUndef

    if lhs.has(AppliedUndef) or rhs.has(AppliedUndef):
        return "unknown"  # "f(0) = 0": a value of a function the checker does not know, not a constant
    if op in ("=", "!="):
        from stepforge.verifiers.math.symbolic import expr_equal

        eq, _, _ = expr_equal(lhs, rhs, policy)
        return "true" if eq == (op == "=") else "false"
    d = lhs - rhs
    if d.is_Rational:
        val = d
    else:
        try:
            val = sympy.N(d, 50)
        except Exception:  # noqa: BLE001
            return "unknown"
        if not val.is_real or not val.is_number:
            return "unknown"
        if abs(val) < sympy.Float("1e-40"):
            return "unknown"  # equal to 40 digits: an inequality between them is not decided numerically
    res = {"<": val < 0, "<=": val <= 0, ">": val > 0, ">=": val >= 0}[op]
    return "true" if bool(res) else "false"


@lru_cache(maxsize=512)
def _inequality_set(lhs: Any, op: str, rhs: Any, var: Any) -> Any:
    """The real solutions of one inequality in ``var``: exactly for linear ones, else sympy's ``as_set`` (seconds on a
    rational inequality: remembered, since every later step re-solves its premises); None for a variable exponent,
    a degree over MAX_SOLVE_DEGREE or a large expansion (sympy would spin, in a thread)."""
    d = lhs - rhs
    if risky(d) or expand_terms(d) > EXPAND_TERMS or any(
            p.exp.is_Integer and abs(p.exp) > MAX_SOLVE_DEGREE for p in d.atoms(sympy.Pow)):
        return None
    d = sympy.expand(d)
    k, c = d.coeff(var, 1), d.coeff(var, 0)
    if k.is_number and c.is_number and k != 0 and sympy.expand(k * var + c - d) == 0 and op in ("<", "<=", ">", ">="):
        root = -c / k
        greater = op in (">", ">=")
        if k.is_negative:
            greater = not greater
        strict = op in ("<", ">")
        return sympy.Interval(root, sympy.oo, strict, True) if greater else sympy.Interval(-sympy.oo, root, True, strict)
    try:
        return getattr(sympy, _CMP[op])(lhs, rhs).as_set() if op in _CMP else sympy.Ne(lhs, rhs).as_set()
    except Exception:  # noqa: BLE001
        return None


_RECENT = 2  # a solved value is held against the equation it solves only while that is among the latest relations
# (and in the same step or the one before)
MAX_SOLVE_DEGREE = 12  # a polynomial relation of higher degree is not solved (no claim about it follows)


def solution_set(rels: list[Relation], var: Any) -> Any:
    """The set of real ``var`` satisfying every relation (one variable only), or None."""
    out: Any = sympy.S.Reals
    for lhs, op, rhs in rels:
        d = lhs - rhs
        if d.free_symbols - {var}:
            return None
        if op == "=":
            try:
                if any(p.exp.is_Integer and abs(p.exp) > MAX_SOLVE_DEGREE for p in d.atoms(sympy.Pow)):
                    return None
                if d.is_polynomial(var):
                    poly = sympy.Poly(d, var)
                    if poly.degree() > MAX_SOLVE_DEGREE:  # i^{2023} = i^3: sympy would factor for minutes
                        return None
                    roots = sympy.roots(poly)
                    if sum(roots.values()) != sympy.degree(d, var):
                        return None
                    st = sympy.FiniteSet(*[r for r in roots if r.is_real])
                else:
                    return None
            except (sympy.PolynomialError, ValueError, TypeError):
                return None
        else:
            st = _inequality_set(lhs, op, rhs, var)
            if st is None:
                return None
        out = sympy.Intersection(out, st)
    return out


def follows(premises: list[Relation], claim: Relation) -> Truth:
    """Does ``claim`` hold on every real solution of ``premises`` (one shared variable)?

    ``true`` when the premises' solution set lies inside the claim's; ``unknown`` for one case of a finite
    solution set, more than one variable, or anything unsolvable; otherwise ``false`` (the claim does
    not follow: a wrong transformation, a flipped inequality).
    """
    syms = set().union(*[(a - b).free_symbols for a, _, b in [*premises, claim]])
    if len(syms) != 1:
        return "unknown"
    (var,) = syms
    have = solution_set(premises, var)
    want = solution_set([claim], var)
    if have is None or want is None or have == sympy.S.EmptySet:
        return "unknown"
    try:
        if have.is_subset(want):
            return "true"
        if isinstance(want, sympy.FiniteSet) and want.is_subset(have):
            return "unknown"  # one case of the solutions (x = 2 of x^2 = 4): neutral
        inside = have.is_subset(want)
    except (TypeError, NotImplementedError):
        return "unknown"
    return "false" if inside is False else "unknown"


_MATH_SPANS_RE = re.compile(r"\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)
_HYPOTHETICAL_RE = re.compile(r"\b(?:suppose|assume|assuming|if|let|try|trying|test|testing|check|checking|guess|case)\b", re.I)


# a step that takes what it states as given: its relations are the writer's premise, not shown
_SUPPOSES_RE = re.compile(r"\b(?:suppose|supposing|assume|assuming|presume|presuming)\b", re.I)


# a step that plugs in or tries values ("for x = 1", "when", "setting", but not "set up"): what it states in a letter
# solves nothing
_TRIAL_RE = re.compile(r"(?<!solve\s)(?<!solving\s)\bfor\b|\b(?:when|whenever|at|plug\w*|substitut\w*|put|putting|"
                       r"evaluat\w*|(?:set|sets|setting)(?!\s+up\b)|whether|would|could|or|either|verify\w*|"
                       r"possible|possibly|cases?|example)\b", re.I)
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_COMMAND_RE = re.compile(r"\\[A-Za-z]+")
_RELATION_RE = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|equiv|approx)(?![a-zA-Z])")
# a step that says it concludes or solves ("so", "we get", "dividing")
_SOLVES_RE = re.compile(r"\b(?:so|thus|therefore|hence|gets?|got|gives?|giving|gave|yields?|means|must|implies|"
                        r"solv\w*|simplif\w*|divid\w*|multipl\w*|subtract\w*|add\w*|isolat\w*|rearrang\w*|"
                        r"find|finds|found|obtain\w*|leaves|results?|conclude\w*|confirm\w*)\b", re.I)


def _exact_roots(rel: Relation, var: Any) -> Any:
    """The real solutions of an equation in ``var`` when they are finitely many exact rationals (else None)."""
    got = solution_set([rel], var)
    if not isinstance(got, sympy.FiniteSet) or not got or not all(v.is_Rational for v in got):
        return None
    return got


def _rounded_whole(want: Any, have: Any) -> bool:
    """``want`` is the one solution of ``have``, not a whole number, rounded to the nearest one."""
    if len(want) != 1 or len(have) != 1:
        return False
    (v,), (s,) = want, have
    return bool(v.is_integer and not s.is_integer and abs(s - v) < sympy.Rational(1, 2))


def _degree(rel: Relation, var: Any) -> int:
    try:
        return sympy.Poly(rel[0] - rel[2], var).degree()
    except (sympy.PolynomialError, ValueError, TypeError):
        return MAX_SOLVE_DEGREE + 1


# a side that computes ("(1/4)*x + (1/3)*x", "0.79 * 0.79x", "(1/4)*(4*x)"), not one term already in lowest form
# ("(5/12)x", "x/2"): a sum or difference, a product of numbers, a product of groups
_SUM_OR_DIFFERENCE = re.compile(r"[\w)}.]\s*[-+]\s*[\w(\\.]")
_PRODUCT_OF_NUMBERS = re.compile(r"\d\s*(?:\*|×|\\cdot|\\times)\s*\(?\s*\d|\)\s*(?:\*|×|\\cdot|\\times)?\s*\(")


def like_terms_slip(lhs: Any, rhs: Any, a: str, b: str) -> str | None:
    """A wrong collection of like terms in one unknown: both sides one term in the same power of it
    ("(1/4)*x + (1/3)*x = (5/12)*x", "0.79 * 0.79x = 0.6161x", "(1/4)*(4*x) = x/2"), with different coefficients,
    and a side written as a computation. Read as an equation to solve it would hold only at 0, so it is a
    simplification, and a false one; an equation with a constant term ("3x + 2 = 5x + 2") or sides already in lowest
    form ("3x = 5x") is never judged here, nor a decimal coefficient within the rounding of the one written.
    Returns why, or None."""
    free = (lhs - rhs).free_symbols
    if len(free) != 1:
        return None
    (var,) = free
    name = str(var)
    if (not (lhs.has(var) and rhs.has(var)) or len(name) != 1 or name in "eiEI"
            or re.search(rf"\d{name}\d", a + " = " + b)):  # "8C2": a binomial, not a product
        return None
    terms = []
    for side in (lhs, rhs):
        side = sympy.expand(side)
        coeff, power = side.as_coeff_exponent(var)
        if not coeff.is_number or not (power.is_Integer and power > 0):
            return None
        if sympy.expand(coeff * var**power - side) != 0:
            return None
        terms.append((coeff, power))
    (ca, pa), (cb, pb) = terms
    if pa != pb:
        return None
    computed = [bool(_SUM_OR_DIFFERENCE.search(t) or _PRODUCT_OF_NUMBERS.search(t)
                     or len(re.findall(rf"(?<![A-Za-z\\]){re.escape(name)}(?![A-Za-z])", t)) > 1) for t in (a, b)]
    if not any(computed):
        return None
    # the result's rounding: half a unit of the last decimal place written on the side that is not a computation
    written = [t for t, c in zip((a, b), computed) if not c] or [a, b]
    places = [len(d) for t in written for d in re.findall(r"\d\.(\d+)", t)]
    tolerance = 0.5 * 10.0 ** -min(places) if places else 0.0
    try:
        gap = abs(complex(ca - cb))
    except TypeError:
        return None
    if gap <= max(tolerance, 1e-12 * max(abs(complex(ca)), 1.0)):
        return None
    return f"like terms collected: {sympy.sstr(ca * var**pa)} on one side, {sympy.sstr(cb * var**pb)} on the other"


def is_hypothetical(text: str) -> bool:
    """A step that only supposes or tries a relation cannot be refuted by derivation."""
    return bool(_HYPOTHETICAL_RE.search(sub_spans(_MATH_SPANS_RE, " ", text)))  # linear on unclosed \( runs


__all__ = ["INEXACT_RE", "STEP_POLICY", "constant_truth", "follows", "is_hypothetical", "like_terms_slip",
           "parse_chain", "rearranged", "solution_set", "standalone_letters"]


class Derivations:
    """Relations in one variable stated by earlier steps, to judge whether a later one follows.

    A relation joins the premises only when it was stated first for its variable (taken as given) or was
    itself shown to follow; a case (``x = 2`` of ``x^2 = 4``) or a refuted relation never does, so case
    analysis and later steps are judged against what was actually derived.
    """

    _given = False  # the problem's own relations (``given.Givens``): all stated before any step

    def __init__(self, policy: MathPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy
        self.by_var: dict[Any, list[Relation]] = {}
        self.linear: list[Any] = []  # lhs - rhs of consistent linear equations in several variables
        self.several: list[Any] = []  # lhs - rhs of equations in several variables, not refuted (rearranged later)
        self._several_steps: list[int] = []  # the step each of ``several`` was stated in
        self.written: set[str] = set()  # the equations stated, as written (``written_key``), both ways round
        self._pending: list[tuple[Relation, Truth, int]] = []  # recorded, with its step, not yet folded in (lazy)
        self._stated = 0  # relations recorded so far
        self._trial = False  # the current step supposes or plugs in values
        self.supposes = False  # the current step takes what it states as given ("assume", "suppose")
        self._solves = False  # the current step says it concludes or solves ("so", "we get", "dividing")
        self._case: Relation | None = None  # the relation just found a case of the last equation in its variable
        self._steps = 0  # steps begun
        self._lead: tuple[bool, bool] | None = None  # the step before was a lead-in ("we get:"): its trial, solves
        self._last: dict[Any, tuple[Relation, int, int]] = {}  # a variable's last relation, its place, its step
        self._alternatives = False  # the current step lists alternatives ("or", "either", "otherwise")
        self.solving = False  # the current step speaks of an equation or of solving one ("both sides")
        # the equation recorded last, as written: its sides' texts, its place, its step, and whether it was stated
        # in a trial or among alternatives (for :meth:`restated_side`)
        self._prev: tuple[Relation, tuple[str, str], int, int, bool] | None = None
        self.problem: Derivations | None = None  # the problem's own relations (``given.givens``): confirmation only
        # the letters the text uses as names on their own ("x", "a_1"), or None (all): an equation in several letters
        # is kept only in these (the letters of "12 pots \times 3 = 36" are a word's, not variables)
        self.letters: set[str] | None = None

    def _named(self, d: Any) -> bool:
        """Every one-letter name in ``d`` stands alone somewhere in the text (:func:`standalone_letters`)."""
        return self.letters is None or all(
            len(base := s.name.split("_")[0]) != 1 or base in self.letters for s in d.free_symbols)

    @staticmethod
    def _linear(d: Any) -> bool:
        syms = d.free_symbols
        try:
            return bool(syms) and d.is_polynomial(*syms) and sympy.Poly(d, *syms).total_degree() <= 1
        except (sympy.PolynomialError, ValueError, TypeError):
            return False

    def _system_value(self, rel: Relation) -> Truth:
        """Substitute the unique solution of the recorded linear equations (several variables)."""
        syms = (rel[0] - rel[2]).free_symbols
        if not self.linear or not syms:
            return "unknown"
        # the equations connected to the claim's symbols
        comp, eqs, grew = set(syms), [], True
        while grew:
            grew = False
            for d in self.linear:
                if d not in eqs and d.free_symbols & comp:
                    eqs.append(d)
                    comp |= d.free_symbols
                    grew = True
        if not eqs or len(comp) > 6:
            return "unknown"
        variables = sorted(comp, key=str)
        sol = sympy.linsolve(eqs, variables)
        if not isinstance(sol, sympy.FiniteSet) or len(sol) != 1:
            return "unknown"
        (vals,) = sol
        if any(vals[variables.index(v)].free_symbols for v in syms):
            # no value for the claim's letters, yet it may be what the equations add up to ("a + b = 8", "b + c =
            # -3", so "a - c = 11"): confirmed when it is a combination of them
            return "true" if rel[1] == "=" and _combination(rel[0] - rel[2], eqs, variables) else "unknown"
        point = dict(zip(variables, vals))
        from stepforge.verifiers.math.points import risky, truth_at

        if risky(rel[0], rel[2]):  # a variable exponent: bounded evaluation, never an exact power of any size
            return truth_at(rel[0], rel[1], rel[2], point)  # type: ignore[return-value]
        return constant_truth(rel[0].xreplace(point), rel[1], rel[2].xreplace(point), self.policy)

    @staticmethod
    def _var(rel: Relation) -> Any:
        syms = (rel[0] - rel[2]).free_symbols
        return next(iter(syms)) if len(syms) == 1 else None

    def judge(self, rel: Relation, hypothetical: bool = False, refute: bool = True,
              sides: tuple[str, str] | None = None) -> Truth:
        """``true`` / ``false`` against earlier relations in the same variable; ``unknown`` without them.
        A hypothetical step (suppose, try, if) is never refuted, nor is any step when ``refute`` is off
        (free text reuses letters and lists independent constraints: confirmation only). ``sides``: an equation's
        two sides as the step wrote them (an equation moved about, ``... = 176`` after ``... - 176 = 0``, is a step
        of work even where its terms are the same; written again as it was, it is not)."""
        self._flush()
        var = self._var(rel)
        if rel[1] == "!=" or _undefined(rel):
            return "unknown"
        verdict = self._system_value(rel) if self.linear else "unknown"
        if verdict == "true":
            return verdict
        if var is None:
            # moved about or scaled, not stated again as it was: a repeated equation is no more true for it
            new = rel[0] - rel[2]
            # the same terms moved about count as work only on an equation of an earlier step or of the problem: in
            # its own step ("12t = 3s + 2s, which simplifies to 12t = 5s") it says nothing of the unchecked one
            moved = sides is not None and bool(self.several) and equation_key(sides) not in self.written
            if rel[1] == "=" and any(
                    (new not in (d, -d) or (moved and (self._given or at < self._steps))) and rearranged(new, d)
                    for d, at in zip(self.several, self._several_steps)):
                return "true"
            return "unknown" if (hypothetical or not refute) else verdict
        prem = self.by_var.get(var)
        if not prem:
            return "unknown"
        verdict = follows(prem, rel)
        if verdict == "false" and (hypothetical or not refute):
            return "unknown"
        return verdict

    def write(self, sides: tuple[str, str]) -> None:
        """Remember an equation as written, both ways round (``written``)."""
        self.written |= {equation_key(sides), equation_key((sides[1], sides[0]))}

    def from_problem(self, rel: Relation, sides: tuple[str, str] | None = None) -> bool:
        """The relation restates or follows from the problem's own relations (never a refutation by them). An equation
        the steps already wrote so is written again, not moved about (``judge``'s ``sides``)."""
        if sides is not None and equation_key(sides) in self.written:
            sides = None
        return (self.problem is not None and rel[1] != "!="
                and self.problem.judge(rel, refute=False, sides=sides) == "true")

    def step(self, text: str) -> None:
        """A new step begins. A step that supposes, tries or plugs in a value ("for x = 1", "when", "if"), or that does
        not say it concludes or solves ("so", "we get", "dividing", "\\implies"), states no solved value
        (:meth:`contradicts_solution`)."""
        prose = sub_spans(_MATH_SPANS_RE, " ", text)
        trial = is_hypothetical(text) or bool(_TRIAL_RE.search(prose))
        solves = bool(_SOLVES_RE.search(prose)) or "\\implies" in text or "\\Rightarrow" in text
        self.supposes = bool(_SUPPOSES_RE.search(prose))
        lead, self._lead = self._lead, None
        if lead is not None and not _WORD_RE.search(_COMMAND_RE.sub(" ", prose)):
            # a formula alone after its lead-in ("Multiplying both sides by 100, we get:", then "x = 20"): one step
            # with it, said as the lead-in says it
            self._trial, self._solves = trial or lead[0], solves or lead[1]
            return
        self._steps += 1
        self._trial, self._solves = trial, solves
        self._alternatives = bool(_ALTERNATIVES_RE.search(prose))
        self.solving = bool(_EQUATION_WORDS_RE.search(prose))
        if text.rstrip().endswith(":") and not _RELATION_RE.search(text):
            self._lead = (trial, solves)

    def contradicts_solution(self, rel: Relation) -> Relation | None:
        """A slip in solving: ``x = 7`` or ``2x = 13`` right after ``2x + 5 = 17``. The relation is an equation in one
        variable whose exact solutions neither lie among nor include those of the equation last stated in that
        variable (no step of solving it, squaring or dividing, does that): that one among the latest relations (this
        step or the one before), not refuted, not stated in a trial, not already solved for the variable, its side
        in the variable not repeated (a list of equations); and the step says it concludes or solves. Only then is a
        derivation refuted: elsewhere free text reuses letters, so what does not follow stays neutral. Returns the
        equation it contradicts, or None."""
        if rel[1] != "=" or (var := self._var(rel)) is None:
            return None
        last = self._last.get(var)
        if last is None or last[1] < self._stated - _RECENT or last[2] < self._steps - 1:
            return None
        (a, o, b), _, _ = last
        if o != "=" or var in (a, b):
            return None  # an inequality, or a value already solved for (a new case may follow)
        if any(side.has(var) and side in (rel[0], rel[2]) for side in (a, b)):
            return None  # its side in the variable again: a list of equations ("49 - 4c = 1, 49 - 4c = 9")
        have, want = _exact_roots((a, o, b), var), _exact_roots(rel, var)
        if have is None or want is None:
            return None
        if want.is_subset(have):
            if var in (rel[0], rel[2]):  # one of its solutions: solved, and a later value starts a new case
                del self._last[var]
            elif want != have:  # a case ("x - 7 = 0" of "(x - 7)(x + 2) = 0"): the next case is held against it too
                self._case = rel
            return None
        if _degree(rel, var) > _degree((a, o, b), var):
            return None  # not a step of solving that equation (x - 6 = 0, then x^2 = 9): a new one
        if var in (rel[0], rel[2]) and _rounded_whole(want, have):
            return None  # "423x = 10000, so x = 24": 23.64... rounded to a whole number (minutes, people), no slip
        slip = not have.is_subset(want) and self._solves and not self._trial  # no transformation does that
        return (a, o, b) if slip else None

    def redefines_solved(self, rel: Relation) -> Relation | None:
        """A variable set to a constant right after a step (or this one) solved it to another: ``-135 = x``, then
        ``x = \\frac{-135}{-135}`` ("divide both sides by -135"). A slip in solving, or a new case the text does not
        name: either way the later value is not shown, so the caller leaves it neutral and says so, never confirmed
        by what follows from it. Never in a trial or among alternatives. Returns the earlier relation, or None."""
        if rel[1] != "=" or (var := self._var(rel)) is None or self._trial or self._alternatives:
            return None
        if var not in (rel[0], rel[2]):
            return None
        new = rel[2] if rel[0] == var else rel[0]
        last = self._last.get(var)
        if new.free_symbols or last is None or last[1] < self._stated - _RECENT or last[2] < self._steps - 1:
            return None
        (a, o, b), _, _ = last
        if o != "=" or var not in (a, b):
            return None
        old = b if a == var else a
        if old.free_symbols:
            return None
        try:
            differ = sympy.nsimplify(old - new) != 0 and (old - new).is_zero is False
        except (TypeError, ValueError, sympy.SympifyError):
            return None
        return (a, o, b) if differ else None

    def restated_side(self, rel: Relation, a: str, b: str) -> tuple[str, str] | None:
        """An equation that sets again the side in the unknown of the equation recorded just before (this step or the
        one before), now equal to a bare number where that one had a computation on numbers ("1210 - 640 - 540 =
        3x", then "230 = 3x"): the two constants must be equal, as the display chain ``O = 22 \\times 16``, ``O =
        328`` is read. Returns (the computation, the number) when they differ exactly, else None. Never in a trial,
        among alternatives ("or", cases), on decimals, nor for a bare unknown ("x = \\frac{6+2}{2}", then "x = 2":
        two roots)."""
        prev = self._prev
        if prev is None or rel[1] != "=" or self._trial or self._alternatives:
            return None
        (pa, _, pb), (ta, tb), stated, step, doubtful = prev
        if doubtful or stated != self._stated or step < self._steps - 1:
            return None
        new, old = _constant_side(rel[0], rel[2], a, b), _constant_side(pa, pb, ta, tb)
        if new is None or old is None or new[2] != old[2] or new[2].is_Symbol:
            return None
        if (not _BARE_NUMBER_RE.fullmatch(new[0]) or not _COMPUTES_RE.search(old[0])
                or INEXACT_RE.search(new[0] + " " + old[0])
                or re.search(r"[A-Za-z]", _TEX_COMMAND_RE.sub(" ", old[0]))):  # numbers alone, no letter cancelled
            return None
        if not (new[1].is_Rational and old[1].is_Rational) or new[1] == old[1]:
            return None
        return old[0].strip(), new[0].strip()

    def record(self, rel: Relation, verdict: Truth, texts: tuple[str, str] | None = None) -> None:
        """Remember a stated relation; folded in (solved) only when a later step needs ``judge``. A relation
        with a division by zero or an undefined value (``x/0 = 3``) is never a premise: nothing follows from it.
        ``texts``: an equation's two sides as written (for :meth:`restated_side`)."""
        self._stated += 1
        if texts is not None and rel[1] == "=":
            self.write(texts)
        self._prev = None if texts is None or rel[1] != "=" or verdict == "false" else (
            rel, texts, self._stated, self._steps, self._trial or self._alternatives)
        if _undefined(rel):
            return
        self._pending.append((rel, verdict, self._steps))
        case, self._case = self._case is rel, None
        if (var := self._var(rel)) is not None and case:
            self._last[var] = (self._last[var][0], self._stated, self._steps)
        elif var is not None and verdict != "false" and not self._trial:
            self._last[var] = (rel, self._stated, self._steps)
        elif var is not None:  # a refuted relation, or one stated in a trial (values plugged in): nothing to solve
            self._last.pop(var, None)

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        for rel, verdict, step in pending:
            self._fold(rel, verdict, step)

    def _fold(self, rel: Relation, verdict: Truth, step: int = 0) -> None:
        d = rel[0] - rel[2]
        if rel[1] == "=" and verdict != "false" and self._linear(d) and d not in self.linear:
            try:
                consistent = sympy.linsolve([*self.linear, d], sorted(set().union(d.free_symbols, *[e.free_symbols for e in self.linear]), key=str))
            except (ValueError, TypeError):
                consistent = sympy.S.EmptySet
            if consistent != sympy.S.EmptySet and len(self.linear) < 40:
                self.linear.append(d)
        var = self._var(rel)
        if (var is None and rel[1] == "=" and verdict != "false" and len(d.free_symbols) > 1
                and d not in self.several and len(self.several) < _MAX_SEVERAL and self._named(d) and (
                    verdict == "true" or not any(e.free_symbols == d.free_symbols for e in self.several))):
            # as in one letter: the first equation in these letters is the one the work starts from; an unchecked
            # one after it may be the slip, and nothing is confirmed by it
            self.several.append(d)
            self._several_steps.append(step)
        if var is None or rel[1] == "!=":
            return
        prem = self.by_var.setdefault(var, [])
        if not prem or verdict == "true":
            if solution_set([rel], var) is not None:
                prem.append(rel)


_STANDALONE_LETTER = re.compile(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])")


@lru_cache(maxsize=4096)
def written_key(tex: str) -> str:
    """A relation's text with its notation-only parts (spacing, sizing, ``\\dfrac``, a group of one character:
    ``\\frac{104}3`` and ``\\frac{104}{3}``, ``x^{2}`` and ``x^2``) ignored: ``latex.clean``."""
    return _ONE_CHAR_GROUP.sub(r"\1", re.sub(r"\s+", "", clean(tex))).rstrip(".,;")


def equation_key(sides: tuple[str, str]) -> str:
    """An equation's two sides as written, as one key (:func:`written_key`): how ``Derivations.written`` holds it."""
    return f"{written_key(sides[0])}={written_key(sides[1])}"


_ONE_CHAR_GROUP = re.compile(r"\{(\w)\}")


def standalone_letters(texts: list[str]) -> set[str]:
    """The letters that stand alone in ``texts`` ("x" in "2x + y", "a" in "a_1"; none of the letters of "pots" or
    "\\frac"): the ones a solution may use as variables."""
    return {m.group() for t in texts for m in _STANDALONE_LETTER.finditer(t)}


def _combination(d: Any, eqs: list[Any], variables: list[Any]) -> bool:
    """``d`` is a linear combination of ``eqs`` (each ``lhs - rhs`` of a linear equation): ``d = 0`` follows from them."""
    if not Derivations._linear(d) or not d.free_symbols <= set(variables) or any(d in (e, -e) for e in eqs):
        return False  # one of them stated again is no more true for it
    cs = [sympy.Dummy() for _ in eqs]
    rest = sympy.expand(d - sum(c * e for c, e in zip(cs, eqs)))
    conditions = [rest.coeff(v) for v in variables] + [rest.subs({v: 0 for v in variables})]
    try:
        return sympy.linsolve(conditions, cs) != sympy.S.EmptySet
    except (ValueError, TypeError, NotImplementedError):
        return False


_MAX_SEVERAL = 40
_MAX_REARRANGED_OPS = 120  # a larger pair is not divided (sympy's cancel grows with the terms)


def rearranged(d: Any, base: Any) -> bool:
    """``d = 0`` is ``base = 0`` moved about and scaled: their quotient is a nonzero constant ("x^2 - 14x + y^2 - 48y =
    0" and "(x - 7)^2 + (y - 24)^2 = 625"; "x(x + 5) = -n" and "x^2 + 5x + n = 0"). Confirmation only: an equation
    that is not a rearrangement may still follow."""
    if not d.free_symbols or d.free_symbols != base.free_symbols or risky(d) or risky(base):
        return False
    if sympy.count_ops(d) + sympy.count_ops(base) > _MAX_REARRANGED_OPS:
        return False
    try:
        q = sympy.cancel(sympy.together(d / base))
    except Exception:  # noqa: BLE001 - sympy's polynomial code on an odd expression: not shown
        return False
    return bool(q.is_number and q.is_finite and q != 0)


_EQUATION_WORDS_RE = re.compile(r"\b(?:equations?|both sides|solv\w*)\b", re.I)
_ALTERNATIVES_RE = re.compile(r"\b(?:or|either|otherwise|alternatively|cases?)\b", re.I)
_TEX_COMMAND_RE = re.compile(r"\\(?:text|mathrm)\s*\{[^{}]*\}|\\[A-Za-z]+")  # units and operators
_BARE_NUMBER_RE = re.compile(r"\s*+-?\s*+\d++\s*+[.,;]?\s*+")  # possessive: linear on any run
_COMPUTES_RE = re.compile(r"\d\s*(?:[-+*/×÷]|\\(?:cdot|times|div)(?![a-zA-Z]))\s*\(?\s*\d")
#: a value written inexactly (a decimal, an ellipsis, an approximation): it may be rounded, so no slip is read in it
INEXACT_RE = re.compile(r"\d\.\d|\.\.\.|\\[lc]?dots|\\approx|≈")


def _constant_side(lhs: Any, rhs: Any, a: str, b: str) -> tuple[str, Any, Any] | None:
    """For an equation with one side constant and the other in unknowns: the constant side's text, its value, and
    the other side (else None)."""
    if lhs.free_symbols and not rhs.free_symbols:
        return b, rhs, lhs
    if rhs.free_symbols and not lhs.free_symbols:
        return a, lhs, rhs
    return None


def _undefined(rel: Relation) -> bool:
    try:
        return any(side.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) for side in (rel[0], rel[2]))
    except Exception:  # noqa: BLE001 - not a sympy expression: nothing to carry
        return True


__all__ += ["Derivations"]
