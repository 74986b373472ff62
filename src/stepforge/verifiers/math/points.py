"""Bounded evaluation of sympy expressions at points (sample points, solutions of premises).

Substituting a rational point makes sympy compute every power exactly. With a variable exponent (``x^{x^2}``,
``12^x``, ``x^y``, towers) one power at one point can take hours inside a big-integer routine that no alarm
interrupts (``7463^{5.5e7}``, or radicals whose exponents reach the point's denominator, ``k^{q-1}`` with q ~ 1e11).
Such expressions are *risky*: at a point they are evaluated here with mpmath at a bounded precision, every
intermediate's size checked before it is computed, and a value kept only when two precisions agree.
``exact_at`` substitutes exactly but refuses any power whose exact value would be huge. Plain expressions
(polynomials, fixed small exponents) keep the exact path: nothing changes for them.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from stepforge.verifiers.math._lazy import LazyModule, sympy
from stepforge.verifiers.math.errors import GuardError

mpmath: Any = LazyModule("mpmath")  # imported on first use, as sympy (the step checker's import stays fast)

_MAX_DEGREE = 20_000  # an exact value of more than about this many times a point's size is "risky"
_MAX_MAG = 1 << 20  # numeric values beyond 2^(+-2^20) are not computed (a point saying nothing)
_MAX_ARG_MAG = 1 << 12  # trigonometric arguments beyond 2^4096: reducing them costs pi to that many bits
_EXACT_BITS = 100_000  # exact_at refuses a power of more than about this many bits
_DPS = (50, 100)  # the two precisions whose agreement makes a numeric value trustworthy
_AGREE_DIGITS = 40  # relative agreement (to the largest value) asked of the two precisions


class TooBig(GuardError):
    """A value at a point that is not computed: too large to compute exactly or numerically."""


@lru_cache(maxsize=4096)
def _risky(e: Any) -> bool:
    return _degree(e) > _MAX_DEGREE


def risky(*exprs: Any) -> bool:
    """Whether substituting a point exactly may build a huge number: a power whose exponent holds a variable,
    a non-rational exponent over a variable, a function of an exponential (``e^{e^{x}}``), a factorial or gamma of a
    variable (``\\sin(x!)``), or an exact value of very high degree (``(x^{1000}+1)^{1000}``)."""
    try:
        return any(isinstance(e, sympy.Basic) and _risky(e) for e in exprs)
    except RecursionError:
        return True


_FACTORIALS = (sympy.factorial, sympy.factorial2, sympy.gamma, sympy.subfactorial, sympy.RisingFactorial,
               sympy.FallingFactorial)


def _degree(e: Any) -> float:
    """How many times a point's size the exact value of ``e`` may reach (inf: unbounded)."""
    if isinstance(e, sympy.Symbol):
        return 1.0
    if not e.args or not e.free_symbols:
        return 0.0
    if isinstance(e, sympy.Pow):
        b, x = e.args
        db = _degree(b)
        if x.free_symbols:
            return float("inf")
        if db == 0:
            return 0.0
        if x.is_Rational:
            return db * (abs(x.p) / x.q + (x.q if x.q > 1 else 0) + 1)
        return db + 1  # an irrational constant exponent: sympy leaves the power unevaluated
    if isinstance(e, sympy.Function) and any(a.has(sympy.exp) for a in e.args):
        # e^{e^{e^x}} at x = 9e6: building it, sympy's exp.eval evaluates e^{e^{9e6}} with mpmath at millions of bits
        return float("inf")
    if isinstance(e, _FACTORIALS):
        # (x)! at x = 4e6 has millions of digits; sin(x!) then asks evalf for as many bits (seconds to minutes)
        return float("inf")
    ds = [_degree(a) for a in e.args]
    return sum(ds) if isinstance(e, sympy.Mul) else max(ds)


# ------------------------------------------------------------------------------------------ expansions

EXPAND_TERMS = 2_000  # sympy.expand of more terms than this takes seconds ((x+y+z+w)^{100}: 176,851 terms, minutes)
SIMPLIFY_TERMS = 300  # simplify (factor, cancel, trigsimp on the expansion) only below this


def expand_terms(e: Any, cap: int = EXPAND_TERMS) -> int:
    """An upper estimate of the number of terms ``sympy.expand(e)`` builds (multinomial counts of integer powers of
    sums, products of sums multiplied out, inside function arguments too), capped at ``cap + 1``: asked before any
    expand or simplify, which no alarm stops in a thread."""
    try:
        return min(_terms(e, cap), cap + 1)
    except RecursionError:
        return cap + 1


_EXP_COEFF = 100_000  # a number in an exponent beyond this: simplify may raise a rational to it exactly


