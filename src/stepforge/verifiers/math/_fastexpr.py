"""Fast path: a small recursive-descent reader for the common subset of LaTeX and plain math.

It builds sympy objects directly (no ANTLR), guards sizes while building (no exponent tower or huge
factorial is ever evaluated), and raises ``NotFast`` on anything outside its subset so that the caller
falls back to latex2sympy2_extended, the general parser.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import sympy
from sympy import E, I, Integer, Rational, Symbol, pi

from stepforge.verifiers.math.errors import GuardError


class NotFast(Exception):
    """The input is outside the fast subset; use the general parser."""


_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*|\.\d+|\d+)|(?P<cmd>\\[a-zA-Z]+|\\[{}|])|(?P<op>\*\*|[-+*/^(){}\[\]!_,|])|(?P<word>[a-zA-Z]+))"
)

_FUNCS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan, "asin": sympy.asin, "acos": sympy.acos,
    "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh, "ln": sympy.log,
    "exp": sympy.exp, "sqrt": sympy.sqrt, "abs": sympy.Abs,
}
_PLAIN_CONST = {"pi": pi, "oo": sympy.oo, "inf": sympy.oo, "infty": sympy.oo}
_MUL_CMDS = {"\\cdot", "\\times", "\\ast"}


class _Tok:
    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str) -> None:
        self.kind = kind
        self.text = text


def _tokenize(s: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    n = len(s)
    while pos < n:
        m = _TOKEN_RE.match(s, pos)
        if not m or m.end() == pos:
            if s[pos:].strip() == "":
                break
            raise NotFast(f"unexpected {s[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup
        assert kind is not None
        text = m.group(kind)
        if kind == "word":
            lw = text
            if lw in _FUNCS or lw in _PLAIN_CONST or lw in ("log",):
                out.append(_Tok("fn" if lw not in _PLAIN_CONST else "const", lw))
            else:
                # juxtaposed letters are a product of one-letter symbols ("xy" = x*y), as in LaTeX
                for ch in lw:
                    out.append(_Tok("letter", ch))
            continue
        out.append(_Tok(kind, text))
    return out


class _Reader:
    def __init__(self, toks: list[_Tok], policy) -> None:  # noqa: ANN001
        self.t = toks
        self.i = 0
        self.p = policy
        self.depth = 0
        self.decimals: list[str] = []

    # -- helpers
    def peek(self, k: int = 0) -> _Tok | None:
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text == text

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise NotFast(f"expected {text!r}")
        self.i += 1
        return tok

    # -- size guards applied while building
    def _pow(self, base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
        if exp.is_Integer and base.is_Rational and base not in (0, 1, -1):
            b = base.p if base.q == 1 else max(abs(base.p), base.q)
            e = abs(int(exp))
            if e.bit_length() > 64 or e * max(1.0, math.log2(abs(b))) > self.p.max_int_bits:
                bits = float("inf") if e.bit_length() > 64 else e * math.log2(abs(b))
                raise GuardError(f"power too large to evaluate (~{bits:.3g} bits)")
        elif exp.is_Integer and abs(int(exp)) > 10_000 and base not in (0, 1, -1):
            raise GuardError("power with an exponent over 10000")
        elif exp.is_number and not exp.is_Integer and base.is_number:
            try:
                mag = abs(complex(exp).real) * max(1.0, math.log2(abs(complex(base)) + 1))
            except (TypeError, ValueError, OverflowError):
                mag = math.inf
            if mag > self.p.max_int_bits:
                raise GuardError("power too large to evaluate")
        return sympy.Pow(base, exp)

    def _check_int(self, v: sympy.Expr) -> sympy.Expr:
        if v.is_Rational and (v.p.bit_length() > self.p.max_int_bits or v.q.bit_length() > self.p.max_int_bits):
            raise GuardError("number too large")
        return v

    # -- grammar
    def parse(self) -> sympy.Expr:
        e = self.expr()
        if self.peek() is not None:
            raise NotFast(f"trailing {self.peek().text!r}")  # type: ignore[union-attr]
        return e

    def expr(self) -> sympy.Expr:
        self.depth += 1
        if self.depth > self.p.max_depth:
            raise GuardError("nesting too deep")
        terms = [self.term()]
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.text == "+":
                self.i += 1
                terms.append(self.term())
            elif tok.text == "-":
                self.i += 1
                terms.append(-self.term())
            else:
                break
        self.depth -= 1
        return self._check_int(sympy.Add(*terms)) if len(terms) > 1 else terms[0]

    def term(self) -> sympy.Expr:
        val = self.unary()
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.text in ("*",) or tok.text in _MUL_CMDS:
                self.i += 1
                val = val * self.unary()
            elif tok.text == "/" or tok.text == "\\div":
                self.i += 1
                d = self.unary()
                if d == 0:
                    raise NotFast("division by zero")
                val = val / d
            elif self._starts_atom(tok):
                val = val * self.power()
            else:
                break
            self._check_int(val)
        return val

    def _starts_atom(self, tok: _Tok) -> bool:
        if tok.kind in ("num", "letter", "fn", "const"):
            return True
        if tok.kind == "cmd":
            return tok.text not in _MUL_CMDS and tok.text not in ("\\div",) and tok.text != "\\}"
        return tok.text in ("(", "{")

    def unary(self) -> sympy.Expr:
        if self.at("-"):
            self.i += 1
            return -self.unary()
        if self.at("+"):
            self.i += 1
            return self.unary()
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.postfix()
        if self.at("^") or self.at("**"):
            self.i += 1
            exp = self.exponent()
            return self._pow(base, exp)
        return base

    def exponent(self) -> sympy.Expr:
        if self.at("-"):
            self.i += 1
            return -self.exponent()
        if self.at("{"):
            self.i += 1
            e = self.expr()
            self.take("}")
            return e
        return self.power()

    def postfix(self) -> sympy.Expr:
        val = self.atom()
        while self.at("!"):
            self.i += 1
            if not (val.is_Integer and val >= 0):
                raise NotFast("factorial of a non-integer")
            if int(val) > self.p.max_factorial:
                raise GuardError(f"factorial of {int(val)} is too large")
            val = sympy.factorial(val)
        return val

    def group(self) -> sympy.Expr:
        """A braced group, or (LaTeX) a single token: ``\\frac12``, ``\\sqrt3``."""
        if self.at("{"):
            self.i += 1
            e = self.expr()
            self.take("}")
            return e
        tok = self.peek()
        if tok is not None and tok.kind == "num":
            self.i += 1
            if tok.text.isdigit() and len(tok.text) > 1:
                self.t.insert(self.i, _Tok("num", tok.text[1:]))
                return Integer(int(tok.text[0]))
            return self._number(tok.text)
        if tok is not None and tok.kind == "letter":
            self.i += 1
            return self._letter(tok.text)
        if tok is not None and tok.text == "(":
            return self.atom()
        raise NotFast("expected a group")

    def _number(self, text: str) -> sympy.Expr:
        if "." in text:
            self.decimals.append(text)
            return Rational(Fraction(text))
        if len(text) > 5000:
            raise GuardError("number literal too long")
        return Integer(int(text))

    def _letter(self, ch: str) -> sympy.Expr:
        if ch == "e":
            return E
        if ch == "i" and self.p.imaginary_i:
            return I
        return Symbol(ch)

    def _subscript(self) -> str:
        self.take("_")
        if self.at("{"):
            j = self.i + 1
            depth = 1
            parts = []
            while j < len(self.t) and depth:
                tx = self.t[j].text
                if tx == "{":
                    depth += 1
                elif tx == "}":
                    depth -= 1
                    if depth == 0:
                        break
                parts.append(tx)
                j += 1
            if depth:
                raise NotFast("unbalanced subscript")
            self.i = j + 1
            return "".join(parts)
        tok = self.take()
        if tok.kind == "num":
            if len(tok.text) > 1:  # x_12 in LaTeX is x_1 then 2
                self.t.insert(self.i, _Tok("num", tok.text[1:]))
            return tok.text[0]
        if tok.kind == "letter":
            return tok.text
        raise NotFast("subscript")

    def atom(self) -> sympy.Expr:
        tok = self.peek()
        if tok is None:
            raise NotFast("unexpected end")
        k, tx = tok.kind, tok.text
        if k == "num":
            self.i += 1
            if self.at("_"):  # base-n numeral 1112_3
                sub = self._subscript()
                if not self.p.convert_bases or not sub.isdigit() or "." in tx:
                    raise NotFast("subscripted number")
                base = int(sub)
                if not 2 <= base <= 36:
                    raise NotFast("bad base")
                try:
                    return Integer(int(tx, base))
                except ValueError as exc:
                    raise NotFast("digits not valid in base") from exc
            val = self._number(tx)
            # mixed number 2\frac{1}{2}
            nxt = self.peek()
            if nxt is not None and nxt.text == "\\frac" and tx.isdigit():
                save = self.i
                self.i += 1
                num = self.group()
                den = self.group()
                if num.is_Integer and den.is_Integer and 0 < num < den:
                    if self.p.mixed_numbers:
                        return val + num / den
                    return val * num / den
                self.i = save
            return val
        if k == "letter":
            self.i += 1
            if tx == "C" and self.at("_"):  # C_n^k = binomial(n, k)
                save = self.i
                sub = self._subscript()
                if self.at("^"):
                    self.i += 1
                    kk = self.exponent()
                    n = self._letter(sub) if sub.isalpha() and len(sub) == 1 else (Integer(int(sub)) if sub.isdigit() else None)
                    if n is None:
                        raise NotFast("binomial subscript")
                    return sympy.binomial(n, kk)
                self.i = save
            if self.at("_"):
                sub = self._subscript()
                return Symbol(f"{tx}_{sub}" if len(sub) == 1 else f"{tx}_{{{sub}}}")
            if self.at("(") and tx in ("f", "g", "h"):
                raise NotFast("function application")
            return self._letter(tx)
        if k == "const":
            self.i += 1
            return _PLAIN_CONST[tx]
        if tx in ("(", "{"):
            self.i += 1
            e = self.expr()
            self.take(")" if tx == "(" else "}")
            return e
        if k == "fn":
            self.i += 1
            return self._apply(tx)
        if k == "cmd":
            name = tx[1:]
            self.i += 1
            if name == "frac":
                num = self.group()
                den = self.group()
                if den == 0:
                    raise NotFast("division by zero")
                return num / den
            if name == "sqrt":
                if self.at("["):
                    self.i += 1
                    idx = self.expr()
                    self.take("]")
                    arg = self.group()
                    if not (idx.is_Integer and idx > 0):
                        raise NotFast("root index")
                    return sympy.root(arg, idx) if not (arg.is_number and arg.is_negative and idx % 2) else -sympy.root(-arg, idx)
                if self.at("("):
                    return sympy.sqrt(self.atom())
                return sympy.sqrt(self.group())
            if name == "pi":
                return pi
            if name == "infty":
                return sympy.oo
            if name in ("binom", "dbinom", "tbinom"):
                n = self.group()
                kk = self.group()
                return sympy.binomial(n, kk)
            if name in ("log", "lg") and self.at("_"):
                self.i += 1
                base = self.group()
                arg = self._fn_arg()
                return sympy.log(arg, base)
            if name in _FUNCS and name not in ("sqrt", "abs"):
                return self._apply(name)
            if name in ("mathrm", "text", "mathit", "operatorname"):
                inner = self._raw_group()
                if inner == "e":
                    return E
                if inner == "i" and self.p.imaginary_i:
                    return I
                if inner in _FUNCS:
                    return self._apply(inner)
                raise NotFast("text inside math")
            raise NotFast(f"command {tx}")
        raise NotFast(f"unexpected {tx!r}")

    def _raw_group(self) -> str:
        self.take("{")
        parts = []
        while not self.at("}"):
            parts.append(self.take().text)
        self.take("}")
        return "".join(parts)

    def _fn_arg(self) -> sympy.Expr:
        if self.at("(") or self.at("{"):
            return self.atom()
        # LaTeX \sin 2x: a run of juxtaposed factors without operators
        val = self.postfix()
        while True:
            tok = self.peek()
            if tok is None or not (tok.kind in ("num", "letter", "const") or tok.text in ("\\pi",)):
                break
            val = val * self.postfix()
        if self.at("^"):
            raise NotFast("ambiguous power after function argument")
        return val

    def _apply(self, name: str) -> sympy.Expr:
        fn = _FUNCS.get(name)
        if fn is None:
            raise NotFast(f"function {name}")
        power = None
        if self.at("^"):
            self.i += 1
            power = self.exponent()
            if power == -1:
                raise NotFast("inverse-function notation")
        arg = self._fn_arg()
        val = fn(arg)
        return self._pow(val, power) if power is not None else val


def fast_expr(text: str, policy) -> tuple[sympy.Expr, list[str]]:  # noqa: ANN001
    """Parse ``text`` in the fast subset; returns (expression, decimal literals seen) or raises NotFast."""
    toks = _tokenize(text)
    if not toks:
        raise NotFast("empty")
    r = _Reader(toks, policy)
    return r.parse(), r.decimals
