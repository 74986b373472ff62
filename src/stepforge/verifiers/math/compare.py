"""Equivalence of typed answers: exact arithmetic first (in process), sympy with a symbolic proof last.

Every function returns ``(equal, rule, detail)``; the rule names what decided. Tolerances apply only where
the policy and the way a number was written allow it (see ``MathPolicy``); the same number rules serve the
step checker (``values_equal``, ``number_close``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from stepforge.verifiers.math import evaluate as E
from stepforge.verifiers.math import exact as X
from stepforge.verifiers.math.errors import GuardError, ParseError, need_general
from stepforge.verifiers.math.exact import NotExact
from stepforge.verifiers.math.latex import Node, has, symbols
from stepforge.verifiers.math.parse import Answer, Scalar, as_time
from stepforge.verifiers.math.policy import MathPolicy

Result = tuple[bool, str, str]
_PI_180 = ("div", ("const", "pi"), ("num", Fraction(180)))
_INF = {("const", "oo"): 1, ("neg", ("const", "oo")): -1}


@dataclass
class Ctx:
    """One judgement's settings: the policy, the random seed (evidence) and what the problem asked."""

    policy: MathPolicy
    seed: int
    problem: Any = None


def make_ctx(policy: MathPolicy, problem: Any = None, seed: int | None = None) -> Ctx:
    return Ctx(policy, E.new_seed() if seed is None else seed, problem)


# ------------------------------------------------------------------------------------------- values

def _times(s: Scalar, factor: Node) -> Scalar:
    if s.node is not None:
        return replace(s, node=("mul", (s.node, factor)))
    from stepforge.verifiers.math.policy import DEFAULT_POLICY
    from stepforge.verifiers.math.symbolic import to_sympy

    return replace(s, sym=s.sym * to_sympy(factor, DEFAULT_POLICY))


def values_equal(g: Scalar, p: Scalar, ctx: Ctx) -> Result:
    """Same value (no percent/degree/unit reading): exact engine, else sympy with a proof."""
    if g.node is not None and p.node is not None:
        eq, rule, detail = E.identical(g.node, p.node, ctx.policy, ctx.seed)
        if eq is False:
            renamed = _renamed(g.node, p.node, ctx)
            if renamed is not None:
                return renamed
        if eq is not None:
            return eq, rule, detail
    need_general("symbolic comparison")
    from stepforge.verifiers.math.symbolic import expr_equal
    from stepforge.verifiers.math.views import scalar_sympy

    return expr_equal(scalar_sympy(g, ctx.policy, raw=True), scalar_sympy(p, ctx.policy, raw=True), ctx.policy, ctx.seed)


def _renamed(g: Node, p: Node, ctx: Ctx) -> Result | None:
    """Arbitrary constants written with other names (C vs C_1 vs K) match; other renamings only by policy."""
    import itertools
    import re

    dg, dp = symbols(g) - symbols(p), symbols(p) - symbols(g)
    if not dg or len(dg) != len(dp) or len(dg) > 3:
        return None
    # the gold names its arbitrary constants (C, C_1, K, c_2): only those may be renamed by the pred
    const = re.compile(r"^[CKck](?:_\{?\d+\}?)?$")
    if not ctx.policy.rename_variables and not all(const.match(n) for n in dg):
        return None
    dg_l = sorted(dg)
    for perm in itertools.permutations(sorted(dp)):
        q = rename(p, dict(zip(perm, dg_l)))
        eq, rule, _ = E.identical(g, q, ctx.policy, ctx.seed)
        if eq:
            tag = "renamed_variables" if ctx.policy.rename_variables else "renamed_constants"
            return True, f"{tag}:{rule}", f"{list(perm)} -> {dg_l}"
    return None


def rename(node: Node, mapping: dict[str, str]) -> Node:
    """A tree with symbols renamed."""
    k = node[0]
    if k == "sym":
        return ("sym", mapping.get(node[1], node[1]))
    if k in ("num", "const", "mix"):
        return node
    if k in ("add", "mul"):
        return (k, tuple(rename(a, mapping) for a in node[1]))
    if k in ("fn", "app"):
        return (k, node[1], tuple(rename(a, mapping) for a in node[2]))
    return tuple(rename(a, mapping) if isinstance(a, tuple) else a for a in node)


def _numeric(s: Scalar, policy: MathPolicy) -> Any:
    """A 50-digit complex value of a constant scalar, or None (symbols, undefined)."""
    if s.node is not None:
        if symbols(s.node):
            return None
        try:
            return E.numeric(s.node, policy, 50)
        except (NotExact, ZeroDivisionError):
            pass
    need_general("numeric value")
    import sympy

    from stepforge.verifiers.math.views import scalar_sympy

    e = scalar_sympy(s, policy, raw=True)
    if e.free_symbols:
        return None
    try:
        v = complex(sympy.N(e, 50))
    except (TypeError, ValueError):
        return None
    import mpmath

    return mpmath.mpc(v)


