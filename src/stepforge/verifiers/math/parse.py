"""Turn an extracted answer string into a typed answer: scalar, relation, set, tuple, interval, matrix, text.

Scalars go through the fast reader first and latex2sympy2_extended (the maintained LaTeX parser) second;
a text that neither parses whole is unparseable (never its prefix). Static guards run before sympy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sympy
from sympy import I, Symbol

from stepforge.verifiers.math._fastexpr import NotFast, fast_expr
from stepforge.verifiers.math.errors import GuardError, ParseError
from stepforge.verifiers.math.policy import DEFAULT_POLICY, MathPolicy

__all__ = ["Answer", "Scalar", "parse_answer", "parse_math", "ParseError", "GuardError"]


@dataclass(frozen=True)
class Scalar:
    """A number or expression with how it was written (decimal precision, percent, degree)."""

    expr: Any
    ulp: Any = None  # sympy Rational: unit in the last written place when written as one decimal literal
    percent: bool = False
    degree: bool = False
    fraction: tuple[int, int] | None = None  # written p/q, for the unreduced-fraction policy
    sig_digits: int = 0


@dataclass(frozen=True)
class Answer:
    """kind: scalar | relation | set | tuple | pair | interval | matrix | text | choice | bool | sequence | system."""

    kind: str
    value: Any
    text: str
    var: Any = None  # the assigned symbol for ``x = ...`` / ``x \\in ...``
    extra: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- cleaning

_SPACING_RE = re.compile(r"(?<!\\)\\[,;:! ]|\\q?quad\b|~|\\displaystyle|\\textstyle|\\limits|\\nolimits")
_LEFTRIGHT_RE = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|bigg|Bigg)\s*(?=[()\[\]|.]|\\[{}|]|\\[lr]?[a-z]+)")
_FRAC_RE = re.compile(r"\\[dtc]frac\b")
_FONT_RE = re.compile(r"\\(?:mathbf|boldsymbol|mathit|mathsf|bm|textbf|textit|mathnormal)\s*\{")
_DEGREE_RE = re.compile(r"\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree|°|\^\s*\{\s*o\s*\}|\s+degrees?\b)\s*$")
_PERCENT_RE = re.compile(r"\s*(?:\\%|%|\\text\{\s*\\?%\s*\}|\s*\\?\s*percent(?:age)?\b|\s*\\?\s*pct\b)\s*$", re.I)
_CURRENCY_RE = re.compile(r"^\s*(?:\\\$|\$|€|£|¥|₹|\\euro|\\pounds|USD|EUR|Rs\.?)\s*|\s*(?:dollars?|cents?|euros?|USD)\s*$")
_TEXT_UNIT_RE = re.compile(r"\s*\\(?:text|mbox|mathrm|textrm)\s*\{\s*[a-zA-Z][a-zA-Z .\-/]*\}(?:\s*\^\s*\{?\s*[23]\s*\}?)?\s*$")
_UNIT_WORDS = (
    "cm|mm|km|m|meters?|metres?|centimeters?|kilometers?|miles?|ft|feet|foot|inch(?:es)?|in|yards?|yd|"
    "kg|g|grams?|kilograms?|lbs?|pounds?|ounces?|oz|tons?|liters?|litres?|ml|l|gallons?|"
    "s|sec|seconds?|min|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|yrs?|mph|kph|km/h|m/s|"
    "units?|square units|sq units|cubic units|degrees|dollars?|cents?|students?|people|persons?|apples?|ways|"
    "sq ft|sq m|sq\\.? ?units|points?|marbles?|books?|cookies?|eggs?|cars?|boxes|items?|pieces?|times"
)
_UNIT_RE = re.compile(rf"(?<=[\d}}).])\s*(?:{_UNIT_WORDS})(?:\s*\^\s*\{{?\s*[23]\s*\}}?|²|³)?\s*$", re.I)
_THOUSANDS_BRACE_RE = re.compile(r"(?<=\d)\{,\}(?=\d{3})")
_THOUSANDS_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_THOUSANDS_SPACE_RE = re.compile(r"(?<=\d)(?:\\,|\\ |\\;|\s|\u2009|\u202f)(?=\d{3}(?!\d))")
_DECIMAL_COMMA_RE = re.compile(r"^-?0,\d+$")
_SCI_RE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(?:\\times|\\cdot|\*|x)\s*10\s*\^\s*\{?\s*(-?\d+)\s*\}?$|^(-?\d+(?:\.\d+)?)[eE]([-+]?\d+)$")
_NUM_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)$")
_CHOICE_RE = re.compile(r"^\(?\s*([A-Ha-h])\s*\)?\s*(?:[.:)]\s*.*)?$", re.S)
_CHOICE_STRICT_RE = re.compile(r"^(?:\\text(?:bf)?\{\s*)?\(?\s*([A-H])\s*\)?(?:\s*\})?$")
_WORD_TEXT_RE = re.compile(r"^[A-Za-z][A-Za-z'\- ]*[A-Za-z]$")
_BOOL = {"yes": "yes", "no": "no", "true": "yes", "false": "no", "y": "yes", "n": "no"}
_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_MATH_WORDS = {"sin", "cos", "tan", "sec", "csc", "cot", "log", "ln", "exp", "sqrt", "pi", "abs", "oo", "inf"}
_UNSUPPORTED_RE = re.compile(r"\\(?:forall|exists|implies|iff|Rightarrow|Leftrightarrow|therefore|because|ldots|cdots|dots|vdots|ddots)\b|\.\.\.|…")


def clean(s: str) -> str:
    """Notation-only cleanup that never changes the value: delimiters, spacing, sizing, font commands."""
    s = s.strip()
    s = re.sub(r"^\$+|\$+$", "", s).strip()
    s = re.sub(r"^\\\(|\\\)$|^\\\[|\\\]$", "", s).strip()
    s = s.replace("\u2212", "-").replace("\u00d7", "\\times ").replace("\u00b7", "\\cdot ").replace("\u03c0", "\\pi ")
    s = s.replace("\u221e", "\\infty ").replace("\u2264", "\\le ").replace("\u2265", "\\ge ").replace("\u2260", "\\ne ")
    s = s.replace("\u221a", "\\sqrt").replace("\u00b1", "\\pm ").replace("\u222a", "\\cup ").replace("\u2208", "\\in ")
    s = s.replace("\\!", "")
    s = re.sub(r"\binfinity\b", r"\\infty ", s)
    s = re.sub(r"\\text(?:bf|it|rm|normal)\s*\{", r"\\text{", s)
    s = _THOUSANDS_BRACE_RE.sub("", s)
    s = _THOUSANDS_SPACE_RE.sub("", s)
    s = _SPACING_RE.sub(" ", s)
    s = _LEFTRIGHT_RE.sub("", s)
    s = s.replace("\\left.", "").replace("\\right.", "")
    s = _FRAC_RE.sub(r"\\frac", s)
    s = s.replace("\\over", "\\over ")
    # \mathbf{x} etc. are only fonts: drop the command, keep the braces
    s = _FONT_RE.sub("{", s)
    s = re.sub(r"\\operatorname\s*\{\s*([a-zA-Z]+)\s*\}", r"\\\1", s)
    s = re.sub(r"\\(?:lvert|rvert|vert)\b", "|", s)
    s = re.sub(r"\\(?:lVert|rVert|Vert)\b", "||", s)
    s = s.replace("\\lbrace", "\\{").replace("\\rbrace", "\\}").replace("\\lbrack", "[").replace("\\rbrack", "]")
    s = s.replace("\\leqslant", "\\le").replace("\\geqslant", "\\ge").replace("\\leq", "\\le").replace("\\geq", "\\ge")
    s = s.replace("\\neq", "\\ne").replace("\\varnothing", "\\emptyset").replace("\\dfrac", "\\frac")
    s = s.replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac").replace("\\dbinom", "\\binom").replace("\\tbinom", "\\binom")
    s = s.replace("\\mathrm{e}", "e").replace("\\mathrm{i}", "i").replace("\\mathrm e", "e").replace("\\rm e", "e")
    s = s.replace("\\exp", "\\exp ").replace("\\colon", ":")
    s = s.replace("<=", "\\le ").replace(">=", "\\ge ").replace("!=", "\\ne ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?:\\text\{\s*\.\s*\}|\.)\s*$", "", s).strip() if not re.search(r"\d\.$", s) else s[:-1].strip()
    return s


def _strip_text_wrapper(s: str) -> str:
    m = re.fullmatch(r"\\(?:text|textbf|mbox|mathrm|textrm)\s*\{(.*)\}", s, re.S)
    if m and _balanced(m.group(1)):
        return m.group(1).strip()
    return s


def _balanced(s: str) -> bool:
    d = 0
    for c in s:
        if c == "{":
            d += 1
        elif c == "}":
            d -= 1
            if d < 0:
                return False
    return d == 0


def _depth(s: str) -> int:
    d = best = 0
    for c in s:
        if c in "({[":
            d += 1
            best = max(best, d)
        elif c in ")}]":
            d -= 1
    return best


# --------------------------------------------------------------------------------------------- guards

_TOWER_RE = re.compile(r"\^\s*\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\^|\^\s*\(?\s*\d+\s*\)?\s*\^|\*\*\s*\(?[^()]*\*\*|\^\s*\(\s*[^()]*\^")
_BIG_EXP_RE = re.compile(r"(?:\^|\*\*)\s*\{?\s*\(?\s*(\d{5,})")
_FACT_RE = re.compile(r"(\d+)\s*!")


def static_guard(s: str, policy: MathPolicy) -> None:
    """Refuse inputs sympy could spin on, before any sympy call (raises GuardError)."""
    if len(s) > policy.max_chars:
        raise GuardError(f"answer longer than {policy.max_chars} characters")
    if _depth(s) > policy.max_depth:
        raise GuardError(f"nesting deeper than {policy.max_depth}")
    for m in _FACT_RE.finditer(s):
        if int(m.group(1)) > policy.max_factorial:
            raise GuardError(f"factorial of {m.group(1)} is too large")
    if re.search(r"\)\s*!|\}\s*!|!\s*!", s) and s.count("!") > 1:
        raise GuardError("nested factorials")
    for m in _BIG_EXP_RE.finditer(s):
        if int(m.group(1)) > policy.max_int_bits:
            raise GuardError("exponent too large")


_SIDE_BY_SIDE_RE = re.compile(r"(?<![\d_^.])\d+\s+\.?\d")


def _tower(s: str) -> bool:
    return bool(_TOWER_RE.search(s))


# ---------------------------------------------------------------------------------------- latex2sympy

@lru_cache(maxsize=1)
def _l2s():  # noqa: ANN202 - imported lazily: ANTLR start-up costs ~0.3 s
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    from latex2sympy2_extended.math_normalization import NormalizationConfig

    norm = NormalizationConfig(basic_latex=True, units=False, malformed_operators=True, nits=False, boxed="none")
    conv = ConversionConfig(lowercase_symbols=False, interpret_contains_as_eq=False)
    return latex2sympy, norm, conv


def _walk_guard(obj: Any, policy: MathPolicy) -> None:
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
        if isinstance(o, sympy.factorial) and o.args[0].is_Integer and int(o.args[0]) > policy.max_factorial:
            raise GuardError("factorial too large")
        args = getattr(o, "args", ())
        if isinstance(o, sympy.MatrixBase):
            args = tuple(o)
        stack.extend(a for a in args if isinstance(a, (sympy.Basic, sympy.MatrixBase)))


def _normalize_symbols(obj: Any, policy: MathPolicy) -> Any:
    """Plain symbols (no assumptions), ``i`` the imaginary unit, percent ``UnevaluatedExpr`` evaluated."""
    if not isinstance(obj, sympy.Basic):
        return obj
    if obj.has(sympy.Sum, sympy.Product, sympy.Integral, sympy.Derivative, sympy.Limit):
        obj = obj.doit()
    if obj.has(sympy.UnevaluatedExpr):
        obj = obj.replace(lambda e: isinstance(e, sympy.UnevaluatedExpr), lambda e: e.args[0])
    rep = {}
    bound = set()
    for node in sympy.preorder_traversal(obj):
        if isinstance(node, (sympy.Sum, sympy.Product, sympy.Integral)):
            bound |= {lim[0] for lim in node.limits}
    for sym in obj.free_symbols:
        if isinstance(sym, Symbol):
            name = sym.name
            if name == "i" and policy.imaginary_i and sym not in bound:
                rep[sym] = I
            elif name == "e":
                rep[sym] = sympy.E
            elif sym.assumptions0:
                rep[sym] = Symbol(name)
    return obj.xreplace(rep) if rep else obj


def _general(s: str, policy: MathPolicy) -> Any:
    if _tower(s):
        raise GuardError("exponent tower")
    if _UNSUPPORTED_RE.search(s):
        raise ParseError(f"unsupported notation in {s!r}")
    latex2sympy, norm, conv = _l2s()
    try:
        obj = latex2sympy(s, normalization_config=norm, conversion_config=conv)
    except GuardError:
        raise
    except Exception as exc:  # the parser raises bare Exceptions
        raise ParseError(f"does not parse: {s!r}") from exc
    _walk_guard(obj, policy)
    return _normalize_symbols(obj, policy)


def _to_expr(s: str, policy: MathPolicy) -> tuple[Any, list[str]]:
    """A scalar expression: fast reader first, then latex2sympy2_extended."""
    static_guard(s, policy)
    if _SIDE_BY_SIDE_RE.search(s):
        raise ParseError(f"two numbers side by side in {s!r}")
    try:
        return fast_expr(s, policy)
    except NotFast:
        pass
    obj = _general(s, policy)
    if isinstance(obj, (sympy.Set, sympy.Tuple, sympy.logic.boolalg.Boolean, sympy.MatrixBase, sympy.Rel)) and not isinstance(obj, sympy.Expr):
        raise ParseError(f"not a scalar: {s!r}")
    if isinstance(obj, sympy.Basic) and not isinstance(obj, sympy.Expr):
        raise ParseError(f"not a scalar: {s!r}")
    decimals = re.findall(r"\d*\.\d+", s)
    return obj, decimals


# ------------------------------------------------------------------------------------------- scalars

def _word_number(s: str) -> int | None:
    words = s.lower().replace("-", " ").split()
    if not words or any(w not in _WORD_NUMBERS and w not in ("thousand", "million", "billion", "and") for w in words):
        return None
    total = cur = 0
    for w in words:
        if w == "and":
            continue
        if w == "hundred":
            cur = max(cur, 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += max(cur, 1) * {"thousand": 1000, "million": 10**6, "billion": 10**9}[w]
            cur = 0
        else:
            cur += _WORD_NUMBERS[w]
    return total + cur


def _sig_digits(lit: str) -> int:
    digits = lit.replace("-", "").replace("+", "").replace(".", "").lstrip("0")
    return len(digits)


def parse_scalar(s: str, policy: MathPolicy = DEFAULT_POLICY) -> Scalar:
    """A number or expression with written precision/percent/degree flags; raises ParseError."""
    s = s.strip()
    if not s:
        raise ParseError("empty answer")
    s = _strip_text_wrapper(s)
    percent = degree = False
    m = _PERCENT_RE.search(s)
    if m and m.start() > 0:
        percent, s = True, s[: m.start()].strip()
    m = _DEGREE_RE.search(s)
    if m and m.start() > 0:
        degree, s = True, s[: m.start()].strip()
    s = _CURRENCY_RE.sub("", s).strip()
    for _ in range(2):
        t = _TEXT_UNIT_RE.sub("", s).strip()
        if t and t != s:
            s = t
        t = _UNIT_RE.sub("", s).strip()
        if t and t != s:
            s = t
    if not percent:
        m = _PERCENT_RE.search(s)
        if m and m.start() > 0:
            percent, s = True, s[: m.start()].strip()
    s = _strip_text_wrapper(s)
    if _THOUSANDS_RE.match(s):
        s = s.replace(",", "")
    elif _DECIMAL_COMMA_RE.match(s):
        s = s.replace(",", ".")
    wn = _word_number(s) if re.fullmatch(r"[A-Za-z \-]+", s) else None
    if wn is not None:
        return Scalar(sympy.Integer(wn), percent=percent, degree=degree)
    # plain literals: exact, with written precision
    if _NUM_RE.match(s):
        lit = s.lstrip("+")
        if len(lit) > 5000:
            raise GuardError("number literal too long")
        if "." in lit:
            from fractions import Fraction

            val = sympy.Rational(Fraction(lit if not lit.startswith((".", "-.")) else lit.replace(".", "0.", 1)))
            d = len(lit.split(".")[1])
            return Scalar(val, ulp=sympy.Rational(1, 10**d), percent=percent, degree=degree, sig_digits=_sig_digits(lit))
        return Scalar(sympy.Integer(int(lit)), percent=percent, degree=degree)
    m = _SCI_RE.match(s)
    if m:
        mant, ex = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if abs(int(ex)) > 10000:
            raise GuardError("exponent too large")
        from fractions import Fraction

        val = sympy.Rational(Fraction(mant)) * sympy.Rational(10) ** int(ex)
        d = len(mant.split(".")[1]) if "." in mant else 0
        ulp = sympy.Rational(10) ** (int(ex) - d) if "." in mant else None
        return Scalar(val, ulp=ulp, percent=percent, degree=degree, sig_digits=_sig_digits(mant))
    frac = None
    fm = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}|(-?)(\d+)\s*/\s*(\d+)", s)
    if fm:
        g = [x for x in fm.groups() if x is not None]
        frac = (int(g[1]) * (-1 if g[0] else 1), int(g[2]))
    expr, decimals = _to_expr(s, policy)
    return Scalar(expr, percent=percent, degree=degree, fraction=frac,
                  sig_digits=min((_sig_digits(d) for d in decimals), default=0))


# ------------------------------------------------------------------------------------------ structure

_REL_TOKENS = [("\\le", "<="), ("\\ge", ">="), ("\\ne", "!="), ("\\lt", "<"), ("\\gt", ">"), ("<", "<"), (">", ">"), ("=", "="), ("\\approx", "~")]
_SPLIT_WORD_RE = re.compile(r"\\text\{\s*(?:and|or|,)\s*\}|\\(?:quad|qquad)\b|\b(?:and|or)\b|;|\\(?:land|lor|wedge|vee)\b")


def _top_split(s: str, seps: tuple[str, ...] = (",",)) -> list[str]:
    """Split on separators outside any bracket; ``\\{``/``\\}`` count as brackets."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if s.startswith("\\{", i) or s.startswith("\\langle", i):
            depth += 1
            step = 2 if s.startswith("\\{", i) else 7
            cur.append(s[i : i + step])
            i += step
            continue
        if s.startswith("\\}", i) or s.startswith("\\rangle", i):
            depth -= 1
            step = 2 if s.startswith("\\}", i) else 7
            cur.append(s[i : i + step])
            i += step
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if depth == 0 and c in seps:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def _matching_close(s: str, open_idx: int) -> int:
    depth = 0
    for j in range(open_idx, len(s)):
        c = s[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _find_rel(s: str) -> list[tuple[int, int, str]]:
    """Top-level relation operators: (start, end, op)."""
    out = []
    depth = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if depth == 0:
            for tok, op in _REL_TOKENS:
                if s.startswith(tok, i) and not (tok.startswith("\\") and i + len(tok) < len(s) and s[i + len(tok)].isalpha()):
                    out.append((i, i + len(tok), op))
                    i += len(tok) - 1
                    break
        i += 1
    return out


_MATRIX_RE = re.compile(r"^\\begin\{([pbBvV]?matrix|array|smallmatrix)\}(\{[^}]*\})?(.*)\\end\{\1\}$", re.S)


def _parse_matrix(s: str, policy: MathPolicy) -> Answer | None:
    m = _MATRIX_RE.match(s)
    if not m:
        return None
    if m.group(1) in ("vmatrix", "Vmatrix"):
        raise ParseError("determinant notation")
    rows = [r for r in re.split(r"\\\\", m.group(3)) if r.strip() and r.strip() != "\\hline"]
    cells = [[parse_scalar(c, policy).expr for c in r.split("&")] for r in rows]
    if len({len(r) for r in cells}) != 1:
        raise ParseError("ragged matrix")
    return Answer("matrix", sympy.Matrix(cells), s)


_SIMPLE_LHS_RE = re.compile(r"^(?:[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?|\\[a-zA-Z]+|[a-zA-Z]\([a-z]\)|\([a-zA-Z](?:\s*,\s*[a-zA-Z])+\))$")


def _interval_or_tuple(s: str, policy: MathPolicy) -> Answer | None:
    if len(s) < 2:
        return None
    o, c = s[0], s[-1]
    if s.startswith("\\{") and s.endswith("\\}"):
        inner = s[2:-2].strip()
        if not inner:
            return Answer("set", [], s)
        if "|" in inner or "\\mid" in inner or ":" in inner:
            raise ParseError("set-builder notation")
        return Answer("set", [parse_structure(p, policy, top=False) for p in _top_split(inner, (",", ";"))], s)
    if s.startswith("\\langle") and s.endswith("\\rangle"):
        inner = s[len("\\langle") : -len("\\rangle")]
        return Answer("tuple", [parse_structure(p, policy, top=False) for p in _top_split(inner)], s)
    if o in "([" and c in ")]":
        if _matching_close(s, 0) != len(s) - 1:
            return None
        inner = s[1:-1]
        parts = _top_split(inner)
        if len(parts) == 1:
            return None
        if len(parts) == 2:
            lo, hi = (parse_scalar(p, policy) for p in parts)
            if o == "(" and c == ")":
                return Answer("pair", (lo, hi), s)  # open interval or ordered pair: decided against the other side
            return Answer("interval", [(lo, hi, o == "(", c == ")")], s)
        if o == c.translate(str.maketrans(")]", "([")) or (o == "(" and c == ")"):
            return Answer("tuple", [parse_structure(p, policy, top=False) for p in parts], s)
        raise ParseError("mismatched brackets")
    return None


def _parse_union(s: str, policy: MathPolicy) -> Answer | None:
    if "\\cup" not in s and "\\mathbb{R}" not in s and "\\emptyset" not in s and "\\varnothing" not in s and "\\R" != s:
        return None
    pieces = [p.strip() for p in re.split(r"\\cup", s)]
    out = []
    for p in pieces:
        if p in ("\\mathbb{R}", "\\R", "\\mathbb R", "(-\\infty,\\infty)"):
            out.append((sympy.S.NegativeInfinity, sympy.S.Infinity, True, True))
            continue
        if p in ("\\emptyset", "\\varnothing", "\\{\\}"):
            continue
        a = _interval_or_tuple(p, policy)
        if a is None or a.kind not in ("interval", "pair", "set"):
            return None
        if a.kind == "pair":
            lo, hi = a.value
            out.append((lo.expr, hi.expr, True, True))
        elif a.kind == "interval":
            lo, hi, lo_open, hi_open = a.value[0]
            out.append((lo.expr, hi.expr, lo_open, hi_open))
        else:
            for el in a.value:
                if el.kind != "scalar":
                    return None
                out.append((el.value.expr, el.value.expr, False, False))
    return Answer("union", out, s)


def _expand_pm(s: str) -> list[str] | None:
    if "\\pm" not in s and "\\mp" not in s:
        return None
    plus = s.replace("\\pm", "+").replace("\\mp", "-")
    minus = s.replace("\\pm", "-").replace("\\mp", "+")
    return [plus, minus]


def parse_structure(s: str, policy: MathPolicy = DEFAULT_POLICY, top: bool = True) -> Answer:
    """The typed answer of one extracted answer string (already cleaned)."""
    s = s.strip()
    if not s:
        raise ParseError("empty answer")
    if len(s) > policy.max_chars:
        raise GuardError(f"answer longer than {policy.max_chars} characters")
    tw = re.fullmatch(r"\\text\s*\{([A-Za-z][A-Za-z' \-]*)\}", s)
    if tw and _word_number(tw.group(1)) is None and tw.group(1).strip().lower() not in _BOOL and not _CHOICE_STRICT_RE.match(tw.group(1).strip()):
        return Answer("text", " ".join(w.lower() for w in re.findall(r"[A-Za-z]+", tw.group(1))), s)
    if top:
        s2 = _strip_text_wrapper(s)
        ch = _CHOICE_STRICT_RE.match(s2)
        if ch:
            return Answer("choice", ch.group(1).upper(), s)
        low = s2.lower().strip(" .")
        if low in _BOOL:
            return Answer("bool", _BOOL[low], s)
    if _UNSUPPORTED_RE.search(s):
        seq = [p for p in _top_split(s) if p]
        if any(re.fullmatch(r"\\[lcv]?dots|\.\.\.|…", p) for p in seq):
            return Answer("sequence", [p if re.fullmatch(r"\\[lcv]?dots|\.\.\.|…", p) else parse_structure(p, policy, top=False) for p in seq], s)
        raise ParseError(f"unsupported notation in {s!r}")
    if _DECIMAL_COMMA_RE.match(s) or _THOUSANDS_RE.match(s):
        return Answer("scalar", parse_scalar(s, policy), s)
    mat = _parse_matrix(s, policy)
    if mat is not None:
        return mat
    # lists: "1, 2", "x = 2 or x = 3", "a; b"
    words = _SPLIT_WORD_RE.split(s)
    parts = []
    for w in words:
        parts.extend(_top_split(w, (",", ";")) if not _THOUSANDS_RE.match(w.strip()) else [w])
    parts = [p for p in parts if p.strip()]
    if len(parts) > 1:
        items = [parse_structure(p, policy, top=False) for p in parts]
        return _list_answer(items, s, policy)
    pm = _expand_pm(s)
    if pm is not None:
        items = [parse_structure(p, policy, top=False) for p in pm]
        if all(it.kind == "relation" and it.var is not None for it in items) and len({str(it.var) for it in items}) == 1:
            return Answer("set", [it.extra["rhs"] for it in items], s, var=items[0].var)
        return Answer("set", items, s)
    # relations
    rels = _find_rel(s)
    if rels:
        return _parse_relation(s, rels, policy)
    m = re.match(r"^(.*?)\\in\b(.*)$", s)
    if m and _SIMPLE_LHS_RE.match(m.group(1).strip()):
        inner = parse_structure(m.group(2), policy, top=False)
        return Answer(inner.kind, inner.value, s, var=_lhs_symbol(m.group(1).strip(), policy), extra=inner.extra)
    un = _parse_union(s, policy)
    if un is not None:
        return un
    it = _interval_or_tuple(s, policy)
    if it is not None:
        return it
    t = _strip_text_wrapper(s)
    if _WORD_TEXT_RE.match(t) and _word_number(t) is None:
        words_ = re.findall(r"[A-Za-z]+", t)
        if any(len(w) >= 3 and w.lower() not in _MATH_WORDS for w in words_) or t != s:
            return Answer("text", " ".join(w.lower() for w in words_), s)
    return Answer("scalar", parse_scalar(s, policy), s)


def _lhs_symbol(lhs: str, policy: MathPolicy) -> Any:
    try:
        return _to_expr(lhs, policy)[0]
    except ParseError:
        return Symbol(lhs)


def _list_answer(items: list[Answer], s: str, policy: MathPolicy) -> Answer:
    assigns = [it for it in items if it.kind == "relation" and it.var is not None]
    if assigns and len(assigns) == len(items):
        names = [str(a.var) for a in assigns]
        if len(set(names)) == 1:  # x = 2 or x = 3
            return Answer("set", [a.extra["rhs"] for a in assigns], s, var=assigns[0].var)
        if len({re.sub(r"_\{?\d+\}?$", "", n) for n in names}) == 1 and all(re.search(r"_\{?\d+\}?$", n) for n in names):
            return Answer("set", [a.extra["rhs"] for a in assigns], s, var=Symbol(re.sub(r"_\{?\d+\}?$", "", names[0])))
        if len(set(names)) == len(names):  # x = 1, y = 2: a labelled system
            return Answer("system", {n: a.extra["rhs"] for n, a in zip(names, assigns)}, s)
    if items and all(it.kind == "relation" for it in items):
        return Answer("system_rel", items, s)
    # a leading "x = 1, 2, 3" assignment spreads over the list
    if items and items[0].kind == "relation" and items[0].var is not None and all(it.kind == "scalar" for it in items[1:]):
        return Answer("set", [items[0].extra["rhs"], *items[1:]], s, var=items[0].var)
    return Answer("set" if policy.bare_list_as_set else "tuple", items, s, extra={"bare": True})


def _parse_relation(s: str, rels: list[tuple[int, int, str]], policy: MathPolicy) -> Answer:
    sides = []
    prev = 0
    ops = []
    for a, b, op in rels:
        sides.append(s[prev:a].strip())
        ops.append(op)
        prev = b
    sides.append(s[prev:].strip())
    if any(not x for x in sides):
        raise ParseError(f"incomplete relation {s!r}")
    if "~" in ops:
        # "x \approx 1.41": keep the last side as the answer value
        return parse_structure(sides[-1], policy, top=False)
    if all(op == "=" for op in ops):
        lhs = sides[0]
        if _SIMPLE_LHS_RE.match(lhs):
            # assignment (x = ..., chains keep the last value); the value may be a structure
            rhs = parse_structure(sides[-1], policy, top=False)
            var = _lhs_symbol(lhs, policy)
            return Answer("relation", _eq_from(var, rhs), s, var=var, extra={"rhs": rhs, "ops": ops})
        exprs = [parse_scalar(x, policy).expr for x in sides]
        if len(exprs) == 2:
            return Answer("relation", sympy.Eq(exprs[0], exprs[1], evaluate=False), s, extra={"ops": ops})
        # a = b = c with a non-symbol lhs: the last value is the answer
        return Answer("relation", sympy.Eq(exprs[0], exprs[-1], evaluate=False), s, extra={"ops": ops, "chain": exprs})
    if "=" in ops:
        raise ParseError("mixed equation and inequality")
    exprs = [parse_scalar(x, policy).expr for x in sides]
    return Answer("inequality", list(zip(exprs[:-1], ops, exprs[1:])), s)


def _eq_from(var: Any, rhs: Answer) -> Any:
    if rhs.kind == "scalar":
        try:
            return sympy.Eq(var, rhs.value.expr, evaluate=False)
        except Exception:  # noqa: BLE001
            return None
    return None


@lru_cache(maxsize=4096)
def _parse_cached(s: str, policy: MathPolicy) -> Answer:
    return parse_structure(clean(s), policy)


def parse_answer(s: str, policy: MathPolicy = DEFAULT_POLICY) -> Answer:
    """Cached: parse an extracted answer string into a typed Answer (raises ParseError/GuardError)."""
    if s is None:
        raise ParseError("no answer")
    if len(s) > policy.max_chars:
        raise GuardError(f"answer longer than {policy.max_chars} characters")
    return _parse_cached(s, policy)


def parse_math(text: str, policy: MathPolicy = DEFAULT_POLICY) -> Any:
    """A sympy object for a math string (expression, Eq/relational, set, interval, tuple, matrix).

    Raises ParseError (GuardError for refused inputs) when the text does not parse whole.
    """
    a = parse_answer(text, policy)
    return to_sympy(a)


def to_sympy(a: Answer) -> Any:
    """The sympy view of a typed answer."""
    k = a.kind
    if k == "scalar":
        return a.value.expr
    if k == "relation":
        if a.var is not None:
            rhs = a.extra["rhs"]
            return sympy.Eq(a.var, to_sympy(rhs), evaluate=False) if rhs.kind == "scalar" else sympy.Tuple(a.var, to_sympy(rhs))
        return a.value
    if k == "inequality":
        rels = []
        for lhs, op, rhs in a.value:
            rels.append({"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "!=": sympy.Ne}[op](lhs, rhs, evaluate=False))
        return rels[0] if len(rels) == 1 else sympy.And(*rels, evaluate=False)
    if k == "set":
        return sympy.FiniteSet(*[to_sympy(x) for x in a.value])
    if k in ("tuple", "sequence", "system_rel"):
        return sympy.Tuple(*[to_sympy(x) if isinstance(x, Answer) else sympy.Symbol("...") for x in a.value])
    if k == "pair":
        return sympy.Tuple(a.value[0].expr, a.value[1].expr)
    if k == "interval":
        lo, hi, lo_open, hi_open = a.value[0]
        return sympy.Interval(lo.expr, hi.expr, lo_open, hi_open)
    if k == "union":
        return sympy.Union(*[sympy.Interval(lo, hi, lo_open, hi_open) if lo != hi else sympy.FiniteSet(lo) for lo, hi, lo_open, hi_open in a.value])
    if k == "matrix":
        return a.value
    if k == "system":
        return sympy.Tuple(*[sympy.Eq(sympy.Symbol(n), to_sympy(v), evaluate=False) for n, v in a.value.items()])
    if k in ("text", "choice", "bool"):
        return sympy.Symbol(str(a.value))
    raise ParseError(f"no sympy view for {k}")
