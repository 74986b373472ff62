"""The general path: sympy views of reader trees, latex2sympy2_extended for what the reader does not know,
and equality with symbolic confirmation. Unbounded (simplify can spin): runs inside the hard-limited pool
or under a caller's own limit, never in the in-process fast path (``errors.need_general`` guards the door).
"""

from __future__ import annotations

import random
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import mpmath
import sympy
from sympy import Rational

from stepforge.verifiers.math import _sympy_order
from stepforge.verifiers.math.errors import GuardError, ParseError, need_general
from stepforge.verifiers.math.evaluate import new_seed
from stepforge.verifiers.math.latex import Node
from stepforge.verifiers.math.points import (
    EXPAND_TERMS,
    SIMPLIFY_TERMS,
    expand_terms,
    multinomial,
    proof_hazard,
    risky,
    values_at,
)

_sympy_order.fix()  # one order of asking sympy's assumptions in every process (see the module)

Result = tuple[bool, str, str]
_REL_EQ = 10 ** -25
_REL_NE = 10 ** -12
_CONSTANT_NAME_RE = re.compile(r"^[CKck](?:_\{?\d+\}?)?$")
_BRANCHY = (sympy.Abs, sympy.sign, sympy.floor, sympy.ceiling, sympy.Min, sympy.Max, sympy.Piecewise, sympy.Mod)
_OP_TYPES = {"integral": sympy.Integral, "derivative": sympy.Derivative, "limit": sympy.Limit, "sum": sympy.Sum,
             "product": sympy.Product}


def canon_name(name: str) -> str:
    """One spelling per symbol: ``\\alpha`` -> ``alpha``, ``x_{1}`` -> ``x_1``."""
    name = name.replace("\\", "")
    return re.sub(r"_\{(\w)\}$", r"_\1", name)


# ------------------------------------------------------------------------------------------- trees

_FN = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "acot": sympy.acot, "asec": sympy.asec,
    "acsc": sympy.acsc, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh, "coth": sympy.coth,
    "sech": sympy.sech, "csch": sympy.csch, "asinh": sympy.asinh, "acosh": sympy.acosh, "atanh": sympy.atanh,
    "exp": sympy.exp, "ln": sympy.log, "abs": sympy.Abs, "floor": sympy.floor, "ceil": sympy.ceiling,
    "sign": sympy.sign, "sqrt": sympy.sqrt,
}


def to_sympy(node: Node, policy: Any, evaluate_ops: bool = True) -> Any:
    """The sympy expression of a reader tree (undone operations evaluated, within guards, when asked).

    Remembered per (tree, policy): a step's sides are read again by the labeller's follow-up checks (the value a
    claim states, the slip redone), and a derivative or integral is evaluated once. Only results are kept (a
    guard's refusal, or a budget spent, is met again the next time), and sympy expressions are immutable."""
    need_general("sympy view")
    try:
        return _to_sympy_cached(node, policy, evaluate_ops)
    except TypeError:
        if _hashable(node):
            raise
        return _to_sympy(node, policy, evaluate_ops)  # a tree with a list in it: not remembered


def _hashable(node: Any) -> bool:
    try:
        hash(node)
    except TypeError:
        return False
    return True


@lru_cache(maxsize=4096)
def _to_sympy_cached(node: Node, policy: Any, evaluate_ops: bool) -> Any:
    return _to_sympy(node, policy, evaluate_ops)


def _to_sympy(node: Node, policy: Any, evaluate_ops: bool) -> Any:
    out = _conv(node, policy)
    _walk_guard(out, policy)
    if evaluate_ops and out.has(*_OP_TYPES.values()):
        out = _do_ops(out, policy)
    return out


