"""Units in LaTeX claims: ``3 \\times 20 = 60 \\text{ dollars}``, ``\\frac{900 \\text{ eggs}}{30 \\text{ eggs/tray}} =
30 \\text{ trays}``, ``2 \\text{ hours} = 120 \\text{ minutes}``.

A ``\\text{}`` (``\\mathrm{}``, ``\\textrm{}``, ``\\mbox{}``) right after a number, a closing brace or parenthesis (or
after ``/``: ``0.50/\\text{cup}``), and a ``\\$`` before a number, is a unit when its words are one
(:func:`units.parse_unit`: a unit of a dimension, or a count noun such as ``eggs``; a rate ``eggs/tray``, ``feet per
log``, ``per hour``; a note in parentheses is dropped). Each side is read three ways (:func:`read_side`): its numbers
alone (``blank``), its units as symbols (``sym``, for the units' algebra) and its table units as their factors to the
dimension's base (``conv``, for a conversion). A word that scales or converts a number (``dozen``, ``percent``,
``half``...), a unit followed by a number (``2 \\text{ hours } 30 \\text{ minutes}``), or a text that is no unit
(``\\text{Number of cats}``) leaves the side unread (None): the claim is read as before.

The units' algebra (:func:`units_of`) says whether both sides carry one unit (``trays x dollars/tray = dollars``),
then the numbers decide; the step checker decides the rest (:func:`stepforge.verifiers.math.steps`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from stepforge.verifiers.math import plain_units
from stepforge.verifiers.math.units import parse_unit

F = Fraction

# words that scale, convert or operate on a number, or are prose: never a unit ("cents" is one here: a money unit
# whose factor the conversion rules know)
_NOT_UNIT = (set(plain_units._NOT_UNIT.split("|")) | {"percentage", "more", "extra", "about", "gross", "lakh",
                                                       "crore"}) - {"cent", "cents", "log"}  # "4 \\text{ feet per log}"
# words that say which of the things counted, never a unit alone ("26 \\text{ pieces remaining}", "80 \\text{ total
# pieces}")
_QUALIFIERS = {"remaining", "left", "total"}
# "times" counts occurrences only in a rate ("2 \\text{ times/week}") or closing a side ("= 104 \\text{ times}");
# elsewhere it may be the operator ("3 \\text{ times } 4")
_OCCURRENCES = {"time", "times"}
# count nouns that group others: a result in them may be a count converted ("3 \\times 2 = 3 \\text{ pairs}")
GROUPS = {"count:pair": F(2), "count:couple": F(2), "count:dozen": F(12)}
_TEXT = r"\\(?:text|mathrm|textrm|mbox|rm)\s*\{([^{}]*)\}"
_GAP = r"(?:\s|\\[,;: !]|~)*"
_POWER = r"(?:\s*\^\s*(?:\{\s*([23])\s*\}|([23])))?"
_NUM = r"(?:\d[\d,]*(?:\.\d+)?|\.\d+)"
# a unit after a number, a closing brace or parenthesis (or after "/": a rate "0.50/\text{cup}"); "\$" before a number
_PIECE = re.compile(rf"(?P<unit>(?<=[\d}})]){_GAP}(?P<slash>/\s*)?{_TEXT}{_POWER})|(?P<dollar>\\\$\s*(?={_NUM}))")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?!\d|,\d)")  # "2,160,000 \\text{ widgets}"
_AFTER_UNIT_NUMBER = re.compile(rf"{_GAP}(?:\d|\\frac|\\dfrac|\\tfrac)")
_PAREN_NOTE = re.compile(r"\([^()]*\)")
_SQUARE = re.compile(r"^(?:square|sq\.?)\s+")
_CUBIC = re.compile(r"^(?:cubic|cu\.?)\s+")
_WORD = re.compile(r"[a-z][a-z'\-]*")
_COMPOUND_SPEED = {"mph": ("mile", "hour"), "kph": ("km", "hour"), "kmph": ("km", "hour")}
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "loaves": "loaf",
              "leaves": "leaf", "knives": "knife", "shelves": "shelf", "wolves": "wolf", "calves": "calf",
              "geese": "goose", "mice": "mouse", "teeth": "tooth", "halves": "half"}

# units whose factors are exact and one convention only: a conversion between them that does not hold is a slip (a
# day or a week may be a working one, a ton short or metric, a gallon US or imperial; across systems, 1 mile = 1.6 km
# is a rounding writers use)
_EXACT_FAMILIES = (
    ("time", frozenset({F(1), F(60), F(3600)})),
    ("length", frozenset({F(1, 1000), F(1, 100), F(1), F(1000)})),
    ("length", frozenset({F(254, 10000), F(3048, 10000), F(9144, 10000), F(1609344, 1000)})),
    ("mass", frozenset({F(1, 10**6), F(1, 1000), F(1)})),
    ("mass", frozenset({F(45359237, 10**8), F(28349523125, 10**12)})),
    ("money", frozenset({F(1), F(1, 100)})),
    ("volume", frozenset({F(1, 1000), F(1)})),
)
# the lengths of a year and a month in seconds, as writers count them (for a conversion a result may hide)
_DAY = F(86400)
_CALENDAR = {"year": (365 * _DAY, 366 * _DAY, 360 * _DAY, 52 * 7 * _DAY),
             "month": (30 * _DAY, 31 * _DAY, 28 * _DAY, 4 * 7 * _DAY)}


@dataclass(frozen=True)
class Atom:
    """One unit of a claim: ``key`` names it (``time:60``, ``count:egg``), ``dim`` its dimension (a count noun is its
    own), ``factor`` to the dimension's base (None for a count noun)."""

    key: str
    dim: str
    factor: Fraction | None


