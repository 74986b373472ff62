"""Equivalence of typed answers: exact numbers first, then written precision, random points, sympy last.

Every function returns ``(equal, rule, detail)``; the rule names what decided.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from typing import Any

import sympy
from sympy import I, Rational

from stepforge.verifiers.math.parse import Answer, Scalar, to_sympy
from stepforge.verifiers.math.policy import MathPolicy

Result = tuple[bool, str, str]
_REL_EQ = 10 ** -25  # relative agreement of two constants evaluated to 40 digits
_REL_NE = 10 ** -12  # relative disagreement that proves two expressions differ at a point
_CONSTANT_NAMES = {"C", "c", "K", "k", "A", "B", "D"}


def _is_exact(e: Any) -> bool:
    return isinstance(e, sympy.Rational)


def _evalc(e: Any, prec: int = 40) -> tuple[Any, Any] | None:
    """High-precision (real, imaginary) parts of a constant expression, or None."""
    try:
        v = sympy.N(e, prec)
    except Exception:  # noqa: BLE001 - sympy raises many kinds on odd input
        return None
    if not v.is_number or v.has(sympy.zoo, sympy.nan):
        return None
    try:
        re_, im_ = v.as_real_imag()
        return re_, im_
    except Exception:  # noqa: BLE001
        return None


def _close(a: Any, b: Any, rel: float) -> bool | None:
    """True/False when both evaluate to finite numbers; None when undecidable numerically."""
    ra = _evalc(a)
    rb = _evalc(b)
    if ra is None or rb is None:
        return None
    (ar, ai), (br, bi) = ra, rb
    if any(x in (sympy.oo, -sympy.oo) for x in (ar, ai, br, bi)):
        return sympy.simplify(sympy.Eq(a, b)) is sympy.true if (a.is_infinite or b.is_infinite) else None
    scale = max(abs(ar), abs(ai), abs(br), abs(bi))
    diff = max(abs(ar - br), abs(ai - bi))
    if scale == 0:
        return diff == 0
    return bool(diff <= rel * scale)


def _seed(*parts: Any) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def expr_equal(g: Any, p: Any, policy: MathPolicy) -> Result:
    """Two sympy expressions: exact, constant, random points, then sympy."""
    if g == p:
        return True, "exact_structural", ""
    if _is_exact(g) and _is_exact(p):
        return False, "exact_rational" if not (g.is_Integer and p.is_Integer) else "exact_int", ""
    if g.has(sympy.oo, -sympy.oo, sympy.zoo) or p.has(sympy.oo, -sympy.oo, sympy.zoo):
        return bool(sympy.simplify(g - p) == 0) if not (g.is_infinite or p.is_infinite) else g == p, "infinity", ""
    fg, fp = g.free_symbols, p.free_symbols
    if not fg and not fp:
        close = _close(g, p, _REL_EQ)
        if close is not None:
            return close, "numeric_constant", ""
        return _sympy_zero(g - p)
    syms = sorted(fg | fp, key=lambda s: s.name)
    if fg != fp:
        res = _renamed(g, p, policy)
        if res is not None:
            return res
    return _random_points(g, p, syms, policy)


def _renamed(g: Any, p: Any, policy: MathPolicy) -> Result | None:
    """Arbitrary constants written with other names (C vs C_1 vs K) still match."""
    dg, dp = g.free_symbols - p.free_symbols, p.free_symbols - g.free_symbols
    if not dg or len(dg) != len(dp) or len(dg) > 3:
        return None
    if not policy.rename_variables and not all(s.name.split("_")[0] in _CONSTANT_NAMES for s in dg | dp):
        return None
    dg_l = sorted(dg, key=lambda s: s.name)
    for perm in itertools.permutations(sorted(dp, key=lambda s: s.name)):
        q = p.xreplace(dict(zip(perm, dg_l)))
        ok, _, _ = _random_points(g, q, sorted(g.free_symbols | q.free_symbols, key=lambda s: s.name), policy)
        if ok:
            return True, "renamed_variables" if policy.rename_variables else "renamed_constants", f"{list(perm)} -> {dg_l}"
    return None


def _random_points(g: Any, p: Any, syms: list, policy: MathPolicy) -> Result:
    rng = random.Random(_seed(g, p))
    agree = 0
    exact = True
    for _ in range(policy.numeric_points * 2):
        if agree >= policy.numeric_points:
            break
        if policy.assume_positive:
            pt = {s: Rational(rng.randint(11, 397), rng.randint(7, 97)) for s in syms}
        else:
            pt = {s: Rational(rng.randint(-397, 397), rng.randint(7, 97)) for s in syms}
        try:
            gv = g.xreplace(pt)
            pv = p.xreplace(pt)
        except Exception:  # noqa: BLE001
            continue
        if _is_exact(gv) and _is_exact(pv):
            if gv != pv:
                return False, "numeric_random_points", f"differ at {pt}"
            agree += 1
            continue
        exact = False
        if gv.free_symbols or pv.free_symbols:
            break
        c = _close(gv, pv, _REL_EQ)
        if c is None:
            continue
        if not c:
            c2 = _close(gv, pv, _REL_NE)
            if c2 is False:
                return False, "numeric_random_points", f"differ at {pt}"
            return _sympy_zero(g - p)
        agree += 1
    if agree >= policy.numeric_points:
        return True, "polynomial_identity" if exact else "numeric_identity", f"{agree} random points"
    return _sympy_zero(g - p)


def _sympy_zero(d: Any) -> Result:
    try:
        z = sympy.simplify(d)
        return bool(z == 0), "sympy_simplify", ""
    except Exception as exc:  # noqa: BLE001
        return False, "sympy_error", f"{type(exc).__name__}"


# ------------------------------------------------------------------------------------------- scalars

def _candidates(s: Scalar, policy: MathPolicy) -> list[tuple[Any, str]]:
    v = s.expr
    out: list[tuple[Any, str]] = []
    if s.percent:
        if policy.percent in ("lenient", "fraction", "strict"):
            out.append((v / 100, "percent"))
        if policy.percent in ("lenient", "number"):
            out.append((v, "percent_number"))
    else:
        out.append((v, ""))
    if s.degree:
        out = [(v, "degree")]
        if policy.degrees_as_radians:
            out.append((v * sympy.pi / 180, "degree_radian"))
    return out


def scalar_equal(g: Scalar, p: Scalar, policy: MathPolicy) -> Result:
    if policy.percent == "strict" and g.percent != p.percent:
        return False, "percent_policy", "percent sign on one side only"
    if (
        not policy.unreduced_fractions
        and g.fraction and p.fraction
        and sympy.gcd(*p.fraction) != 1
        and sympy.gcd(*g.fraction) == 1
    ):
        return False, "unreduced_fraction_policy", "pred fraction not in lowest terms"
    last: Result = (False, "not_equal", "")
    for gv, gtag in _candidates(g, policy):
        for pv, ptag in _candidates(p, policy):
            res = _scalar_pair(gv, pv, g, p, policy)
            tag = gtag or ptag
            if res[0]:
                return True, f"{res[1]}+{tag}" if tag else res[1], res[2]
            last = res
    return last


def _scalar_pair(gv: Any, pv: Any, g: Scalar, p: Scalar, policy: MathPolicy) -> Result:
    if _is_exact(gv) and _is_exact(pv):
        if gv == pv:
            return True, "exact_int" if gv.is_Integer else "exact_rational", ""
        # written precision: a decimal gold is correct to half a unit in its last place
        if g.ulp is not None and not gv.is_Integer and g.sig_digits >= policy.gold_decimal_min_digits and abs(gv - pv) * 2 <= g.ulp:
            return True, "gold_decimal_precision", f"within half of {g.ulp}"
        if p.ulp is not None and p.sig_digits >= policy.pred_decimal_min_digits and abs(gv - pv) * 2 <= p.ulp:
            return True, "pred_decimal_rounding", f"gold rounds to pred at {p.ulp}"
        return False, "exact_int" if gv.is_Integer and pv.is_Integer else "exact_rational", ""
    if (g.ulp is not None or p.ulp is not None) and not gv.free_symbols and not pv.free_symbols:
        prec = 30 + max(g.sig_digits, p.sig_digits)
        ev = _evalc(gv, prec)
        pvv = _evalc(pv, prec)
        if ev is not None and pvv is not None:
            (gr, gi), (pr, pi_) = ev, pvv
            if gi == 0 and pi_ == 0:
                # one side is a decimal literal: it stands for every number that rounds to it, no more
                if g.ulp is not None and g.sig_digits >= policy.gold_decimal_min_digits and abs(gr - pr) * 2 <= g.ulp:
                    return True, "gold_decimal_precision", f"within half of {g.ulp}"
                if p.ulp is not None and p.sig_digits >= policy.pred_decimal_min_digits and abs(gr - pr) * 2 <= p.ulp:
                    return True, "pred_decimal_rounding", f"gold rounds to pred at {p.ulp}"
                return False, "decimal_precision", "not within the written precision"
    return expr_equal(gv, pv, policy)


# ---------------------------------------------------------------------------------------- structures

def _as_scalar(a: Answer) -> Scalar | None:
    if a.kind == "scalar":
        return a.value
    return None


def _interval_list(a: Answer) -> list[tuple[Any, Any, bool, bool]] | None:
    if a.kind == "interval":
        lo, hi, lo_open, hi_open = a.value[0]
        return [(lo.expr, hi.expr, lo_open, hi_open)]
    if a.kind == "pair":
        lo, hi = a.value
        if lo.expr.is_extended_real is False or hi.expr.is_extended_real is False:
            return None
        return [(lo.expr, hi.expr, True, True)]
    if a.kind == "union":
        return list(a.value)
    return None


def _sort_key(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return 0.0


def _intervals_equal(gl: list, pl: list, policy: MathPolicy) -> Result:
    if len(gl) != len(pl):
        return False, "interval", "different number of pieces"
    gl = sorted(gl, key=lambda t: (_sort_key(t[0]), _sort_key(t[1])))
    pl = sorted(pl, key=lambda t: (_sort_key(t[0]), _sort_key(t[1])))
    for (a, b, ao, bo), (c, d, co, do) in zip(gl, pl):
        if (ao, bo) != (co, do) and not (a == -sympy.oo and c == -sympy.oo and bo == do) and not (b == sympy.oo and d == sympy.oo and ao == co):
            return False, "interval", "different endpoint openness"
        for x, y in ((a, c), (b, d)):
            if x.is_infinite or y.is_infinite:
                if x != y:
                    return False, "interval", "different infinite ends"
                continue
            ok, _, _ = expr_equal(x, y, policy)
            if not ok:
                return False, "interval", f"endpoint {x} vs {y}"
    return True, "interval", ""


def _match_unordered(gs: list[Answer], ps: list[Answer], policy: MathPolicy) -> bool:
    if len(gs) != len(ps):
        return False
    used = [False] * len(ps)

    def rec(i: int) -> bool:
        if i == len(gs):
            return True
        for j, pj in enumerate(ps):
            if not used[j] and answer_equal(gs[i], pj, policy)[0]:
                used[j] = True
                if rec(i + 1):
                    return True
                used[j] = False
        return False

    return rec(0)


_OPS = {"<": (True, False), "<=": (False, False), ">": (True, True), ">=": (False, True)}


def _linear_set(a: Answer) -> Any:
    """Fast path: a chain of linear one-variable inequalities as an interval, without sympy's solver."""
    if a.kind != "inequality":
        return None
    syms = set()
    for lhs, _, rhs in a.value:
        syms |= lhs.free_symbols | rhs.free_symbols
    if len(syms) != 1:
        return None
    (x,) = syms
    out = sympy.Interval(-sympy.oo, sympy.oo)
    for lhs, op, rhs in a.value:
        if op not in _OPS and op != "!=":
            return None
        d = sympy.expand(lhs - rhs)
        k, c = d.coeff(x, 1), d.coeff(x, 0)
        if not (k.is_number and c.is_number and k != 0) or sympy.expand(k * x + c - d) != 0:
            return None
        if op == "!=":
            root = -c / k
            out = out.intersect(sympy.Union(sympy.Interval.open(-sympy.oo, root), sympy.Interval.open(root, sympy.oo)))
            continue
        strict, greater = _OPS[op]
        if k.is_negative:
            greater = not greater
        root = -c / k
        piece = sympy.Interval(root, sympy.oo, strict, True) if greater else sympy.Interval(-sympy.oo, root, True, strict)
        out = out.intersect(piece)
    return out


