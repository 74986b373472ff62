"""Exact arithmetic for the verifier's fast path, in pure Python (no sympy): decisions that cannot hang.

A value is a finite sum of terms ``c * sqrt(r) * i^a * g`` with ``c`` rational, ``r`` a positive integer,
``a`` in {0, 1} and ``g`` a product of powers of transcendental generators (pi, e^q, ln p for primes p).
Square roots of integers with no common square ratio are linearly independent over the rationals
(Besicovitch), and the generators are transcendental, so two values are equal exactly when their terms
match: equality here is a proof, not a float comparison. (pi, e and logs of primes are only assumed
algebraically independent of each other; that can only ever cost an ``equal``, never grant one.)

Expressions with variables are compared at random rational points (Schwartz-Zippel for rational
functions); ``sin``/``cos``/``exp`` of an argument linear in a variable are evaluated by substituting an
independent random value for ``e^{ix}`` (``x`` and ``e^{ix}`` are algebraically independent), which turns
trigonometric identities into exact rational-function identities. Branch functions of variables
(``sqrt``, ``|.|``, ``floor``, ``min``) are evaluated for real at the point, which can refute an
equality but never confirm one (``branchy``). Everything here is bounded by size guards.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any



class NotExact(Exception):
    """This engine cannot decide the value exactly: the general (sympy) path must."""


_MAX_TERMS = 256
_SMALL_PRIMES = [p for p in range(2, 200) if all(p % q for q in range(2, int(p**0.5) + 1))]
ONE_KEY = (1, 0, ())


class Value:
    """An exact number: {(radicand, i-power, generators): rational coefficient}."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict) -> None:
        self.terms = terms

    @staticmethod
    def rational(q: Fraction | int) -> Value:
        q = Fraction(q)
        return Value({ONE_KEY: q} if q else {})

    # -- predicates
    def is_zero(self) -> bool:
        return not _merge(self.terms)

    def as_rational(self) -> Fraction | None:
        t = _merge(self.terms)
        if not t:
            return Fraction(0)
        if len(t) == 1 and ONE_KEY in t:
            return t[ONE_KEY]
        return None

    def is_real(self) -> bool:
        return all(k[1] == 0 for k in _merge(self.terms))

    def has_generators(self) -> bool:
        return any(k[2] for k in self.terms)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Value({self.terms})"


def _check_size(q: Fraction, bits: int) -> Fraction:
    if q.numerator.bit_length() > bits or q.denominator.bit_length() > bits:
        raise NotExact("number too large for the exact path")
    return q


def _gens_mul(a: tuple, b: tuple) -> tuple:
    if not a:
        return b
    if not b:
        return a
    d = dict(a)
    for k, v in b:
        d[k] = d.get(k, 0) + v
        if d[k] == 0:
            del d[k]
    return tuple(sorted(d.items()))


def _square_free(n: int) -> tuple[int, int]:
    """n = s^2 * r with small square factors removed: (s, r); r may keep a large square factor."""
    s = 1
    for p in _SMALL_PRIMES:
        pp = p * p
        if pp > n:
            break
        while n % pp == 0:
            n //= pp
            s *= p
    r = math.isqrt(n)
    if r * r == n:
        return s * r, 1
    return s, n


def _merge(terms: dict) -> dict:
    """Merge radicands whose product is a perfect square (sqrt(8) and sqrt(2)), drop zero terms."""
    out: dict = {}
    reps: dict = {}  # (i, gens) -> list of representative radicands
    for (r, ip, g), c in terms.items():
        if not c:
            continue
        group = reps.setdefault((ip, g), [])
        for rep in group:
            if rep == r:
                break
            prod = rep * r
            root = math.isqrt(prod)
            if root * root == prod:  # sqrt(r) = root / rep * sqrt(rep)
                c = c * Fraction(root, rep)
                r = rep
                break
        else:
            group.append(r)
        key = (r, ip, g)
        out[key] = out.get(key, 0) + c
    return {k: v for k, v in out.items() if v}


def add(a: Value, b: Value) -> Value:
    t = dict(a.terms)
    for k, v in b.terms.items():
        t[k] = t.get(k, 0) + v
    t = {k: v for k, v in t.items() if v}
    if len(t) > _MAX_TERMS:
        raise NotExact("too many terms")
    return Value(t)


def neg(a: Value) -> Value:
    return Value({k: -v for k, v in a.terms.items()})


