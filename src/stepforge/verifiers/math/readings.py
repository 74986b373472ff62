"""Other readings of a step's claim that the literal reading refutes: conventions writers use on purpose.

Each function takes the claim's two sides as LaTeX and says whether a named convention applies: a ratio
(``3:5 = 18:30``), a mixed number written with a dot (``6.\\frac{2}{3}``), factorials side by side under a slash
(``6!/3!3!`` is 6!/(3!·3!)), division with a remainder written as the division algorithm (``500 \\div 13 = 13
\\cdot 38 + 6``), an operand rounded earlier (``452 \\div 1.98 = 228.29`` after ``1.05^{14} = 1.98``), a
problem-defined operator (``6 \\ast 8``), arithmetic in another base. The step checker asks them only about a claim it
would otherwise refute, so a convention can only make a claim true (where the convention is the text's plain meaning)
or neutral (where it may be), never false.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stepforge.verifiers.math._spans import split_top

Same = Callable[[str, str], "bool | None"]  # exact identity of two LaTeX constants (None: not decided)
Num = Callable[[str], "float | None"]  # the numeric value of a LaTeX constant (None: not a number)


_RATIO_COLON = re.compile(r"(?<![:\\]):(?![=:])")


# a Greek letter names an unknown (\pi does not)
_GREEK = re.compile(r"\\(?:var)?(?:alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|rho|sigma|"
                    r"tau|upsilon|phi|chi|psi|omega)(?![A-Za-z])", re.I)


def ratio(a: str, b: str, same: Same) -> bool | None:
    """``a`` and ``b`` written as ratios (``3:5 = 3\\cdot 6 : 5\\cdot 6``): True or False by cross products when
    both are two-term ratios, None when the colon is not a ratio on both sides (the claim is then not read)."""
    pa = split_top(a, ":") if _RATIO_COLON.search(a) else [a]
    pb = split_top(b, ":") if _RATIO_COLON.search(b) else [b]
    if len(pa) != 2 or len(pb) != 2 or not all(p.strip() for p in (*pa, *pb)):
        return None
    if re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", a + b)) or _GREEK.search(a + b):
        return None  # "QZ:ZO = \sqrt{3}:1", "\frac{1}{\sin\theta} : 1 = ...": unknowns the claim does not give
    return same(f"({pa[0]})\\cdot({pb[1]})", f"({pa[1]})\\cdot({pb[0]})")


def has_ratio(tex: str) -> bool:
    return bool(_RATIO_COLON.search(tex))


# "6!/3!3!", "\frac{7!}{5!2!}" written inline as "7!/5!2!", "n!/k!(n-k)!": the slash divides by the whole product
_FACTORIAL_RUN = re.compile(r"/\s*((?:\(?[\w{}]+\)?!\s*){2,})")


def factorial_denominator(tex: str) -> str | None:
    """``tex`` with factorials written side by side after a slash grouped as one denominator, or None."""
    if not _FACTORIAL_RUN.search(tex):
        return None
    return _FACTORIAL_RUN.sub(lambda m: "/(" + m.group(1).strip() + ")", tex)


# "2\frac{1}{2}": a whole number before a fraction of whole numbers is a mixed number to the reader, yet writers also
# set a product so ("f(2) = 2\frac{\log_2 2}{2} = 2\frac{1}{2} = 1")
_MIXED = re.compile(r"(?<![\d.}^_])(\d+)\s*(\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\})")


# a number times a fraction written side by side where no mixed number can be meant ("2\frac{\log_2 x}{x}"): the
# formula's writer sets products so
# (also two fractions side by side, "80\frac{1}{2}\frac{1}{5}": a product, so the number before them may be a factor)
PRODUCT_BY_JUXTAPOSITION = re.compile(r"(?<![.^_])\d\s*\\[dt]?frac\s*\{(?![\d\s]*\}\s*\{[\d\s]*\})"
                                      r"|\\[dt]?frac\s*\{[^{}]*\}\s*\{[^{}]*\}\s*\\[dt]?frac(?![a-zA-Z])")


def mixed_as_product(tex: str) -> str | None:
    """``tex`` with each whole number written before a fraction (``2\\frac{1}{2}``) read as a product, or None."""
    out = _MIXED.sub(r"\1 \\cdot \2", tex)
    return out if out != tex else None


# "6.\frac{2}{3}": a whole number, a dot, a fraction: six and two thirds, not 6.0 times 2/3
_DOTTED_MIXED = re.compile(r"(?<![\d.])(\d+)\.\s*(\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\})")


def dotted_mixed(tex: str) -> str | None:
    """``tex`` with each whole number written with a dot before a fraction (``6.\\frac{2}{3}``) read as a mixed
    number, or None."""
    out = _DOTTED_MIXED.sub(r"(\1 + \2)", tex)
    return out if out != tex else None


_DIV = re.compile(r"\\div(?![a-zA-Z])|÷")
# "19{,}404\pi \div 6\pi": a divisor written as a product by juxtaposition is the whole product
_JUXTAPOSED_DIVISOR = re.compile(r"(\\div(?![a-zA-Z])|÷|/)\s*(\d+(?:\.\d+)?\s*(?:\\[A-Za-z]+|[A-Za-z])(?:\^\{?\w+\}?)?)"
                                 r"(?![\w{(^])")


def juxtaposed_divisor(tex: str) -> str | None:
    """``tex`` with a divisor written as a number times a letter (``\\div 6\\pi``, ``/2x``) grouped, or None."""
    grouped = _JUXTAPOSED_DIVISOR.sub(lambda m: f"{m.group(1)} ({m.group(2)})", tex)
    return grouped if grouped != tex else None


def remainder_form(a: str, b: str, same: Same) -> bool:
    """``500 \\div 13 = 13 \\cdot 38 + 6``: a division stated as the division algorithm, whose right side is the
    dividend again (``b`` equals ``a``'s dividend), not the quotient."""
    parts = _DIV.split(a)
    if len(parts) != 2 or not re.search(r"[-+]", b):
        return False
    return bool(same(parts[0], b))


_INT_DIVISION = re.compile(r"\\[dt]?frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}|(?<![\d.])(\d+)\s*(?:/|\\div(?![a-zA-Z])|÷)\s*(\d+)(?![\d.])")


def floor_division(a: str, b: str, same: Same) -> bool:
    """The claim holds when each division of whole numbers is whole-number division (``42/5 + 42/25 = 8 + 1`` in
    Legendre's formula, ``100 / 6 = 16`` comic books): integer division may be what the writer means, so a
    refutation of the exact reading is not sure. Never for a negated fraction or a claim with a power: a
    coefficient of a polynomial evaluated (``-\\frac{3}{2} \\cdot 1^{4}``) is no count of whole parts."""
    def floor(m: re.Match) -> str:
        x, y = (int(g) for g in m.groups() if g is not None)
        if _NEGATED.search(m.string, 0, m.start()):
            return m.group(0)  # "-\frac{3}{2} \cdot 1^4": a negative coefficient, no count of whole parts
        return str(x // y) if 0 < y <= x else m.group(0)  # a proper fraction ("2 1/2") is no quotient

    if "^" in a or "^" in b:
        return False  # a polynomial evaluated ("\\frac{3}{2} \\cdot 1^{4} + 1"): exact fractions, no whole parts
    fa, fb = _INT_DIVISION.sub(floor, a), _INT_DIVISION.sub(floor, b)
    # whole-number division gives a whole number: a side that divides again (a fraction reduced wrongly,
    # "\\frac{36}{14} = \\frac{19}{7}") is no quotient the writer took whole
    if (fa != a) == (fb != b):
        return False
    # nor does a writer who keeps other fractions or decimals exact ("-\\frac{5}{4} \\cdot 1 + 1 - \\frac{1}{2} =
    # -\\frac{1}{2}", the 5/4 taken whole only to meet a wrong result): no division left, no fraction stated
    floored, other = (fa, b) if fa != a else (fb, a)
    if _ANY_DIVISION.search(floored) or _ANY_DIVISION.search(other):
        return False
    return bool(same(fa, fb))


_WHOLE = re.compile(r"\s*\d+\s*[.,;]?\s*")
_MIN_ROUNDED_WHOLE = 10  # below it a whole number keeps one digit: "7/2 = 4" is a slip, not a rounding


def rounded_whole(a: str, b: str, num: Num, finite: Callable[[str], "bool | None"]) -> bool:
    """One side is a whole number, the other a division whose value has no finite decimal expansion, and the whole
    number is that value rounded to the nearest (``200 / 0.4536 = 441`` pounds, 440.92...): "=" used for "about", as
    people count. Not a sure refutation; only for values of 10 and more (two digits kept). A value with a finite
    expansion is written as it is: ``3 * $16.50 = $50`` (49.50) is a slip (``finite``: the side's exact value has
    a finite decimal expansion, None when it has no exact value)."""
    for whole, other in ((a, b), (b, a)):
        if not _WHOLE.fullmatch(whole) or not _ANY_DIVISION.search(other) or finite(other) is not False:
            continue
        v = num(other)
        if v is None or abs(v) < _MIN_ROUNDED_WHOLE or float(v).is_integer():
            continue
        n = int(whole.strip().rstrip(".,;"))
        if abs(v - n) < 0.5:
            return True
    return False


# a unary minus right before a division: at the start of a side, or after an operator, a bracket or a relation
_NEGATED = re.compile(r"(?:^|[-+*/(\[{=,^]|\\(?:cdot|times|left\(|left\[))\s*-\s*$")
_ANY_DIVISION = re.compile(r"\\[dt]?frac(?![a-zA-Z])|/|\\div(?![a-zA-Z])|÷|\d\.\d")


_DECIMAL_OPERAND = re.compile(r"(?<![\d.])\d+\.(\d+)(?![\d.])")


def rounded_operands(a: str, b: str, num: Num) -> bool:
    """The claim holds within the rounding of the decimals it computes with (``452 \\div 1.98 = 228.29`` where 1.98
    is 1.05^14 rounded, ``3.14 \\cdot 4 = 12.57``): the two sides differ by no more than moving each decimal operand
    by half a unit in its last place (and the stated result by half of its own) can explain. Only operands with at
    least two decimal places whose rounding is under 1% of them move: "0.2", "0.05" are exact numbers as written."""
    va, vb = num(a), num(b)
    if va is None or vb is None:
        return False
    slack = 0.0
    for side, v in ((a, va), (b, vb)):
        side = side.strip().rstrip(".,;").rstrip()  # the sentence's full stop is no digit ("= 300.0.")
        whole = _DECIMAL_OPERAND.fullmatch(side)
        if whole:  # the side is a stated decimal value: its own rounding
            slack += 0.5 * 10.0 ** -len(whole.group(1))
            continue
        for m in _DECIMAL_OPERAND.finditer(side):
            places = len(m.group(1))
            half = 0.5 * 10.0 ** -places
            lit = float(m.group(0))
            if places < 2 or lit == 0 or half / abs(lit) > 0.01:
                continue  # an exact number as written
            moved = [num(side[:m.start()] + repr(lit + d) + side[m.end():]) for d in (-half, half)]
            if any(x is None for x in moved):
                return False
            slack += max(abs(x - v) for x in moved if x is not None)
    return slack > 0 and abs(va - vb) <= slack * (1 + 1e-9)


# operators a problem defines for itself ("Let a \ast b = \frac{a+b}{2}"): never multiplication by default
DEFINED_OPERATOR = re.compile(r"\\(?:ast|star|diamond|Diamond|bowtie|dagger|ddagger|heartsuit|spadesuit|clubsuit|"
                              r"diamondsuit|oplus|otimes|odot|boxtimes|boxplus|triangle|nabla|S)(?![a-zA-Z])"
                              r"|(?<=[\w})])\s*[#@&]\s*(?=[\w({\\])")

# a step that computes in another base ("in base 7, 44 \times 55 = 3506"): its numerals are not decimal
OTHER_BASE = re.compile(r"\bbase[\s$\\{]*(?:boxed\{)?\s*(?!10\b)\d+|(?<=\d)_\{?(?!10\b)\d+\}?", re.I)