OCCURRENCE = Atom("count:time", "count:time", None)  # "times", as a count of occurrences


@dataclass
class Side:
    """One side of a claim read past its units."""

    blank: str
    sym: str
    conv: str
    atoms: dict[str, Atom] = field(default_factory=dict)  # symbol name -> atom
    units: list[str] = field(default_factory=list)  # the unit texts as written
    rates: list[list[tuple[Atom, int]]] = field(default_factory=list)  # the atoms of each unit text


def _singular(w: str) -> str:
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us")) and len(w) > 2:
        return w[:-1]
    return w


def _atom(words: str) -> list[tuple[Atom, int]] | None:
    """The atoms one unit word (or two) names, with powers: ``sq ft`` is foot squared, ``mph`` mile per hour."""
    power = 1
    if _SQUARE.match(words):
        words, power = _SQUARE.sub("", words), 2
    elif _CUBIC.match(words):
        words, power = _CUBIC.sub("", words), 3
    words = plain_units.measure_word(words)  # "hours watching TV": hours
    ws = words.split()
    if any(len(w) <= 3 and w != w.lower() for w in ws):
        return None  # "5 \text{ M}": a million, not a meter
    ws = [w.lower() for w in ws]
    words = " ".join(ws)
    if words == "in":
        words = "inch"  # "5 \\, \\text{in}": a unit after its number (a number after it: a compound, refused)
    ws = words.split()
    if len(ws) == 2 and sum(w in _QUALIFIERS for w in ws) == 1:
        ws = [w for w in ws if w not in _QUALIFIERS]  # "pieces remaining", "total pieces": what counts is pieces
        words = ws[0]
    if not ws or len(ws) > 2 or any(not _WORD.fullmatch(w) or w in _NOT_UNIT for w in ws):
        return None
    if words in _COMPOUND_SPEED:
        a, b = (_atom(x) for x in _COMPOUND_SPEED[words])
        return None if a is None or b is None or power != 1 else [(a[0][0], 1), (b[0][0], -1)]
    unit = parse_unit(words)
    if unit is not None and unit.dim == "unit":  # "18 \\text{ units}", "60 \\text{ square units}"
        return [(Atom("count:unit", "count:unit", None), power)]
    if unit is None or unit.dim in ("speed", "area", "volume_l", "volume_u", "angle", "percent"):
        return None  # a speed is read from its parts ("km/h"); an area from its length ("cm^2")
    if unit.dim == "count":
        if len(ws[-1]) < 2:
            return None
        name = " ".join(ws[:-1] + [_singular(ws[-1])])
        return [(Atom(f"count:{name}", f"count:{name}", None), power)]
    return [(Atom(f"{unit.dim}:{unit.factor}", unit.dim, unit.factor), power)]


