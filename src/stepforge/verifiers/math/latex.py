"""The one LaTeX reader of the math verifier: answers, step claims and the LLM parser all read through it.

A small recursive-descent reader for the LaTeX (and plain text) of numbers and expressions. It builds a
light syntax tree of tuples (no sympy), guards sizes while reading (depth, literal length, exponent towers,
factorials), and keeps what was written: decimal literals, fractions, operations left undone (integrals,
sums, limits), so the verifier can tell a final answer from a restatement. Anything outside its subset
raises :class:`NotFast` and the caller falls back to latex2sympy2_extended (``symbolic.read_general``); a
text that is malformed for certain raises :class:`ParseError` (never the parse of a prefix).

Tree nodes (tuples): ``("num", Fraction)``, ``("sym", name)``, ``("const", "pi"|"e"|"i"|"oo")``,
``("add", terms)``, ``("mul", factors)``, ``("div", a, b)``, ``("neg", a)``, ``("pow", a, b)``,
``("fact", a)``, ``("fn", name, args)``, ``("app", name, args)`` (an undefined function ``f(x)``),
``("deg", a)`` (``a`` degrees), ``("mix", whole, num, den)`` (mixed number) and
``("op", kind, body, var, lo, hi)`` for integral / derivative / limit / sum / product.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

from stepforge.verifiers.math.errors import GuardError, ParseError


class NotFast(Exception):
    """The input is outside the reader's subset: use the general parser (latex2sympy2_extended)."""


Node = tuple

# every function the reader knows, by its spelled name (plain text or LaTeX command without the backslash)
FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot", "cosec": "csc",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arccot": "acot", "arcsec": "asec", "arccsc": "acsc",
    "asin": "asin", "acos": "acos", "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "coth": "coth", "sech": "sech", "csch": "csch", "arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh",
    "ln": "ln", "log": "log", "lg": "log10", "exp": "exp", "sqrt": "sqrt", "abs": "abs",
    "gcd": "gcd", "lcm": "lcm", "min": "min", "max": "max", "floor": "floor", "ceil": "ceil", "sgn": "sign",
    "sign": "sign",
}
_INVERSE = {"sin": "asin", "cos": "acos", "tan": "atan", "cot": "acot", "sec": "asec", "csc": "acsc",
            "sinh": "asinh", "cosh": "acosh", "tanh": "atanh"}
_MULTI_ARG = {"gcd", "lcm", "min", "max"}
CONSTANT_WORDS = {"pi": "pi", "infty": "oo", "infinity": "oo", "oo": "oo", "inf": "oo"}
GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
_MUL_CMDS = {"\\cdot", "\\times", "\\ast", "\\cdotp"}
_SKIP_CMDS = {"\\left", "\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
              "\\displaystyle", "\\textstyle", "\\limits", "\\nolimits", "\\,", "\\;", "\\:", "\\!", "\\ ",
              "\\quad", "\\qquad", "\\mathrm", "\\mathbf", "\\mathit", "\\boldsymbol", "\\bm"}
_FONT_CMDS = {"\\mathrm", "\\mathbf", "\\mathit", "\\boldsymbol", "\\bm", "\\mathnormal", "\\operatorname"}

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<num>\d+\.\d+|\d+\.(?![\d.])|\.\d+|\d+)"
    r"|(?P<cmd>\\[a-zA-Z]+|\\[{}|,;:! %])"
    r"|(?P<op>\*\*|[-+*/^(){}\[\]!_,|'=])"
    r"|(?P<word>[a-zA-Z]+))"
)
_UNICODE = {"\u2212": "-", "\u00d7": "\\times ", "\u00b7": "\\cdot ", "\u03c0": "\\pi ", "\u221e": "\\infty ",
            "\u221a": "\\sqrt", "\u2013": "-", "\u00f7": "\\div "}


class Reading:
    """What the reader saw besides the tree: decimal literals as written, undone operations."""

    __slots__ = ("decimals", "ops")

    def __init__(self) -> None:
        self.decimals: list[str] = []
        self.ops: set[str] = set()


class _Tok:
    __slots__ = ("kind", "text", "space")

    def __init__(self, kind: str, text: str, space: bool) -> None:
        self.kind = kind
        self.text = text
        self.space = space  # whitespace before the token (mixed numbers "1 1/2", numbers side by side)