def _conv(n: Node, pol: Any) -> Any:
    k = n[0]
    if k == "num":
        return Rational(n[1].numerator, n[1].denominator)
    if k == "sym":
        return sympy.Symbol(canon_name(n[1]))
    if k == "const":
        return {"pi": sympy.pi, "e": sympy.E, "i": sympy.I, "oo": sympy.oo}[n[1]]
    if k == "add":
        return sympy.Add(*[_conv(a, pol) for a in n[1]])
    if k == "mul":
        return sympy.Mul(*[_conv(a, pol) for a in n[1]])
    if k == "div":
        return _conv(n[1], pol) / _conv(n[2], pol)
    if k == "neg":
        return -_conv(n[1], pol)
    if k == "pow":
        return _pow(_conv(n[1], pol), _conv(n[2], pol), pol)
    if k == "fact":
        return sympy.factorial(_conv(n[1], pol))
    if k == "mix":
        return Rational(n[1]) + Rational(n[2], n[3])
    if k == "deg":
        return _conv(n[1], pol) * sympy.pi / 180
    if k == "app":
        return sympy.Function(n[1])(*[_conv(a, pol) for a in n[2]])
    if k == "fn":
        name, args = n[1], [_conv(a, pol) for a in n[2]]
        if name in _FN:
            return _FN[name](*args)
        if name == "root":
            return sympy.root(args[0], args[1])
        if name == "log":
            return sympy.log(args[0], args[1]) if len(args) > 1 else sympy.log(args[0])
        if name == "log10":
            return sympy.log(args[0], 10)
        if name == "gcd":
            return sympy.gcd(*args) if len(args) == 2 else sympy.Function("gcd")(*args)
        if name == "lcm":
            return sympy.lcm(*args) if len(args) == 2 else sympy.Function("lcm")(*args)
        if name == "min":
            return sympy.Min(*args)
        if name == "max":
            return sympy.Max(*args)
        if name == "binom":
            return sympy.binomial(*args)
        if name == "mod":
            return sympy.Mod(*args)
        raise ParseError(f"no sympy view of {name}")
    if k == "op":
        kind, body, var = n[1], _conv(n[2], pol), sympy.Symbol(canon_name(n[3]))
        lo = _conv(n[4], pol) if isinstance(n[4], tuple) else None
        hi = _conv(n[5], pol) if isinstance(n[5], tuple) else None
        if kind == "integral":
            return sympy.Integral(body, (var, lo, hi)) if lo is not None else sympy.Integral(body, var)
        if kind == "derivative":
            return sympy.Derivative(body, var, int(lo)) if lo is not None else sympy.Derivative(body, var)
        if kind == "limit":
            return sympy.Limit(body, var, lo, dir=(n[5][1] if n[5] else "+-"))
        if kind == "sum":
            return sympy.Sum(body, (var, lo, hi))
        return sympy.Product(body, (var, lo, hi))
    raise ParseError(f"no sympy view of {k}")


def _pow(b: Any, e: Any, pol: Any) -> Any:
    pow_guard(b, e, pol)
    return sympy.Pow(b, e)


def pow_guard(b: Any, e: Any, pol: Any) -> None:
    """Refuse a power whose construction (or any later rebuild) makes sympy compute something huge, in a thread where
    no alarm stops it: a constant power of over ``max_int_bits`` exact bits (7^{2^{30}+1/2}, the 2^{7463^3} of
    (x/2)^{7463^3}), or a high power of a
    sum raised to an expression (((x+1)^{300})^{(y+2)/(x+e)}: sympy takes re and im of the inner power, expanding it
    over re(x) and im(x), 45,451 terms; minutes at 1000). Exponents may be unevaluated sums (latex2sympy's)."""
    if b.is_number and e.is_number and b not in (0, 1, -1):
        bits = power_bits(b, e)
        if bits > pol.max_int_bits:
            raise GuardError(f"power too large (~{bits:.3g} bits)")
    if isinstance(b, sympy.Mul) and e.is_number and b.free_symbols:
        c = b.as_coeff_Mul()[0]  # (x/2)^{7463^3} is x^{7463^3} / 2^{7463^3}, computed
        if c not in (1, -1) and power_bits(c, e) > pol.max_int_bits:
            raise GuardError(f"power too large (~{power_bits(c, e):.3g} bits in its coefficient)")
    if isinstance(b, sympy.Pow) and b.exp.is_number and b.free_symbols and not (e.is_Symbol or e.is_number):
        n = _magnitude(b.exp)
        if n > EXPAND_TERMS ** 2 or multinomial(int(n), 2 * expand_terms(b.base), EXPAND_TERMS) > EXPAND_TERMS:
            raise GuardError("a high power of a sum raised to an expression")


