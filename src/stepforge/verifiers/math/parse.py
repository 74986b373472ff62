"""Turn an extracted answer string into a typed answer: scalar, relation, set, tuple, interval, matrix, text.

Scalars are read by the one reader (:mod:`latex`) into trees, with how they were written (decimal places,
percent, degrees, unit, fraction, approximation); latex2sympy2_extended reads only what the reader does not
know, on the general path. A text that does not parse whole is unparseable (never its prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from stepforge.verifiers.math.errors import GuardError, ParseError
from stepforge.verifiers.math.latex import Node, NotFast, clean, read
from stepforge.verifiers.math.notation import repeating_value
from stepforge.verifiers.math.policy import DEFAULT_POLICY, MathPolicy
from stepforge.verifiers.math.units import CURRENCY_PREFIX_RE, Unit, currency, parse_unit

__all__ = ["Answer", "ParseError", "GuardError", "Scalar", "clean", "parse_answer", "parse_math", "parse_scalar",
           "word_number", "word_numbers"]


@dataclass(frozen=True)
class Scalar:
    """A number or expression and how it was written.

    ``node`` is the reader's tree (None when only latex2sympy2_extended reads it: then ``sym`` holds the
    sympy expression). ``ulp``: unit in the last written place when the value is one decimal literal.
    ``literal``: written as a plain number (integer, decimal, fraction, mixed number, scientific notation).
    ``ops``: operations left undone (integral, derivative, limit, sum, product).
    """

    node: Any
    text: str = ""
    ulp: Fraction | None = None
    sig_digits: int = 0
    percent: bool = False
    degree: bool = False
    unit: Unit | None = None
    fraction: tuple[int, int] | None = None
    approx: bool = False
    literal: bool = False
    ops: frozenset = frozenset()
    decimals: tuple = ()
    sym: Any = None


@dataclass(frozen=True)
class Answer:
    """kind: scalar | relation | inequality | set | tuple | pair | interval | union | matrix | text | choice |
    bool | sequence | system | system_rel | time."""

    kind: str
    value: Any
    text: str
    var: Any = None  # the assigned name for ``x = ...`` / ``x \\in ...``
    extra: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- patterns

# the suffix patterns start only where a blank run starts and take their blanks possessively (the leftmost match
# never starts inside a run: same matches, linear instead of cubic on a long blank run)
_DEGREE_RE = re.compile(r"(?<!\s)\s*+(?:\^\s*+\{\s*+\\circ\s*+\}|\^\s*+\\circ|\\circ|\^\s*+\{\s*+o\s*+\}|(?<=\s)degrees?\b|"
                        r"\\text\{\s*+degrees?\s*+\})\s*+$")
_PERCENT_RE = re.compile(r"(?<!\s)\s*+(?:\\%|%|\\text\{\s*+\\?%\s*+\}|\\?\s*+percent(?:age)?\b|\\text\{\s*+percent\s*+\}|"
                         r"\\?\s*+pct\b)\s*+$", re.I)
_THOUSANDS_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA_RE = re.compile(r"^(-?\d+),(\d+)$")
_EURO_RE = re.compile(r"^-?\d{1,3}(?:\.\d{3})+,\d+$")
_SCI_RE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(?:\\times|\\cdot|\*|x)\s*10\s*\^\s*\{?\s*([-+]?\d+)\s*\}?$|^(-?\d+(?:\.\d+)?)[eE]([-+]?\d+)$")
_NUM_RE = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)$")
_MIXED_RE = re.compile(r"^(-?)(\d+)\s+(\d+)\s*/\s*(\d+)$")
_CHOICE_STRICT_RE = re.compile(r"^(?:\\text(?:bf)?\{\s*)?\(?\s*([A-H])\s*\)?(?:\s*\})?$")
# an option with its value, as contest solutions end: \textbf{(C) }12, \text{(C)}~12, (C) 12
_CHOICE_VALUE_RE = re.compile(r"^(?:\\(?:text|textbf|mathrm|mathbf)\s*\{\s*)?\(([A-E])\)\s*(?:\}\s*)?(?:~|\\[ ,;:]|\\quad|\s)*(\S.*)$", re.S)
_WORD_TEXT_RE = re.compile(r"^[A-Za-z][A-Za-z'\- ]*[A-Za-z]$")
_REPEATING_RE = re.compile(r"^(-?)(\d*)\.(\d*)(?:\\overline\{(\d+)\}|\\dot\{(\d)\}|\((\d+)\))$")
_SCALE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:\\text\{\s*)?(thousand|million|billion|trillion)\}?$", re.I)
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*+(?:\\text\{\s*+)?([ap])?\.?\s*+(?:m\.?)?\s*+\}?$", re.I)
_TRIG_RE = re.compile(r"\\(?:sin|cos|tan|sec|csc|cot)(?![a-z])|\b(?:sin|cos|tan)\b")
_CURRENCY_SUFFIX_RE = re.compile(r"(?<!\s)\s*+(?:€|\\euro|EUR|USD|£)\s*+$")
_RATIO_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)$")
# separators and unit tokens are possessive: each text has one reading, so a long prose tail fails in linear time
# (nested "(\s|word)+" quantifiers backtracked exponentially: seconds on one sentence)
_SEP = r"(?:\s|\\[,; ]|~)"
_TAIL_RE = re.compile(
    r"^(?P<head>.*?[\d}).])(?P<tail>" + _SEP + r"*+(?:(?:\\(?:text|mbox|mathrm|textrm)\s*\{[^{}]*\}"
    r"|[A-Za-z][A-Za-z'.\-]*+|/|\^\s*\{?\s*[23]\s*\}?|[²³])" + _SEP + r"*+)+)$"
)
_BOOL = {"yes": "yes", "no": "no", "true": "yes", "false": "no"}
_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MATH_WORDS = {"sin", "cos", "tan", "sec", "csc", "cot", "log", "ln", "exp", "sqrt", "pi", "abs", "oo", "inf"}
_UNSUPPORTED_RE = re.compile(r"\\(?:forall|exists|implies|iff|Rightarrow|Leftrightarrow|therefore|because|ldots|cdots|dots|vdots|ddots)\b|\.\.\.|…")
_DOTS_RE = re.compile(r"\\[lcv]?dots|\.\.\.|…")
_PHANTOM_RE = re.compile(r"\\[hv]?phantom\s*\{[^{}]*\}")


_TEXT_WRAPPER_RE = re.compile(r"\\(?:text|textbf|mbox|mathrm|textrm)\s*\{(.*)\}", re.S)
_TEXT_WORDS_RE = re.compile(r"\\text\s*\{([A-Za-z][A-Za-z' \-]*)\}")
_IN_RE = re.compile(r"^(.*?)\\in\b(.*)$")
_PLAIN_NUMBER_RE = re.compile(r"-?\d[\d,.]*")


def _strip_text_wrapper(s: str) -> str:
    if not s.startswith("\\"):  # the wrapper opens with its command: a cheap test before the pattern
        return s
    m = _TEXT_WRAPPER_RE.fullmatch(s)
    if m and _balanced(m.group(1)):
        return m.group(1).strip()
    return s


def _choice_with_value(s: str, inner: str, policy: MathPolicy) -> Answer | None:
    """``\\textbf{(C) }12``: the option's letter, with the value it names (compared where the other side has no
    letter); None where the text after the letter is not one value."""
    for t in (s, inner):
        cv = _CHOICE_VALUE_RE.match(t)
        if cv and _balanced(cv.group(2)) and not re.match(r"\s*(?:\(|\\text|and\b|or\b)", cv.group(2)):
            try:
                value = parse_structure(cv.group(2), policy, top=False)
            except (ParseError, GuardError):
                return None
            return Answer("choice", cv.group(1), s, extra={"value": value})
    return None


_CHOICE_LIST_RE = re.compile(r"(?:\([A-H]\)|[A-H])(?:\s*(?:,|,?\s*and)\s*(?:\([A-H]\)|[A-H]))+")
_NO_SOLUTION_RE = re.compile(r"(?i)(?:there (?:is|are) )?no (?:real |such |integer |possible |valid )?"
                             r"(?:solutions?|values?|roots?|such \w+)|none|(?:the )?empty set")
_TRAILING_DOTS_RE = re.compile(r"^([+-]?)(\d*)\.(\d+)\s*(?:\\[lc]?dots|\.\.\.|…)$")


def _decimal_with_dots(sign: str, whole: str, digits: str, s: str, flags: dict) -> Scalar:
    """``0.1666...``: the repeating decimal its digits show (a block of one digit written three times, or a longer
    one, up to six digits, twice: ``0.142857142857...``); otherwise an approximation at the written place."""
    for n in range(1, 7):
        times = 3 if n == 1 else 2
        if len(digits) >= n * times and digits[-n:] * times == digits[-n * times:]:
            fixed, cycle = digits[: len(digits) - n * times], digits[-n:]
            if len(fixed) >= n and fixed[-n:] == cycle:
                continue  # a longer run of the same block is found with the same n below; keep the shortest fixed
            val = repeating_value(whole, fixed, cycle)
            return Scalar(("num", -val if sign == "-" else val), s, literal=True, **flags)
    lit = f"{sign}{whole or '0'}.{digits}"
    return Scalar(("num", Fraction(lit)), s, ulp=Fraction(1, 10 ** len(digits)), sig_digits=_sig_digits(lit),
                  literal=True, approx=True, decimals=(lit,), **flags)


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


def word_number(s: str) -> int | None:
    """``twenty-five``, ``one hundred and two``, ``three thousand``: the integer, or None (``five seven``)."""
    words = [w for w in s.lower().replace("-", " ").split() if w != "and"]
    if not words:
        return None
    total, group, last = 0, 0, None  # last: kind of the previous word in the group
    scale_seen = 10**15
    for w in words:
        if w in _UNITS:
            if last in ("unit", "teen"):
                return None
            group += _UNITS[w]
            last = "unit"
        elif w in _TEENS:
            if last in ("unit", "teen", "tens"):
                return None
            group += _TEENS[w]
            last = "teen"
        elif w in _TENS:
            if last in ("unit", "teen", "tens"):
                return None
            group += _TENS[w]
            last = "tens"
        elif w == "hundred":
            if last not in ("unit",) or group >= 10:
                return None
            group *= 100
            last = "hundred"
        elif w in _SCALES:
            sc = _SCALES[w]
            if last is None or sc >= scale_seen or group == 0:
                return None
            total += group * sc
            group, last, scale_seen = 0, None, sc
        else:
            return None
    if last is None and total == 0:
        return None
    return total + group


#: a run of number words in prose ("seventy", "twenty-five", "two hundred and ten"), for :func:`word_numbers`
_WORD_RUN_RE = re.compile(
    r"\b(?:{w})(?:(?:[ \t]+(?:and[ \t]+)?|-)(?:{w}))*\b".format(
        w="|".join([*_UNITS, *_TEENS, *_TENS, "hundred", *_SCALES])), re.I)


def word_numbers(text: str) -> set[int]:
    """The numbers ``text`` writes in words ("If Sam had seventy loaves": 70); a run that is no one number ("five
    seven") gives none."""
    found = (word_number(m.group(0)) for m in _WORD_RUN_RE.finditer(text))
    return {v for v in found if v is not None}


def _sig_digits(lit: str) -> int:
    digits = lit.replace("-", "").replace("+", "").replace(".", "").lstrip("0")
    return len(digits)


# ---------------------------------------------------------------------------------------------- scalars

def _literal(node: Node) -> bool:
    """Written as a plain number: 12, -0.5, 3/4, 2 1/2, 1.2 x 10^5, 10^6 (never 3+4, 2^{10}, 5!)."""
    k = node[0]
    if k == "neg":
        return _literal(node[1])
    if k in ("num", "mix"):
        return True
    if k == "div":
        a, b = node[1], node[2]
        if a[0] == "neg":
            a = a[1]
        if b[0] == "neg":
            b = b[1]
        return a[0] == "num" and b[0] == "num" and a[1].denominator == 1 and b[1].denominator == 1
    if k == "pow":
        return node[1] == ("num", Fraction(10)) and _int_node(node[2])
    if k == "mul" and len(node[1]) == 2:
        a, b = node[1]
        return a[0] == "num" and b[0] == "pow" and b[1] == ("num", Fraction(10)) and _int_node(b[2])
    return False


def _int_node(n: Node) -> bool:
    if n[0] == "neg":
        n = n[1]
    return n[0] == "num" and n[1].denominator == 1


def _fraction_of(node: Node) -> tuple[int, int] | None:
    sign = 1
    if node[0] == "neg":
        node, sign = node[1], -1
    if node[0] == "div" and node[1][0] in ("num", "neg") and node[2][0] == "num":
        a = node[1]
        if a[0] == "neg":
            a, sign = a[1], -sign
        if a[0] == "num" and a[1].denominator == 1 and node[2][1].denominator == 1:
            return int(a[1]) * sign, int(node[2][1])
    return None


def _split_unit(s: str, policy: MathPolicy) -> tuple[str, Unit | None]:
    """``35 cm`` -> ("35", cm). A trailing text that is neither a unit nor a count noun stays in place."""
    m = _TAIL_RE.match(s)
    if not m or not re.search(r"[A-Za-z²³]", m.group("tail")):
        return s, None
    head, tail = m.group("head").strip(), m.group("tail")
    unit = parse_unit(tail)
    if unit is None:
        return s, None
    if unit.dim == "count":
        # a noun only where the reader cannot read the text as math ("12 students", never "2x" or "3 a")
        try:
            read(s, policy)
            return s, None
        except (NotFast, ParseError):
            pass
    return head, unit


def parse_scalar(s: str, policy: MathPolicy = DEFAULT_POLICY, hint: str | None = None) -> Scalar:
    """A number or expression with written precision / percent / degree / unit; raises ParseError."""
    s = s.strip()
    if not s:
        raise ParseError("empty answer")
    s = _strip_text_wrapper(s)
    if _PHANTOM_RE.search(s):
        s = _PHANTOM_RE.sub("", s).strip()  # \phantom{7} is invisible: it is not an answer
        if not s:
            raise ParseError("an invisible answer")
    percent = degree = False
    unit: Unit | None = None
    m = _PERCENT_RE.search(s)
    if m and m.start() > 0:
        percent, s = True, s[: m.start()].strip()
    m = _DEGREE_RE.search(s)
    if m and m.start() > 0 and not _TRIG_RE.search(s):
        degree, s = True, s[: m.start()].strip()
    cm = CURRENCY_PREFIX_RE.match(s)
    if cm and cm.end() < len(s):
        unit, s = currency(cm.group(0)), s[cm.end():].strip()
    cs = _CURRENCY_SUFFIX_RE.search(s)
    if cs and cs.start() > 0 and unit is None:
        unit, s = currency(cs.group(0)), s[: cs.start()].strip()
    for _ in range(2):
        head, u = _split_unit(s, policy)
        if u is None:
            break
        if u.dim == "angle":
            degree = True
        elif u.name == "percent":
            percent = True
        elif unit is None or (unit.dim == "money" and u.dim == "money"):
            unit = u if unit is None or u.name != "dollar" else unit
        s = head
    if not percent:
        m = _PERCENT_RE.search(s)
        if m and m.start() > 0:
            percent, s = True, s[: m.start()].strip()
    if not degree:
        m = _DEGREE_RE.search(s)
        if m and m.start() > 0 and not _TRIG_RE.search(s):
            degree, s = True, s[: m.start()].strip()
    s = _strip_text_wrapper(s)
    flags = dict(percent=percent, degree=degree, unit=unit)
    dc = _DECIMAL_COMMA_RE.match(s)
    if dc and policy.decimal_comma == "auto" and (dc.group(1).lstrip("-") == "0" or len(dc.group(2)) != 3):
        s = f"{dc.group(1)}.{dc.group(2)}"
    elif _THOUSANDS_RE.match(s):
        s = s.replace(",", "")
    elif policy.decimal_comma == "auto" and _EURO_RE.match(s):
        s = s.replace(".", "").replace(",", ".")  # 1.000,50: dots group thousands, the comma is the decimal mark
    dots = _TRAILING_DOTS_RE.match(s)
    if dots:
        return _decimal_with_dots(dots.group(1), dots.group(2), dots.group(3), s, flags)
    rep = _REPEATING_RE.match(s)
    if rep:
        sign, whole, fixed = rep.group(1), rep.group(2) or "0", rep.group(3) or ""
        cycle = rep.group(4) or rep.group(5) or rep.group(6)
        val = repeating_value(whole, fixed, cycle)
        return Scalar(("num", -val if sign else val), s, literal=True, **flags)
    sc = _SCALE_RE.match(s)
    if sc:
        val = Fraction(sc.group(1)) * _SCALES[sc.group(2).lower()]
        return Scalar(("num", val), s, literal=True, **flags)
    if re.fullmatch(r"[A-Za-z \-]+", s):
        wn = word_number(s)
        if wn is not None:
            return Scalar(("num", Fraction(wn)), s, literal=True, **flags)
    mx = _MIXED_RE.match(s)
    if mx and policy.mixed_numbers and 0 < int(mx.group(3)) < int(mx.group(4)):
        node: Node = ("mix", Fraction(int(mx.group(2))), Fraction(int(mx.group(3))), Fraction(int(mx.group(4))))
        return Scalar(("neg", node) if mx.group(1) else node, s, literal=True, **flags)
    if _NUM_RE.match(s):
        lit = s.lstrip("+")
        if len(lit) > 5000:
            raise GuardError("number literal too long")
        if "." in lit and not lit.endswith("."):
            val = Fraction(lit if not lit.startswith((".", "-.")) else lit.replace(".", "0.", 1))
            d = len(lit.split(".")[1])
            return Scalar(("num", val), s, ulp=Fraction(1, 10**d), sig_digits=_sig_digits(lit), literal=True,
                          decimals=(lit,), **flags)
        return Scalar(("num", Fraction(int(lit.rstrip(".")))), s, literal=True, **flags)
    m = _SCI_RE.match(s)
    if m:
        mant, ex = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if abs(int(ex)) > 10000:
            raise GuardError("exponent too large")
        val = Fraction(mant) * Fraction(10) ** int(ex)
        d = len(mant.split(".")[1]) if "." in mant else 0
        ulp = Fraction(10) ** (int(ex) - d) if "." in mant else None
        return Scalar(("num", val), s, ulp=ulp, sig_digits=_sig_digits(mant), literal=True, decimals=(mant,), **flags)
    if _UNSUPPORTED_RE.search(s):
        raise ParseError(f"unsupported notation in {s!r}")
    try:
        node, decimals, ops = read(s, policy)
    except NotFast:
        from stepforge.verifiers.math.symbolic import read_general

        expr, gops = read_general(s, policy)
        return Scalar(None, s, ops=frozenset(gops), sym=expr, **flags)
    ulp = None
    sig = min((_sig_digits(d) for d in decimals), default=0)
    if len(decimals) == 1 and node[0] in ("num", "neg") and (node[0] == "num" or node[1][0] == "num"):
        ulp = Fraction(1, 10 ** len(decimals[0].split(".")[1]))
    return Scalar(node, s, ulp=ulp, sig_digits=sig, fraction=_fraction_of(node), literal=_literal(node),
                  ops=ops, decimals=decimals, **flags)


# ------------------------------------------------------------------------------------------ structure

_REL_TOKENS = [("\\le", "<="), ("\\ge", ">="), ("\\ne", "!="), ("\\lt", "<"), ("\\gt", ">"), ("<", "<"), (">", ">"),
               ("=", "="), ("\\approx", "~"), ("\\sim", "~"), ("\\doteq", "~")]
_SPLIT_WORD_RE = re.compile(r"\\text\{\s*(?:and|or|,)\s*\}|\\(?:quad|qquad)\b|\b(?:and|or)\b|;|\\(?:land|lor|wedge|vee)\b")


def top_split(s: str, seps: tuple[str, ...] = (",",)) -> list[str]:
    """Split on separators outside any bracket; ``\\{``/``\\}`` and ``\\langle``/``\\rangle`` count as brackets."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if s.startswith("\\{", i) or s.startswith("\\langle", i):
            step = 2 if s.startswith("\\{", i) else 7
            depth += 1
            cur.append(s[i : i + step])
            i += step
            continue
        if s.startswith("\\}", i) or s.startswith("\\rangle", i):
            step = 2 if s.startswith("\\}", i) else 7
            depth -= 1
            cur.append(s[i : i + step])
            i += step
            continue
        if c == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
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


def find_rel(s: str) -> list[tuple[int, int, str]]:
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


_MATRIX_RE = re.compile(r"^\\begin\{([pbBvV]?matrix|array|smallmatrix)\}(\{[^}]*\})?(.*?)\\end\{\1\}$", re.S)
_MATRIX_ENV_RE = re.compile(r"\\begin\{([pbBvV]?matrix|array|smallmatrix)\}(?:\{[^}]*\})?.*?\\end\{\1\}", re.S)


def _parse_matrix(s: str, policy: MathPolicy) -> Answer | None:
    t = s.strip()
    wrapped = re.fullmatch(r"[\[(]\s*(\\begin\{(\w+)\}.*\\end\{\2\})\s*[\])]", t, re.S)
    if wrapped and wrapped.group(1).count("\\begin{") == 1:
        t = wrapped.group(1)
    m = _MATRIX_RE.match(t)
    if m and "\\begin{" not in m.group(3) and "\\end{" not in m.group(3):
        if m.group(1) in ("vmatrix", "Vmatrix"):
            raise ParseError("determinant notation")
        rows = [r for r in re.split(r"\\\\", m.group(3)) if r.strip() and r.strip() != "\\hline"]
        cells = [[parse_scalar(c.replace("\\hline", ""), policy) for c in r.split("&")] for r in rows]
        if len({len(r) for r in cells}) != 1:
            raise ParseError("ragged matrix")
        return Answer("matrix", cells, s)
    return _matrix_expression(t, policy)


def _matrix_expression(t: str, policy: MathPolicy) -> Answer | None:
    """``A + B``, ``2A``, ``A - B`` of written matrices: evaluated entry by entry."""
    envs = list(_MATRIX_ENV_RE.finditer(t))
    if not envs:
        return None
    pieces, pos = [], 0
    for m in envs:
        pieces.append(("gap", t[pos : m.start()]))
        pieces.append(("mat", m.group(0)))
        pos = m.end()
    pieces.append(("gap", t[pos:]))
    terms: list[tuple[str, str, Answer]] = []  # (sign, coefficient text, matrix)
    for i in range(1, len(pieces), 2):
        gap = pieces[i - 1][1].strip()
        sign = "+"
        coef = gap
        if gap.startswith(("+", "-")):
            sign, coef = gap[0], gap[1:].strip()
        elif i > 1 and gap:
            return None
        coef = coef.rstrip("*").replace("\\cdot", "").replace("\\times", "").strip()
        mat = _parse_matrix(pieces[i][1], policy)
        if mat is None:
            return None
        terms.append((sign, coef, mat))
    if pieces[-1][1].strip():
        return None
    if len(terms) == 1 and not terms[0][1] and terms[0][0] == "+":
        return terms[0][2]
    shape = (len(terms[0][2].value), len(terms[0][2].value[0]))
    if any((len(m.value), len(m.value[0])) != shape for _, _, m in terms):
        raise ParseError("matrices of different shapes")
    cells: list[list[Scalar]] = []
    for r in range(shape[0]):
        row = []
        for c in range(shape[1]):
            parts = []
            for sign, coef, m in terms:
                cell = m.value[r][c]
                if cell.node is None:
                    return None
                node = cell.node
                if coef:
                    co = parse_scalar(coef, policy)
                    if co.node is None:
                        return None
                    node = ("mul", (co.node, node))
                parts.append(node if sign == "+" else ("neg", node))
            node = parts[0] if len(parts) == 1 else ("add", tuple(parts))
            row.append(Scalar(node, ""))
        cells.append(row)
    return Answer("matrix", cells, t, extra={"computed": True})


_SIMPLE_LHS_RE = re.compile(r"^(?:[a-zA-Z](?:_\{?[a-zA-Z0-9]+\}?)?'*|\\[a-zA-Z]+(?:_\{?[a-zA-Z0-9]+\}?)?|[a-zA-Z](?:\^\{?-1\}?|'+)?\([a-z]\)|[a-zA-Z]\((?:[a-z],\s*)+[a-z]\)|\([a-zA-Z](?:\s*,\s*[a-zA-Z])+\))$")
_FUNC_LHS_RE = re.compile(r"^([a-zA-Z])\(([a-z])\)$")


def _interval_or_tuple(s: str, policy: MathPolicy) -> Answer | None:
    if len(s) < 2:
        return None
    o, c = s[0], s[-1]
    if s.startswith("\\{") and s.endswith("\\}"):
        return _braced_set(s, s[2:-2].strip(), policy)
    if o == "{" and c == "}" and _matching_close(s, 0) == len(s) - 1 and len(top_split(s[1:-1])) > 1:
        return _braced_set(s, s[1:-1].strip(), policy)  # a set in bare braces: {x, x - 1}
    if s.startswith("\\langle") and s.endswith("\\rangle"):
        inner = s[len("\\langle") : -len("\\rangle")]
        return Answer("tuple", [parse_structure(p, policy, top=False) for p in top_split(inner)], s)
    if o in "([" and c in ")]":
        if _matching_close(s, 0) != len(s) - 1:
            return None
        inner = s[1:-1]
        parts = top_split(inner)
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


def _braced_set(s: str, inner: str, policy: MathPolicy) -> Answer:
    if not inner:
        return Answer("set", [], s)
    sb = re.match(r"^([a-zA-Z])\s*(?:\\in\s*\\mathbb\{R\}\s*)?(?:\\mid|\||:)\s*(.+)$", inner)
    if sb:
        cond = parse_structure(sb.group(2), policy, top=False)
        if cond.kind != "inequality":
            raise ParseError("set-builder notation with a condition that is not an inequality")
        return Answer("inequality", cond.value, s, extra={"set_builder": True})
    if "|" in inner or "\\mid" in inner or (":" in inner and not _TIME_RE.match(inner)):
        raise ParseError("set-builder notation")
    return Answer("set", [parse_structure(p, policy, top=False) for p in top_split(inner, (",", ";"))], s)


_REAL_LINE = ("\\mathbb{R}", "\\R", "\\mathbb R", "(-\\infty,\\infty)", "(-\\infty, \\infty)", "\\mathbb{R}^1")


def _parse_union(s: str, policy: MathPolicy) -> Answer | None:
    if "\\cup" not in s and "\\cap" not in s and not any(r in s for r in _REAL_LINE[:3]) and "\\emptyset" not in s and s != "\\R":
        return None
    if "\\cap" in s:
        return Answer("set_expr", s, s)  # decided on the general path
    out = []
    for p in [p.strip() for p in re.split(r"\\cup", s)]:
        if p in _REAL_LINE:
            out.append((_INF_NEG, _INF_POS, True, True))
            continue
        if p in ("\\emptyset", "\\{\\}"):
            continue
        a = _interval_or_tuple(p, policy)
        if a is None or a.kind not in ("interval", "pair", "set"):
            return None
        if a.kind == "pair":
            lo, hi = a.value
            out.append((lo, hi, True, True))
        elif a.kind == "interval":
            out.append(a.value[0])
        else:
            for el in a.value:
                if el.kind != "scalar":
                    return None
                out.append((el.value, el.value, False, False))
    return Answer("union", out, s)


_INF_POS = Scalar(("const", "oo"), "\\infty")
_INF_NEG = Scalar(("neg", ("const", "oo")), "-\\infty")


def _expand_pm(s: str) -> list[str] | None:
    if "\\pm" not in s and "\\mp" not in s:
        return None
    plus = re.sub(r"\\pm(?![a-zA-Z])", "+", re.sub(r"\\mp(?![a-zA-Z])", "-", s))
    minus = re.sub(r"\\pm(?![a-zA-Z])", "-", re.sub(r"\\mp(?![a-zA-Z])", "+", s))
    return [plus, minus]


def parse_structure(s: str, policy: MathPolicy = DEFAULT_POLICY, top: bool = True, hint: str | None = None) -> Answer:
    """The typed answer of one extracted answer string (already cleaned)."""
    s = s.strip()
    if not s:
        raise ParseError("empty answer")
    if len(s) > policy.max_chars:
        raise GuardError(f"answer longer than {policy.max_chars} characters")
    if _NO_SOLUTION_RE.fullmatch(_strip_text_wrapper(s).strip(" .")):
        s = "\\emptyset"  # "no solution", "none": the empty set of solutions
    tw = _TEXT_WORDS_RE.fullmatch(s) if s.startswith("\\text") else None
    if tw and word_number(tw.group(1)) is None and tw.group(1).strip().lower() not in _BOOL and not _CHOICE_STRICT_RE.match(tw.group(1).strip()):
        return Answer("text", " ".join(w.lower() for w in re.findall(r"[A-Za-z]+", tw.group(1))), s)
    if top:
        s2 = _strip_text_wrapper(s)
        ch = _CHOICE_STRICT_RE.match(s2)
        if ch:
            return Answer("choice", ch.group(1).upper(), s)
        letters = _CHOICE_LIST_RE.fullmatch(s2)
        if letters:  # "A, C", "(A), (C)", "\text{A, C and E}": the options chosen, in any order
            return Answer("set", [Answer("choice", c, c) for c in re.findall(r"[A-H]", s2)], s)
        cv = _choice_with_value(s, s2, policy)
        if cv is not None:
            return cv
        low = s2.lower().strip(" .")
        if low in _BOOL:
            return Answer("bool", _BOOL[low], s)
    if _UNSUPPORTED_RE.search(s) and not _TRAILING_DOTS_RE.match(s):
        seq = [p for p in top_split(s) if p]
        if any(_DOTS_RE.fullmatch(p) for p in seq):
            return Answer("sequence", [p if _DOTS_RE.fullmatch(p) else parse_structure(p, policy, top=False) for p in seq], s)
        raise ParseError(f"unsupported notation in {s!r}")
    tm = _TIME_RE.match(s)
    if tm and int(tm.group(1)) <= 24 and int(tm.group(2)) < 60 and (tm.group(3) or tm.group(4) or tm.group(2).startswith("0") or int(tm.group(1)) > 12):
        return _time_answer(tm, s)
    ratio = _RATIO_RE.match(s)
    if ratio:  # 7:32 is the ratio 7/32
        return Answer("scalar", parse_scalar(f"\\frac{{{ratio.group(1)}}}{{{ratio.group(2)}}}", policy), s, extra={"ratio": True})
    core, affixed = _number_core(s, policy)
    dc = _DECIMAL_COMMA_RE.match(core)
    if dc and policy.decimal_comma == "auto" and len(dc.group(2)) != 3 and (dc.group(1).lstrip("-") == "0" or hint == "scalar" or affixed):
        return Answer("scalar", parse_scalar(s, policy), s)
    if _THOUSANDS_RE.match(core) or (dc and dc.group(1).lstrip("-") == "0") or (policy.decimal_comma == "auto" and _EURO_RE.match(core)):
        return Answer("scalar", parse_scalar(s, policy), s)
    mat = _parse_matrix(s, policy)
    if mat is not None:
        return mat
    # lists: "1, 2", "x = 2 or x = 3", "a; b"
    words = _SPLIT_WORD_RE.split(s)
    parts = []
    for w in words:
        parts.extend(top_split(w, (",", ";")) if not _THOUSANDS_RE.match(w.strip()) else [w])
    parts = [p for p in parts if p.strip()]
    if len(parts) > 1:
        items = [parse_structure(p, policy, top=False) for p in parts]
        return _list_answer(items, s, policy)
    pm = _expand_pm(s)
    if pm is not None:
        items = [parse_structure(p, policy, top=False) for p in pm]
        if all(it.kind == "relation" and it.var is not None for it in items) and len({str(it.var) for it in items}) == 1:
            return Answer("set", [it.extra["rhs"] for it in items], s, var=items[0].var)
        return Answer("set", items, s, extra={"pm": True})
    rels = find_rel(s)
    if rels:
        return _parse_relation(s, rels, policy)
    m = _IN_RE.match(s) if "\\in" in s else None
    if m and _SIMPLE_LHS_RE.match(m.group(1).strip()):
        inner = parse_structure(m.group(2), policy, top=False)
        return Answer(inner.kind, inner.value, s, var=_lhs_name(m.group(1).strip()), extra={**inner.extra, "membership": True})
    un = _parse_union(s, policy)
    if un is not None:
        return un
    it = _interval_or_tuple(s, policy)
    if it is not None:
        return it
    t = _strip_text_wrapper(s)
    if _WORD_TEXT_RE.match(t) and word_number(t) is None:
        words_ = re.findall(r"[A-Za-z]+", t)
        if any(len(w) >= 3 and w.lower() not in _MATH_WORDS for w in words_) or t != s:
            try:
                sc = parse_scalar(s, policy, hint)
                if sc.unit is not None:
                    return Answer("scalar", sc, s)
            except ParseError:
                pass
            return Answer("text", " ".join(w.lower() for w in words_), s)
    return Answer("scalar", parse_scalar(s, policy, hint), s)


def _number_core(s: str, policy: MathPolicy) -> tuple[str, bool]:
    """The number inside currency and unit affixes (``\\$1,250``, ``2,74 €``, ``3,5 m²``) and whether any."""
    core = s
    cm = CURRENCY_PREFIX_RE.match(core)
    if cm and cm.end() < len(core):
        core = core[cm.end():].strip()
    cs = _CURRENCY_SUFFIX_RE.search(core)
    if cs and cs.start() > 0:
        core = core[: cs.start()].strip()
    if _PLAIN_NUMBER_RE.fullmatch(core) is None:
        m = re.match(r"^(-?\d[\d,.]*\d|-?\d)\s*(.+)$", core)
        if m and parse_unit(m.group(2)) is not None and not re.fullmatch(r"[\d,.\s]+", m.group(2)):
            core = m.group(1)
    return core, core != s


def _time_answer(tm: re.Match, s: str) -> Answer:
    h, mnt, sec, ap = int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0), (tm.group(4) or "").lower()
    if ap == "p" and h < 12:
        h += 12
    if ap == "a" and h == 12:
        h = 0
    return Answer("time", ((h % 24) * 60 + mnt) * 60 + sec, s, extra={"ampm": bool(ap)})


def as_time(s: str) -> int | None:
    """Seconds after midnight of an ``h:mm[:ss]`` text (``a.m./p.m.`` aware), or None."""
    tm = _TIME_RE.match(clean(s))
    if not tm or int(tm.group(1)) > 24 or int(tm.group(2)) >= 60:
        return None
    return _time_answer(tm, s).value


def _lhs_name(lhs: str) -> str:
    return re.sub(r"\s+", "", lhs).replace("{", "").replace("}", "")


def _repeated_systems(assigns: list[Answer]) -> list[Answer] | None:
    """``x = 0, y = 2, x = 1, y = 3`` as the solutions ``{x: 0, y: 2}`` and ``{x: 1, y: 3}``, or None.

    A new solution starts where a name comes back; every solution must assign the same two or more names, each
    once, so a list that merely repeats one name (``x = 2, x = 3``) or mixes names is not read as solutions."""
    groups: list[list[Answer]] = [[]]
    for a in assigns:
        if any(b.var == a.var for b in groups[-1]):
            groups.append([])
        groups[-1].append(a)
    first = [a.var for a in groups[0]]
    if len(groups) < 2 or len(first) < 2 or any(sorted(a.var for a in g) != sorted(first) for g in groups):
        return None
    # each solution in the first one's order of names, so that it reads against a tuple in that order
    return [Answer("system", {n: next(a.extra["rhs"] for a in g if a.var == n) for n in first}, "") for g in groups]


def _list_answer(items: list[Answer], s: str, policy: MathPolicy) -> Answer:
    assigns = [it for it in items if it.kind == "relation" and it.var is not None]
    if assigns and len(assigns) == len(items):
        names = [a.var for a in assigns]
        if len(set(names)) == 1:  # x = 2 or x = 3
            return Answer("set", [a.extra["rhs"] for a in assigns], s, var=assigns[0].var)
        stems = {re.sub(r"_\d+$", "", n) for n in names}
        if len(stems) == 1 and all(re.search(r"_\d+$", n) for n in names):
            return Answer("set", [a.extra["rhs"] for a in assigns], s, var=stems.pop())
        if len(set(names)) == len(names):  # x = 1, y = 2: a labelled system
            return Answer("system", {n: a.extra["rhs"] for n, a in zip(names, assigns)}, s)
        systems = _repeated_systems(assigns)
        if systems is not None:  # x = 0, y = 2 and x = 1, y = 3: several solutions of one system
            return Answer("set", systems, s)
    if items and all(it.kind == "relation" for it in items):
        return Answer("system_rel", items, s)
    if len(items) > 1 and all(it.kind == "inequality" for it in items):
        return Answer("inequality_or", items, s)  # x < 2 or x > 3
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
        # x = sqrt(2) ~ 1.414: the exact value decides; only an approximation given: it is approximate
        k = ops.index("~")
        exact_sides = sides[: k + 1]
        if len(exact_sides) >= 2 or not _SIMPLE_LHS_RE.match(exact_sides[0]):
            sub = " = ".join(exact_sides)
            return parse_structure(sub, policy, top=False)
        ans = parse_structure(" = ".join([*exact_sides, sides[-1]]), policy, top=False)
        return _mark_approx(ans)
    if all(op == "=" for op in ops):
        lhs = sides[0]
        if not any(_SIMPLE_LHS_RE.match(x) for x in sides):
            vals = [parse_scalar(x, policy) for x in sides]
            if not any(_has_symbols(v) for v in vals):
                # 3 \times 4 = 12: a worked computation; its last value is the answer
                return Answer("scalar", vals[-1], s, extra={"chain": vals})
        if _SIMPLE_LHS_RE.match(lhs):
            # assignment (x = ..., chains keep the last value); the value may be a structure
            rhs = parse_structure(sides[-1], policy, top=False)
            return Answer("relation", None, s, var=_lhs_name(lhs), extra={"rhs": rhs, "ops": ops, "chain": sides})
        if len(sides) > 2 and _SIMPLE_LHS_RE.match(sides[-1]) is None:
            # a = b = c with a non-name lhs: a worked chain, the last value is the answer
            vals = [parse_scalar(x, policy) for x in sides]
            return Answer("relation", (vals[0], vals[-1]), s, extra={"ops": ops, "chain_values": vals})
        if len(sides) == 2 and _SIMPLE_LHS_RE.match(sides[1]):
            rhs = parse_structure(sides[0], policy, top=False)
            return Answer("relation", None, s, var=_lhs_name(sides[1]), extra={"rhs": rhs, "ops": ops, "reversed": True})
        vals = [parse_scalar(x, policy) for x in sides]
        return Answer("relation", (vals[0], vals[-1]), s, extra={"ops": ops})
    if "=" in ops:
        raise ParseError("mixed equation and inequality")
    vals = [parse_scalar(x, policy) for x in sides]
    return Answer("inequality", list(zip(vals[:-1], ops, vals[1:])), s)


def _has_symbols(v: Scalar) -> bool:
    if v.node is not None:
        from stepforge.verifiers.math.latex import symbols

        return bool(symbols(v.node))
    return bool(v.sym is not None and v.sym.free_symbols)


def _mark_approx(a: Answer) -> Answer:
    if a.kind == "scalar":
        return Answer("scalar", _approx(a.value), a.text)
    if a.kind == "relation" and a.var is not None and a.extra["rhs"].kind == "scalar":
        rhs = a.extra["rhs"]
        return Answer("relation", None, a.text, var=a.var, extra={**a.extra, "rhs": Answer("scalar", _approx(rhs.value), rhs.text)})
    return a


def _approx(v: Scalar) -> Scalar:
    from dataclasses import replace

    return replace(v, approx=True)


@lru_cache(maxsize=4096)
def _parse_cached(s: str, policy: MathPolicy, hint: str | None) -> Answer:
    return parse_structure(clean(s), policy, hint=hint)


def parse_answer(s: str, policy: MathPolicy = DEFAULT_POLICY, hint: str | None = None) -> Answer:
    """Cached: parse an extracted answer string into a typed Answer (raises ParseError/GuardError).

    ``hint``: the gold's kind, for readings only the other side can settle (``2,74``: a decimal against a
    scalar gold, a list otherwise)."""
    if s is None:
        raise ParseError("no answer")
    if len(s) > policy.max_chars:
        raise GuardError(f"answer longer than {policy.max_chars} characters")
    try:
        return _parse_cached(s, policy, hint)
    except RecursionError:
        raise GuardError("nesting too deep") from None


def parse_math(text: str, policy: MathPolicy = DEFAULT_POLICY) -> Any:
    """A sympy object for a math string (expression, Eq/relational, set, interval, tuple, matrix).

    Raises ParseError (GuardError for refused inputs) when the text does not parse whole.
    """
    from stepforge.verifiers.math.views import to_sympy_answer

    return to_sympy_answer(parse_answer(text, policy), policy)