def proof_hazard(d: Any) -> str | None:
    """Why expand/simplify of ``d`` may not end in a thread (None: safe to try): an expansion over EXPAND_TERMS
    terms, or a power whose exponent holds a large number (powsimp turns (3/2)^{2^{7463} x} into an exact power of
    3/2, which holds the GIL for hours)."""
    if expand_terms(d) > EXPAND_TERMS:
        return f"its expansion has over {EXPAND_TERMS} terms"
    for p in d.atoms(sympy.Pow):
        if not p.exp.is_Integer and any(abs(r.p) > _EXP_COEFF * r.q for r in p.exp.atoms(sympy.Rational)):
            return "a power whose exponent holds a number over 1e5"
    return None


def _terms(e: Any, cap: int) -> int:
    if not e.args:
        return 1
    if isinstance(e, sympy.Add):
        return min(sum(_terms(a, cap) for a in e.args), cap + 1)
    if isinstance(e, sympy.Mul):
        out = 1
        for a in e.args:
            out = min(out * _terms(a, cap), cap + 1)
        return out
    if isinstance(e, sympy.Pow):
        b, x = e.args
        k = _terms(b, cap)
        if x.is_Rational and k > 1:
            n = abs(x.p) // x.q  # (x+y)^{5/2} expands as (x+y)^2 * sqrt(x+y)
            return max(multinomial(n, k, cap), 1) + (0 if x.is_Integer else 1)
        return max(k, _terms(x, cap))
    return max(_terms(a, cap) for a in e.args)  # a function: its arguments are expanded (deep)


def multinomial(n: int, k: int, cap: int) -> int:
    """C(n + k - 1, k - 1), the number of monomials of (a_1 + ... + a_k)^n, or cap + 1 when larger."""
    if n > cap * cap:
        return cap + 1
    r, out = min(n, k - 1), 1
    for i in range(1, r + 1):
        out = out * (n + k - 1 - r + i) // i
        if out > cap:
            return cap + 1
    return out


# ------------------------------------------------------------------------------------------------ exact


def exact_at(expr: Any, pt: dict) -> Any:
    """``expr`` at ``pt`` exactly (as ``xreplace``), rebuilt bottom-up; raises TooBig before any power, factorial
    or binomial whose exact value would be huge is computed."""
    def go(e: Any) -> Any:
        if e in pt:
            return pt[e]
        if not e.args or not (e.free_symbols & keys):
            return e
        args = [go(a) for a in e.args]
        if isinstance(e, sympy.Pow):
            _check_power(*args)
        elif isinstance(e, sympy.Function) and any(a.has(sympy.exp) for a in args):
            raise TooBig("a function of an exponential at this point (e^{e^{x}})")
        elif isinstance(e, (sympy.factorial, sympy.gamma, sympy.binomial, sympy.factorial2, sympy.RisingFactorial,
                            sympy.FallingFactorial)):
            if any(a.is_number and a.is_Rational and abs(a) > 10_000 for a in args):
                raise TooBig("a factorial of a large number at this point")
        return e.func(*args)

    keys = set(pt)
    return go(expr)


def _check_power(b: Any, x: Any) -> None:
    if not (b.is_number and x.is_number):
        return
    if not x.is_Rational:  # an irrational or unevaluated exponent (latex2sympy's 3/2 * 7463): over any base
        if x.free_symbols:
            return
        try:
            ex = abs(complex(sympy.N(x, 15)))
        except (TypeError, ValueError):
            raise TooBig("an exponent without a value") from None
        if ex * _bits(b) > _EXACT_BITS:
            raise TooBig("a power too large at this point")
        return
    if b in (0, 1, -1):
        return
    reach = abs(x.p) / x.q + (x.q if x.q > 1 else 0)
    if reach * _bits(b) > _EXACT_BITS:
        raise TooBig("a power too large to compute exactly at this point")


def _bits(b: Any) -> int:
    rats = [b] if b.is_Rational else list(b.atoms(sympy.Rational))
    return max([1] + [max(abs(r.p), r.q).bit_length() for r in rats])


# ---------------------------------------------------------------------------------------------- numeric


class _NoValue(Exception):
    pass


_LOCAL = threading.local()


def _ctx(dps: int) -> Any:
    ctxs = getattr(_LOCAL, "ctxs", None)
    if ctxs is None:
        ctxs = _LOCAL.ctxs = {}
    ctx = ctxs.get(dps)
    if ctx is None:
        ctx = ctxs[dps] = mpmath.MPContext()
        ctx.dps = dps
    return ctx