def power_bits(b: Any, e: Any) -> float:
    """About how many bits sympy's exact value of the constant power ``b^e`` takes: |e| times the size of the
    rationals in ``b`` (sympy computes 7^{2^{30}+1/2} as 7^{2^{30}}*sqrt(7), and (3/2)^{10^6 pi} from
    (3/2)^{10^6}: an integer power that holds the GIL for minutes). inf when |e| has no bounded value."""
    return _magnitude(e) * _rational_bits(b)


def _magnitude(e: Any) -> float:
    """|e| of a constant, bounded (inf when it has no bounded value)."""
    if e.is_Rational:
        n = abs(e.p) // e.q + 1
        return float(n) if n.bit_length() <= 64 else float("inf")
    vals = values_at((e,), {})
    return float("inf") if vals is None else float(abs(vals[0]))


def _rational_bits(b: Any) -> int:
    rats = [b] if b.is_Rational else list(b.atoms(sympy.Rational))
    return max([1] + [max(abs(r.p), r.q).bit_length() for r in rats])


def _do_ops(obj: Any, policy: Any) -> Any:
    for node in sympy.preorder_traversal(obj):
        if isinstance(node, (sympy.Sum, sympy.Product)):
            for _, lo, hi in node.limits:
                span = hi - lo
                if not span.is_number or abs(span) > 10_000:
                    if isinstance(node, sympy.Product) or not node.function.is_polynomial(*node.variables):
                        raise GuardError("sum or product too long to evaluate")
        elif isinstance(node, (sympy.Derivative, sympy.Integral)) and (why := _no_value(node)):
            raise GuardError(why)
    exact = {node: v for node in sympy.preorder_traversal(obj)
             if (v := _polynomial_integral(node) if isinstance(node, sympy.Integral) else _polynomial_derivative(node))
             is not None}
    if exact:
        obj = obj.xreplace(exact)
    out = obj if obj.is_Rational else obj.doit()
    _walk_guard(out, policy)
    return out


def _no_value(node: Any) -> str | None:
    """Why sympy's value of a derivative or integral is no reading of the text, or None. A derivative of letters
    without its variable names a function (``\\frac{\\partial u}{\\partial y}`` of ``u(x, y)``, ``\\frac{d}{dt}(V)``):
    sympy's 0 treats them as constants. An integral of ``|f|``, a floor, a sign...: sympy integrates across the kinks
    with one antiderivative (``\\int_0^{2.5} |\\cos(\\pi t)| dt`` = 3/pi, not 5/pi; ``\\int_0^{3\\pi} |\\sin x| dx`` = 2)."""
    if isinstance(node, sympy.Derivative):
        letters = node.expr.free_symbols
        if letters and not letters & set(node.variables):
            return "derivative of letters without its variable (a function's name)"
    elif node.function.has(*_BRANCHY):
        return "integral of a function with kinks (|f|, floor, sign, min, max)"
    return None


def _polynomial_integral(node: Any) -> Any:
    """The exact value of a definite integral of a polynomial with rational coefficients between rational limits
    (``\\int_0^2 (4x^2 - 3x) dx``), or None. The value is one rational number, the one ``doit`` finds, but sympy's
    general integrator takes ~10 ms to reach it (a third of the step checker's time on calculus solutions); the
    antiderivative of the polynomial evaluated at the limits takes well under one."""
    if not isinstance(node, sympy.Integral) or len(node.limits) != 1 or len(node.limits[0]) != 3:
        return None
    var, lo, hi = node.limits[0]
    f = node.function
    if not (lo.is_Rational and hi.is_Rational) or not f.free_symbols <= {var} or f.has(*_OP_TYPES.values()) \
            or not f.is_polynomial(var):
        return None
    try:
        p = sympy.Poly(f, var)
    except sympy.PolynomialError:
        return None
    if p.gens != (var,) or p.domain not in (sympy.ZZ, sympy.QQ):
        return None
    antiderivative = p.integrate()
    value = antiderivative.eval(hi) - antiderivative.eval(lo)
    return value if value.is_Rational else None


