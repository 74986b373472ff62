"""Exact values of reader trees, and exact identity tests at random points (the in-process fast path).

``value(node)`` is the exact value of a constant tree; ``identical(g, p)`` decides whether two trees are
the same function: exactly for constants, by Schwartz-Zippel at random rational points for rational
functions (including trigonometric and exponential ones, see :mod:`exact`). Points are drawn per call
from a wide range (1e-3 to 1e6, both signs when signs matter) with a seed taken from the OS and named in
the evidence. Returns ``None`` whenever only the general path can decide.
"""

from __future__ import annotations

import math
import os
import random
from fractions import Fraction
from typing import Any

from stepforge.verifiers.math import exact as X
from stepforge.verifiers.math.exact import NotExact, Value
from stepforge.verifiers.math.latex import Node, has, symbols, walk

_PI = Value({(1, 0, (("pi", 1),)): Fraction(1)})
_I = Value({(1, 1, ()): Fraction(1)})
_BRANCH = {"abs", "floor", "ceil", "min", "max", "sign", "sqrt", "root", "mod"}
_TRIG = {"sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "coth", "sech", "csch", "exp"}
_SIGNED = {"abs", "sign", "floor", "ceil", "min", "max"}  # with these, variables take both signs
_INV_TABLE = {  # asin / acos / atan of exact values: multiples of pi
    ("asin", Fraction(0)): Fraction(0), ("asin", Fraction(1, 2)): Fraction(1, 6), ("asin", Fraction(1)): Fraction(1, 2),
    ("acos", Fraction(1)): Fraction(0), ("acos", Fraction(1, 2)): Fraction(1, 3), ("acos", Fraction(0)): Fraction(1, 2),
    ("acos", Fraction(-1, 2)): Fraction(2, 3), ("acos", Fraction(-1)): Fraction(1),
    ("atan", Fraction(0)): Fraction(0), ("atan", Fraction(1)): Fraction(1, 4),
}


class Point:
    """Values for variables, and independent values standing for e^{ix/L} and e^{x/M} of each variable."""

    __slots__ = ("vals", "cis", "exps", "lden", "mden", "branchy")

    def __init__(self, vals: dict, cis: dict, exps: dict, lden: dict, mden: dict) -> None:
        self.vals, self.cis, self.exps, self.lden, self.mden = vals, cis, exps, lden, mden
        self.branchy = False


_EMPTY = Point({}, {}, {}, {}, {})


_MAX_BITS = 200_000  # the in-process engine never builds a number larger than this, whatever the policy
_MAX_FACTORIAL = 5000


def _bits(policy: Any) -> int:
    return min(policy.max_int_bits, _MAX_BITS)


def value(node: Node, policy: Any, pt: Point = _EMPTY) -> Value:
    """The exact value of a tree at a point; NotExact when this engine cannot give it."""
    k = node[0]
    bits = _bits(policy)
    if k == "num":
        return Value.rational(node[1])
    if k == "sym":
        v = pt.vals.get(node[1])
        if v is None:
            raise NotExact(f"symbol {node[1]}")
        return Value.rational(v)
    if k == "const":
        c = node[1]
        if c == "pi":
            return _PI
        if c == "e":
            return Value({(1, 0, (("e", Fraction(1)),)): Fraction(1)})
        if c == "i":
            return _I
        raise NotExact("infinity")
    if k == "add":
        out = Value({})
        for t in node[1]:
            out = X.add(out, value(t, policy, pt))
        return out
    if k == "mul":
        out = Value.rational(1)
        for f in node[1]:
            out = X.mul(out, value(f, policy, pt), bits)
        return out
    if k == "neg":
        return X.neg(value(node[1], policy, pt))
    if k == "div":
        return divide(value(node[1], policy, pt), value(node[2], policy, pt), bits)
    if k == "mix":
        return Value.rational(node[1] + Fraction(node[2], node[3]))
    if k == "deg":
        return X.mul(value(node[1], policy, pt), X.mul(_PI, Value.rational(Fraction(1, 180)), bits), bits)
    if k == "pow":
        return _power(node, policy, pt)
    if k == "fact":
        n = value(node[1], policy, pt).as_rational()
        if n is None or n.denominator != 1 or n < 0 or n > min(policy.max_factorial, _MAX_FACTORIAL):
            raise NotExact("factorial")
        return Value.rational(math.factorial(int(n)))
    if k == "fn":
        return _function(node[1], node[2], policy, pt)
    raise NotExact(k)


def divide(a: Value, b: Value, bits: int) -> Value:
    try:
        return X.mul(a, X.inverse(b, bits), bits)
    except NotExact:
        # a rational multiple of a sum the engine cannot invert (ln 36 / ln 6)
        tb = X._merge(b.terms)
        ta = X._merge(a.terms)
        if not tb:
            raise ZeroDivisionError from None
        key = next(iter(tb))
        if key not in ta:
            raise
        q = ta[key] / tb[key]
        if X.add(a, X.neg(X.mul(b, Value.rational(q), bits))).is_zero():
            return Value.rational(q)
        raise


def _rational(node: Node, policy: Any, pt: Point) -> Fraction | None:
    try:
        return value(node, policy, pt).as_rational()
    except NotExact:
        return None


def _power(node: Node, policy: Any, pt: Point) -> Value:
    base, ex = node[1], node[2]
    bits = _bits(policy)
    if base == ("const", "e"):
        return _exp(ex, policy, pt)
    e = _rational(ex, policy, pt)
    if e is None:
        raise NotExact("power with a non-rational exponent")
    b = value(base, policy, pt)
    if e.denominator == 1:
        if abs(e.numerator) > 100_000:
            raise NotExact("exponent too large")
        return X.power(b, e.numerator, bits)
    if symbols(base):
        pt.branchy = True
    q = b.as_rational()
    if q is None:
        raise NotExact("fractional power of an irrational")
    if e.denominator == 2:
        return X.power(X.sqrt_rational(q), e.numerator, bits)
    root = _exact_root(q, e.denominator)
    if root is None:
        raise NotExact("root without an exact value")
    return X.power(Value.rational(root), e.numerator, bits)


def _exact_root(q: Fraction, n: int) -> Fraction | None:
    if q < 0:
        return None
    def iroot(m: int) -> int | None:
        r = round(m ** (1.0 / n)) if m < 2**1000 else None
        if r is None:
            return None
        for c in (r - 1, r, r + 1):
            # c >= 2 with c**n over m's size is never m: not computed (a root of order 1e8, x^{x^2} at a sample
            # point, raised 2 to that power: minutes)
            if c >= 0 and (c < 2 or (c.bit_length() - 1) * n <= m.bit_length()) and c**n == m:
                return c
        return None
    a, b = iroot(q.numerator), iroot(q.denominator)
    if a is None or b is None:
        return None
    return Fraction(a, b)


def _linear(node: Node, policy: Any) -> tuple[dict[str, Fraction], Value]:
    """An argument as (rational coefficient per variable, constant value), or NotExact."""
    pt = _EMPTY
    names = symbols(node)
    if not names:
        return {}, value(node, policy, pt)
    base = {n: Fraction(0) for n in names}
    c0 = value(node, policy, Point(base, {}, {}, {}, {}))
    coeffs: dict[str, Fraction] = {}
    for n in names:
        probe = dict(base)
        probe[n] = Fraction(1)
        d = X.add(value(node, policy, Point(probe, {}, {}, {}, {})), X.neg(c0)).as_rational()
        if d is None:
            raise NotExact("argument not linear")
        coeffs[n] = d
    # linear for real: one more point off the axes must agree
    probe = {n: Fraction(3 + 2 * j, 7) for j, n in enumerate(sorted(names))}
    want = X.add(c0, Value.rational(sum(coeffs[n] * probe[n] for n in names)))
    got = value(node, policy, Point(probe, {}, {}, {}, {}))
    if not X.add(got, X.neg(want)).is_zero():
        raise NotExact("argument not linear")
    return coeffs, c0


def _cis(coeffs: dict, const: Value, pt: Point, policy: Any, imaginary: bool) -> tuple[Value, Value]:
    """(e^{i arg}, e^{-i arg}) when ``imaginary`` else (e^{arg}, e^{-arg}), exactly."""
    bits = _bits(policy)
    plus = Value.rational(1)
    minus = Value.rational(1)
    for n, c in coeffs.items():
        if not c:
            continue
        den = (pt.lden if imaginary else pt.mden).get(n)
        zs = (pt.cis if imaginary else pt.exps).get(n)
        if den is None or zs is None:
            raise NotExact("no substitution for this argument")
        m = c * den
        if m.denominator != 1:
            raise NotExact("argument not on the substitution lattice")
        plus = X.mul(plus, X.power(Value.rational(zs), int(m), bits), bits)
        minus = X.mul(minus, X.power(Value.rational(zs), -int(m), bits), bits)
    t = X._merge(const.terms)
    if imaginary:
        # const must be q*pi (or 0)
        if not t:
            q = Fraction(0)
        elif len(t) == 1 and next(iter(t)) == (1, 0, (("pi", 1),)):
            q = next(iter(t.values()))
        else:
            raise NotExact("angle is not a rational multiple of pi")
        c, s = X.cos_sin_pi(q)
        plus = X.mul(plus, X.add(c, X.mul(_I, s, bits)), bits)
        minus = X.mul(minus, X.add(c, X.neg(X.mul(_I, s, bits))), bits)
    else:
        ev = _exp_const(const)
        plus = X.mul(plus, ev, bits)
        minus = X.mul(minus, X.inverse(ev, bits), bits)
    return plus, minus


def _exp_const(const: Value) -> Value:
    t = X._merge(const.terms)
    rat = t.pop((1, 0, ()), Fraction(0))
    if t and all(len(k[2]) == 1 and k[2][0][0].startswith("ln") and k[2][0][1] == 1 and not k[1] and k[0] == 1 for k in t):
        # e^{a ln p + b ln q} = p^a q^b for integer a, b
        out = Value({(1, 0, (("e", rat),) if rat else ()): Fraction(1)})
        for (_, _, g), c in t.items():
            if c.denominator != 1 or abs(c) > 64:
                raise NotExact("exponent without an exact value")
            out = X.mul(out, Value.rational(Fraction(int(g[0][0][2:])) ** int(c)), 10**6)
        return out
    out = Value({(1, 0, (("e", rat),) if rat else ()): Fraction(1)})
    if t:
        # i*q*pi parts: e^{i q pi} is a radical
        if len(t) == 1 and next(iter(t)) == (1, 1, (("pi", 1),)):
            c, s = X.cos_sin_pi(next(iter(t.values())))
            return X.mul(out, X.add(c, X.mul(_I, s, 10**6)), 10**6)
        raise NotExact("exponent without an exact value")
    if abs(rat) > 10_000:
        raise NotExact("exponent too large")
    return out


def _exp(arg: Node, policy: Any, pt: Point) -> Value:
    coeffs, const = _linear(arg, policy)
    plus, _ = _cis(coeffs, const, pt, policy, imaginary=False)
    return plus


def _function(name: str, args: tuple, policy: Any, pt: Point) -> Value:
    bits = _bits(policy)
    if name in ("sin", "cos", "tan", "sec", "csc", "cot"):
        coeffs, const = _linear(args[0], policy)
        ep, em = _cis(coeffs, const, pt, policy, imaginary=True)
        cos = X.mul(X.add(ep, em), Value.rational(Fraction(1, 2)), bits)
        sin = X.mul(X.add(ep, X.neg(em)), Value({(1, 1, ()): Fraction(-1, 2)}), bits)  # (ep - em) / (2i)
        num, den = {"sin": (sin, None), "cos": (cos, None), "tan": (sin, cos), "cot": (cos, sin),
                    "sec": (None, cos), "csc": (None, sin)}[name]
        if den is None:
            return num
        return divide(num if num is not None else Value.rational(1), den, bits)
    if name in ("sinh", "cosh", "tanh", "coth", "sech", "csch", "exp"):
        coeffs, const = _linear(args[0], policy)
        ep, em = _cis(coeffs, const, pt, policy, imaginary=False)
        if name == "exp":
            return ep
        ch = X.mul(X.add(ep, em), Value.rational(Fraction(1, 2)), bits)
        sh = X.mul(X.add(ep, X.neg(em)), Value.rational(Fraction(1, 2)), bits)
        num, den = {"sinh": (sh, None), "cosh": (ch, None), "tanh": (sh, ch), "coth": (ch, sh),
                    "sech": (None, ch), "csch": (None, sh)}[name]
        if den is None:
            return num
        return divide(num if num is not None else Value.rational(1), den, bits)
    if name in _BRANCH and any(_substituted(a) for a in args):
        raise NotExact("branch function of a substituted argument")
    if name in _BRANCH and any(symbols(a) for a in args):
        pt.branchy = True
    vals = [value(a, policy, pt) for a in args]
    if name == "sqrt":
        q = vals[0].as_rational()
        if q is None:
            raise NotExact("square root of an irrational")
        return X.sqrt_rational(q)
    if name == "root":
        q, n = vals[0].as_rational(), vals[1].as_rational()
        if q is None or n is None or n.denominator != 1:
            raise NotExact("root")
        r = _exact_root(q, int(n))
        if r is None:
            if q < 0 and int(n) % 2:
                r2 = _exact_root(-q, int(n))
                if r2 is not None:
                    return Value.rational(-r2)
            raise NotExact("root without an exact value")
        return Value.rational(r)
    if name == "abs":
        v = vals[0]
        if v.is_real():
            s = X.sign(v)
            return v if s >= 0 else X.neg(v)
        conj = Value({(r, ip, g): (-c if ip else c) for (r, ip, g), c in v.terms.items()})
        sq = X.mul(v, conj, bits).as_rational()
        if sq is None:
            raise NotExact("modulus")
        return X.sqrt_rational(sq)
    if name == "sign":
        return Value.rational(X.sign(vals[0]))
    if name in ("floor", "ceil"):
        q = vals[0].as_rational()
        if q is not None:
            return Value.rational(math.floor(q) if name == "floor" else math.ceil(q))
        x = X.to_mpc(vals[0], 60)
        if x.imag != 0:
            raise NotExact("floor of a complex number")
        f = int(math.floor(x.real)) if name == "floor" else int(math.ceil(x.real))
        return Value.rational(f)
    if name in ("min", "max"):
        best = vals[0]
        for v in vals[1:]:
            c = X.compare(v, best)
            if (c < 0) if name == "min" else (c > 0):
                best = v
        return best
    if name in ("gcd", "lcm"):
        ints = [v.as_rational() for v in vals]
        if any(q is None or q.denominator != 1 for q in ints):
            raise NotExact(name)
        out = 0 if name == "gcd" else 1
        for q in ints:
            n = abs(int(q))  # type: ignore[arg-type]
            out = math.gcd(out, n) if name == "gcd" else (out * n // math.gcd(out, n) if n else 0)
        return Value.rational(out)
    if name == "binom":
        n, kk = vals[0].as_rational(), vals[1].as_rational()
        if kk is None or kk.denominator != 1 or kk < 0 or kk > 10_000:
            raise NotExact("binomial")
        if n is not None and n.denominator == 1 and n >= 0:
            if n > 100 * _MAX_FACTORIAL:
                raise NotExact("binomial too large for the exact path")
            return Value.rational(math.comb(int(n), int(kk)))
        # a generalized binomial: n(n-1)...(n-k+1)/k!
        out = Value.rational(1)
        for j in range(int(kk)):
            out = X.mul(out, X.add(vals[0], Value.rational(-j)), bits)
        return X.mul(out, Value.rational(Fraction(1, math.factorial(int(kk)))), bits)
    if name in ("ln", "log", "log10"):
        arg = vals[0]
        base = vals[1] if name == "log" and len(vals) > 1 else (Value.rational(10) if name == "log10" else None)
        la = _ln(arg)
        if base is None:
            if name == "log":
                raise NotExact("log without a base")  # log x: natural or decimal, by convention only
            return la
        return divide(la, _ln(base), bits)
    if name in ("asin", "acos", "atan"):
        q = vals[0].as_rational()
        sgn = 1
        if q is not None and q < 0 and name != "acos":
            q, sgn = -q, -1
        key = (name, q)
        if q is None or key not in _INV_TABLE:
            raise NotExact("inverse trigonometric value")
        return X.mul(_PI, Value.rational(sgn * _INV_TABLE[key]), bits)
    raise NotExact(f"function {name}")


def _ln(v: Value) -> Value:
    q = v.as_rational()
    if q is not None:
        return X.ln_rational(q)
    t = X._merge(v.terms)
    if len(t) == 1:
        ((r, ip, g), c), = t.items()
        if r == 1 and not ip and len(g) == 1 and g[0][0] == "e":
            return X.add(X.ln_rational(c), Value.rational(g[0][1]))
    raise NotExact("log of an irrational")


def _substituted(node: Node) -> bool:
    """Does this subtree hold a trigonometric/exponential function of a variable?"""
    return any((n[0] == "fn" and n[1] in _TRIG and any(symbols(a) for a in n[2]))
               or (n[0] == "pow" and n[1] == ("const", "e") and bool(symbols(n[2]))) for n in walk(node))


def _lattice(nodes: list[Node], policy: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Per variable, the common denominator of its coefficients in trig (L) and exp (M) arguments."""
    lden: dict[str, int] = {}
    mden: dict[str, int] = {}
    for n in (m for root in nodes for m in walk(root)):
        arg = None
        trig = False
        if n[0] == "fn" and n[1] in _TRIG:
            arg, trig = n[2][0], n[1] not in ("sinh", "cosh", "tanh", "coth", "sech", "csch", "exp")
        elif n[0] == "pow" and n[1] == ("const", "e"):
            arg = n[2]
        if arg is not None and symbols(arg):
            try:
                coeffs, _ = _linear(arg, policy)
            except (NotExact, ZeroDivisionError):
                coeffs = {}
            target = lden if trig else mden
            for name, c in coeffs.items():
                target[name] = math.lcm(target.get(name, 1), c.denominator)
    return lden, mden


def _random_value(rng: random.Random, signed: bool) -> Fraction:
    # four significant digits at a random scale from 1e-3 to 1e6
    m = rng.randint(1000, 9999)
    e = rng.randint(-6, 3)
    v = Fraction(m) * Fraction(10) ** e
    if signed and rng.random() < 0.5:
        v = -v
    return v


def new_seed() -> int:
    """A per-call seed from the OS (recorded in the verdict's evidence)."""
    return int.from_bytes(os.urandom(6), "big")


def _infinite(node: Node) -> int:
    if node == ("const", "oo"):
        return 1
    if node == ("neg", ("const", "oo")):
        return -1
    return 0


def identical(g: Node, p: Node, policy: Any, seed: int | None = None) -> tuple[bool | None, str, str]:
    """Are two trees the same value / function? (True | False | None = undecided here, rule, detail)."""
    ig, ip = _infinite(g), _infinite(p)
    if ig or ip:
        if ig and ip:
            return ig == ip, "infinity", ""
        if has(g, {"app", "op"}) or has(p, {"app", "op"}):
            return None, "not_exact", ""
        try:
            value(p if ig else g, policy)
            return False, "infinity", "a finite value against infinity"
        except (NotExact, ZeroDivisionError):
            return None, "not_exact", ""
    try:
        return _identical(g, p, policy, seed)
    except NotExact as exc:
        return None, "not_exact", str(exc)


def _identical(g: Node, p: Node, policy: Any, seed: int | None) -> tuple[bool | None, str, str]:
    names = sorted(symbols(g) | symbols(p))
    if has(g, {"app", "op"}) or has(p, {"app", "op"}):
        return None, "not_exact", "function symbol or undone operation"
    if not names:
        try:
            vg, vp = value(g, policy), value(p, policy)
        except ZeroDivisionError:
            return None, "division_by_zero", ""
        qg, qp = vg.as_rational(), vp.as_rational()
        if qg is not None and qp is not None:
            rule = "exact_int" if qg.denominator == qp.denominator == 1 else "exact_rational"
            return qg == qp, rule, ""
        return X.add(vg, X.neg(vp)).is_zero(), "exact_constant", ""
    seed = new_seed() if seed is None else seed
    rng = random.Random(seed)
    signed = not policy.assume_positive or has(g, _SIGNED) or has(p, _SIGNED)
    lden, mden = _lattice([g, p], policy)
    agree = skipped = 0
    branchy = False
    need = max(3, policy.numeric_points)
    while agree < need:
        if skipped > 2 * need:
            return None, "points_undefined", f"seed {seed}"
        vals = {n: _random_value(rng, signed) for n in names}
        pt = Point(vals, {n: _random_value(rng, True) for n in lden}, {n: _random_value(rng, False) for n in mden}, lden, mden)
        try:
            d = X.add(value(g, policy, pt), X.neg(value(p, policy, pt)))
        except ZeroDivisionError:
            skipped += 1
            continue
        branchy = branchy or pt.branchy
        if not d.is_zero():
            return False, "exact_random_points", f"differ at {_show(vals)} (seed {seed})"
        agree += 1
    if branchy:
        return None, "branch_functions", f"agree at {agree} points (seed {seed}); needs a symbolic proof"
    return True, "exact_identity", f"{agree} random points, seed {seed}"


def _show(vals: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in vals.items())


__all__ = ["Point", "divide", "identical", "new_seed", "value"]


def node_of(v: Value) -> Node:
    """A reader tree with the exact value ``v`` (for endpoints the engine computes, such as -c/k)."""
    terms = []
    for (r, ip, g), c in X._merge(v.terms).items():
        f: list[Node] = [("num", c)]
        if r != 1:
            f.append(("fn", "sqrt", (("num", Fraction(r)),)))
        if ip:
            f.append(("const", "i"))
        for name, e in g:
            if name == "pi":
                f.append(("const", "pi") if e == 1 else ("pow", ("const", "pi"), ("num", Fraction(e))))
            elif name == "e":
                f.append(("pow", ("const", "e"), ("num", Fraction(e))))
            else:
                f.append(("pow", ("fn", "ln", (("num", Fraction(int(name[2:]))),)), ("num", Fraction(e))))
        terms.append(f[0] if len(f) == 1 else ("mul", tuple(f)))
    if not terms:
        return ("num", Fraction(0))
    return terms[0] if len(terms) == 1 else ("add", tuple(terms))


def numeric(node: Node, policy: Any, dps: int = 40) -> Any:
    """An mpmath complex value of a constant tree (exact engine), or NotExact."""
    return X.to_mpc(value(node, policy), dps)
