"""A strict fast path for the plain LaTeX of arithmetic and polynomial claims.

latex2sympy2_extended (antlr) costs 5-30 ms a parse; most step claims are plain arithmetic,
fractions, powers, factorials and elementary functions of one-letter variables. This parser takes
exactly that subset and raises :class:`Unsupported` on anything else, so the caller falls back to
the library: it never guesses and never returns the parse of a prefix. Decimals are exact.
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp


class Unsupported(Exception):
    """The input is outside the fast subset; use the full parser."""


_TOKEN = re.compile(
    r"\s+|\\[,;! ]|\\left|\\right|\\(?:d|t)?frac|\\cdot|\\times|\\sqrt|\\binom|\\pi"
    r"|\\(?:sin|cos|tan|exp|ln)(?![a-zA-Z])|\\int(?![a-zA-Z])|\d+\.\d+|\d+|[a-zA-Z]|[-+*/^(){}!\[\]_]|."
)
_SKIP = {"\\left", "\\right", "\\,", "\\;", "\\!", "\\ "}
_FUNCS = {"\\sin": sp.sin, "\\cos": sp.cos, "\\tan": sp.tan, "\\exp": sp.exp, "\\ln": sp.log}
_ATOM_START = {"(", "{", "\\int", "\\frac", "\\dfrac", "\\tfrac", "\\sqrt", "\\binom", "\\pi", *_FUNCS}


def _tokens(text: str) -> list[str]:
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok.isspace() or tok in _SKIP:
            continue
        if tok.startswith("\\") and tok not in _ATOM_START and tok not in ("\\cdot", "\\times"):
            raise Unsupported(tok)
        if len(tok) == 1 and not (tok.isalnum() or tok in "-+*/^(){}!_"):
            raise Unsupported(tok)
        out.append(tok)
    return out


class _Parser:
    def __init__(self, toks: list[str]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expect: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expect is not None and tok != expect):
            raise Unsupported(f"expected {expect!r}, got {tok!r}")
        self.i += 1
        return tok

    def expr(self) -> Any:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Any:
        value = self.unary()
        while True:
            tok = self.peek()
            if tok in ("\\cdot", "\\times", "*"):
                self.take()
                value = value * self.unary()
            elif tok == "/":
                self.take()
                value = value / self.unary()
            elif tok is not None and (tok in _ATOM_START or tok[0].isalnum()):
                value = value * self.postfix()
            else:
                return value

    def unary(self) -> Any:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.postfix()

    def postfix(self) -> Any:
        value = self.atom()
        while self.peek() in ("^", "!"):
            if self.take() == "^":
                value = value ** self.atom()
            else:
                if not (value.is_Integer and 0 <= value <= 1000):
                    raise Unsupported("factorial of a non-integer or a large one")
                value = sp.factorial(value)
        return value

    def group(self) -> Any:
        self.take("{")
        value = self.expr()
        self.take("}")
        return value

    def atom(self) -> Any:
        tok = self.take()
        if tok[0].isdigit():
            return sp.Rational(tok) if "." in tok else sp.Integer(tok)
        if tok.isalpha() and len(tok) == 1:
            if tok == "e" and self.peek() == "^":
                return sp.E  # e^{...} is the exponential; a lone e or i is a variable in free-text steps
            if self.peek() == "(" and (tok.isupper() or tok in "fgh"):
                self.take("(")
                arg = self.expr()
                self.take(")")
                return sp.Function(tok)(arg)  # F(x), f(t): a named function, not a product
            return sp.Symbol(tok)
        if tok == "(":
            value = self.expr()
            self.take(")")
            return value
        if tok == "{":
            self.i -= 1
            return self.group()
        if tok in ("\\frac", "\\dfrac", "\\tfrac"):
            if self.toks[self.i : self.i + 3] == ["{", "d", "}"]:
                return self.derivative()
            num = self.group()
            return num / self.group()
        if tok == "\\sqrt":
            if self.peek() == "[":
                raise Unsupported("nth root")
            return sp.sqrt(self.group())
        if tok == "\\binom":
            n = self.group()
            return sp.binomial(n, self.group())
        if tok == "\\pi":
            return sp.pi
        if tok == "\\int":
            return self.integral()
        if tok in _FUNCS:
            power = None
            if self.peek() == "^":  # \sin^{2} x is (sin x)^2; \sin^{-1} would be arcsin: refused
                self.take("^")
                power = self.atom()
                if not (power.is_Integer and power > 0):
                    raise Unsupported("inverse-function notation")
            value = _FUNCS[tok](self.atom())
            return value if power is None else value**power
        raise Unsupported(tok)

    def integral(self) -> Any:
        """``\\int_{a}^{b} f \\, dx`` over the rest of the input (a definite integral is a whole member)."""
        self.take("_")
        lo = self.atom()
        self.take("^")
        hi = self.atom()
        if len(self.toks) - self.i < 3 or self.toks[-2] != "d" or not self.toks[-1].isalpha():
            raise Unsupported("integral without a trailing dx")
        var = sp.Symbol(self.toks[-1])
        body = _Parser(self.toks[self.i : -2]).expr_whole()
        self.i = len(self.toks)
        if body.is_polynomial(var):
            prim = sp.Poly(body, var).integrate()
            return prim.as_expr().subs(var, hi) - prim.as_expr().subs(var, lo)
        return sp.integrate(body, (var, lo, hi))

    def expr_whole(self) -> Any:
        value = self.expr()
        if self.peek() is not None:
            raise Unsupported(f"trailing {self.peek()!r}")
        return value

    def derivative(self) -> Any:
        self.group()  # {d}
        self.take("{")
        self.take("d")
        var = self.take()
        if not (var.isalpha() and len(var) == 1):
            raise Unsupported("derivative variable")
        self.take("}")
        return sp.diff(self.postfix(), sp.Symbol(var))


def parse_fast(text: str) -> Any:
    """Parse ``text`` whole, or raise :class:`Unsupported`."""
    parser = _Parser(_tokens(text))
    if not parser.toks:
        raise Unsupported("empty")
    return parser.expr_whole()