def _polynomial_derivative(node: Any) -> Any:
    """The first derivative of a sum of monomials with rational coefficients in the variable it is taken in, and of
    rational multiples of its sin, cos and e^x (``\\frac{d}{dx}(3x^4 - \\frac{5}{2}x^2 + 4x - 2e^x)``), term by term,
    or None: the expression ``doit`` builds (the same terms, the same canonical sum), without sympy's derivative
    dispatch (~1 ms a derivative, a tenth of the step checker's time on calculus solutions). Anything else (a
    product, a power of a sum, another symbol, a float, a higher derivative) takes the long way: ``doit``'s form of
    those is not the expanded one."""
    if not isinstance(node, sympy.Derivative) or len(node.variable_count) != 1 or node.variable_count[0][1] != 1:
        return None
    var = node.variable_count[0][0]
    f = node.expr
    terms = []
    for t in f.args if f.is_Add else (f,):
        c, rest = t.as_coeff_Mul()
        if not c.is_Rational:
            return None
        if rest == 1:
            continue
        if rest == var:
            terms.append(c)
        elif rest.is_Pow and rest.base == var and rest.exp.is_Integer and rest.exp > 1:
            terms.append(c * rest.exp * var ** (rest.exp - 1))
        elif rest.func in _OWN_DERIVATIVE and rest.args == (var,):
            terms.append(c * _OWN_DERIVATIVE[rest.func](var))
        else:
            return None
    return sympy.Add(*terms)


# sin x, cos x and e^x of the variable itself, as doit differentiates them
_OWN_DERIVATIVE = {sympy.sin: sympy.cos, sympy.cos: lambda v: -sympy.sin(v), sympy.exp: sympy.exp}


def ops_in(obj: Any) -> set[str]:
    """The undone operations a sympy expression holds (before evaluation)."""
    if not isinstance(obj, sympy.Basic):
        return set()
    return {name for name, typ in _OP_TYPES.items() if obj.has(typ)}


# ------------------------------------------------------------------------------------ latex2sympy

@lru_cache(maxsize=1)
def _l2s():  # noqa: ANN202 - imported lazily: ANTLR start-up costs ~0.3 s
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    from latex2sympy2_extended.math_normalization import NormalizationConfig

    norm = NormalizationConfig(basic_latex=True, units=False, malformed_operators=True, nits=False, boxed="none")
    conv = ConversionConfig(lowercase_symbols=False, interpret_contains_as_eq=False)
    return latex2sympy, norm, conv


_TOWER_RE = re.compile(r"\^\s*\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\^|\^\s*\(?\s*\d+\s*\)?\s*\^|\*\*\s*\(?[^()]*\*\*|\^\s*\(\s*[^()]*\^")
_UNSUPPORTED_RE = re.compile(r"\\(?:forall|exists|implies|iff|Rightarrow|Leftrightarrow|therefore|because|ldots|cdots|dots|vdots|ddots|phantom|hphantom|vphantom)\b|\.\.\.|…")
_FACTORIAL_OPS_RE = re.compile(r"!|\\Gamma|\\binom|\\choose")
# five or more sub/superscripts in a row on one base ("x_x_x_x_x", "x^x_x^x_x"): invalid LaTeX (a double script),
# and latex2sympy2_extended's parser is exponential in the chain (20 scripts: 27 s; 9 alternating: 2 s)
_SCRIPT_CHAIN_RE = re.compile(r"(?:[_^]\s*+(?:\{[^{}]*\}|\\[A-Za-z]+|[^\s{}\\_^])\s*+){5}")


_OPEN, _CLOSE = "([{", ")]}"


def _parenthesised_list(s: str) -> bool:
    """``(a, b)`` whole: one parenthesised group holding a comma at its own level (a point, a pair, an open
    interval), which is never a scalar. Said before latex2sympy2_extended is asked: its parser takes 0.3-1 s on every
    such group (a points-heavy OlympiadBench solution spent its whole 6 s budget there) to return a tuple."""
    t = s.replace("\\left", "").replace("\\right", "").replace("\\,", " ").strip()  # a thin space
    if len(t) < 3 or t[0] != "(" or t[-1] != ")":
        return False
    depth, comma = 0, False
    for i, ch in enumerate(t):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0 and i != len(t) - 1:  # the first group closes before the end: "(a, b) + (c, d)"
                return False
        elif ch == "," and depth == 1:
            comma = True
    return comma and depth == 0