def finite_decimal(q: Fraction) -> bool:
    """Has the rational ``q`` a finite decimal expansion (its denominator has no prime but 2 and 5)?"""
    d = q.denominator
    for f in (2, 5):
        while d % f == 0:
            d //= f
    return d == 1


def _terminating(s: Scalar, policy: MathPolicy) -> bool | None:
    """Has the exact value a finite decimal expansion? (None: unknown)"""
    finite = finite_decimal
    if s.node is not None and not symbols(s.node):
        try:
            q = E.value(s.node, policy).as_rational()
            return finite(q) if q is not None else False  # an exact value with radicals or pi is irrational
        except (NotExact, ZeroDivisionError):
            pass
    if s.sym is not None or s.node is not None:
        need_general("rationality")
        from stepforge.verifiers.math.views import scalar_sympy

        e = scalar_sympy(s, policy, raw=True)
        if e.is_Rational:
            return finite(Fraction(int(e.p), int(e.q)))
        if e.is_rational is False:
            return False
    return None


def _half_ulp(a: Any, b: Any, ulp: Fraction) -> bool:
    if a is None or b is None or a.imag != 0 or b.imag != 0:
        return False
    return abs(a.real - b.real) * 2 <= ulp.numerator / ulp.denominator * (1 + 1e-30)


def _tolerance(gs: Scalar, ps: Scalar, g: Scalar, p: Scalar, ctx: Ctx) -> Result | None:
    """Decimal readings: only where a side is written (or declared) as an approximation."""
    pol = ctx.policy
    approx_problem = bool(ctx.problem is not None and ctx.problem.approximate)
    g_dec, p_dec = g.ulp is not None, p.ulp is not None
    if not g_dec and not p_dec:
        return None
    try:
        gv, pv = _numeric(gs, pol), _numeric(ps, pol)
    except ParseError:
        return None
    if gv is None or pv is None:
        return None
    if g_dec:
        declared = g.approx or approx_problem or (pol.gold_decimals == "rounded" and g.sig_digits >= pol.gold_decimal_min_digits)
        if pol.gold_decimals != "exact" and declared and _half_ulp(gv, pv, g.ulp):  # type: ignore[arg-type]
            return True, "gold_decimal_precision", f"within half of {g.ulp} (the gold is approximate)"
        if pol.gold_decimals == "auto" and not p_dec and not p.decimals and g.sig_digits >= pol.gold_decimal_min_digits:
            if _terminating(ps, pol) is False and _half_ulp(gv, pv, g.ulp):  # type: ignore[arg-type]
                return True, "gold_decimal_precision", f"the exact pred rounds to the gold at {g.ulp}"
    if p_dec and pol.pred_decimals and not g_dec and not g.decimals and p.sig_digits >= pol.pred_decimal_min_digits:
        if _terminating(gs, pol) is False and _half_ulp(gv, pv, p.ulp):  # type: ignore[arg-type]
            return True, "pred_decimal_rounding", f"the exact gold rounds to the pred at {p.ulp}"
    return None


def _candidates(g: Scalar, p: Scalar, pol: MathPolicy) -> list[tuple[Scalar, Scalar, str]] | str:
    """The readings to compare (percent and degree conventions), or the reason the policy refuses."""
    pairs: list[tuple[Scalar, Scalar, str]] = []
    if g.percent and p.percent:
        pairs.append((g, p, ""))
    elif g.percent or p.percent:
        if pol.percent == "strict":
            return "percent sign on one side only"
        pct, other = (g, p) if g.percent else (p, g)
        readings = []
        if pol.percent in ("lenient", "fraction"):
            readings.append((_times(pct, ("num", Fraction(1, 100))), "percent"))
        if pol.percent in ("lenient", "number"):
            readings.append((pct, "percent_number"))
        for val, tag in readings:
            pairs.append((val, other, tag) if g.percent else (other, val, tag))
    else:
        pairs.append((g, p, ""))
    if g.degree == p.degree:
        return pairs
    out = []
    deg = g if g.degree else p
    as_number = deg.node is None or not has(deg.node, {"const"})  # (pi/4) degrees is not the number pi/4
    for a, b, tag in pairs:
        if as_number:
            out.append((a, b, tag or "degree"))
        if pol.degrees_as_radians:
            out.append((_times(a, _PI_180), b, "degree_radian") if g.degree else (a, _times(b, _PI_180), "degree_radian"))
    return out