def _relation_set(a: Answer) -> Any:
    """A univariate inequality (chain) as a sympy set, or None."""
    fast = _linear_set(a)
    if fast is not None:
        return fast
    try:
        rel = to_sympy(a)
        syms = rel.free_symbols
        if len(syms) != 1:
            return None
        (x,) = syms
        return rel.as_set() if not isinstance(rel, sympy.And) else sympy.Intersection(*[r.as_set() for r in rel.args])
    except Exception:  # noqa: BLE001
        return None


def _set_to_intervals(st: Any) -> list | None:
    pieces = st.args if isinstance(st, sympy.Union) else (st,)
    out = []
    for pc in pieces:
        if isinstance(pc, sympy.Interval):
            out.append((pc.start, pc.end, bool(pc.left_open), bool(pc.right_open)))
        elif pc == sympy.S.Reals:
            out.append((-sympy.oo, sympy.oo, True, True))
        else:
            return None
    return out


def _ineq_equal(g: Answer, p: Answer, policy: MathPolicy) -> Result:
    gs, ps = _relation_set(g), _relation_set(p)
    if gs is not None and ps is not None:
        gl, pl = _set_to_intervals(gs), _set_to_intervals(ps)
        if gl is not None and pl is not None:
            return _intervals_equal(gl, pl, policy)[0], "inequality_set", ""
        return gs == ps, "inequality_set", ""
    if len(g.value) != len(p.value):
        return False, "inequality", "different chain length"
    flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "!=": "!="}
    for (a, op, b), (c, op2, d) in zip(g.value, p.value):
        if op2 != op:
            c, op2, d = d, flip[op2], c
        if op2 != op:
            return False, "inequality", "different relation"
        if op == "!=":
            ok = expr_equal(a - b, c - d, policy)[0] or expr_equal(a - b, d - c, policy)[0]
        else:
            ok = _positive_multiple(a - b, c - d, policy)
        if not ok:
            return False, "inequality", ""
    return True, "inequality", ""