def read_general(s: str, policy: Any, evaluate_ops: bool = True) -> tuple[Any, set[str]]:
    """A scalar sympy expression of a text the reader refused as outside its subset, and the undone
    operations it held; guards first (towers, factorials), latex2sympy2_extended second.

    Remembered per (text, policy, evaluate_ops), refusals too: the same text is read again and again (an answer as
    the gold and as the prediction, then as every step's box compared with the reference; a premise for each step),
    and latex2sympy2_extended's parser takes seconds on some (a product of ten absolute values ``|a||b|...``: its
    grammar reads ``|`` as opener and closer alike, and every juxtaposed bar is another way to pair them). A read
    cut short by a time budget is not remembered."""
    need_general("latex2sympy2_extended")
    key = (s, policy, evaluate_ops)
    with _GENERAL_LOCK:
        got = _GENERAL.get(key)
        if got is not None:
            _GENERAL.move_to_end(key)
    if got is None:
        try:
            obj, ops = _read_general(s, policy, evaluate_ops)
            got = (obj, frozenset(ops))
        except (ParseError, GuardError) as exc:  # GuardError is a ParseError or not: both remembered
            got = exc
        if len(s) <= _GENERAL_CACHED_CHARS:
            with _GENERAL_LOCK:
                _GENERAL[key] = got
                while len(_GENERAL) > _GENERAL_MAX:
                    _GENERAL.popitem(last=False)
    if isinstance(got, BaseException):
        raise type(got)(*got.args)
    return got[0], set(got[1])


_GENERAL: OrderedDict[tuple[str, Any, bool], Any] = OrderedDict()
_GENERAL_LOCK = threading.Lock()
_GENERAL_MAX = 4096
_GENERAL_CACHED_CHARS = 2000


def _read_general(s: str, policy: Any, evaluate_ops: bool) -> tuple[Any, set[str]]:
    if _TOWER_RE.search(s):
        raise GuardError("exponent tower")
    if _UNSUPPORTED_RE.search(s):
        raise ParseError(f"unsupported notation in {s!r}")
    if _SCRIPT_CHAIN_RE.search(s):
        raise GuardError("five or more sub/superscripts in a row (a double script)")
    if _FACTORIAL_OPS_RE.search(s) and ("^" in s or any(len(n) > 4 and int(n) > policy.max_factorial for n in re.findall(r"\d+", s))):
        raise GuardError("factorial-like operation on a large or computed argument")
    if _parenthesised_list(s):
        raise ParseError(f"not a scalar: {s!r}")
    latex2sympy, norm, conv = _l2s()
    try:
        obj = latex2sympy(s, normalization_config=norm, conversion_config=conv)
    except GuardError:
        raise
    except Exception as exc:  # the parser raises bare Exceptions
        raise ParseError(f"does not parse: {s!r}") from exc
    _walk_guard(obj, policy)
    if isinstance(obj, (sympy.core.relational.Relational, sympy.logic.boolalg.BooleanFunction)):
        # a relation ("0\\lei" reads as 0 <= i) is no scalar; and with i made the imaginary unit below, sympy's
        # rebuilt 0 <= I would raise TypeError (non-real comparison) out of the verifier
        raise ParseError(f"not a scalar: {s!r}")
    ops = ops_in(obj)
    obj = _normalize_symbols(obj, policy, evaluate_ops)
    if not isinstance(obj, sympy.Expr):
        raise ParseError(f"not a scalar: {s!r}")
    return obj, ops


def _walk_guard(obj: Any, policy: Any) -> None:
    stack = [obj]
    seen = 0
    while stack:
        o = stack.pop()
        seen += 1
        if seen > 20_000:
            raise GuardError("expression too large")
        if isinstance(o, sympy.Integer) and o.p.bit_length() > policy.max_int_bits:
            raise GuardError("number too large")
        if isinstance(o, sympy.Rational) and max(o.p.bit_length(), o.q.bit_length()) > policy.max_int_bits:
            raise GuardError("number too large")
        if isinstance(o, sympy.Pow) and o.exp.is_Integer and abs(int(o.exp)) > 100_000:
            raise GuardError("power too large")
        if isinstance(o, sympy.Pow) and o.exp.has(sympy.Pow) and o.base.is_number and o.exp.is_number:
            raise GuardError("exponent tower")
        if isinstance(o, sympy.Pow):
            pow_guard(o.base, o.exp, policy)
        if isinstance(o, (sympy.factorial, sympy.gamma, sympy.factorial2)) and o.args[0].is_Integer and int(o.args[0]) > policy.max_factorial:
            raise GuardError("factorial too large")
        if isinstance(o, sympy.binomial) and o.args[0].is_Integer and int(o.args[0]) > policy.max_factorial * 100:
            raise GuardError("factorial too large")
        args = getattr(o, "args", ())
        if isinstance(o, sympy.MatrixBase):
            args = tuple(o)
        stack.extend(a for a in args if isinstance(a, (sympy.Basic, sympy.MatrixBase)))