def scalar_equal(g: Scalar, p: Scalar, ctx: Ctx) -> Result:
    pol = ctx.policy
    if pol.units != "ignore":
        gd = g.unit is not None and g.unit.dim != "count"
        pd = p.unit is not None and p.unit.dim != "count"
        if gd and pd:
            if g.unit.dim != p.unit.dim:  # type: ignore[union-attr]
                return False, "units", f"{g.unit.name} vs {p.unit.name}"  # type: ignore[union-attr]
            if g.unit.factor != p.unit.factor:  # type: ignore[union-attr]
                g = _times(g, ("num", g.unit.factor))  # type: ignore[union-attr]
                p = _times(p, ("num", p.unit.factor))  # type: ignore[union-attr]
        elif pol.units == "require" and gd and not pd:
            return False, "units_policy", f"the pred has no unit (gold: {g.unit.name})"  # type: ignore[union-attr]
    if not pol.unreduced_fractions and p.fraction and math.gcd(*p.fraction) != 1 and (
            (g.fraction and math.gcd(*g.fraction) == 1) or (not g.fraction and g.literal)):
        return False, "unreduced_fraction_policy", "pred fraction not in lowest terms"
    cands = _candidates(g, p, pol)
    if isinstance(cands, str):
        return False, "percent_policy", cands
    last: Result = (False, "not_equal", "")
    for gs, ps, tag in cands:
        res = values_equal(gs, ps, ctx)
        if not res[0]:
            tol = _tolerance(gs, ps, g, p, ctx)
            if tol is not None:
                res = tol
        if res[0]:
            return True, f"{res[1]}+{tag}" if tag else res[1], res[2]
        last = res
    return last


def number_close(exact_tree: Node, decimal: str, policy: MathPolicy) -> bool | None:
    """Is the written decimal ``decimal`` the exact value correctly rounded (the one rounding rule of answers,
    shared with the step checker)? None when the exact value cannot be evaluated here."""
    try:
        v = E.numeric(exact_tree, policy, 50)
    except (NotExact, ZeroDivisionError):
        return None
    lit = Fraction(decimal)
    places = len(decimal.split(".")[1]) if "." in decimal else 0
    return _half_ulp(v, _mpc(lit), Fraction(1, 10**places))


def _mpc(q: Fraction) -> Any:
    ctx = X._ctx(50)
    return ctx.mpc(ctx.mpf(q.numerator) / q.denominator)


# ---------------------------------------------------------------------------------------- structures

def _interval_list(a: Answer) -> list[tuple[Scalar, Scalar, bool, bool]] | None:
    if a.kind == "interval":
        return [a.value[0]]
    if a.kind == "pair":
        lo, hi = a.value
        return [(lo, hi, True, True)]
    if a.kind == "union":
        return list(a.value)
    return None


def _inf(s: Scalar) -> int:
    return _INF.get(s.node, 0) if s.node is not None else 0


def _order_key(s: Scalar, policy: MathPolicy) -> float:
    i = _inf(s)
    if i:
        return math.inf * i
    try:
        v = _numeric(s, policy)
        return float(v.real) if v is not None else 0.0
    except (ParseError, TypeError, ValueError):
        return 0.0


def _ends_equal(x: Scalar, y: Scalar, ctx: Ctx) -> bool:
    ix, iy = _inf(x), _inf(y)
    if ix or iy:
        return ix == iy
    return scalar_equal(x, y, ctx)[0]


def _canonical(pieces: list, ctx: Ctx) -> list:
    """Pieces sorted by value; touching or overlapping pieces merged ((0,1] and (1,2) is (0,2))."""
    pol = ctx.policy
    items = sorted(pieces, key=lambda t: (_order_key(t[0], pol), _order_key(t[1], pol)))
    out: list = []
    for lo, hi, lo_o, hi_o in items:
        if out:
            plo, phi, plo_o, phi_o = out[-1]
            kp, kl = _order_key(phi, pol), _order_key(lo, pol)
            touching = _ends_equal(phi, lo, ctx) and not (phi_o and lo_o)
            if kl < kp and not _ends_equal(phi, lo, ctx) or touching:
                if _order_key(hi, pol) > kp or (_ends_equal(hi, phi, ctx) and not hi_o):
                    out[-1] = (plo, hi, plo_o, hi_o)
                continue
        out.append((lo, hi, lo_o, hi_o))
    return out


def _intervals_equal(gl: list, pl: list, ctx: Ctx) -> Result:
    gl, pl = _canonical(gl, ctx), _canonical(pl, ctx)
    if len(gl) != len(pl):
        return False, "interval", "different number of pieces"
    for (a, b, ao, bo), (c, d, co, do) in zip(gl, pl):
        if (ao, bo) != (co, do):
            if not ((_inf(a) == -1 and _inf(c) == -1 and bo == do) or (_inf(b) == 1 and _inf(d) == 1 and ao == co)):
                return False, "interval", "different endpoint openness"
        for x, y in ((a, c), (b, d)):
            if not _ends_equal(x, y, ctx):
                return False, "interval", f"endpoint {x.text or x.node} vs {y.text or y.node}"
    return True, "interval", ""


def _match_unordered(gs: list[Answer], ps: list[Answer], ctx: Ctx) -> bool:
    if len(gs) != len(ps):
        return False
    used = [False] * len(ps)

    def rec(i: int) -> bool:
        if i == len(gs):
            return True
        for j, pj in enumerate(ps):
            if not used[j] and answer_equal(gs[i], pj, ctx)[0]:
                used[j] = True
                if rec(i + 1):
                    return True
                used[j] = False
        return False

    return rec(0)