def parse_rate(text: str, power: int = 1) -> list[tuple[Atom, int]] | None:
    """The atoms of a unit text with their powers (``eggs/tray``: egg, tray^-1; ``per hour``: hour^-1), or None when
    the text is no unit."""
    t = _PAREN_NOTE.sub(" ", text.replace("\\,", " ").replace("\\ ", " ").replace("~", " "))
    t = re.sub(r"\s+", " ", t).strip().strip(".,;:").strip()
    if not t and _PAREN_NOTE.search(text):
        return []  # "4 \\text{ (Saturday)}": a note, no unit
    if not t or "(" in t or ")" in t:
        return None
    t = re.sub(r"(?:^|\s+)per\s+", "/", " " + t, flags=re.I).strip()
    parts = [p.strip() for p in t.split("/")]
    out: list[tuple[Atom, int]] = []
    for k, part in enumerate(parts):
        if not part:
            if k == 0:
                continue  # "per hour": nothing counted above the rate
            return None
        got = _atom(part) if not (k == 0 and len(parts) > 1 and part.lower() in _OCCURRENCES) else [(OCCURRENCE, 1)]
        if got is None:
            return None
        sign = 1 if k == 0 else -1
        out.extend((a, p * sign) for a, p in got)
    if not out:
        return None
    if power != 1:
        if len(out) != 1:
            return None
        out = [(out[0][0], out[0][1] * power)]
    return out


CDOT = " \\cdot "


def _tree_name(symbol: str) -> str:
    """The name the reader gives the symbol ``u_{k}``: ``u_3`` (one digit), ``u_{12}``."""
    sub = symbol[3:-1]
    return f"u_{sub}" if len(sub) == 1 else symbol


def frac_tex(x: Fraction) -> str:
    """A rational number as LaTeX: ``3``, ``\\frac{3}{4}``."""
    return f"{x.numerator}" if x.denominator == 1 else f"\\frac{{{x.numerator}}}{{{x.denominator}}}"