def _normalize_symbols(obj: Any, policy: Any, evaluate_ops: bool = True) -> Any:
    """Plain symbols (no assumptions), ``i`` the imaginary unit, percent ``UnevaluatedExpr`` evaluated."""
    if not isinstance(obj, sympy.Basic):
        return obj
    if evaluate_ops and obj.has(*_OP_TYPES.values()):
        obj = _do_ops(obj, policy)
    if obj.has(sympy.UnevaluatedExpr):
        obj = obj.replace(lambda e: isinstance(e, sympy.UnevaluatedExpr), lambda e: e.args[0])
    rep = {}
    bound = set()
    for node in sympy.preorder_traversal(obj):
        if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
            bound |= {lim[0] for lim in node.limits}
    for sym in obj.free_symbols:
        if isinstance(sym, sympy.Symbol):
            name = canon_name(sym.name)
            if name == "i" and policy.imaginary_i and sym not in bound:
                rep[sym] = sympy.I
            elif name == "e" and policy.euler_e:
                rep[sym] = sympy.E
            elif sym.assumptions0 or name != sym.name:
                rep[sym] = sympy.Symbol(name)
    return obj.xreplace(rep) if rep else obj


# ------------------------------------------------------------------------------------------ equality

def _evalc(e: Any, prec: int = 40) -> tuple[Any, Any] | None:
    try:
        v = sympy.N(e, prec)
    except Exception:  # noqa: BLE001 - sympy raises many kinds on odd input
        return None
    if not v.is_number or v.has(sympy.zoo, sympy.nan):
        return None
    try:
        return v.as_real_imag()
    except Exception:  # noqa: BLE001
        return None


def _close(a: Any, b: Any, rel: float, prec: int = 40, scale: Any = 0) -> bool | None:
    """The one tolerance rule: ``a`` and ``b`` agree within ``rel`` of the largest part (or of ``scale``, the size
    of the terms a difference came from); None when either has no finite value."""
    ra, rb = _evalc(a, prec), _evalc(b, prec)
    if ra is None or rb is None:
        return None
    (ar, ai), (br, bi) = ra, rb
    if any(x in (sympy.oo, -sympy.oo) for x in (ar, ai, br, bi)):
        return bool(a == b) if (a.is_infinite or b.is_infinite) else None
    scale = max(abs(ar), abs(ai), abs(br), abs(bi), scale)
    diff = max(abs(ar - br), abs(ai - bi))
    if scale == 0:
        return diff == 0
    return bool(diff <= rel * scale)


def _constant_hazard(d: Any) -> str | None:
    """Why simplify of the constant ``d`` is not attempted (points.proof_hazard, or over SIMPLIFY_TERMS terms)."""
    if expand_terms(d) > SIMPLIFY_TERMS:
        return f"its expansion has over {SIMPLIFY_TERMS} terms"
    return proof_hazard(d)


def _proved_zero(d: Any) -> bool | None:
    """True: ``d`` is exactly zero; False: provably nonzero (a guaranteed-precision value); None: unknown."""
    if d == 0:
        return True
    if _constant_hazard(d):
        return None  # simplify could run for hours in a thread: unknown, never "differ"
    try:
        z = sympy.simplify(d)
    except Exception:  # noqa: BLE001
        return None
    if z == 0:
        return True
    if z.is_number:
        try:
            v = z.evalf(30, maxn=2000)
        except Exception:  # noqa: BLE001
            return None
        if v.is_number and v != 0 and getattr(v, "_prec", 2) > 1 and (v.is_Float or v.is_Add or v.is_Mul):
            try:
                if abs(complex(v)) > 0:
                    return False
            except (TypeError, ValueError, OverflowError):
                return None
        if z.is_algebraic:
            try:
                x = sympy.Dummy("x")
                return bool(sympy.minimal_polynomial(z, x) == x)
            except Exception:  # noqa: BLE001
                return None
    return None