def _ratio_constant(gd: Any, pd: Any, policy: MathPolicy, positive: bool) -> bool:
    """gd / pd is a nonzero constant (positive when asked): scaled or rearranged relations."""
    syms = sorted(gd.free_symbols | pd.free_symbols, key=lambda s: s.name)
    if not syms:
        return False
    rng = random.Random(_seed(gd, pd))
    ratio = None
    good = 0
    for _ in range(policy.numeric_points * 2):
        pt = {s: Rational(rng.randint(-397, 397), rng.randint(7, 97)) for s in syms}
        try:
            a, b = gd.xreplace(pt), pd.xreplace(pt)
            if not (_is_exact(a) and _is_exact(b)):
                a, b = sympy.N(a, 40), sympy.N(b, 40)
                if not (a.is_real and b.is_real):
                    continue
        except Exception:  # noqa: BLE001
            continue
        if b == 0 or a == 0:
            if a == b:
                continue
            return False
        r = a / b
        if ratio is None:
            ratio = r
            if positive and r < 0:
                return False
        elif _is_exact(r) and _is_exact(ratio):
            if r != ratio:
                return False
        elif abs(r - ratio) > 1e-20 * abs(ratio):
            return False
        good += 1
        if good >= policy.numeric_points:
            return True
    return False