def read_side(side: str, names: dict[str, str]) -> Side | None:
    """``side`` read past its units (``names``: atom key -> symbol, shared by the pair's sides), or None when a text
    after a number is no unit or a unit runs on into a number (a compound quantity); a side without units comes back
    as it is."""
    blank, sym, conv, units = [], [], [], []
    rates: list[list[tuple[Atom, int]]] = []
    atoms: dict[str, Atom] = {}
    pos = 0
    dollar_open = False  # "\\$4" read as "(u \\cdot 4": closed after its number, or after the unit bound to it
    for m in _PIECE.finditer(side):
        chunk = side[pos:m.start()]
        blank.append(chunk)
        conv.append(chunk)
        if dollar_open and not (m.group("unit") is not None and _LONE_NUMBER.fullmatch(chunk)):
            chunk, dollar_open = _close_after_number(chunk), False
        sym.append(chunk)
        pos = m.end()
        if m.group("dollar") is not None:
            got: list[tuple[Atom, int]] | None = [(Atom(f"money:{F(1)}", "money", F(1)), 1)]
            units.append("$")
        else:
            if _AFTER_UNIT_NUMBER.match(side, m.end()):
                return None  # "2 \text{ hours } 30 \text{ minutes}": one quantity in two units
            powr = m.group(4) or m.group(5)
            got = parse_rate(m.group(3), int(powr) if powr else 1)
            if got is None and not powr and m.group(3).strip().lower() in _OCCURRENCES \
                    and not side[m.end():].strip(" .,"):
                got = [(OCCURRENCE, 1)]  # "= 104 \text{ times}" closing its side: a count of times, not "times" as x
            if got is None:
                return None
            if m.group("slash"):
                got = [(a, -p) for a, p in got]
            units.append(m.group(3).strip())
            rates.append(got)
        num, den, cnum, cden = [], [], F(1), F(1)
        for a, p in got:
            name = names.setdefault(a.key, f"u_{{{len(names) + 1}}}")
            atoms[_tree_name(name)] = a
            (num if p > 0 else den).append(name if abs(p) == 1 else f"{name}^{{{abs(p)}}}")
            if a.factor is not None:
                if p > 0:
                    cnum *= a.factor ** p
                else:
                    cden *= a.factor ** -p
        u = CDOT.join(num) or "1"
        if den:
            u = f"\\frac{{{u}}}{{{CDOT.join(den)}}}"
        if m.group("dollar") is not None:
            # "\$5": the number follows; the unit multiplies it where it stands (a factor in a product)
            blank.append(" ")
            sym.append(f"({u} \\cdot ")
            conv.append(" ")
            dollar_open = True
            continue
        blank.append(" ")
        # the unit binds to its number: "30 \\text{ miles} / 6 \\text{ mph}" is 30 miles over (6 mph), not (30 miles / 6)
        # times mph
        if (lead := _number_before(sym[-1])) is not None:
            sym[-1], conv[-1] = sym[-1][:lead] + "(" + sym[-1][lead:], conv[-1][:lead] + "(" + conv[-1][lead:]
            sym.append(f" \\cdot {u}) ")
            conv.append(f" \\cdot {frac_tex(cnum / cden)}) ")
        else:
            sym.append(f" \\cdot {u} ")
            conv.append(f" \\cdot {frac_tex(cnum / cden)} ")
        if dollar_open:  # "\\$4 \\text{ per pound}": four dollars per pound, one factor
            sym.append(") ")
            dollar_open = False
    if not units:
        return Side(side, side, side)
    blank.append(side[pos:])
    conv.append(side[pos:])
    sym.append(_close_after_number(side[pos:]) if dollar_open else side[pos:])
    blank, sym, conv = ([_THOUSANDS.sub(lambda t: t.group(0).replace(",", ""), x) for x in out]
                        for out in (blank, sym, conv))
    return Side("".join(blank), "".join(sym), "".join(conv), atoms, units, rates)


_LONE_NUMBER = re.compile(rf"\s*{_NUM}")
_LEADING_NUMBER = re.compile(rf"\s*{_NUM}(?:\.(?!\d))?")


def _close_after_number(text: str) -> str:
    """``text`` (what follows a ``\\$``) with the dollar's bracket closed after the number it opens with."""
    m = _LEADING_NUMBER.match(text)
    at = m.end() if m else 0
    if m and text[m.end() - 1] == ".":
        at -= 1  # "\\$5." ending a sentence: the full stop is no decimal point
    return text[:at] + ")" + text[at:]


_TRAILING_NUMBER = re.compile(r"(?<![\d.,^_{])\d[\d,]*(?:\.\d+)?\s*$")


def _number_before(text: str) -> int | None:
    """Where the number that ends ``text`` starts (None: it ends with no plain number, or with an exponent's or an
    index's, ``2^3``)."""
    m = _TRAILING_NUMBER.search(text)
    return m.start() if m else None


INHOMOGENEOUS = "inhomogeneous"


def units_of(node: Any, key: dict[str, str]) -> dict[str, int] | str | None:
    """The unit monomial of a side's tree (``key``: symbol -> unit or dimension name; exponents by name), or
    ``INHOMOGENEOUS`` (a sum of different units), or None (a symbol that is no unit, an operation units do not pass)."""
    kind = node[0]
    if kind in ("num", "const", "mix"):
        return {}
    if kind == "sym":
        return {key[node[1]]: 1} if node[1] in key else None
    if kind == "neg":
        return units_of(node[1], key)
    if kind in ("add", "mul", "div"):
        kids = node[1] if kind in ("add", "mul") else (node[1], node[2])
        got = [units_of(k, key) for k in kids]
        if any(g is None for g in got):
            return None
        if any(g == INHOMOGENEOUS for g in got):
            return INHOMOGENEOUS
        if kind == "add":
            return got[0] if all(g == got[0] for g in got) else INHOMOGENEOUS
        out: dict[str, int] = {}
        for k, g in enumerate(got):
            sign = -1 if kind == "div" and k == 1 else 1
            for name, p in g.items():  # type: ignore[union-attr]
                out[name] = out.get(name, 0) + sign * p
        return {n: p for n, p in out.items() if p}
    if kind == "pow":
        base, exp = units_of(node[1], key), units_of(node[2], key)
        if base is None or exp != {}:
            return None
        if base == {} or base == INHOMOGENEOUS:
            return base
        if node[2][0] == "num" and node[2][1].denominator == 1:
            return {n: p * int(node[2][1]) for n, p in base.items()}  # type: ignore[union-attr]
        return None
    if kind in ("fn", "fact"):
        kids = node[2] if kind == "fn" else (node[1],)
        return {} if all(units_of(k, key) == {} for k in kids) else None
    return None