def expr_equal(g: Any, p: Any, policy: Any, seed: int | None = None) -> Result:
    """Two sympy expressions: exact, numeric screen, then a symbolic proof before ``equal``."""
    need_general("sympy comparison")
    if g == p:
        return True, "exact_structural", ""
    if g.is_Rational and p.is_Rational:
        return False, "exact_rational", ""
    if g.has(sympy.oo, -sympy.oo, sympy.zoo) or p.has(sympy.oo, -sympy.oo, sympy.zoo):
        return bool(g == p), "infinity", ""
    fg, fp = g.free_symbols, p.free_symbols
    if not fg and not fp:
        close = _close(g, p, _REL_EQ)
        if close is False:
            c2 = _close(g, p, _REL_NE)
            if c2 is False:
                return False, "numeric_constant", ""
        zero = _proved_zero(g - p)
        if zero is True:
            return True, "symbolic_constant", ""
        if zero is False:
            return False, "symbolic_constant", "differ (a tiny difference is still a difference)"
        if close and _close(g, p, sympy.Rational(1, 10**280), prec=300) and policy.numeric_identity:
            return True, "numeric_constant_300_digits", "agree to 300 digits; no symbolic proof"
        why = _constant_hazard(g - p)
        if close and why:  # agreeing values whose proof was not attempted: undecided, never "not equal"
            raise GuardError(f"cannot decide: the values agree to 25 digits; no symbolic proof is attempted: {why}")
        return False, "unproven_constant", "no symbolic proof of equality"
    if fg != fp:
        res = _renamed(g, p, policy, seed)
        if res is not None:
            return res
    return _points_then_proof(g, p, sorted(fg | fp, key=lambda s: s.name), policy, seed)


def _renamed(g: Any, p: Any, policy: Any, seed: int | None) -> Result | None:
    """Arbitrary constants written with other names (C vs C_1 vs K) still match; other renamings only by policy."""
    dg, dp = g.free_symbols - p.free_symbols, p.free_symbols - g.free_symbols
    if not dg or len(dg) != len(dp) or len(dg) > 3:
        return None
    if not policy.rename_variables and not all(_CONSTANT_NAME_RE.match(s.name) for s in dg):
        return None
    import itertools

    dg_l = sorted(dg, key=lambda s: s.name)
    for perm in itertools.permutations(sorted(dp, key=lambda s: s.name)):
        q = p.xreplace(dict(zip(perm, dg_l)))
        ok, rule, _ = _points_then_proof(g, q, sorted(g.free_symbols | q.free_symbols, key=lambda s: s.name), policy, seed)
        if ok:
            return True, ("renamed_variables" if policy.rename_variables else "renamed_constants") + ":" + rule, f"{list(perm)} -> {dg_l}"
    return None


_LOCAL = threading.local()


def _mctx() -> Any:
    ctx = getattr(_LOCAL, "ctx", None)
    if ctx is None:
        ctx = _LOCAL.ctx = mpmath.MPContext()
        ctx.dps = 40
    return ctx


def _point(rng: random.Random, syms: list, positive: bool) -> dict:
    """A random point: four significant digits over 1e-7..1e7, never an integer (a factorial or a power of a
    symbol is then never computed exactly at a huge integer)."""
    out = {}
    for s in syms:
        v = Rational(rng.randint(1000, 9999), 10007) * Rational(10) ** rng.randint(-6, 7)
        if not positive and rng.random() < 0.5:
            v = -v
        out[s] = v
    return out