_OPS = {"<": (True, False), "<=": (False, False), ">": (True, True), ">=": (False, True)}


def _diff(lhs: Scalar, rhs: Scalar) -> Node | None:
    if lhs.node is None or rhs.node is None:
        return None
    return ("add", (lhs.node, ("neg", rhs.node)))


def _linear_pieces(a: Answer, policy: MathPolicy) -> list | None:
    """A chain of linear one-variable inequalities as interval pieces, exactly (no solver)."""
    if a.kind != "inequality":
        return None
    names: set[str] = set()
    diffs = []
    for lhs, op, rhs in a.value:
        d = _diff(lhs, rhs)
        if d is None or op not in _OPS and op != "!=":
            return None
        names |= symbols(d)
        diffs.append((d, op))
    if len(names) != 1:
        return None
    (x,) = names
    lo: Any = None  # (Value, open) or None for -oo
    hi: Any = None
    holes = []
    try:
        for d, op in diffs:
            c = E.value(d, policy, E.Point({x: Fraction(0)}, {}, {}, {}, {}))
            k = X.add(E.value(d, policy, E.Point({x: Fraction(1)}, {}, {}, {}, {})), X.neg(c))
            check = E.value(d, policy, E.Point({x: Fraction(3, 7)}, {}, {}, {}, {}))
            if not X.add(check, X.neg(X.add(c, X.mul(k, X.Value.rational(Fraction(3, 7)), policy.max_int_bits)))).is_zero():
                return None
            sk = X.sign(k)
            if sk == 0:
                return None
            root = X.mul(X.neg(c), X.inverse(k, policy.max_int_bits), policy.max_int_bits)
            if op == "!=":
                holes.append(root)
                continue
            strict, greater = _OPS[op]
            if sk < 0:
                greater = not greater
            if greater:
                if lo is None or X.compare(root, lo[0]) > 0 or (X.compare(root, lo[0]) == 0 and strict):
                    lo = (root, strict)
            else:
                if hi is None or X.compare(root, hi[0]) < 0 or (X.compare(root, hi[0]) == 0 and strict):
                    hi = (root, strict)
    except (NotExact, ZeroDivisionError):
        return None
    if lo is not None and hi is not None:
        c = X.compare(lo[0], hi[0])
        if c > 0 or (c == 0 and (lo[1] or hi[1])):
            return []
    def sc(v: Any) -> Scalar:
        return Scalar(E.node_of(v), "")
    pieces = [(sc(lo[0]) if lo else _neg_inf(), sc(hi[0]) if hi else _pos_inf(), lo[1] if lo else True, hi[1] if hi else True)]
    for h in holes:
        new = []
        for plo, phi, plo_o, phi_o in pieces:
            inside = True
            if plo.node not in _INF and X.compare(h, E.value(plo.node, policy)) <= 0:
                inside = False
            if phi.node not in _INF and X.compare(h, E.value(phi.node, policy)) >= 0:
                inside = False
            if inside:
                new.extend([(plo, sc(h), plo_o, True), (sc(h), phi, True, phi_o)])
            else:
                new.append((plo, phi, plo_o, phi_o))
        pieces = new
    return pieces


def _neg_inf() -> Scalar:
    return Scalar(("neg", ("const", "oo")), "-\\infty")


def _pos_inf() -> Scalar:
    return Scalar(("const", "oo"), "\\infty")


def solved(a: Answer) -> bool:
    """An inequality (or an "or" of them) with the bare variable on one side and constants on the other."""
    if a.kind == "inequality_or":
        return all(solved(x) for x in a.value)
    if a.kind != "inequality":
        return False
    names: set[str] = set()
    for lhs, _, rhs in a.value:
        sides = [x for x in (lhs, rhs) if x.node is not None and symbols(x.node)]
        if len(sides) != 1 or sides[0].node[0] != "sym":
            return False
        names.add(sides[0].node[1])
        other = rhs if sides[0] is lhs else lhs
        if other.node is None or symbols(other.node):
            return False
    return len(names) == 1


def _relation_pieces(a: Answer, ctx: Ctx) -> list | None:
    if a.kind == "inequality_or":
        out: list = []
        for part in a.value:
            pc = _relation_pieces(part, ctx)
            if pc is None:
                return None
            out.extend(pc)
        return out
    fast = _linear_pieces(a, ctx.policy)
    if fast is not None:
        return fast
    need_general("inequality solving")
    from stepforge.verifiers.math.views import relation_set

    st = relation_set(a, ctx.policy)
    if st is None:
        return None
    return _sympy_set_pieces(st)