_REAL_FN = {"floor", "ceiling", "sign", "Min", "Max"}
_FN = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
    "asin": "asin", "acos": "acos", "atan": "atan", "acot": "acot", "asec": "asec", "acsc": "acsc",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "coth": "coth", "sech": "sech", "csch": "csch",
    "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "gamma": "gamma", "factorial": "factorial",
    "binomial": "binomial", "re": "re", "im": "im", "conjugate": "conj", "arg": "arg",
}
_PERIODIC = {"sin", "cos", "tan", "sec", "csc", "cot"}


def _num(e: Any, pt: dict, ctx: Any) -> Any:
    v = _node(e, pt, ctx)
    if not ctx.isfinite(v) or (v != 0 and abs(ctx.mag(v)) > _MAX_MAG):
        raise _NoValue("too large or undefined")
    return v


def _node(e: Any, pt: dict, ctx: Any) -> Any:
    if e in pt:
        e = pt[e]
        if not isinstance(e, sympy.Basic) or e.free_symbols:
            raise _NoValue("not a number")
        return _num(e, {}, ctx)
    if e.is_Rational:
        return ctx.mpf(e.p) / e.q
    if e.is_Float:
        return ctx.make_mpf(e._mpf_)
    if e is sympy.I:
        return ctx.mpc(0, 1)
    if e.is_NumberSymbol:
        return ctx.make_mpf(e._as_mpf_val(ctx.prec + 10))
    if isinstance(e, sympy.Add):
        return ctx.fsum(_num(a, pt, ctx) for a in e.args)
    if isinstance(e, sympy.Mul):
        out = ctx.mpf(1)
        for a in e.args:
            out = out * _num(a, pt, ctx)
            if out != 0 and abs(ctx.mag(out)) > 2 * _MAX_MAG:
                raise _NoValue("too large")
        return out
    if isinstance(e, sympy.Pow):
        return _power(_num(e.args[0], pt, ctx), e.args[1], pt, ctx)
    if isinstance(e, sympy.exp):
        a = _num(e.args[0], pt, ctx)
        if abs(ctx.re(a)) > _MAX_MAG // 2 or abs(ctx.im(a)) > 2 ** _MAX_ARG_MAG:
            raise _NoValue("too large")
        return ctx.exp(a)
    if isinstance(e, sympy.log):
        args = [_num(a, pt, ctx) for a in e.args]
        if any(a == 0 for a in args):
            raise _NoValue("log of zero")
        return ctx.log(args[0]) if len(args) == 1 else ctx.log(args[0]) / ctx.log(args[1])
    if isinstance(e, sympy.Abs):
        return abs(_num(e.args[0], pt, ctx))
    name = type(e).__name__
    if name in _REAL_FN:
        return _real_fn(name, [_num(a, pt, ctx) for a in e.args], ctx)
    fn = _FN.get(name)
    if fn is None or not isinstance(e, sympy.Function):
        raise _NoValue(f"no numeric value of {name}")
    args = [_num(a, pt, ctx) for a in e.args]
    if name in _PERIODIC or name in ("sinh", "cosh", "tanh", "coth", "sech", "csch"):
        if any(a != 0 and ctx.mag(a) > _MAX_ARG_MAG for a in args):
            raise _NoValue("argument too large")
    if name in ("gamma", "factorial", "binomial") and any(abs(a) > 10_000 for a in args):
        raise _NoValue("factorial too large")
    return getattr(ctx, fn)(*args)


def _power(b: Any, x_expr: Any, pt: dict, ctx: Any) -> Any:
    if x_expr.is_Integer:
        n = int(x_expr)
        if b == 0:
            if n < 0:
                raise _NoValue("division by zero")
            return ctx.mpf(0) if n else ctx.mpf(1)
        if abs(ctx.mag(b)) * abs(n) > 2 * _MAX_MAG:
            raise _NoValue("too large")
        return b ** n
    x = _num(x_expr, pt, ctx)
    if b == 0:
        if ctx.re(x) > 0:
            return ctx.mpf(0)
        raise _NoValue("zero to a non-positive power")
    # the size of b^x is about |x| * log2|b| bits (plus the phase's share): bounded before computing
    lb = abs(ctx.log(abs(b), 2)) + (4 if ctx.im(b) or b < 0 else 0)
    if abs(x) * lb > _MAX_MAG:
        raise _NoValue("too large")
    return ctx.power(b, x)