def mul(a: Value, b: Value, bits: int) -> Value:
    t: dict = {}
    for (r1, i1, g1), c1 in a.terms.items():
        for (r2, i2, g2), c2 in b.terms.items():
            c = c1 * c2
            if r1 == 1 or r2 == 1:
                r = r1 * r2
            else:
                g = math.gcd(r1, r2)
                r = (r1 // g) * (r2 // g)
                c *= g
            ip = i1 + i2
            if ip == 2:
                c, ip = -c, 0
            key = (r, ip, _gens_mul(g1, g2))
            t[key] = t.get(key, 0) + c
    t = {k: _check_size(v, bits) for k, v in t.items() if v}
    if len(t) > _MAX_TERMS:
        raise NotExact("too many terms")
    return Value(t)


def sqrt_rational(q: Fraction) -> Value:
    """The principal square root of a rational: i * sqrt(|q|) for negative q."""
    if q == 0:
        return Value({})
    ip = 1 if q < 0 else 0
    q = abs(q)
    n = q.numerator * q.denominator  # sqrt(p/d) = sqrt(p*d) / d
    s, r = _square_free(n)
    return Value({(r, ip, ()): Fraction(s, q.denominator)})


def inverse(a: Value, bits: int) -> Value:
    t = _merge(a.terms)
    if not t:
        raise ZeroDivisionError
    if len(t) == 1:
        ((r, ip, g), c), = t.items()
        # 1 / (c sqrt(r) i^a g) = sqrt(r) / (c r) * (-i)^a * g^-1
        coef = 1 / (c * r)
        if ip:
            coef = -coef
        return Value({(r, ip, tuple((k, -v) for k, v in g)): coef})
    if any(k[2] for k in t):
        # a multiple of something known? (ln 36 / ln 6): only rational multiples are exact here
        raise NotExact("division by a sum with transcendental terms")
    radicands = {k[0] for k in t if k[0] != 1}
    if len(radicands) > 1:
        raise NotExact("division by a sum of several radicals")
    # a = A + B sqrt(r) with A, B in Q(i): 1/a = (A - B sqrt(r)) / (A^2 - B^2 r)
    r = next(iter(radicands)) if radicands else 1
    A = Value({k: v for k, v in t.items() if k[0] == 1})
    B = Value({(1, k[1], ()): v for k, v in t.items() if k[0] == r and r != 1})
    if not radicands:
        # a = u + v i: 1/a = (u - v i) / (u^2 + v^2)
        u = t.get((1, 0, ()), Fraction(0))
        v = t.get((1, 1, ()), Fraction(0))
        d = u * u + v * v
        return Value({k: c for k, c in {(1, 0, ()): u / d, (1, 1, ()): -v / d}.items() if c})
    conj = add(A, neg(mul(B, Value({(r, 0, ()): Fraction(1)}), bits)))
    norm = add(mul(A, A, bits), neg(mul(mul(B, B, bits), Value.rational(r), bits)))
    return mul(conj, inverse(norm, bits), bits)


def power(a: Value, n: int, bits: int) -> Value:
    if n == 0:
        return Value.rational(1)
    if n < 0:
        return power(inverse(a, bits), -n, bits)
    t = _merge(a.terms)
    if len(t) == 1:  # a monomial: c^n, sqrt(r)^n, i^n, g^n directly
        ((r, ip, g), c), = t.items()
        cq = Fraction(c.numerator ** n, c.denominator ** n) if (c.numerator.bit_length() + c.denominator.bit_length()) * n <= 4 * bits else None
        if cq is None:
            raise NotExact("power too large")
        half, odd = divmod(n, 2)
        if r != 1:
            if r.bit_length() * half > 4 * bits:
                raise NotExact("power too large")
            cq *= r ** half
        out_r = r if odd else 1
        ipow = (ip * n) % 4
        sign = -1 if ipow in (2, 3) else 1
        return Value({(out_r, ipow % 2, tuple((k, v * n) for k, v in g)): _check_size(cq * sign, bits)})
    if n > 64:
        raise NotExact("power of a sum too large")
    out = Value.rational(1)
    base = Value(t)
    while n:
        if n & 1:
            out = mul(out, base, bits)
        n >>= 1
        if n:
            base = mul(base, base, bits)
    return out


# ------------------------------------------------------------------------------------- numeric view

def to_mpc(v: Value, dps: int = 50) -> Any:
    """A complex mpmath number for an exact value (for signs, ordering and rounding checks)."""
    ctx = _ctx(dps)
    total = ctx.mpc(0)
    for (r, ip, g), c in v.terms.items():
        term = ctx.mpf(c.numerator) / c.denominator
        if r != 1:
            term *= ctx.sqrt(r)
        for name, e in g:
            if name == "pi":
                term *= ctx.pi ** int(e)
            elif name == "e":
                term *= ctx.exp(ctx.mpf(e.numerator) / e.denominator)
            elif name.startswith("ln"):
                term *= ctx.log(int(name[2:])) ** int(e)
        total += term * (ctx.mpc(0, 1) if ip else 1)
    return total


_CTXS: dict[int, Any] = {}


def _ctx(dps: int) -> Any:
    import threading

    import mpmath

    key = (threading.get_ident(), dps)
    ctx = _CTXS.get(key)  # type: ignore[call-overload]
    if ctx is None:
        ctx = mpmath.MPContext()
        ctx.dps = dps
        _CTXS[key] = ctx  # type: ignore[index]
    return ctx


def sign(v: Value) -> int:
    """Sign of a real value: exact for one term or terms of one sign (radicals and generators are positive),
    else by evaluation at growing precision; NotExact when 400 digits cannot tell it from zero."""
    t = _merge(v.terms)
    if not t:
        return 0
    if any(k[1] for k in t):
        raise NotExact("not a real number")
    if all(c > 0 for c in t.values()):
        return 1
    if all(c < 0 for c in t.values()):
        return -1
    for dps in (30, 100, 400):
        x = to_mpc(Value(t), dps).real
        if abs(x) > _ctx(dps).mpf(10) ** (-(dps - 10)):
            return 1 if x > 0 else -1
    raise NotExact("sign undecided")


def compare(a: Value, b: Value) -> int:
    return sign(add(a, neg(b)))


# ------------------------------------------------------------------------------------------ constants

def _cis_table() -> dict[Fraction, tuple[Value, Value]]:
    """cos and sin of q*pi for q with denominator 1, 2, 3, 4, 6, 12 (exact radicals)."""
    half = Fraction(1, 2)
    s2 = Value({(2, 0, ()): half})
    s3 = Value({(3, 0, ()): half})
    h = Value.rational(half)
    z, one = Value({}), Value.rational(1)
    # (sqrt6 + sqrt2)/4 and (sqrt6 - sqrt2)/4 for 15 degrees
    c15 = Value({(6, 0, ()): Fraction(1, 4), (2, 0, ()): Fraction(1, 4)})
    s15 = Value({(6, 0, ()): Fraction(1, 4), (2, 0, ()): Fraction(-1, 4)})
    base = {
        Fraction(0): (one, z), Fraction(1, 12): (c15, s15), Fraction(1, 6): (s3, h), Fraction(1, 4): (s2, s2),
        Fraction(1, 3): (h, s3), Fraction(5, 12): (s15, c15), Fraction(1, 2): (z, one),
    }
    out = {}
    for q, (c, s) in base.items():
        out[q] = (c, s)
        out[1 - q] = (neg(c), s)
        out[1 + q] = (neg(c), neg(s))
        out[2 - q] = (c, neg(s))
    return out


_CIS: dict | None = None


def cos_sin_pi(q: Fraction) -> tuple[Value, Value]:
    """(cos(q pi), sin(q pi)) exactly, or NotExact."""
    global _CIS
    if _CIS is None:
        _CIS = _cis_table()
    r = q % 2
    if r not in _CIS:
        raise NotExact("angle without a radical value")
    return _CIS[r]


def _factor_small(n: int) -> dict[int, int] | None:
    out: dict[int, int] = {}
    p = 2
    while p * p <= n and p < 100_000:
        while n % p == 0:
            out[p] = out.get(p, 0) + 1
            n //= p
        p += 1 if p == 2 else 2
    if n > 1:
        if p * p <= n:
            return None  # not fully factored within the bound
        out[n] = out.get(n, 0) + 1
    return out


def ln_rational(q: Fraction) -> Value:
    if q <= 0:
        raise NotExact("log of a non-positive number")
    if q == 1:
        return Value({})
    t: dict = {}
    for part, sgn in ((q.numerator, 1), (q.denominator, -1)):
        if part == 1:
            continue
        f = _factor_small(part)
        if f is None:
            raise NotExact("log of a number too large to factor")
        for p, e in f.items():
            key = (1, 0, ((f"ln{p}", 1),))
            t[key] = t.get(key, 0) + sgn * e
    return Value({k: Fraction(v) for k, v in t.items() if v})


__all__ = ["NotExact", "Value", "add", "compare", "cos_sin_pi", "inverse", "ln_rational", "mul", "neg", "power",
           "sign", "sqrt_rational", "to_mpc"]