def _sympy_set_pieces(st: Any) -> list | None:
    import sympy

    pieces = st.args if isinstance(st, sympy.Union) else (st,)
    out = []
    for pc in pieces:
        if isinstance(pc, sympy.Interval):
            out.append((_sym_scalar(pc.start), _sym_scalar(pc.end), bool(pc.left_open), bool(pc.right_open)))
        elif pc == sympy.S.Reals:
            out.append((_neg_inf(), _pos_inf(), True, True))
        elif isinstance(pc, sympy.FiniteSet):
            out.extend((_sym_scalar(x), _sym_scalar(x), False, False) for x in pc)
        elif pc == sympy.S.EmptySet:
            continue
        else:
            return None
    return out


def _sym_scalar(e: Any) -> Scalar:
    import sympy

    if e == sympy.oo:
        return _pos_inf()
    if e == -sympy.oo:
        return _neg_inf()
    return Scalar(None, str(e), sym=e)


def _ineq_equal(g: Answer, p: Answer, ctx: Ctx) -> Result:
    gl, pl = _relation_pieces(g, ctx), _relation_pieces(p, ctx)
    if gl is not None and pl is not None:
        return _intervals_equal(gl, pl, ctx)[0], "inequality_set", ""
    if len(g.value) != len(p.value):
        return False, "inequality", "different chain length"
    flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "!=": "!="}
    for (a, op, b), (c, op2, d) in zip(g.value, p.value):
        if op2 != op:
            c, op2, d = d, flip[op2], c
        if op2 != op:
            return False, "inequality", "different relation"
        if not _ratio_constant(_diff(a, b), _diff(c, d), ctx, positive=op != "!="):
            return False, "inequality", ""
    return True, "inequality", ""


def _ratio_constant(gd: Node | None, pd: Node | None, ctx: Ctx, positive: bool) -> bool:
    """gd / pd is a nonzero constant (positive when asked): scaled or rearranged relations."""
    pol = ctx.policy
    if gd is not None and pd is not None:
        names = sorted(symbols(gd) | symbols(pd))
        if not names:
            return False
        rng = random.Random(ctx.seed)
        ratio = None
        good = 0
        try:
            for _ in range(pol.numeric_points * 3):
                vals = {n: E._random_value(rng, True) for n in names}
                pt = E.Point(vals, {}, {}, {}, {})
                try:
                    a, b = E.value(gd, pol, pt), E.value(pd, pol, pt)
                except ZeroDivisionError:
                    continue
                if pt.branchy:
                    raise NotExact("branchy")
                if b.is_zero() or a.is_zero():
                    if a.is_zero() and b.is_zero():
                        continue
                    return False
                r = E.divide(a, b, pol.max_int_bits)
                if ratio is None:
                    ratio = r
                    if positive:
                        try:
                            if X.sign(r) <= 0:
                                return False
                        except NotExact:
                            return False
                elif not X.add(r, X.neg(ratio)).is_zero():
                    return False
                good += 1
                if good >= pol.numeric_points:
                    return True
            return False
        except NotExact:
            pass
    need_general("relation scaling")
    return _ratio_constant_sympy(gd, pd, ctx, positive)


def _ratio_constant_sympy(gd: Any, pd: Any, ctx: Ctx, positive: bool) -> bool:
    import sympy

    from stepforge.verifiers.math.symbolic import to_sympy

    g = to_sympy(gd, ctx.policy) if isinstance(gd, tuple) else gd
    p = to_sympy(pd, ctx.policy) if isinstance(pd, tuple) else pd
    if g is None or p is None:
        return False
    from stepforge.verifiers.math.points import SIMPLIFY_TERMS, expand_terms, proof_hazard

    q = g / p
    why = proof_hazard(q) or (f"its expansion has over {SIMPLIFY_TERMS} terms" if expand_terms(q) > SIMPLIFY_TERMS else None)
    if why:  # simplify could run for hours in a thread: undecided, never "not equal"
        raise GuardError(f"cannot decide whether the relations are proportional: {why}")
    try:
        r = sympy.simplify(q)
    except Exception:  # noqa: BLE001
        return False
    if r.free_symbols or r == 0 or not r.is_number:
        return False
    if positive:
        return bool(r.is_positive)
    return True


def _relation_diff(a: Answer) -> Any:
    if a.var is not None:
        rhs = a.extra["rhs"]
        if rhs.kind != "scalar":
            return None
        return _diff(Scalar(("sym", a.var)), rhs.value) if _plain_name(a.var) else None
    lhs, rhs = a.value
    return _diff(lhs, rhs)


def _plain_name(name: str) -> bool:
    return bool(re_name.fullmatch(name))


import re as _re  # noqa: E402

re_name = _re.compile(r"[A-Za-z](?:_\w+)?|\\[A-Za-z]+")
_FUNC_NAME = _re.compile(r"^([A-Za-z])\(([a-z])\)$")


def _dependent(name: str) -> str | None:
    """``y`` and ``f(x)`` name a dependent variable (function_lhs policy): the function's argument or ''."""
    m = _FUNC_NAME.match(name)
    if m:
        return m.group(2)
    if name == "y":
        return ""
    return None