def _points_then_proof(g: Any, p: Any, syms: list, policy: Any, seed: int | None) -> Result:
    seed = new_seed() if seed is None else seed
    rng = random.Random(seed)
    piecewise = any(e.has(*_BRANCHY) for e in (g, p))
    branchy = piecewise or any(_radical_of_variables(e) for e in (g, p))
    # positivity is assumed for radicals and logs, never to erase a sign, a max or a floor: |x| is not x
    positive = policy.assume_positive and not piecewise
    # a variable exponent (x^{x^2}, 12^x) or a huge exact power: never substituted exactly (hours in a big-integer
    # routine no alarm stops), evaluated with bounded precision and size instead (points.values_at)
    bounded = risky(g, p)
    agree = skipped = 0
    for _ in range(policy.numeric_points * 3):
        if agree >= policy.numeric_points:
            break
        pt = _point(rng, syms, positive)
        if bounded:
            vals = values_at((g, p), pt)
            if vals is None:
                skipped += 1
                continue
            gv, pv = vals
        else:
            try:
                gv, pv = g.xreplace(pt), p.xreplace(pt)
            except Exception:  # noqa: BLE001
                continue
        if gv.is_Rational and pv.is_Rational:
            if gv != pv:
                return False, "numeric_random_points", f"differ at {pt} (seed {seed})"
            agree += 1
            continue
        if gv.free_symbols or pv.free_symbols:
            break
        c = _close(gv, pv, _REL_EQ)
        if c is None:
            continue
        if not c:
            if _close(gv, pv, _REL_NE) is False:
                return False, "numeric_random_points", f"differ at {pt} (seed {seed})"
            break
        agree += 1
    # agreement at points is a screen; equality needs a proof
    # variables of answers are real (positive when the policy assumes it and nothing erases a sign)
    sym_as = {s: sympy.Symbol(s.name, positive=True) if positive else sympy.Symbol(s.name, real=True) for s in syms}
    d = (g - p).xreplace(sym_as)
    if bounded and sympy.count_ops(d) > _PROOF_OPS:
        # simplify on towers and variable exponents (powsimp, exact powers) can run for hours, in a thread where no
        # alarm stops it: past a small size no proof is attempted; agreement at the bounded points decides as the
        # policy says, and anything short of it is undecided, never "not equal"
        if agree >= policy.numeric_points and not branchy and policy.numeric_identity:
            return True, "numeric_identity", f"{agree} random points agree (seed {seed}); no proof attempted"
        raise GuardError(f"cannot decide: {agree} bounded sample points agree, {skipped} skipped; no symbolic proof "
                         f"is attempted for a variable exponent (seed {seed})")
    # expand and simplify of a high-degree difference ((x+y+z+w)^{100} - ...) run for minutes where no alarm stops
    # them: the size of the expansion is estimated first, and past a bound no proof is attempted (undecided below)
    size, unproved = expand_terms(d), proof_hazard(d) or ""
    try:
        if unproved:
            pass
        elif sympy.expand(d) == 0:
            return True, "symbolic_identity", f"{agree} random points agree (seed {seed}); expand proves it"
        elif size > SIMPLIFY_TERMS:
            unproved = f"its expansion has over {SIMPLIFY_TERMS} terms"
        elif sympy.simplify(d) == 0:
            return True, "symbolic_identity", f"{agree} random points agree (seed {seed}); simplify proves it"
    except Exception:  # noqa: BLE001
        pass
    if agree >= policy.numeric_points and not branchy and policy.numeric_identity:
        return True, "numeric_identity", f"{agree} random points agree (seed {seed}); no symbolic proof"
    if unproved:
        raise GuardError(f"cannot decide: {agree} random points agree, {skipped} skipped; no symbolic proof is "
                         f"attempted: {unproved} (seed {seed})")
    if agree >= policy.numeric_points:
        return False, "unproven_identity", f"{agree} random points agree (seed {seed}) but no symbolic proof"
    if skipped:
        raise GuardError(f"cannot decide: {skipped} sample points too large or too close to call for a bounded "
                         f"evaluation, {agree} agree, no symbolic proof (seed {seed})")
    return False, "sympy_simplify", f"seed {seed}"


_PROOF_OPS = 8  # a difference with a variable exponent is given to simplify only up to this many operations

_INVERSES = (sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc, sympy.log)


def _radical_of_variables(e: Any) -> bool:
    """A fractional power or an inverse function of a variable expression (sqrt((x-1)^2) is |x-1|, asin(sin x)
    is x only near 0): agreement at points never stands for a proof there."""
    return any((isinstance(n, sympy.Pow) and not n.exp.is_Integer and n.base.free_symbols)
               or (isinstance(n, _INVERSES) and n.free_symbols) for n in sympy.preorder_traversal(e))


def sign_of(e: Any) -> int | None:
    """The sign of a real constant (-1, 0, 1), or None."""
    need_general("sympy sign")
    try:
        v = sympy.N(e, 50)
    except Exception:  # noqa: BLE001
        return None
    if not v.is_real:
        return None
    if v == 0:
        return 0
    return 1 if v > 0 else -1


__all__ = ["canon_name", "expr_equal", "ops_in", "read_general", "sign_of", "to_sympy"]
