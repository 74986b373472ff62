"""Plain-text arithmetic whose numbers carry units or nouns: ``36 ft * 24 ft = 864 sq ft``, ``216 square feet x $12 =
$2592``, ``$18/50 kg = $0.36/kg``.

The step checker's plain-text reader takes numbers and operators only, so a word after a number cut such a chain and
nothing was checked: on GSM8K-level solutions the computation a wrong first step rests on often goes unread so. Here
a chain whose members are numbers each followed by at most one unit (up to three words, ``spider legs``, ``ounces of
sugar``, with ``sq``/``square``/``cubic`` before it, a rate ``/kg``, ``km/h``, ``per hour`` after it; the last side's
unit cut where prose goes on) is found and its units are blanked, so the reader sees the numbers (:func:`blank`); the
step checker first gives the chain, its units as ``\\text{}``, to the units' algebra of LaTeX claims, which decides a
rate that converts (``3 hours x 60 minutes/hour = 180 minutes``). The units are what the numbers count: the arithmetic
on the numbers is what the writer computed.

It is read only where the units cannot change the numbers:

* a word that scales or converts a number (``dozen``, ``thousand``, ``half``, ``cents``, ``pm``, ``times``, an
  operator word, an ordinal) is no unit: the chain is not read past it (a rate of times is: ``2 times/week``); nor is
  an adverb right after the number (``still``, ``approximately``: "-5+3 still equals -2");
* two units of one dimension in a chain (``hours`` and ``minutes``, ``km/hr`` and ``days``, ``feet`` and ``inches``)
  may hide a conversion, so its claims are neutral either way (``units_differ``), as are the claims of a chain added
  across different nouns that does not hold (``3 bags + 2 = 26 apples``); nouns that each count one person or one
  animal are one kind (``120 boys + 60 girls = 200 students`` adds people: refuted; ``12 chickens + 5 cows = 44
  legs`` counts legs: neutral);
* an "=" between sides with no unit in common (``1 yap = 3/5 baps``, ``2 hours = 120 minutes``) is a conversion:
  neutral (``unit_conversion``); with units on one side only (``2 hours = 120``), a false one is never refuted;
* a chain that a number and a word before it (``1 hour 30 minutes + ...``) or a number after it (``= 2 hours 15
  minutes``) continues is a fragment of a compound quantity: neutral (``compound_quantity``);
* words in brackets right against a number, in a chain with a bare number beside them (``.1(Number of Minutes) + 1 =
  .15(Number of Minutes)``), are a factor, an unknown named in words: neutral (``factor_in_words``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stepforge.verifiers.math.units import parse_unit

# words that are not units: they scale or convert the number, operate on it, or are prose
_NOT_UNIT = (
    "x|times|of|by|plus|minus|over|per|than|into|from|divided|multiplied|squared|cubed|percent|percents|cent|cents|"
    "half|halves|third|thirds|quarter|quarters|fourth|fourths|fifth|fifths|tenth|tenths|hundredth|hundredths|twice|"
    "thrice|dozen|dozens|score|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|"
    "trillions|k|am|pm|st|nd|rd|th|and|or|is|are|was|were|be|equals|equal|equaling|gives|give|makes|make|more|less|"
    "fewer|each|total|in|at|on|for|with|the|an|as|so|then|which|that|to|it|its|mod|modulo|choose|power|powers|root|"
    "roots|sqrt|pi|log|ln|sin|cos|tan|exp|e|if|when|we|you|he|she|they|i|also|only|again|left|remaining|"
    "percentage|ratio|factor|base|because|since|instead|but|not"
)
# an adverb right after a number says how the relation holds, it names nothing counted ("-5+3 still equals -2",
# "22/7 approximately equals 3.14"); inside a unit it may ("64 plates already stacked")
_ADVERB = ("still|just|exactly|indeed|actually|really|now|already|approximately|roughly|about|around|nearly|almost|"
           "clearly|simply|certainly|definitely|obviously|truly")
# a unit word: two letters or more, or words joined by a hyphen or "&" ("roll-ups", "M&Ms")
_W = rf"(?!(?:{_NOT_UNIT})(?![A-Za-z'&-]))(?=[A-Za-z][A-Za-z&-]*[A-Za-z])[A-Za-z]+(?:[-&][A-Za-z]+)*(?![A-Za-z'])"
# a unit of up to three words ("spider legs", "years old", "ounces of sugar", "pieces of pie"): the words between a
# number and the next operator name what it counts, whatever their number
_WORDS = rf"{_W}(?:[ \t]+(?:of[ \t]+)?{_W}){{0,2}}"
_PRE = r"(?:(?:sq\.?|square|cubic|cu\.?)\s+)"
_RATE = rf"(?:\s*/\s*{_PRE}?{_W}(?:[ \t]+{_W})?|\s+per\s+{_PRE}?{_W}(?:[ \t]+{_W})?)"
# after a unit word, a rate's denominator may be an hour or a second in one letter ("km/h", "m/s"); never after a
# number ("1/x" is a fraction in a variable)
_EACH = r"each(?![A-Za-z'&-])"
# ... "times" is no unit, but a count of times per something is ("2 times/week", "3 times per day")
_UNIT_WORDS = (rf"(?:(?!(?:{_ADVERB})(?![A-Za-z'&-])){_PRE}?{_WORDS}(?:{_RATE}|/[hs](?![A-Za-z\d(])|[ \t]+{_EACH})?"
               rf"|{_RATE}|{_EACH}|times{_RATE})")
# a note in parentheses after a number or its unit names what it counts ("12 tickets (Pam's roller coaster) + 24
# tickets (Fred's)", "20 (first friend) + 25 (second friend)"): no digit, no "=", no word that changes the number
_NOTE = (r"(?:[ \t]*\((?=[^()]*[A-Za-z]{2})(?![^()]*\b(?:mod|modulo|choose|times|squared|cubed|percent|per|thousands?|"
         r"millions?|hundreds?|half|double|twice|triple|round\w*|approx\w*|each|dozens?|rate|total)\b)[^()\d=]{1,40}\))")
# what an amount is for, from or on ("$500 for materials + $800 for craftsmanship", "$129 from the brownies", "2 hours
# on TV"): words only, never a number ("$5 for 2 apples" is a price of two) nor "each" ("for each": a rate)
# ... or where it is counted ("24 hours in a day - 10 hours", "365 days in a year * 4 years"): one word after "a"
_QUALIFIER = (rf"(?:[ \t]+(?:for|from|on)[ \t]+(?:(?:the|a|an|his|her|their|its|my|our)[ \t]+)?{_W}"
              rf"(?:[ \t]+{_W}){{0,2}}(?![ \t]*+\d)|[ \t]+in[ \t]+(?:a|an|one|each|every)[ \t]+{_W}(?![ \t]*+\d))")
UNIT = rf"(?:{_UNIT_WORDS}{_QUALIFIER}?{_NOTE}?|{_QUALIFIER}{_NOTE}?|{_NOTE})"
# the qualifier of a unit's text (from a blank run's start only: linear on any run)
QUALIFIED = re.compile(r"(?<!\s)\s+(?:for|from|on|in\s+(?:a|an|one|each|every)(?=\s))\s.*$", re.I | re.S)
# a number and an operator as the plain reader reads them (a currency sign, thousands commas, a decimal, a percent
# sign; "x" between blanks as times): the step checker's plain reader is built on these too
NUM = r"(?:\\?\$\s?)?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:\s?%)?"
OP = r"(?:[-+*/×÷^–−]|(?<=\s)x\s|\\times|\\cdot|\\div)"
# atomic members and possessive runs: a member's blanks and unit are read one way only (else exponential in the run)
_MEMBER = rf"(?>{NUM}(?:\s*{UNIT})?)"
MEMBER = _MEMBER  # a number and the unit it carries, read one way only (for readers that find sides with units)
_SIDE = rf"\(*+\s*+-?{_MEMBER}(?:\s*+\)*+\s*+{OP}\s*+\(*+\s*+-?{_MEMBER})*+"
# a chain starts where no operator, relation or parenthesis comes before it (so a long run is scanned once: linear)
# ... but it may start after a name's "=" ("the distance = 60 mph × 3 hours = 180 miles"): a word before the "="
_START = (r"(?<![\w.,/^}\\$:(*+×÷–−-])(?<![^A-Za-z\s]=)(?<![^A-Za-z]\s=)(?<![(*+×÷^–−/-]\s)"
          r"(?<![^A-Za-z]=\s)(?<![^A-Za-z\s]\s=\s)(?<![(=*+×÷^–−/-]\s\s)(?<!\sx\s)")
_CHAIN = re.compile(rf"{_START}{_SIDE}(?:\s*+\)*+\s*+=\s*+{_SIDE})+\s*\)*", re.I)
# a number, a unit, then an operator or a relation: the only lines worth scanning
_INNER_UNIT = re.compile(rf"[\d%]\s*{UNIT}\s*\)*\s*(?:{OP}|=)", re.I)
_UNIT_AFTER = re.compile(rf"(?<=[\d%])\s*({UNIT})", re.I)
# a number and a word right before the chain, or a number right after it: a compound quantity ("1 hour 30 minutes")
_COMPOUND_BEFORE = re.compile(r"\d\s*[A-Za-z]{2,}\s*(?:and\s+)?$")
_COMPOUND_AFTER = re.compile(r"\s*(?:and\s+)?\d")
# "= 156kgs", "= 20g": a number after "=" and a unit against it (a word, or "g" or "h": never "m", "M", "k", "B",
# which may scale it, "$5m"), or a rate ("= $57500/year")
_TIGHT_RESULT = re.compile(rf"=\s*(?:\\?\$\s?)?\d[\d,]*(?:\.\d+)?((?:{_W}|(?-i:[gh])(?![A-Za-z'\d]))(?:/{_W})?|/{_W})",
                           re.I)
_NOTE_TEXT = re.compile(r"\s*\([^()]*\)")  # a note in a unit's text: no part of the unit
_SUM = re.compile(r"(?<![eE])[-+–−]")
_NUMBER = re.compile(NUM)
FACTOR_IN_WORDS = "factor_in_words"  # a region's reason that no units' algebra overrides: its "units" are no units


def strip_units(side: str) -> str:
    """``side`` with the unit after each number blanked ("42 miles / 3 miles per segment" -> "42 / 3"), so a reader of
    numbers sees what it computes."""
    return _UNIT_AFTER.sub(lambda m: " " * len(m.group(0)), side)


@dataclass
class Region:
    """A chain read past its units: its place in the line, the units blanked, and why its claims are neutral (None:
    read as the numbers say)."""

    start: int
    end: int
    units: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # where each unit stands in the line
    why: str | None = None
    sums_across: bool = False  # added or subtracted across different units or nouns: a false sum says nothing sure
    unshared: bool = False  # two sides of an "=" with no unit in common (or one without any): a false one may convert


def blank(line: str) -> tuple[str, list[Region]]:
    """``line`` with the units of its unit-carrying chains replaced by blanks (same length), and those chains."""
    regions: list[Region] = []
    # a result's unit written tight against it ("78*2 = 156kgs", "40/2 = 20g"): blanked, the number read as it is
    blanks: list[tuple[int, int]] = [m.span(1) for m in _TIGHT_RESULT.finditer(line)] if "=" in line else []
    if not _INNER_UNIT.search(line):
        return _blanked(line, blanks), regions
    for m in _CHAIN.finditer(line):
        units = []
        spans = []
        for u in _UNIT_AFTER.finditer(line, m.start(), m.end()):
            units.append(u.group(1).strip())
            spans.append(u.span(1))
        if not any(re.search(r"[^\s)]", line[b:m.end()]) for _, b in spans):
            continue  # units only after the last number ("5 + 3 = 8 apples"): the number-only reader reads it already
        end = _trim_result_unit(line, m.start(), m.end(), units, spans)
        region = Region(m.start(), end, units, spans=spans)
        region.why = _why_neutral(line, m.start(), end, units)
        if any(line[a] == "(" and line[a - 1].isdigit() for a, _ in spans) and _bare_beside(line, m.start(), end, spans):
            # ".1(Number of Minutes) + 1 = .15(Number of Minutes)": words in brackets against a number are a factor
            # (an unknown named in words) where a bare number stands beside it, not a note on what it counts
            region.why = region.why or FACTOR_IN_WORDS
        region.sums_across = bool(_SUM.search(_unitless(line, m.start(), end, spans))) and len(
            {kind(_head(_base(u))) for u in units}) > 1
        sides = [_side_units(x) for x in re.split(r"=", line[m.start():end])]
        if any(not (a & b) and (a or b) for a, b in zip(sides, sides[1:])):  # notes alone are no units
            region.unshared = True
            if any(a and b and not (a & b) for a, b in zip(sides, sides[1:])):
                region.why = region.why or "unit_conversion"  # "1 yap = 3/5 baps", "4 daps = 7 yaps"
        regions.append(region)
        blanks.extend(spans)
    return _blanked(line, blanks), regions


_UNIT_TOKEN = re.compile(rf"{_PRE}?\S+", re.I)


def _trim_result_unit(line: str, start: int, end: int, units: list[str], spans: list[tuple[int, int]]) -> int:
    """The chain's end once the unit of its last side is cut to what names the result: the longest run of its words
    that names a unit of the left (``= 16 chocolate bars``), else its first word (``= 35 miles between his stops``:
    the words after it are prose). ``units`` and ``spans`` are trimmed in place."""
    eq = line.rfind("=", start, end)
    left = {_base(u) for (a, _), u in zip(spans, units) if a < eq}
    if not spans or spans[-1][0] < eq:
        return end
    a, b = spans[-1]
    ends = [a + t.end() for t in _UNIT_TOKEN.finditer(line[a:b].rstrip())]
    if not ends:
        return end
    cut = next((e for e in reversed(ends) if _base(line[a:e]) in left), ends[0])
    if cut == ends[-1]:
        return end
    spans[-1], units[-1] = (a, cut), line[a:cut].strip()
    return cut


def _blanked(line: str, blanks: list[tuple[int, int]]) -> str:
    if not blanks:
        return line
    chars = list(line)
    for a, b in blanks:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _bare_beside(line: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """A side of the chain holds a number with no unit beside one with a unit (``.1(N) + 1``); a bare result alone on
    its side (``20 (first) + 25 (second) = 45``) is not one."""
    at = start
    for side in line[start:end].split("="):
        lo, hi = at, at + len(side)
        at = hi + 1
        noted = [(a, b) for a, b in spans if lo <= a < hi]
        numbers = _NUMBER.findall(_unitless(line, lo, hi, noted))  # as the chain reads them (NUM)
        if noted and len(numbers) > max(1, len(noted)):
            return True
    return False


def _unitless(line: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    text = line[start:end]
    for a, b in reversed(spans):
        text = text[:a - start] + " " + text[b - start:]
    return text


def _why_neutral(line: str, start: int, end: int, units: list[str]) -> str | None:
    if _COMPOUND_BEFORE.search(line[max(0, start - 40):start]) or _COMPOUND_AFTER.match(line, end):
        return "compound_quantity"
    dims: dict[str, set[str]] = {}
    for u in units:
        for atom in re.split(r"\s*/\s*|\s+per\s+", QUALIFIED.sub("", " " + _NOTE_TEXT.sub("", u)).lower()):
            atom = measure_word(re.sub(r"^(?:sq\.?|square|cubic|cu\.?)\s+", "", atom.strip()))
            if not atom:
                continue
            unit = parse_unit(atom)
            if unit is None or unit.dim == "count":
                continue
            dim = "time" if unit.dim in ("year", "month") else unit.dim
            dims.setdefault(dim, set()).add(str(unit.factor))  # feet and ft are one unit
    if any(len(names) > 1 for names in dims.values()):
        return "units_differ"
    return None


def _side_units(side: str) -> set[str]:
    """The units one side of an "=" names, as bases (a rate's atoms apart; a "$" before a number is dollars)."""
    out = {"dollar"} if "$" in side else set()
    for u in _UNIT_AFTER.finditer(side):
        for atom in re.split(r"\s*/\s*|\s+per\s+", u.group(1).lower()):
            base = _head(_base(atom))
            if base:
                out.add("dollar" if base in ("dollar", "usd") else kind(base))
    return out


# nouns that each count one person, or one animal: "120 boys + 60 girls = 180 students" adds people to people, no
# conversion hides in it (a "couple", a "family", a "team", "legs" count otherwise and are none of these)
_KINDS = {
    "person": ("boy|girl|student|child|children|kid|people|person|man|men|woman|women|adult|teenager|teen|teacher|"
               "player|member|employee|worker|guest|friend|visitor|passenger|attendee|participant|customer|parent|"
               "classmate|boys|girls|coach|nurse|nurs|volunteer|chaperone|chaperon|athlete|athlet|doctor|patient|"
               "swimmer|dancer|singer|camper|tourist|resident|spectator|sibling|baby|babi|cousin|neighbor|instructor|"
               "tutor|professor|scout|manager|clerk|waiter|waitress|chef|pilot|soldier|officer|artist|musician|son|"
               "daughter|brother|sister|uncle|aunt|nephew|niece|grandchild|grandchildren|grandparent"),
    "animal": "animal|pet|dog|cat|cow|pig|chicken|hen|horse|sheep|goat|duck|rabbit|puppi|kitten",
}
_KIND_OF = {word: name for name, words in _KINDS.items() for word in words.split("|")}


_MEASURES = ("time", "year", "month", "length", "mass", "money", "volume_l")


def measure_word(words: str) -> str:
    """The unit of measure a unit's words open with, the rest saying what is done or counted in it ("hours watching
    TV", "hour reading", "miles driving": hours, miles); ``words`` as they are when they name a unit together
    ("square feet", "fluid ounces") or open with no unit of measure."""
    ws = words.split()
    if len(ws) < 2:
        return words
    first, whole = parse_unit(ws[0].lower()), parse_unit(" ".join(ws).lower())
    if first is None or first.dim not in _MEASURES or (whole is not None and whole.dim != "count"):
        return words
    return ws[0]


def kind(noun: str) -> str:
    """The kind a counted noun belongs to ("person" for "boy", "student"; "animal" for "dog"), else the noun."""
    return _KIND_OF.get(noun, noun)


def _head(base: str) -> str:
    """The noun a unit's words name: ``red balloon`` and ``balloon`` count one kind of thing (``15 red balloons + 6
    green balloons = 21 balloons``), ``ounces of sugar`` counts ounces."""
    lead = base.split(" of ")[0]
    measure = measure_word(lead)
    if measure != lead:
        return _base(measure)  # "hours watching tv", "hour reading": both hours
    words = lead.split()
    return words[-1] if words else base


def _base(unit: str) -> str:
    """A unit's words without ``sq``/``square``/``cubic``, a note in parentheses and a final plural ``s``: ``sq ft``
    and ``ft`` are one."""
    u = re.sub(r"^(?:sq\.?|square|cubic|cu\.?)\s+", "", _NOTE_TEXT.sub("", unit).lower().strip())
    return re.sub(r"(?<=[a-z]{2})(?:es|s)$", "", unit_name(u))


def unit_name(unit: str) -> str:
    """A unit's text without what it is for or from (``lbs for adults``: lbs) and a final ``each`` (``2 tires
    each``: tires, one lot per item of the other factor)."""
    return _EACH_AFTER.sub("", QUALIFIED.sub("", " " + unit).strip())


_EACH_AFTER = re.compile(r"(?:^|\s+)each$")