def _equation_equal(g: Answer, p: Answer, ctx: Ctx) -> Result:
    gd, pd = _relation_diff(g), _relation_diff(p)
    if gd is None or pd is None:
        if g.value is not None and p.value is not None and (g.value[0].node is None or p.value[0].node is None
                                                            or g.value[1].node is None or p.value[1].node is None):
            need_general("equation")
            from stepforge.verifiers.math.views import scalar_sympy

            gl, gr = (scalar_sympy(x, ctx.policy) for x in g.value)
            pl, pr = (scalar_sympy(x, ctx.policy) for x in p.value)
            if not ((gl - gr).free_symbols | (pl - pr).free_symbols):
                return False, "equation", "equations without unknowns"
            ok = _ratio_constant_sympy(gl - gr, pl - pr, ctx, positive=False)
            return ok, "equation_scaled", ""
        return False, "equation", "not comparable"
    if not (symbols(gd) | symbols(pd)):
        return False, "equation", "equations without unknowns"
    return _ratio_constant(gd, pd, ctx, positive=False), "equation_scaled", ""


def answer_equal(g: Answer, p: Answer, ctx: Ctx) -> Result:
    """Is pred ``p`` the same answer as gold ``g`` under ``ctx.policy``?"""
    pol = ctx.policy
    gk, pk = g.kind, p.kind
    if gk == "union" and not g.value:
        g, gk = Answer("set", [], g.text), "set"
    if pk == "union" and not p.value:
        p, pk = Answer("set", [], p.text), "set"
    # assignments: x = v against a bare v compares v (either side)
    if gk == "relation" and g.var is not None and pk != "relation":
        if pk in ("set", "system") and p.var is not None and p.var != g.var:
            return False, "assignment", "different variable"
        return answer_equal(g.extra["rhs"], p, ctx)
    if pk == "relation" and p.var is not None and gk != "relation":
        if gk in ("set",) and g.var is not None and g.var != p.var:
            return False, "assignment", "different variable"
        return answer_equal(g, p.extra["rhs"], ctx)
    if gk in ("set", "system", "interval", "union", "pair") and g.var is not None and p.var is not None and g.var != p.var:
        return False, "assignment", "different variable"
    if gk == "relation" and pk == "relation":
        if g.var is not None and p.var is not None:
            if g.var == p.var:
                return answer_equal(g.extra["rhs"], p.extra["rhs"], ctx)
            dg, dp = _dependent(g.var), _dependent(p.var)
            if pol.function_lhs and dg is not None and dp is not None:
                gr, pr = g.extra["rhs"], p.extra["rhs"]
                args = {a for a in (dg, dp) if a}
                names = _answer_symbols(gr) | _answer_symbols(pr)
                if len(args) <= 1 and (not args or names <= args):
                    res = answer_equal(gr, pr, ctx)
                    return res[0], "function_lhs:" + res[1], res[2]
            if _plain_name(g.var) and _plain_name(p.var) and not (_answer_symbols(g.extra["rhs"]) | _answer_symbols(p.extra["rhs"])):
                return False, "assignment", "different variable"
        return _equation_equal(g, p, ctx)
    if gk == "time" or pk == "time":
        if gk != pk:
            other = p if gk == "time" else g
            t = as_time(other.text)
            if t is None:
                return False, "time", f"{gk} vs {pk}"
            return (g.value if gk == "time" else t) == (p.value if pk == "time" else t), "time", ""
        if g.extra["ampm"] or p.extra["ampm"]:
            return g.value == p.value, "time", ""
        return g.value % 43200 == p.value % 43200, "time", ""
    if gk == "scalar" and pk == "scalar":
        return scalar_equal(g.value, p.value, ctx)
    if (gk == "choice") != (pk == "choice") and (g if gk == "choice" else p).extra.get("value") is not None:
        # "(C) 12" against 12: the option's value is the answer
        gv = g.extra["value"] if gk == "choice" else g
        pv = p.extra["value"] if pk == "choice" else p
        ok, rule, detail = answer_equal(gv, pv, ctx)
        return ok, f"choice_value:{rule}", detail
    if gk in ("choice", "bool", "text") or pk in ("choice", "bool", "text"):
        return _text_equal(g, p)
    if gk == "matrix" or pk == "matrix":
        return _matrix_equal(g, p, ctx)
    if gk == "set_expr" or pk == "set_expr":
        return _set_expr_equal(g, p, ctx)
    if gk == "set" and pk == "set":
        return _match_unordered(g.value, p.value, ctx), "set_unordered", ""
    if {gk, pk} == {"set", "union"}:
        st, un = (g, p) if gk == "set" else (p, g)
        if all(x.kind == "scalar" for x in st.value):
            pts = [(x.value, x.value, False, False) for x in st.value]
            gl, pl = (pts, un.value) if gk == "set" else (un.value, pts)
            return _intervals_equal(gl, pl, ctx)[0], "set_points", ""
    if gk == "set" and len(g.value) == 1 and pk != "set":
        return answer_equal(g.value[0], p, ctx)
    if pk == "set" and len(p.value) == 1 and gk != "set":
        return answer_equal(g, p.value[0], ctx)
    if pk == "set" and gk not in ("set", "tuple", "pair", "system") and len(p.value) > 1 \
            and all(answer_equal(p.value[0], x, ctx)[0] for x in p.value[1:]):
        # "\boxed{12x - 34}, or \boxed{-34 + 12x}": one answer written in two forms, not a list of answers
        ok, rule, detail = answer_equal(g, p.value[0], ctx)
        return ok, f"one_answer_in_forms:{rule}", detail
    if gk == "set" and pk == "tuple" and p.extra.get("bare"):
        return _match_unordered(g.value, p.value, ctx), "set_unordered", ""
    if gk in ("tuple", "pair") and pk in ("set", "tuple") and p.extra.get("bare"):
        # an ordered pair answered as a bare list: the list is read in its written order
        gv = _items(g)
        ok = len(gv) == len(p.value) and all(answer_equal(a, b, ctx)[0] for a, b in zip(gv, p.value))
        return ok, "tuple_as_list", ""
    if gk == "system" and pk in ("set", "tuple") and p.extra.get("bare") and pol.system_as_tuple:
        vals = list(g.value.values())
        return len(vals) == len(p.value) and all(answer_equal(a, b, ctx)[0] for a, b in zip(vals, p.value)), "system_list", ""
    if pk == "system" and gk in ("set", "tuple") and g.extra.get("bare") and pol.system_as_tuple:
        vals = list(p.value.values())
        return len(vals) == len(g.value) and all(answer_equal(a, b, ctx)[0] for a, b in zip(g.value, vals)), "system_list", ""
    if gk == "set" or pk == "set":
        return False, "set_unordered", f"{gk} vs {pk}"
    if gk in ("tuple", "pair") and pk in ("tuple", "pair"):
        gv, pv = _items(g), _items(p)
        if len(gv) != len(pv):
            return False, "tuple_ordered", "different length"
        for a, b in zip(gv, pv):
            if not answer_equal(a, b, ctx)[0]:
                return False, "tuple_ordered", ""
        return True, "tuple_ordered", ""
    if gk in ("interval", "union", "pair") and pk in ("interval", "union", "pair"):
        gl, pl = _interval_list(g), _interval_list(p)
        if gl is None or pl is None:
            return False, "interval", ""
        return _intervals_equal(gl, pl, ctx)
    ineq = ("inequality", "inequality_or")
    if gk in ineq and pk in ineq:
        if gk == "inequality_or" or pk == "inequality_or":
            gl, pl = _relation_pieces(g, ctx), _relation_pieces(p, ctx)
            if gl is None or pl is None:
                return False, "inequality_set", "not one-variable inequalities"
            return _intervals_equal(gl, pl, ctx)[0], "inequality_set", ""
        return _ineq_equal(g, p, ctx)
    if gk in ineq and pk in ("interval", "union", "pair"):
        if pol.set_vs_relation == "none" and not g.extra.get("set_builder"):
            return False, "set_vs_relation_policy", "pred interval for a gold inequality"
        return _ineq_vs_interval(g, p, ctx)
    if pk in ineq and gk in ("interval", "union", "pair"):
        # a solved inequality (1 <= x <= 3) names the interval; an unsolved one (x^2 < 4) is the question
        allowed = pol.set_vs_relation == "both" or p.extra.get("set_builder") or (pol.set_vs_relation == "gold_relation" and solved(p))
        if not allowed:
            return False, "set_vs_relation_policy", "pred inequality for a gold interval"
        return _ineq_vs_interval(p, g, ctx)
    if gk == "sequence" or pk == "sequence":
        if gk != pk or len(g.value) != len(p.value):
            return False, "sequence", ""
        for a, b in zip(g.value, p.value):
            if isinstance(a, str) or isinstance(b, str):
                if not (isinstance(a, str) and isinstance(b, str)):
                    return False, "sequence", ""
                continue
            if not answer_equal(a, b, ctx)[0]:
                return False, "sequence", ""
        return True, "sequence", ""
    if gk == "system" and pk == "system":
        if set(g.value) != set(p.value):
            return False, "system", "different variables"
        return all(answer_equal(g.value[k], p.value[k], ctx)[0] for k in g.value), "system", ""
    if gk == "system" and pk in ("tuple", "pair") and pol.system_as_tuple:
        vals = list(g.value.values())
        pv = _items(p)
        return len(vals) == len(pv) and all(answer_equal(a, b, ctx)[0] for a, b in zip(vals, pv)), "system_tuple", ""
    if pk == "system" and gk in ("tuple", "pair") and pol.system_as_tuple:
        vals = list(p.value.values())
        gv = _items(g)
        return len(vals) == len(gv) and all(answer_equal(a, b, ctx)[0] for a, b in zip(gv, vals)), "system_tuple", ""
    if gk == "system_rel" and pk == "system_rel":
        return _match_unordered(g.value, p.value, ctx), "system", ""
    return False, "kind_mismatch", f"{gk} vs {pk}"