def _positive_multiple(gd: Any, pd: Any, policy: MathPolicy) -> bool:
    if not (gd.free_symbols | pd.free_symbols):
        return expr_equal(gd, pd, policy)[0]
    return _ratio_constant(gd, pd, policy, positive=True)


def _equation_equal(g: Any, p: Any, policy: MathPolicy) -> Result:
    gd = g.lhs - g.rhs
    pd = p.lhs - p.rhs
    if not (gd.free_symbols | pd.free_symbols):
        return False, "equation", "equations without unknowns"
    if _ratio_constant(gd, pd, policy, positive=False):
        return True, "equation_scaled", ""
    return False, "equation_scaled", ""


def answer_equal(g: Answer, p: Answer, policy: MathPolicy) -> Result:
    """Is pred ``p`` the same answer as gold ``g`` under ``policy``?"""
    gk, pk = g.kind, p.kind
    if gk == "union" and not g.value:
        g, gk = Answer("set", [], g.text), "set"
    if pk == "union" and not p.value:
        p, pk = Answer("set", [], p.text), "set"
    # assignments: x = v against a bare v compares v (either side)
    if gk == "relation" and g.var is not None and pk != "relation":
        return answer_equal(g.extra["rhs"], p, policy)
    if pk == "relation" and p.var is not None and gk != "relation":
        if gk == "set" and g.var is not None and str(g.var) != str(p.var):
            return False, "assignment", "different variable"
        return answer_equal(g, p.extra["rhs"], policy)
    if gk in ("set", "system") and g.var is not None and pk == "set" and p.var is not None and str(g.var) != str(p.var):
        return False, "assignment", "different variable"
    if gk == "relation" and pk == "relation":
        if g.var is not None and p.var is not None:
            if str(g.var) == str(p.var):
                return answer_equal(g.extra["rhs"], p.extra["rhs"], policy)
        ge, pe = g.value if g.var is None else _eq_of(g), p.value if p.var is None else _eq_of(p)
        if ge is None or pe is None:
            return False, "assignment", "different variable"
        return _equation_equal(ge, pe, policy)
    if gk == "scalar" and pk == "scalar":
        return scalar_equal(g.value, p.value, policy)
    if gk in ("choice", "bool", "text") or pk in ("choice", "bool", "text"):
        return _text_equal(g, p)
    if gk == "matrix" or pk == "matrix":
        return _matrix_equal(g, p, policy)
    # sets (unordered), with singletons against scalars
    if gk == "set" and pk == "set":
        return _match_unordered(g.value, p.value, policy), "set_unordered", ""
    if gk == "set" and len(g.value) == 1 and pk not in ("set",):
        return answer_equal(g.value[0], p, policy)
    if pk == "set" and len(p.value) == 1 and gk not in ("set",):
        return answer_equal(g, p.value[0], policy)
    if gk == "set" and pk in ("tuple",) and p.extra.get("bare"):
        return _match_unordered(g.value, p.value, policy), "set_unordered", ""
    if gk == "set" or pk == "set":
        if gk == "set" and pk == "union" and all(lo == hi for lo, hi, *_ in p.value):
            return False, "set_unordered", ""
        return False, "set_unordered", f"{gk} vs {pk}"
    if gk in ("tuple", "pair") and pk in ("tuple", "pair"):
        gv = _items(g)
        pv = _items(p)
        if len(gv) != len(pv):
            return False, "tuple_ordered", "different length"
        for a, b in zip(gv, pv):
            if not answer_equal(a, b, policy)[0]:
                return False, "tuple_ordered", ""
        return True, "tuple_ordered", ""
    if gk in ("interval", "union", "pair") and pk in ("interval", "union", "pair"):
        gl, pl = _interval_list(g), _interval_list(p)
        if gl is None or pl is None:
            return False, "interval", ""
        return _intervals_equal(gl, pl, policy)
    if gk == "inequality" and pk == "inequality":
        return _ineq_equal(g, p, policy)
    if gk == "inequality" and pk in ("interval", "union", "pair"):
        if policy.set_vs_relation == "none":
            return False, "set_vs_relation_policy", "pred interval for a gold inequality"
        return _ineq_vs_interval(g, p, policy)
    if pk == "inequality" and gk in ("interval", "union", "pair"):
        if policy.set_vs_relation != "both":
            return False, "set_vs_relation_policy", "pred inequality for a gold interval"
        return _ineq_vs_interval(p, g, policy)
    if gk == "sequence" or pk == "sequence":
        if gk != pk or len(g.value) != len(p.value):
            return False, "sequence", ""
        for a, b in zip(g.value, p.value):
            if isinstance(a, str) or isinstance(b, str):
                if not (isinstance(a, str) and isinstance(b, str)):
                    return False, "sequence", ""
                continue
            if not answer_equal(a, b, policy)[0]:
                return False, "sequence", ""
        return True, "sequence", ""
    if gk == "system" and pk == "system":
        if set(g.value) != set(p.value):
            return False, "system", "different variables"
        return all(answer_equal(g.value[k], p.value[k], policy)[0] for k in g.value), "system", ""
    if gk == "system" and pk in ("tuple", "pair"):
        vals = list(g.value.values())
        pv = _items(p)
        return len(vals) == len(pv) and all(answer_equal(a, b, policy)[0] for a, b in zip(vals, pv)), "system_tuple", ""
    if pk == "system" and gk in ("tuple", "pair"):
        vals = list(p.value.values())
        gv = _items(g)
        return len(vals) == len(gv) and all(answer_equal(a, b, policy)[0] for a, b in zip(gv, vals)), "system_tuple", ""
    if gk == "system_rel" and pk == "system_rel":
        return _match_unordered(g.value, p.value, policy), "system", ""
    return False, "kind_mismatch", f"{gk} vs {pk}"