def _real_fn(name: str, args: list, ctx: Any) -> Any:
    if any(ctx.im(a) for a in args):
        raise _NoValue(f"{name} of a complex number")
    args = [ctx.re(a) for a in args]
    eps = ctx.mpf(2) ** (-(ctx.prec // 2))
    if name in ("floor", "ceiling"):
        a = args[0]
        near = ctx.nint(a)
        if abs(a - near) <= eps * max(1, abs(a)):
            raise _NoValue(f"{name} near an integer")  # which side is a matter of the last digits
        return ctx.floor(a) if name == "floor" else ctx.ceil(a)
    if name == "sign":
        if abs(args[0]) <= eps:
            raise _NoValue("sign near zero")
        return ctx.sign(args[0])
    best = max(args) if name == "Max" else min(args)
    if sum(1 for a in args if abs(a - best) <= eps * max(1, abs(best))) > 1:
        raise _NoValue(f"{name} of near-equal values")
    return best


def values_at(exprs: tuple | list, pt: dict) -> list | None:
    """Numeric values of ``exprs`` at ``pt`` as sympy numbers, or None when some value cannot be computed within
    bounds or is not trustworthy (its 50- and 100-digit evaluations differ: cancellation)."""
    got = []
    for dps in _DPS:
        ctx = _ctx(dps)
        try:
            got.append([ctx.mpc(_num(e, pt, ctx)) for e in exprs])
        except (_NoValue, ZeroDivisionError, ValueError, TypeError, OverflowError, RecursionError):
            return None
    lo, hi = got
    ctx = _ctx(_DPS[1])
    scale = max([abs(v) for v in hi] + [ctx.mpf(0)])
    if any(abs(a - b) > ctx.mpf(10) ** -_AGREE_DIGITS * scale for a, b in zip(lo, hi)):
        return None
    return [_to_sympy(v) for v in hi]


def terms_at(d: Any, pt: dict) -> tuple[Any, Any] | None:
    """The value of ``d`` at ``pt`` and its scale (the largest of its terms' sizes), or None (see values_at)."""
    terms = list(d.args) if isinstance(d, sympy.Add) else [d]
    vals = values_at(terms, pt)
    if vals is None:
        return None
    return sympy.Add(*vals), max([abs(v) for v in vals] + [sympy.Integer(0)])


def _to_sympy(v: Any) -> Any:
    prec = _ctx(_DPS[1]).prec
    re_, im_ = sympy.Float._new(v.real._mpf_, prec), sympy.Float._new(v.imag._mpf_, prec)
    return re_ if im_ == 0 else re_ + sympy.I * im_


__all__ = ["EXPAND_TERMS", "SIMPLIFY_TERMS", "TooBig", "exact_at", "expand_terms", "multinomial", "proof_hazard", "risky", "terms_at", "values_at"]


def zero_at(d: Any, pt: dict) -> str | None:
    """Whether ``d`` vanishes at ``pt``, for a risky ``d``: "zero" / "nonzero" exactly when its bounded exact value
    is rational; else by the one tolerance rule (symbolic._close) against the size of its terms: "nonzero" past
    1e-12 of it, "close" within 1e-25 (a numeric agreement, never a proof); None: cannot tell."""
    from stepforge.verifiers.math.symbolic import _REL_EQ, _REL_NE, _close

    try:
        v = exact_at(d, pt)
        if v.is_Rational:
            return "zero" if v == 0 else "nonzero"
    except (TooBig, ZeroDivisionError, ValueError, TypeError):
        pass
    got = terms_at(d, pt)
    if got is None:
        return None
    val, scale = got
    if _close(val, sympy.Integer(0), _REL_NE, scale=scale) is False:
        return "nonzero"
    if _close(val, sympy.Integer(0), _REL_EQ, scale=scale):
        return "close"
    return None


def truth_at(lhs: Any, op: str, rhs: Any, pt: dict) -> str:
    """A relation between risky sides at ``pt`` (a solution of the premises): "true" / "false" / "unknown".
    Equality holds only exactly; an inequality is decided by a bounded value clearly away from zero."""
    d = lhs - rhs
    z = zero_at(d, pt)
    if op in ("=", "!="):
        if z in ("zero", "nonzero"):
            return "true" if (z == "zero") == (op == "=") else "false"
        return "unknown"
    if z == "zero":
        return "true" if op in ("<=", ">=") else "false"
    if z != "nonzero":
        return "unknown"
    try:
        val = exact_at(d, pt)
    except (TooBig, ZeroDivisionError, ValueError, TypeError):
        val = None
    if val is None or not val.is_Rational:
        got = terms_at(d, pt)
        if got is None or got[0].as_real_imag()[1] != 0:
            return "unknown"
        val = got[0]
    res = {"<": val < 0, "<=": val <= 0, ">": val > 0, ">=": val >= 0}[op]
    return "true" if bool(res) else "false"


__all__ += ["truth_at", "zero_at"]