def _answer_symbols(a: Answer) -> set[str]:
    out: set[str] = set()
    for s in scalars(a):
        if s.node is not None:
            out |= symbols(s.node)
        elif s.sym is not None:
            out |= {str(x) for x in s.sym.free_symbols}
    return out


def scalars(a: Answer) -> list[Scalar]:
    """Every scalar inside an answer (for restatement checks and symbol sets)."""
    k, v = a.kind, a.value
    if k == "scalar":
        return [v]
    if k == "relation":
        if a.var is not None:
            return scalars(a.extra["rhs"])
        return list(v)
    if k == "inequality":
        return [x for lhs, _, rhs in v for x in (lhs, rhs)]
    if k in ("set", "tuple", "sequence", "system_rel", "inequality_or"):
        return [s for x in v if isinstance(x, Answer) for s in scalars(x)]
    if k == "pair":
        return list(v)
    if k in ("interval", "union"):
        return [x for lo, hi, *_ in v for x in (lo, hi)]
    if k == "matrix":
        return [c for row in v for c in row]
    if k == "system":
        return [s for x in v.values() for s in scalars(x)]
    return []


def _items(a: Answer) -> list[Answer]:
    if a.kind == "pair":
        return [Answer("scalar", x, "") for x in a.value]
    return list(a.value)