def _dim(a: Atom) -> str:
    return "time" if a.dim in ("year", "month") else a.dim


def conflict(atoms: list[Atom], rates: list[list[tuple[Atom, int]]] = ()) -> bool:  # type: ignore[assignment]
    """Two units of one dimension (``hours`` and ``minutes``; a year and days): a number may hide a conversion,
    unless the claim writes the factor between them as rates of its own, directly (``7 \\text{ days/week}``) or
    through a chain of them (``60 \\text{ minutes/hour} \\times 24 \\text{ hours/day}``: minutes to days);
    ``rates`` holds the atoms of each unit text."""
    seen: dict[str, set[Any]] = {}
    for a in atoms:
        if a.factor is None:
            continue
        seen.setdefault(_dim(a), set()).add((a.dim, a.factor))
    group: dict[Any, Any] = {}  # the units each written rate joins, joined again where two rates share one

    def root(u: Any) -> Any:
        while group.get(u, u) != u:
            u = group[u]
        return u

    for rate in rates:
        ups = {(_dim(a), a.dim, a.factor) for a, p in rate if p > 0 and a.factor is not None}
        downs = {(_dim(a), a.dim, a.factor) for a, p in rate if p < 0 and a.factor is not None}
        for u in ups:
            for d in downs:
                if u[0] == d[0] and u != d:
                    group[root(d)] = root(u)
    return any(len({root((dim, *x)) for x in v}) > 1 for dim, v in seen.items())


def exact_family(atoms: list[Atom]) -> bool:
    """Every table unit of the claim in one family of exact factors for its dimension (seconds, minutes, hours;
    metric lengths; inches to miles; ...)."""
    by_dim: dict[str, set[Fraction]] = {}
    for a in atoms:
        if a.factor is not None:
            by_dim.setdefault(a.dim, set()).add(a.factor)
    return all(any(d == dim and fs <= fam for d, fam in _EXACT_FAMILIES) for dim, fs in by_dim.items())


def conversion_ratios(atom: Atom) -> set[Fraction]:
    """The factors by which a number in ``atom``'s unit may be another unit of its dimension written in it
    (cents for dollars: 100; minutes for hours: 60; months for a year: 12)."""
    from stepforge.verifiers.math.units import _TABLE

    if atom.key in GROUPS:
        return {GROUPS[atom.key], 1 / GROUPS[atom.key]}
    if atom.factor is None:
        return set()
    timeish = atom.dim in ("time", "year", "month")
    mine = [atom.factor] if atom.dim not in _CALENDAR else list(_CALENDAR[atom.dim])
    others: set[Fraction] = set()
    for dim, factor in _TABLE.values():
        if dim == atom.dim or (timeish and dim == "time"):
            others.add(factor)
    if timeish:
        for fs in _CALENDAR.values():
            others.update(fs)
    if atom.dim == "mass":
        others.add(2000 * F(45359237, 10**8))  # a short ton
    return {o / f for o in others for f in mine if o != f} | {f / o for o in others for f in mine if o != f}


__all__ = ["INHOMOGENEOUS", "Atom", "Side", "conflict", "conversion_ratios", "exact_family", "parse_rate",
           "read_side", "units_of"]