def _tokenize(s: str, letters_only: bool) -> list[_Tok]:
    out: list[_Tok] = []
    pos, n = 0, len(s)
    while pos < n:
        m = _TOKEN_RE.match(s, pos)
        if not m or m.end() == pos:
            if s[pos:].strip() == "":
                break
            raise NotFast(f"unexpected {s[pos:pos + 12]!r}")
        space = m.start(m.lastgroup) > pos if m.lastgroup else False
        pos = m.end()
        kind = m.lastgroup
        assert kind is not None
        text = m.group(kind)
        if kind == "word":
            if text in FUNCTIONS or text in CONSTANT_WORDS:
                out.append(_Tok("fn" if text in FUNCTIONS else "const", text, space))
            elif len(text) > 2 and not letters_only:
                raise ParseError(f"a word in an expression: {text!r}")
            else:
                for j, ch in enumerate(text):  # juxtaposed letters: a product of one-letter symbols
                    out.append(_Tok("letter", ch, space and j == 0))
            continue
        if kind == "cmd" and text in _SKIP_CMDS and text not in _FONT_CMDS:
            continue
        out.append(_Tok(kind, text, space))
    return out


class _Reader:
    def __init__(self, toks: list[_Tok], policy: Any, reading: Reading) -> None:
        self.t = toks
        self.i = 0
        self.p = policy
        self.depth = 0
        self.r = reading

    # ------------------------------------------------------------------ helpers
    def peek(self, k: int = 0) -> _Tok | None:
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def at(self, text: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok.text == text

    def take(self, text: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise NotFast(f"expected {text!r}")
        self.i += 1
        return tok

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > self.p.max_depth:
            raise GuardError(f"nesting deeper than {self.p.max_depth}")

    # ------------------------------------------------------------------ grammar
    def whole(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise NotFast(f"trailing {self.peek().text!r}")  # type: ignore[union-attr]
        return node

    def expr(self) -> Node:
        self._enter()
        terms = [self.term()]
        while True:
            tok = self.peek()
            if tok is None or tok.text not in ("+", "-"):
                break
            self.i += 1
            t = self.term()
            terms.append(t if tok.text == "+" else ("neg", t))
        self.depth -= 1
        return terms[0] if len(terms) == 1 else ("add", tuple(terms))

    def term(self, body: bool = False) -> Node:
        """Factors joined by products and quotients; ``body``: the summand of a sum/product (no quotient
        at its top, and it stops before another big operator)."""
        factors = [self.power() if body else self.unary()]
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.text == "*" or tok.text in _MUL_CMDS:
                self.i += 1
                factors.append(self.unary())
            elif tok.text in ("/", "\\div") and not body:
                self.i += 1
                den = self.unary()
                num = factors[0] if len(factors) == 1 else ("mul", tuple(factors))
                factors = [("div", num, den)]
            elif self._starts_atom(tok) and not (body and tok.text in ("\\sum", "\\prod", "\\int")):
                if tok.kind == "num" and factors and _is_number(factors[-1]):
                    raise ParseError("two numbers side by side")
                factors.append(self.power())
            else:
                break
        return factors[0] if len(factors) == 1 else ("mul", tuple(factors))

    def _starts_atom(self, tok: _Tok) -> bool:
        if tok.kind in ("num", "letter", "fn", "const"):
            return True
        if tok.kind == "cmd":
            return tok.text not in _MUL_CMDS and tok.text not in ("\\div", "\\}", "\\rfloor", "\\rceil", "\\to",
                                                                  "\\rightarrow", "\\mid", "\\|", "\\choose")
        return tok.text in ("(", "{", "[")

    def unary(self) -> Node:
        if self.at("-"):
            self.i += 1
            return ("neg", self.unary())
        if self.at("+"):
            self.i += 1
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.at("^") or self.at("**"):
            self.i += 1
            if self._degree_mark():
                return ("deg", base)
            exp = self.exponent()
            _guard_power(base, exp, self.p)
            if self.at("!"):
                raise NotFast("factorial of a power")
            return ("pow", base, exp)
        return base

    def _degree_mark(self) -> bool:
        """``^\\circ`` / ``^{\\circ}``: degrees (consumed when present)."""
        if self.at("\\circ"):
            self.i += 1
            return True
        if self.at("{") and self.at("\\circ", 1) and self.at("}", 2):
            self.i += 3
            return True
        return False

    def exponent(self) -> Node:
        if self.at("-"):
            self.i += 1
            return ("neg", self.exponent())
        if self.at("+"):
            self.i += 1
            return self.exponent()
        if self.at("{"):
            self.i += 1
            e = self.expr()
            self.take("}")
            return e
        tok = self.peek()
        if tok is not None and tok.kind == "num":
            self.i += 1  # x^10 is x to the tenth (as written in plain text), not x^1 * 0
            return self._number(tok.text)
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        while True:
            if self.at("!"):
                self.i += 1
                if self.at("!"):
                    raise GuardError("double factorials are not read")
                _guard_factorial(node, self.p)
                node = ("fact", node)
            elif self.at("'"):
                raise NotFast("prime notation")
            else:
                return node

    def group(self) -> Node:
        """A braced group, or (LaTeX) a single token: ``\\frac12``, ``\\sqrt3``, ``\\frac{1}x``."""
        if self.at("{"):
            self.i += 1
            e = self.expr()
            self.take("}")
            return e
        tok = self.peek()
        if tok is not None and tok.kind == "num":
            self.i += 1
            if "." not in tok.text and len(tok.text) > 1:
                self.t.insert(self.i, _Tok("num", tok.text[1:], False))
                return ("num", Fraction(int(tok.text[0])))
            return self._number(tok.text)
        if tok is not None and tok.kind == "letter":
            self.i += 1
            return self._letter(tok.text)
        if tok is not None and tok.kind == "cmd" and tok.text[1:] in {"pi"} | GREEK:
            return self.atom()
        raise NotFast("expected a group")

    def _number(self, text: str) -> Node:
        if len(text) > 5000:
            raise GuardError("number literal too long")
        if "." in text:
            self.r.decimals.append(text)
            return ("num", Fraction(text if not text.endswith(".") else text[:-1]))
        return ("num", Fraction(int(text)))

    def _letter(self, ch: str) -> Node:
        if ch == "e" and (self.p.euler_e or self.at("^")):
            return ("const", "e")
        if ch == "i" and self.p.imaginary_i:
            return ("const", "i")
        return ("sym", ch)

    def _raw_group(self) -> str:
        """The text of a braced group of plain tokens (``\\mathrm{d}``, ``\\operatorname{lcm}``)."""
        self.take("{")
        parts = []
        while not self.at("}"):
            tok = self.take()
            if tok.text in ("{", "}"):
                raise NotFast("nested group")
            parts.append(tok.text)
        self.take("}")
        return "".join(parts)

    def _subscript(self) -> str:
        self.take("_")
        if self.at("{"):
            j, depth, parts = self.i + 1, 1, []
            while j < len(self.t):
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
                raise ParseError("unbalanced subscript")
            self.i = j + 1
            return "".join(parts)
        tok = self.take()
        if tok.kind == "num":
            if len(tok.text) > 1 and "." not in tok.text:  # x_12 in LaTeX is x_1 then 2
                self.t.insert(self.i, _Tok("num", tok.text[1:], False))
            return tok.text[0]
        if tok.kind == "letter" or (tok.kind == "cmd" and tok.text[1:] in GREEK):
            return tok.text
        raise NotFast("subscript")

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ParseError("unexpected end")
        k, tx = tok.kind, tok.text
        if k == "num":
            self.i += 1
            return self._number_atom(tx)
        if k == "letter":
            self.i += 1
            return self._letter_atom(tx)
        if k == "const":
            self.i += 1
            return ("const", CONSTANT_WORDS[tx])
        if k == "fn":
            self.i += 1
            return self._apply(FUNCTIONS[tx], tx)
        if tx in ("(", "[", "{"):
            self.i += 1
            e = self.expr()
            self.take({"(": ")", "[": "]", "{": "}"}[tx])
            return e
        if tx == "|":
            self.i += 1
            e = self.expr()
            self.take("|")
            return ("fn", "abs", (e,))
        if k == "cmd":
            self.i += 1
            return self._command(tx)
        raise NotFast(f"unexpected {tx!r}")

    def _number_atom(self, tx: str) -> Node:
        if self.at("_"):  # base-n numeral 1112_3
            sub = self._subscript()
            if not self.p.convert_bases:
                raise NotFast("base-n numeral")
            if not sub.isdigit() or "." in tx:
                raise ParseError("a number with a subscript that is not a base")
            base = int(sub)
            if not 2 <= base <= 36:
                raise ParseError(f"base {base}")
            try:
                return ("num", Fraction(int(tx, base)))
            except ValueError:
                raise ParseError(f"{tx} is not a numeral in base {base}") from None
        val = self._number(tx)
        nxt = self.peek()
        if nxt is not None and nxt.text == "\\frac" and "." not in tx:  # 2\frac{1}{2}
            save = self.i
            self.i += 1
            num, den = self.group(), self.group()
            if num[0] == "num" and den[0] == "num" and num[1].denominator == den[1].denominator == 1 and 0 < num[1] < den[1]:
                if self.p.mixed_numbers:
                    return ("mix", val[1], num[1], den[1])
                return ("mul", (val, ("div", num, den)))
            self.i = save
        return val

    def _letter_atom(self, tx: str) -> Node:
        if tx == "C" and self.at("_"):  # C_n^k: the binomial coefficient
            save = self.i
            sub = self._subscript()
            if self.at("^"):
                self.i += 1
                kk = self.exponent()
                n = ("num", Fraction(int(sub))) if sub.isdigit() else (("sym", sub) if len(sub) == 1 else None)
                if n is None:
                    raise NotFast("binomial subscript")
                return self._binom(n, kk)
            self.i = save
        if self.at("_"):
            sub = self._subscript()
            name = f"{tx}_{sub}" if len(sub) == 1 else f"{tx}_{{{sub}}}"
            return ("sym", name)
        if self.at("(") and (tx in "fghFGHpqPQuvwy" and len(tx) == 1):
            args = self._paren_args()
            return ("app", tx, args)
        return self._letter(tx)

    def _paren_args(self) -> tuple:
        self.take("(")
        args = [self.expr()]
        while self.at(","):
            self.i += 1
            args.append(self.expr())
        self.take(")")
        return tuple(args)

    def _binom(self, n: Node, k: Node) -> Node:
        if _constant(n):
            v = small_int(n, self.p.max_factorial * 100)
            if v is None:
                raise GuardError("binomial of a large or computed number")
        return ("fn", "binom", (n, k))

    def _command(self, tx: str) -> Node:
        name = tx[1:]
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            if self._is_derivative():
                return self._derivative()
            num = self.group()
            den = self.group()
            return ("div", num, den)
        if name == "sqrt":
            if self.at("["):
                self.i += 1
                idx = self.expr()
                self.take("]")
                arg = self.group() if not self.at("(") else self.atom()
                if not (idx[0] == "num" and idx[1].denominator == 1 and 2 <= idx[1] <= 1000):
                    raise NotFast("root index")
                if idx[1] == 2:
                    return ("fn", "sqrt", (arg,))
                return ("fn", "root", (arg, idx))
            if self.at("("):
                return ("fn", "sqrt", (self.atom(),))
            return ("fn", "sqrt", (self.group(),))
        if name == "pi":
            return ("const", "pi")
        if name == "infty":
            return ("const", "oo")
        if name in ("binom", "dbinom", "tbinom"):
            n = self.group()
            return self._binom(n, self.group())
        if name in ("log", "lg") and self.at("_"):
            self.i += 1
            base = self.group()
            return ("fn", "log", (self._fn_arg(), base))
        if name in FUNCTIONS:
            return self._apply(FUNCTIONS[name], name)
        if name in ("lfloor", "lceil"):
            e = self.expr()
            self.take("\\r" + name[1:])
            return ("fn", "floor" if name == "lfloor" else "ceil", (e,))
        if name in ("lvert", "vert"):
            e = self.expr()
            if not (self.at("\\rvert") or self.at("\\vert")):
                raise NotFast("unclosed |")
            self.i += 1
            return ("fn", "abs", (e,))
        if name == "|":
            raise NotFast("norm")
        if tx in _FONT_CMDS or name in ("text", "textrm", "textnormal", "mbox"):
            if not self.at("{"):
                raise NotFast(f"{tx} without a group")
            save = self.i
            inner = self._raw_group()
            if inner == "e":
                return ("const", "e")
            if inner == "i" and self.p.imaginary_i:
                return ("const", "i")
            if inner in FUNCTIONS:
                return self._apply(FUNCTIONS[inner], inner)
            if tx in _FONT_CMDS and re.fullmatch(r"[A-Za-z]", inner):
                return self._letter_atom(inner)
            if tx in _FONT_CMDS and re.fullmatch(r"\d+(?:\.\d+)?", inner):
                return self._number(inner)
            self.i = save
            raise NotFast("text inside math")
        if name == "Gamma" and self.at("("):
            args = self._paren_args()
            if _constant(args[0]) and small_int(args[0], self.p.max_factorial) is None:
                raise GuardError("gamma of a large or computed number")
            raise NotFast("gamma function")
        if name in GREEK:
            sym = ("sym", tx)
            if self.at("_"):
                sub = self._subscript()
                return ("sym", f"{tx}_{sub}" if len(sub) == 1 else f"{tx}_{{{sub}}}")
            return sym
        if name == "int":
            return self._integral()
        if name in ("sum", "prod"):
            return self._big_op("sum" if name == "sum" else "product")
        if name == "lim":
            return self._limit()
        if name in ("exp",):
            return self._apply("exp", "exp")
        raise NotFast(f"command {tx}")

    # ----------------------------------------------------------- functions
    def _fn_arg(self) -> Node:
        if self.at("(") or self.at("{") or self.at("["):
            node = self.atom()
            return node
        # \sin 2x: a run of juxtaposed factors without operators
        factors = [self.postfix()]
        while True:
            tok = self.peek()
            if tok is None or not (tok.kind in ("num", "letter", "const") or tok.text in ("\\pi",) or (tok.kind == "cmd" and tok.text[1:] in GREEK)):
                break
            factors.append(self.postfix())
        if self.at("^"):
            if self._degree_ahead():
                self.i += 1
                self._degree_mark()
                node = factors[0] if len(factors) == 1 else ("mul", tuple(factors))
                return ("deg", node)
            raise NotFast("ambiguous power after a function argument")
        return factors[0] if len(factors) == 1 else ("mul", tuple(factors))

    def _degree_ahead(self) -> bool:
        return self.at("\\circ", 1) or (self.at("{", 1) and self.at("\\circ", 2))

    def _apply(self, fn: str, spelled: str) -> Node:
        power = None
        if self.at("^"):
            self.i += 1
            power = self.exponent()
            if power == ("neg", ("num", Fraction(1))):
                inv = _INVERSE.get(fn)
                if inv is None:
                    raise NotFast("inverse-function notation")
                fn, power = inv, None
        if fn in _MULTI_ARG:
            if not self.at("("):
                if self.at("\\{") or self.at("{"):
                    raise NotFast(f"{spelled} of a set")
                raise NotFast(f"{spelled} without parentheses")
            args = self._paren_args()
            if len(args) < 2 and fn in ("gcd", "lcm"):
                raise NotFast(f"{spelled} of one argument")
            node: Node = ("fn", fn, args)
        elif fn == "log" and self.at("_"):
            self.i += 1
            base = self.group()
            node = ("fn", "log", (self._fn_arg(), base))
        else:
            if fn == "abs" and not self.at("("):
                raise NotFast("abs without parentheses")
            node = ("fn", fn, (self._fn_arg(),))
        if power is not None:
            _guard_power(node, power, self.p)
            node = ("pow", node, power)
        return node

    # ----------------------------------------------------------- calculus (undone operations)
    def _is_derivative(self) -> bool:
        toks = [t.text for t in self.t[self.i : self.i + 8]]
        return toks[:3] == ["{", "d", "}"] or toks[:5] == ["{", "d", "^", "2", "}"] or toks[:4] == ["{", "\\mathrm", "{", "d"]

    def _derivative(self) -> Node:
        self.take("{")
        order = 1
        if self.at("\\mathrm"):
            self.i += 1
            self._raw_group()
        else:
            self.take("d")
        if self.at("^"):
            self.i += 1
            order = int(self.take().text)
        self.take("}")
        self.take("{")
        if self.at("\\mathrm"):
            self.i += 1
            self._raw_group()
        else:
            self.take("d")
        var = self.take()
        if var.kind != "letter":
            raise NotFast("derivative variable")
        if self.at("^"):
            self.i += 1
            self.take()
        self.take("}")
        body = self.power() if not self.at("(") else self.atom()
        if order > 4:
            raise NotFast("derivative order")
        self.r.ops.add("derivative")
        return ("op", "derivative", body, var.text, ("num", Fraction(order)), None)

    def _bounds(self) -> tuple[Node | None, Node | None, str | None]:
        lo = hi = None
        var = None
        for _ in range(2):
            if self.at("_"):
                self.i += 1
                if self.at("{"):
                    self.i += 1
                    # sum_{k=1}: the bound variable
                    if self.peek() is not None and self.peek().kind == "letter" and self.at("=", 1):  # type: ignore[union-attr]
                        var = self.take().text
                        self.i += 1
                    lo = self.expr()
                    self.take("}")
                else:
                    lo = self.postfix()
            elif self.at("^"):
                self.i += 1
                hi = self.exponent() if not self.at("{") else self.group()
        return lo, hi, var

    def _integral(self) -> Node:
        lo, hi, _ = self._bounds()
        # the body runs to the differential "d<var>" at this depth
        depth, j = 0, self.i
        while j < len(self.t):
            tx = self.t[j].text
            if tx in ("(", "{", "["):
                depth += 1
            elif tx in (")", "}", "]"):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and tx == "d" and j + 1 < len(self.t) and self.t[j + 1].kind == "letter":
                nxt = self.t[j + 2].text if j + 2 < len(self.t) else None
                if nxt is None or nxt in ("+", "-", ")", "}", "]", "=", ","):
                    break
            elif depth == 0 and tx == "\\mathrm" and j + 3 < len(self.t) and self.t[j + 2].text == "d":
                break
            j += 1
        if j >= len(self.t) - 1 or (self.t[j].text == "\\mathrm" and j + 4 >= len(self.t)):
            raise NotFast("integral without a differential")
        body_toks = self.t[self.i : j]  # (the integration variable is bound below)
        if self.t[j].text == "\\mathrm":
            var = self.t[j + 4].text
            end = j + 5
        else:
            var = self.t[j + 1].text
            end = j + 2
        if not body_toks:
            body: Node = ("num", Fraction(1))
        else:
            sub = _Reader(body_toks, self.p, self.r)
            sub.depth = self.depth
            body = _bind(sub.whole(), var)
        self.i = end
        self.r.ops.add("integral")
        return ("op", "integral", body, var, lo, hi)

    def _big_op(self, kind: str) -> Node:
        lo, hi, var = self._bounds()
        if var is None or lo is None or hi is None:
            raise NotFast(f"{kind} without bounds")
        body = _bind(self.term(body=True), var)
        if _constant(lo) and _constant(hi):
            a, b = small_int(lo, 10**12), small_int(hi, 10**12)
            long = a is None or b is None or b - a > 10_000
            if long and (kind == "product" or has(body, {"fact", "fn", "pow", "op"})):
                raise GuardError(f"{kind} too long to evaluate")
        self.r.ops.add(kind)
        return ("op", kind, body, var, lo, hi)

    def _limit(self) -> Node:
        self.take("_")
        self.take("{")
        var = self.take()
        if var.kind != "letter" or not (self.at("\\to") or self.at("\\rightarrow")):
            raise NotFast("limit variable")
        self.i += 1
        point = self.expr()
        direction = None
        if self.at("^"):
            self.i += 1
            direction = self.take().text
        self.take("}")
        body = self.term(body=True)
        self.r.ops.add("limit")
        return ("op", "limit", body, var.text, point, ("sym", direction) if direction else None)


def _bind(node: Node, var: str) -> Node:
    """Inside a sum over ``i`` (or ``e``), that letter is the bound variable, not a constant."""
    if node == ("const", var):
        return ("sym", var)
    if node[0] in ("num", "sym", "const", "mix"):
        return node
    if node[0] in ("add", "mul"):
        return (node[0], tuple(_bind(a, var) for a in node[1]))
    if node[0] in ("fn", "app"):
        return (node[0], node[1], tuple(_bind(a, var) for a in node[2]))
    return tuple(_bind(a, var) if isinstance(a, tuple) else a for a in node)


def _is_number(node: Node) -> bool:
    return node[0] == "num" or (node[0] == "pow" and node[1][0] == "num")


def _guard_power(base: Node, exp: Node, policy: Any) -> None:
    """Refuse towers and powers whose value would be huge, before anything evaluates them."""
    if not (_constant(base) and _constant(exp)):
        if exp[0] == "num" and abs(exp[1]) > 100_000:
            raise GuardError("power with an exponent over 100000")
        return
    e = small_int(exp)
    if e is None:
        if exp[0] in ("pow", "fact") or (exp[0] == "neg" and exp[1][0] in ("pow", "fact")):
            raise GuardError("exponent tower")
        return
    b = small_int(base)
    if b is not None and abs(b) in (0, 1):
        return
    size = abs(b).bit_length() if b is not None else 8
    if abs(e) * max(1, size) > policy.max_int_bits:
        raise GuardError(f"power too large to evaluate (~{abs(e) * max(1, size):.3g} bits)")


def small_int(node: Node, limit: int = 10**7) -> int | None:
    """The value of a small constant integer tree (powers, products, factorials bounded), else None."""
    k = node[0]
    if k == "num":
        v = node[1]
        return int(v) if v.denominator == 1 and abs(v) <= limit else None
    if k == "neg":
        v = small_int(node[1], limit)
        return -v if v is not None else None
    if k in ("add", "mul"):
        vals = [small_int(a, limit) for a in node[1]]
        if any(v is None for v in vals):
            return None
        out = 0 if k == "add" else 1
        for v in vals:
            out = out + v if k == "add" else out * v  # type: ignore[operator]
            if abs(out) > limit:
                return None
        return out
    if k == "pow":
        b, e = small_int(node[1], limit), small_int(node[2], 64)
        if b is None or e is None or e < 0:
            return None
        if abs(b) > 1 and e * abs(b).bit_length() > 64:
            return None
        out = b**e
        return out if abs(out) <= limit else None
    if k == "fact":
        n = small_int(node[1], 20)
        if n is None or n < 0:
            return None
        import math

        out = math.factorial(n)
        return out if out <= limit else None
    return None


def _constant(node: Node) -> bool:
    k = node[0]
    if k in ("num", "const"):
        return True
    if k == "sym" or k == "app" or k == "op":
        return False
    if k in ("add", "mul"):
        return all(_constant(a) for a in node[1])
    if k in ("fn",):
        return all(_constant(a) for a in node[2])
    if k == "mix":
        return True
    return all(_constant(a) for a in node[1:] if isinstance(a, tuple))


def _guard_factorial(node: Node, policy: Any) -> None:
    if node[0] == "num":
        v = node[1]
        if v.denominator != 1 or v < 0:
            raise NotFast("factorial of a non-integer")
        if v > policy.max_factorial:
            raise GuardError(f"factorial of {v} is too large")
    elif _constant(node):
        v = small_int(node, policy.max_factorial)
        if v is None or v < 0:  # "(6-2)!" is 4!; "(10^{10})!" or "(1/2)!" is not computed
            raise GuardError("factorial of a computed number")


# ------------------------------------------------------------------------------------------- cleaning

_SPACING_RE = re.compile(r"(?<!\\)\\[,;:! ]|\\q?quad\b|~|\\displaystyle|\\textstyle|\\limits|\\nolimits")
_LEFTRIGHT_RE = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|bigg|Bigg)\s*(?=[()\[\]|.<>/]|\\[{}|]|\\[lr]?[a-zA-Z]+)")
_FONT_RE = re.compile(r"\\(?:mathbf|boldsymbol|mathit|mathsf|bm|textbf|textit|mathnormal)\s*\{")
_THOUSANDS_BRACE_RE = re.compile(r"(?<=\d)\{,\}(?=\d{3})")
# "\mathbf{2 1 6}": a bold number whose digits were set apart (OCR of printed solutions, OlympiadBench's answers);
# math mode ignores the spaces, so it reads 216 as printed. Only inside a bold group: elsewhere "2 3" stays two numbers
_BOLD_GROUP_RE = re.compile(r"\\(?:mathbf|boldsymbol|bm)\s*\{[^{}]*\}")
_SPACED_DIGITS_RE = re.compile(r"(?<=\d) (?=\d)")


# clean's patterns, compiled once (it runs on every side of every claim, answer and problem text)
_DOLLAR_ENDS_RE = re.compile(r"^\$+|\$+$")
_DISPLAY_ENDS_RE = re.compile(r"^\\\(|\\\)$|^\\\[|\\\]$")
_MATH_THOUSANDS_RE = re.compile(r"(?<=\d),\\!\s*(?=\d{3}(?!\d))")
_THIN_THOUSANDS_RE = re.compile(r"(?<=\d)(?:\\,|\\ |\\;|\u2009|\u202f|\s)(?=\d{3}(?!\d))")
_BARE_DOLLAR_RE = re.compile(r"(?<!\\)\$")
_NCR_RE = re.compile(r"(?:\{\}|\b)_\{?(\w+)\}?\s*\\?(?:mathrm\{C\}|C)_\{?(\w+)\}?")
_INFINITY_WORD_RE = re.compile(r"\binfinity\b")
_TEXT_FONT_RE = re.compile(r"\\text(?:bf|it|rm|normal|sf|tt)\s*\{")
_FRAC_VARIANT_RE = re.compile(r"\\[dtc]frac\b")
_OVER_RE = re.compile(r"\{([^{}]*)\\over\s*([^{}]*)\}")
_CHOOSE_RE = re.compile(r"\{([^{}]*)\\choose\s*([^{}]*)\}")
_OPERATORNAME_RE = re.compile(r"\\operatorname\s*\{\s*([a-zA-Z]+)\s*\}")
_VERT_RE = re.compile(r"\\(?:lvert|rvert|vert)\b")
_BLANKS_RE = re.compile(r"\s+")
_FINAL_PERIOD_RE = re.compile(r"(?:\\text\{\s*\.\s*\}|(?<![^.]\.\.)\.)\s*$")  # never the last dot of an ellipsis
_NUMBER_PERIOD_RE = re.compile(r"(?<![\d.])\d+\.$")
_TRAILING_BACKSLASH_RE = re.compile(r"(?<!\\)\\+$")  # from a run's start only: linear
_CLEAN_CACHED_CHARS = 2000  # longer texts (a whole problem) are cleaned each time, not remembered


def clean(s: str) -> str:
    """Notation-only cleanup that never changes the value: delimiters, spacing, sizing, font commands.
    A pure function of the text, remembered for texts up to ``_CLEAN_CACHED_CHARS`` (the same sides are cleaned by
    the reader, the general parser and the answer checker)."""
    if len(s) > _CLEAN_CACHED_CHARS:
        return _clean(s)
    return _clean_cached(s)


@lru_cache(maxsize=8192)
def _clean_cached(s: str) -> str:
    return _clean(s)


def _clean(s: str) -> str:
    s = s.strip()
    s = _DOLLAR_ENDS_RE.sub("", s).strip()
    s = _DISPLAY_ENDS_RE.sub("", s).strip()
    for k, v in _UNICODE.items():
        if k in s:
            s = s.replace(k, v)
    s = s.replace("\u2264", "\\le ").replace("\u2265", "\\ge ").replace("\u2260", "\\ne ").replace("\u00b1", "\\pm ")
    s = s.replace("\u222a", "\\cup ").replace("\u2229", "\\cap ").replace("\u2208", "\\in ").replace("\u2248", "\\approx ")
    s = _MATH_THOUSANDS_RE.sub("", s)  # 11,\! 111,\! 100 (MATH's thousands)
    s = s.replace("\\!", "")
    s = _THIN_THOUSANDS_RE.sub("", s)  # 12\,345 and thin spaces
    s = _BARE_DOLLAR_RE.sub(" ", s)
    s = _NCR_RE.sub(r"\\binom{\1}{\2}", s)
    s = _INFINITY_WORD_RE.sub(r"\\infty ", s)
    s = _TEXT_FONT_RE.sub(r"\\text{", s)
    s = _THOUSANDS_BRACE_RE.sub("", s)
    s = _SPACING_RE.sub(" ", s)
    s = _LEFTRIGHT_RE.sub("", s)
    s = s.replace("\\left.", "").replace("\\right.", "")
    s = _FRAC_VARIANT_RE.sub(r"\\frac", s)
    s = _OVER_RE.sub(r"\\frac{\1}{\2}", s)
    s = _CHOOSE_RE.sub(r"\\binom{\1}{\2}", s)
    if "\\b" in s or "\\m" in s:
        s = _BOLD_GROUP_RE.sub(lambda m: _SPACED_DIGITS_RE.sub("", m.group(0)), s)
    s = _FONT_RE.sub("{", s)
    s = _OPERATORNAME_RE.sub(r"\\\1", s)
    s = _VERT_RE.sub("|", s)
    s = s.replace("\\lbrace", "\\{").replace("\\rbrace", "\\}").replace("\\lbrack", "[").replace("\\rbrack", "]")
    s = s.replace("\\leqslant", "\\le").replace("\\geqslant", "\\ge").replace("\\leq", "\\le").replace("\\geq", "\\ge")
    s = s.replace("\\neq", "\\ne").replace("\\varnothing", "\\emptyset").replace("\\dbinom", "\\binom").replace("\\tbinom", "\\binom")
    s = s.replace("\\mathrm{e}", "e").replace("\\mathrm{i}", "i").replace("\\mathrm e", "e").replace("\\rm e", "e")
    s = s.replace("\\colon", ":").replace("\\degree", "^\\circ").replace("°", "^\\circ")
    s = s.replace("<=", "\\le ").replace(">=", "\\ge ").replace("!=", "\\ne ")
    s = _BLANKS_RE.sub(" ", s).strip()
    s = _FINAL_PERIOD_RE.sub("", s).strip() if not _NUMBER_PERIOD_RE.search(s) else s[:-1].strip()
    s = _TRAILING_BACKSLASH_RE.sub("", s).strip()  # a stray trailing backslash or line break ("185\", "x \\")
    return s


# ------------------------------------------------------------------------------------------- entry points

@lru_cache(maxsize=8192)
def _read_cached(text: str, policy: Any, letters: bool) -> tuple[Node, tuple[str, ...], frozenset[str]]:
    reading = Reading()
    toks = _tokenize(text, letters)
    if not toks:
        raise ParseError("empty")
    if len(toks) > policy.max_chars:
        raise GuardError(f"expression longer than {policy.max_chars} tokens")
    try:
        node = _Reader(list(toks), policy, reading).whole()
    except (ParseError, NotFast):
        raise
    except (IndexError, KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise NotFast(f"outside the reader: {type(exc).__name__}") from None  # the general parser decides
    return node, tuple(reading.decimals), frozenset(reading.ops)


def read(text: str, policy: Any, *, letters: bool = False) -> tuple[Node, tuple[str, ...], frozenset[str]]:
    """The tree of one expression, the decimal literals as written and the operations left undone.

    ``letters``: read runs of three or more letters as products of one-letter symbols (free-text step
    claims); answers refuse them (a word is prose or a unit, never ``k*m``). Raises NotFast (outside the
    subset), ParseError (malformed), GuardError (refused by a size guard).
    """
    if len(text) > policy.max_chars:
        raise GuardError(f"expression longer than {policy.max_chars} characters")
    try:
        return _read_cached(text, policy, letters)
    except RecursionError:
        raise GuardError("nesting too deep") from None


def symbols(node: Node) -> set[str]:
    """Names of the free symbols of a tree (bound variables of sums and integrals excluded)."""
    out: set[str] = set()
    stack = [(node, frozenset())]
    while stack:
        n, bound = stack.pop()
        k = n[0]
        if k == "sym":
            if n[1] not in bound:
                out.add(n[1])
        elif k == "op":
            inner = bound | {n[3]}
            stack.append((n[2], inner))
            for b in n[4:]:
                if isinstance(b, tuple):
                    stack.append((b, bound))
        elif k in ("add", "mul"):
            stack.extend((a, bound) for a in n[1])
        elif k in ("fn", "app"):
            stack.extend((a, bound) for a in n[2])
        elif k in ("num", "const", "mix"):
            continue
        else:
            stack.extend((a, bound) for a in n[1:] if isinstance(a, tuple))
    return out


def children(node: Node) -> tuple:
    """The subtrees of a node."""
    k = node[0]
    if k in ("num", "sym", "const", "mix"):
        return ()
    if k in ("add", "mul"):
        return node[1]
    if k in ("fn", "app"):
        return node[2]
    return tuple(a for a in node[1:] if isinstance(a, tuple))


def walk(node: Node):  # noqa: ANN201 - a generator of nodes
    """Every node of a tree, the root first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(children(n))


def has(node: Node, kinds: set[str]) -> bool:
    """Does the tree hold a node of one of these kinds (``fn`` names and ``op`` kinds count as kinds too)?"""
    return any(n[0] in kinds or (n[0] in ("fn", "op") and n[1] in kinds) for n in walk(node))


__all__ = ["FUNCTIONS", "Node", "NotFast", "Reading", "children", "clean", "has", "read", "symbols", "walk"]