def _ineq_vs_interval(ineq: Answer, ivl: Answer, ctx: Ctx) -> Result:
    il = _relation_pieces(ineq, ctx)
    pl = _interval_list(ivl)
    if il is None or pl is None:
        return False, "inequality_set", "not a one-variable inequality"
    return _intervals_equal(il, pl, ctx)[0], "inequality_set", ""


def _set_expr_equal(g: Answer, p: Answer, ctx: Ctx) -> Result:
    need_general("set algebra")
    from stepforge.verifiers.math.views import to_sympy_answer

    try:
        gs, ps = to_sympy_answer(g, ctx.policy), to_sympy_answer(p, ctx.policy)
    except ParseError:
        return False, "set_algebra", ""
    a, b = _sympy_set_pieces(gs), _sympy_set_pieces(ps)
    if a is None or b is None:
        return bool(gs == ps), "set_algebra", ""
    return _intervals_equal(a, b, ctx)[0], "set_algebra", ""


def _text_equal(g: Answer, p: Answer) -> Result:
    def norm(a: Answer, other: Answer) -> str | None:
        if a.kind in ("choice", "bool", "text"):
            return str(a.value).lower()
        node = a.value.node if a.kind == "scalar" else None
        if node is not None and node[0] == "sym" and (len(node[1]) > 1 or other.kind == "choice"):
            return node[1].lower()  # a word read as one symbol, or a choice letter in lower case
        return None

    gn, pn = norm(g, p), norm(p, g)
    if gn is None or pn is None:
        return False, f"{g.kind}_match", f"{g.kind} vs {p.kind}"
    return gn == pn, f"{g.kind}_match", ""


def _matrix_equal(g: Answer, p: Answer, ctx: Ctx) -> Result:
    if (g.kind == "matrix") != (p.kind == "matrix") and not ctx.policy.vector_as_tuple:
        return False, "vector_policy", "a matrix against a list"

    def cells(a: Answer) -> list[list[Scalar]] | None:
        if a.kind == "matrix":
            return a.value
        if a.kind in ("tuple", "pair") or (a.kind == "set" and a.extra.get("bare")):
            if a.kind == "set" and not ctx.policy.vector_as_tuple:
                return None
            items = _items(a)
            if all(i.kind == "scalar" for i in items):
                return [[i.value] for i in items]
        return None

    gm, pm = cells(g), cells(p)
    if gm is None or pm is None:
        return False, "matrix", f"{g.kind} vs {p.kind}"
    gshape, pshape = (len(gm), len(gm[0])), (len(pm), len(pm[0]))
    if gshape != pshape:
        vec = 1 in gshape and 1 in pshape and len(gm) * len(gm[0]) == len(pm) * len(pm[0])
        if not vec or not (ctx.policy.vector_as_tuple or g.kind == p.kind == "matrix"):
            return False, "matrix", "different shape"
        if g.kind != "matrix" or p.kind != "matrix":
            pass
        elif not ctx.policy.vector_as_tuple:
            return False, "matrix", "row vs column"
        gm = [[c] for row in gm for c in row]
        pm = [[c] for row in pm for c in row]
    for grow, prow in zip(gm, pm):
        for a, b in zip(grow, prow):
            if not scalar_equal(a, b, ctx)[0]:
                return False, "matrix_elementwise", ""
    return True, "matrix_elementwise", ""


__all__ = ["Ctx", "answer_equal", "finite_decimal", "make_ctx", "number_close", "scalar_equal", "scalars", "values_equal"]