def _eq_of(a: Answer) -> Any:
    rhs = a.extra["rhs"]
    if rhs.kind != "scalar":
        return None
    return sympy.Eq(a.var, rhs.value.expr, evaluate=False)


def _items(a: Answer) -> list[Answer]:
    if a.kind == "pair":
        return [Answer("scalar", x, "") for x in a.value]
    return list(a.value)


def _ineq_vs_interval(ineq: Answer, ivl: Answer, policy: MathPolicy) -> Result:
    st = _relation_set(ineq)
    if st is None:
        return False, "inequality_set", "not a one-variable inequality"
    il = _set_to_intervals(st)
    pl = _interval_list(ivl)
    if il is None or pl is None:
        return False, "inequality_set", ""
    return _intervals_equal(il, pl, policy)[0], "inequality_set", ""


def _text_equal(g: Answer, p: Answer) -> Result:
    def norm(a: Answer) -> str | None:
        if a.kind in ("choice", "bool", "text"):
            return str(a.value).lower()
        if a.kind == "scalar" and isinstance(a.value.expr, sympy.Symbol):
            return a.value.expr.name.lower()
        if a.kind == "scalar" and a.value.expr.free_symbols and a.value.expr.is_Mul:
            return None
        return None

    gn, pn = norm(g), norm(p)
    if gn is None or pn is None:
        return False, f"{g.kind}_match", f"{g.kind} vs {p.kind}"
    return gn == pn, f"{g.kind}_match", ""


def _matrix_equal(g: Answer, p: Answer, policy: MathPolicy) -> Result:
    def as_mat(a: Answer) -> Any:
        if a.kind == "matrix":
            return a.value
        if a.kind in ("tuple", "pair"):
            items = _items(a)
            if all(i.kind == "scalar" for i in items):
                return sympy.Matrix([[i.value.expr] for i in items])
        return None

    gm, pm = as_mat(g), as_mat(p)
    if gm is None or pm is None:
        return False, "matrix", f"{g.kind} vs {p.kind}"
    if gm.shape != pm.shape:
        if 1 in gm.shape and 1 in pm.shape and len(gm) == len(pm):
            gm, pm = gm.reshape(len(gm), 1), pm.reshape(len(pm), 1)
        else:
            return False, "matrix", "different shape"
    for a, b in zip(gm, pm):
        if not scalar_equal(Scalar(a), Scalar(b), policy)[0]:
            return False, "matrix_elementwise", ""
    return True, "matrix_elementwise", ""


__all__ = ["answer_equal", "expr_equal", "scalar_equal", "I"]
