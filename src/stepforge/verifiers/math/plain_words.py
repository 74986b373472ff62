"""Plain-text arithmetic the number-only reader cut short: factorials and combinatorics, powers and operators in words,
and relations written as words between two expressions of numbers.

Found on model-written solutions (MATH- and GSM8K-level, PRMBench, MR-BEN) and on GSM8K's reference solutions: "5! =
120", "C(5, 2) = 10", "2 to the power of 5 is 32", "3 * 4 + 2, which simplifies to 14", "150 divided by 5 equals
30" were unread, so a step whose only computation they were stayed 0.

* An operand (:data:`OPERAND`) may be a factorial (``5!``, ``2! 3!`` side by side is a product), a binomial
  (``C(5, 2)``, ``5C2``, ``binom(5, 2)``) or a count of arrangements (``P(5, 2)``, ``5P2``). ``C(…)`` and
  ``P(…)`` are also how a solution names a function or a point (a cost ``C(5, 2)``, the probability of a roll
  ``P(5, 2)``): a claim with them is confirmed when it holds, and refuted only where the line speaks of choices or
  arrangements and the other side is a count (:func:`function_reading`); else it is neutral
  (``function_or_binomial``). A tight ``5!=120`` may be "5 is not 120": refuted it is neutral
  (``factorial_or_not_equal``).
* Powers and operators in words (:func:`rewrite`): "3 squared", "4 cubed", "2 to the power of 5", "2 raised to the
  5th power" are powers when the base is a number and no noun follows ("9 squared feet" is an area's unit); "12
  plus 13", "12 times 12", "150 divided by 5", "5 minus 2", "3 multiplied by 4" between two numbers are operators,
  and so is "of" after a percent or a fraction ("25% of 80", "3/4 of $20"; "2 of 5" is no product); an operation
  said verb first on two numbers is one too ("multiplying 3 by $22.50", "subtracting 40 from 70", "adding 5 and 7";
  never "multiply both sides by 3");
  after the value a chain states ("8*45 = 360 divided by 5", "= 5 squared") they start the next computation: unread.
* A relation in words (:func:`rewrite`): "equals", "is equal to", "is", "which is", "which simplifies to", "which
  gives (us)", "gives us", "that is", "so we get" between an expression that computes and a value is an "=". Only
  where that is the plain reading: the left side opens a clause ("because 12 plus 13 equals 25"; in "the mean of the
  terms in the sum 6+16+26 is 26" the subject is the noun phrase), it is no part of a whole ("4/7 is equal to $24"),
  dollars are on both sides or neither, the left side is not the end of a chain ("3 + 4 = 7, so we get 14" goes on from
  7 by reasoning no one wrote), the right side is not a chain of its own ("which gives 7 * 2 = 14"), and what
  follows the value is no unit of measure ("1/4 is 15 minutes" converts), no word that scales ("3 pairs") and no
  comparison ("4 x 3 is 2 more than 10"); a noun that counts things may follow ("which equals 15 cookies"). "is"
  between a range's ends ("2010 - 2015 is 5 years") is no subtraction.
* Numbers that carry units: an operator word after a number's unit ("42 miles divided by 3 miles per segment") and a
  relation in words after such an expression ("40% of 200 GB is 80 GB") are read; the units stay in the text for
  :mod:`plain_units`, which never refutes where they may convert. Ordinal words name a power ("2 to the third power").
* A percent said as its decimal ("2.5% becomes 0.025"): confirmed when it holds (:func:`percents_as_decimals`).
* The rest of a whole ("25% don't attend, so 75% do", "1/4 are boys; the remaining 3/4 are girls"): confirmed when
  the two shares make the whole (:func:`complements`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from stepforge.verifiers.math import plain_units
from stepforge.verifiers.math.plain_units import NUM, OP
from stepforge.verifiers.math.units import parse_unit

# a binomial or an arrangement count written with letters and numbers; tried before the number alone ("5C2" is no 5)
_COMB = r"(?:[CP]\(\s*\d+\s*,\s*\d+\s*\)|\d+[CP]\d+(?![\w.])|binom\(\s*\d+\s*,\s*\d+\s*\))"
# a factorial ("5!"; not "5!!", a double factorial); factorials side by side ("2! 3!", "2!3!") are a product
_FACT = r"!(?!!)(?:\s?\d+!(?!!))*"
OPERAND = rf"(?:{_COMB}|{NUM}(?:{_FACT})?)"
# one side of a plain claim as the plain reader reads it (possessive: linear, see steps._PLAIN)
# ... a product may be written by juxtaposition, a number or a group tight against a group ("60 + 2(60)", "(2)(3)")
SIDE = rf"\(*+\s*+-?{OPERAND}(?:(?:\s*+\)*+\s*+{OP}|\)*+(?=\())\s*+\(*+\s*+-?{OPERAND})*"
# put before a plain side that must reach an "=": one within 400 characters ahead (a bounded scan). Without it a long
# run of operands with no "=" after it was searched from each operand to its end (quadratic: "1+1+...+1", 6,000
# characters: 3 s); a longer left side is matched from a later operand and read as cut, as a side after "x+" is
EQUALS_AHEAD = r"(?=[^=\n]{0,400}=)"

_C_FORM = re.compile(r"(?:(?<![A-Za-z])([CP])|binom)\(\s*(\d+)\s*,\s*(\d+)\s*\)")
_NCK = re.compile(r"(?<![\w.])(\d+)([CP])(\d+)(?![\w.])")
_FACTS_SIDE_BY_SIDE = re.compile(r"(\d!)\s?(?=\d+!)")
_FACTS_UNDER_SLASH = re.compile(r"/\s*(\d+!(?!!)(?:\s?\d+!(?!!))+)")
_MAX_N = 1000  # a larger n is not computed here (the value's digits): left as written, then unread


def _comb_latex(kind: str, n: int, k: int) -> str | None:
    if n > _MAX_N:
        return None
    if kind == "P":
        return f"\\frac{{{n}!}}{{{n - k}!}}" if k <= n else None
    return f"\\binom{{{n}}}{{{k}}}"


def to_latex(side: str) -> str:
    """A plain side's combinatorics and factorials as LaTeX (``C(5, 2)`` -> ``\\binom{5}{2}``, ``P(5, 2)`` ->
    ``\\frac{5!}{3!}``, ``2! 3!`` -> ``2! \\cdot 3!``); a form with k > n is left as written (unread, so neutral)."""
    if "(" in side or "C" in side or "P" in side:
        def c_form(m: re.Match) -> str:
            out = _comb_latex(m.group(1) or "C", int(m.group(2)), int(m.group(3)))
            return out if out is not None else m.group(0)

        def nck(m: re.Match) -> str:
            out = _comb_latex(m.group(2), int(m.group(1)), int(m.group(3)))
            return out if out is not None else m.group(0)

        side = _NCK.sub(nck, _C_FORM.sub(c_form, side))
    if "!" in side:
        # "8!/2!6!": factorials side by side after a slash are the denominator (n!/(k!(n-k)!)), not (8!/2!) * 6!
        side = _FACTS_UNDER_SLASH.sub(r"/(\1)", side)
        side = _FACTS_SIDE_BY_SIDE.sub(r"\1 \\cdot ", side)
    return side


# words about choosing or arranging: where C(n, k) and P(n, k) are counts
_COUNTING = re.compile(r"\b(?:choos\w*|chose\w*|combination\w*|binomial\w*|ways?|select\w*|pick\w*|permutation\w*|"
                       r"arrang\w*|orders?|ordered|subsets?|committees?|teams?|groups?)\b", re.I)
_FUNCTION_FORM = re.compile(r"(?<![A-Za-z])[CP]\(\s*\d+\s*,")
_COUNT = re.compile(r"^\s*\(?\s*\d+\s*\)?\s*$")


def function_reading(line: str, raw: str, a: str, b: str) -> str | None:
    """Why a false claim on the plain side ``raw`` (pair ``a = b`` as LaTeX) of ``line`` may be no arithmetic error,
    or None: a ``C(n, k)``/``P(n, k)`` read as a count in a line that does not speak of counting, or against a side
    that is no whole number (a function's value, a probability); a tight ``5!=`` that may be "not equal"."""
    if _FUNCTION_FORM.search(raw):
        other = b if "binom" in a or "frac" in a else a
        if not _COUNTING.search(line) or not _COUNT.match(other):
            return "function_or_binomial"
    if re.search(r"\d!=", raw):
        return "factorial_or_not_equal"
    return None


# powers in words: a number or a group, then squared / cubed / to the power of n / to the n-th power
_BASE = r"(?<![\w.^/])(\d+(?:\.\d+)?|\([^()\n]{1,80}\))"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
             "twelfth")
_POWER_WORDS = re.compile(
    _BASE + r"\s+(?:(squared|cubed)|(?:raised\s+)?to\s+the\s+(?:power\s+(?:of\s+)?(\d+)|(\d+)(?:st|nd|rd|th)\s+power"
    rf"|({'|'.join(_ORDINALS)})\s+power))(?![\w.])", re.I)
# between two numbers, an operator in words
_OPERATOR_WORDS = re.compile(r"(?<=[\d)])\s+(plus|minus|times|multiplied\s+by|divided\s+by)\s+(?=\(?\.?\d)", re.I)
_OPERATOR_OF = {"plus": " + ", "minus": " - ", "times": " * ", "multiplied by": " * ", "divided by": " / "}
# ... and after a number's unit ("48 inches divided by 8 inches", "42 miles divided by 3 miles per segment"): the unit
# stays for the units' reader; never "times" (a count of repeats, "12 times divided by 2")
_OPERATOR_WORD = re.compile(r"plus|minus|multiplied|divided", re.I)
_OPERATOR_AFTER_UNIT = re.compile(rf"(?<=[\d%])([ \t]*{plain_units.UNIT})[ \t]+(plus|minus|multiplied[ \t]+by|"
                                  rf"divided[ \t]+by)[ \t]+(?=\\?\$?\s?\(?\.?\d)", re.I)


def _operator(word: str) -> str:
    """An operator word ("divided  by") as its sign (" / ")."""
    return _OPERATOR_OF[re.sub(r"\s+", " ", word.lower())]


# an operation said verb first, on two numbers: "multiplying 3 by $22.50", "divide 28 by 4", "adding 5 and 7",
# "subtracting 40 from 70" (never "multiply both sides by 3": a number must follow the verb and its preposition)
# An operand may carry its name in parentheses ("Multiply 6 (packages) by $2.50") or be a name with its value in
# parentheses ("multiply the first month's downloads (60) by 3"); a name that labels rather than counts ("equation
# (1)", "step (2)") is no value (:data:`_LABEL_NAME`).
_VERB_OPERAND = (rf"(?:({NUM})(?:\s*\([A-Za-z][A-Za-z ]{{0,24}}\))?"
                 rf"|((?:the\s+)?[A-Za-z][\w'’ -]{{0,40}}?)\s*\(\s*({NUM})\s*\))")
_VERB_FIRST = re.compile(rf"\b(multipl(?:y|ying)|divid(?:e|ing)|add(?:ing)?|subtract(?:ing)?)\s+{_VERB_OPERAND}\s+"
                         rf"(by|and|to|from)\s+{_VERB_OPERAND}(?![\w.,]*\d)", re.I)
_LABEL_NAME = re.compile(r"\b(?:equations?|eqs?|eqn|steps?|lines?|rows?|parts?|cases?|conditions?|inequalit(?:y|ies)|"
                         r"expressions?|formulas?|statements?|sides?|both|figures?|items?|questions?|options?|choices?|"
                         r"rules?|properties|property|facts?|points?)\b", re.I)
# a percent or a fraction "of" a number: a product ("25% of 80 = 20", "3/4 of $20"); "2 of 5" is no product, and
# neither is a percent of a whole stated as a percent ("60% of 100 is 60%": the 100 is 100%, points of a charge)
_PART_OF = re.compile(r"(?<![\w.^/])(\d+(?:\.\d+)?\s?%|\d+/\d+)\s+of\s+(?=\\?\$?\s?\.?\d)"
                      r"(?![^=\n]{0,40}?(?:=|\bis\b|\bequals\b)\s*\d+(?:\.\d+)?\s?%)", re.I)
# a number that a chain states ("8*45 = 360 divided by 5", "100 / 5 = 20 times 2 people"): a word operating on it
# starts the next computation from the result, so it is not part of the chain's last member
_CHAIN_END = re.compile(r"(?:=|≈)\s*\\?\$?\s*-?\s*$")
_NUMBER_BEFORE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*$|\)\s*$")
# where a relation in words may start: the left side opens a clause ("because 12 plus 13 equals 25", "we get 3 * 4 + 2,
# which simplifies to 14"); after a noun or a preposition ("the mean of the terms in the sum 6+16+26 is 26") the
# subject of the relation is that noun phrase, not the expression
_CLAUSE_START = re.compile(r"(?:^|[.:;,(]|\b(?:so|then|thus|hence|therefore|because|since|and|now|we|get|got|have|has|"
                           r"had|is|are|was|were|gives|give|compute|calculate|find|obtain|as|that|which|while|but|"
                           r"also|becomes|yes|here|this)\b)\s*$", re.I)
# the second member of a pair a noun phrase names ("between $x$ and", "the sum of $a$ and", "both $2$ and")
_SECOND_MEMBER = re.compile(r"\b(?:between|of|both|from)\b[^.;:!?]*\band\s*$", re.I)
_TIGHT_FRACTION = re.compile(r"\s*+\(?\s*+\d+/\d+\s*+\)?\s*+")  # possessive blanks: no run read two ways
# the words that may follow the value a relation in words states: the sentence goes on, no noun or comparison
_AFTER_VALUE = re.compile(r"\s*(?:$|[.,;:!?)]|\$|(?:and|so|then|which|since|because|but|therefore|thus|hence|when|"
                          r"where|if|we|this|that|total|altogether|overall)\b|\((?=which|since|because|as\b))", re.I)
# what a value counts, after a product or sum of plain numbers ("3 times 5, which equals 15 cookies"): a noun that
# is no unit of measure (no conversion can hide behind it), no word that scales or compares ("15 dozen", "2 more"),
# with nothing but the sentence's end or a connective after it
_COUNTED_AFTER = re.compile(r"[ \t]++(?!(?:more|less|fewer|times|greater|larger|smaller|bigger|higher|lower|percent|"
                            r"dozens?|pairs?|scores?|hundreds?|thousands?|millions?|billions?|half|halves|quarters?|"
                            r"thirds?|of|than|per|out|each|total|left|remaining|apart|away|ago|old|later|earlier)"
                            r"(?![A-Za-z]))([A-Za-z]{2,})(?=[ \t]*(?:$|[.,;!?)]|(?:and|so|then|which|in|total|"
                            r"altogether|overall)\b))", re.I)



def _counted_after(line: str, at: int) -> bool:
    """What follows a value at ``at`` is a count noun (``_COUNTED_AFTER``, a unit of dimension count or none)."""
    m = _COUNTED_AFTER.match(line, at)
    if m is None:
        return False
    unit = parse_unit(m.group(1))
    return unit is None or unit.dim == "count"


# (from a blank run's start, the run taken whole: tried from each blank and split two ways, a run was cubic)
_CONNECTIVE = re.compile(r"(?<!\s)(?:\s*+,?\s*+\b(?:which\s+simplifies\s+to|which\s+gives(?:\s+us)?|gives\s+us|"
                         r"which\s+equals|equals|equaling|equalling|to\s+get|to\s+give|to\s+obtain|"
                         r"is\s+equal\s+to|that\s+is,?|so\s+we\s+get|which\s+is|is)"
                         r"|\.[ \t]+(?:this|that)\s+(?:equals|gives(?:\s+us)?|is\s+equal\s+to|comes\s+to))\s+", re.I)
# a connective that refers back to the expression just written: a relative clause after a comma ("Cody eats 3 times 5,
# which equals 15"), or a sentence about it ("Multiply 3 by $16.50. This equals $49.50.")
_REFERS_BACK = re.compile(r"^(?:\s*,\s*which|\.[ \t]+(?:this|that))\b", re.I)
# the word before an expression that makes it part of a noun phrase ("the sum of 6 + 16 + 26, which is 48" may say
# what the sum is, or the mean of it): there a relative clause may be about the phrase, not the expression
_IN_NOUN_PHRASE = re.compile(r"\b(?:of|in|on|at|for|from|than|between|and|or|with|about|among|into|per|by|to|the|a|an|"
                             r"sum|product|difference|quotient|mean|average|median|total|terms?|numbers?|digits?|"
                             r"values?|set|sequence|series|list)\s*$", re.I)
_START = r"(?<![\w.,/^}\\$:])"
_LEFT = re.compile(rf"{_START}({SIDE})\s*$")
_UNIT_THEN_OP = re.compile(rf"[A-Za-z)][ \t]*+(?:{OP}|x\s)[ \t(]*+$")
_SIDE_UNITS = rf"\(*+\s*+-?{plain_units.MEMBER}(?:\s*+\)*+\s*+{OP}\s*+\(*+\s*+-?{plain_units.MEMBER})*+"
_LEFT_UNITS = re.compile(rf"{_START}({_SIDE_UNITS})\s*$", re.I)
_RIGHT = re.compile(SIDE)
_RANGE = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*$")
_WINDOW = 160  # the text before a relation word searched for its left side (a plain claim is far shorter)


def _left_side(line: str, start: int, end: int) -> re.Match | None:
    """The expression that ends at ``end`` (where a relation word starts), searched from ``start``: numbers and
    operators, or numbers that carry their units ("42 miles / 3 miles per segment", "25% * 4 points")."""
    before = line[end - 1] if end else ""
    if not before or not (before in "0123456789)!%" or before.isalpha()):
        return None  # no expression ends right before the word (a cheap test before the left side's search)
    found = _LEFT.search(line, start, end) if before in "0123456789)!%" else None
    if before == "!" or not re.search(r"\d[ \t]*+[A-Za-z(]", line[start:end]):
        return found
    if found is not None and not _UNIT_THEN_OP.search(line, max(start, found.start() - 8), found.start()):
        return found  # no unit and operator right before it: the side of numbers is the whole side
    units = _LEFT_UNITS.search(line, start, end)  # "16 glasses / 2": the whole side, not its last number
    return units if units is not None and (found is None or units.start() < found.start()) else found


def _after_chain(line: str, at: int) -> bool:
    """The number (or group) ending at ``at`` is the value a chain states ("= 360 divided by 5")."""
    m = _NUMBER_BEFORE.search(line, max(0, at - 60), at)
    return m is not None and bool(_CHAIN_END.search(line, max(0, m.start() - 8), m.start()))


def _powers(line: str) -> str:
    def power(m: re.Match) -> str:
        after = line[m.end():]
        if _after_chain(line, m.end(1)):
            return m.group(0)  # "3 + 2 = 5 squared = 25": the result squared, a next step
        if re.match(r"\s*[A-Za-z]", after) and not _AFTER_VALUE.match(after) and not _CONNECTIVE.match(after):
            return m.group(0)  # "9 squared feet": a unit's word, not a power
        exp = ({"squared": "2", "cubed": "3"}.get((m.group(2) or "").lower()) or m.group(3) or m.group(4)
               or str(_ORDINALS.index(m.group(5).lower()) + 1))
        return f"{m.group(1)}^{exp}"

    return _POWER_WORDS.sub(power, line)


def _verb_first(m: re.Match) -> str:
    """"multiplying 3 by 22.50" as "multiplying, 3 * 22.50": the operation, after a clause mark (what follows the
    verb is its expression); a verb and preposition that do not pair ("adding 5 by 7") are left as written."""
    verb, prep = m.group(1).lower(), m.group(5).lower()
    if any(name and _LABEL_NAME.search(name) for name in (m.group(3), m.group(7))):
        return m.group(0)  # "multiply equation (1) by 2": a label, not a value
    a, b = m.group(2) or m.group(4), m.group(6) or m.group(8)
    if verb.startswith("multipl") and prep == "by":
        return f"{m.group(1)}, {a} * {b}"
    if verb.startswith("divid") and prep == "by":
        return f"{m.group(1)}, {a} / {b}"
    if verb.startswith("add") and prep in ("and", "to"):
        return f"{m.group(1)}, {b} + {a}" if prep == "to" else f"{m.group(1)}, {a} + {b}"
    if verb.startswith("subtract") and prep == "from":
        return f"{m.group(1)}, {b} - {a}"
    return m.group(0)


def _measure_after(line: str, at: int) -> bool:
    """What follows a value at ``at`` is a unit of measure, then the sentence's end ("which is 7 inches.")."""
    m = _MEASURE_AFTER.match(line, at)
    if m is None:
        return False
    unit = parse_unit(m.group(1))
    return unit is not None and unit.dim != "count"


_MEASURE_AFTER = re.compile(r"[ \t]++([A-Za-z]{2,})(?=[ \t]*(?:$|[.,;!?)]|(?:and|so|then|which|in|tall|long|wide|"
                            r"high|deep|away|old)\b))", re.I)


def rewrite(line: str, computes: Callable[[str], bool], soft: list[int] | None = None) -> str:
    """``line`` with powers and operators in words written as operators and relations in words as "=", where that is
    their plain reading (module docstring). ``computes(side)``: the plain side (as written) computes something.
    ``soft`` (a list): a relation in words whose value a unit of measure follows ("21 divided by 3, which is 7
    inches") is written too, and the offset in the result where its value ends is added here: true, it is
    confirmed; false, it may be a conversion ("24 divided by 2, which is 1 foot"), so the caller makes it neutral."""
    if not re.search(r"[\d)!%]\s+[A-Za-z]|\d,\s", line):
        return line
    line = _powers(line)
    line = _VERB_FIRST.sub(_verb_first, line)
    line = _OPERATOR_WORDS.sub(lambda m: m.group(0) if _after_chain(line, m.start()) else _operator(m.group(1)), line)
    if _OPERATOR_WORD.search(line):  # a cheap test before the units' pattern
        line = _OPERATOR_AFTER_UNIT.sub(lambda m: m.group(0) if _after_chain(line, m.start()) else
                                        m.group(1) + _operator(m.group(2)), line)
    line = _PART_OF.sub(lambda m: m.group(0) if _CHAIN_END.search(line, max(0, m.start() - 8), m.start())
                        else f"{m.group(1)} * ", line)  # "= 25% of 80": the value a chain states, then more
    out, pos = [], 0
    for m in _CONNECTIVE.finditer(line):
        if m.start() <= pos:
            continue
        left = _left_side(line, max(pos, m.start() - _WINDOW), m.start())
        right = _RIGHT.match(line, m.end())
        if left is None or right is None or not re.search(r"\d", right.group(0)) or not computes(
                plain_units.strip_units(left.group(1)) if left.re is _LEFT_UNITS else left.group(1)):
            continue
        if re.search(r"[=<>]\s*$", line[max(0, left.start() - 3):left.start()]):
            continue  # "3 + 4 = 7, so we get 14": the value goes on by reasoning no one wrote
        if re.match(r"\s*\)*\s*[=<>]", line[right.end():]):
            continue  # "which gives 7 * 2 = 14": a chain of its own
        measured = False
        if not (_AFTER_VALUE.match(line, right.end()) or _counted_after(line, right.end())):
            measured = soft is not None and _measure_after(line, right.end())
            if not measured:
                continue  # "is 2 more than", "is 15 minutes" (unless the caller reads a measure softly)
        if not _CLAUSE_START.search(line, max(0, left.start() - 40), left.start()) and not (
                _REFERS_BACK.match(m.group(0)) and not _IN_NOUN_PHRASE.search(line, max(0, left.start() - 40),
                                                                               left.start())):
            continue  # "the mean of the terms in the sum 6+16+26 is 26": the subject is the noun phrase
        if _TIGHT_FRACTION.fullmatch(left.group(1)) or ("$" in left.group(1)) != ("$" in right.group(0)):
            continue  # "4/7 is equal to $24": a part of a whole; dollars on one side only
        word = m.group(0).strip(" ,").lower()
        if word == "is" and (r := _RANGE.match(left.group(1))) and int(r[1]) < int(r[2]):
            continue  # "2010 - 2015 is 5 years": the span of a range
        out.append(line[pos:m.start()])
        out.append(" = ")
        pos = m.end()
        if measured and soft is not None:
            soft.append(sum(map(len, out)) + right.end() - m.end())
    out.append(line[pos:])
    return "".join(out)


# a percent and the decimal it is, said as a conversion ("2.5% becomes 0.025", "85% is 0.85", "8.5% or 0.085", "20% =
# 0.2"); a percent of something ("25% of 4 is 1") or a value said of it ("20% is 10 students") is no conversion
_PERCENT_AS_DECIMAL = re.compile(
    r"(?<![\w.$,])(\d+(?:\.\d+)?)\s?%\s*(?:=|,?\s*(?:which\s+)?(?:becomes|is|equals|is\s+equal\s+to|or|"
    r"as\s+a\s+decimal\s+is|in\s+decimal\s+form\s+is|converts\s+to|is\s+written\s+as)(?![\w]))\s*"
    r"(\d*\.\d+|\d+)(?![\w%]|[.,]\d|\s*%)", re.I)


def percents_as_decimals(line: str) -> list[tuple[str, str]]:
    """The conversions of a percent to a decimal in ``line`` that hold ("2.5% becomes 0.025": ``("2.5", "0.025")``).
    One that does not hold is left unread: "20% is 0.5" may say what a share of something is."""
    if "%" not in line:
        return []
    return [(m[1], m[2]) for m in _PERCENT_AS_DECIMAL.finditer(line) if Fraction(m[1]) / 100 == Fraction(m[2])]


#: a share of a whole: a percent or a fraction of two whole numbers ("25%", "3/4"), never a ratio's member or a date
_SHARE = re.compile(r"(?<![\w.$,/:])(?:(\d+(?:\.\d+)?)\s?%|(\d{1,3})\s?/\s?(\d{1,3})(?![\d/:]|[.,]\d|\s?%))")
#: words that say the second share is the rest of the whole (or that the first is taken away)
_REST = re.compile(r"\b(?:remaining|remainder|rest|others?|left|leaving|leaves|not|no\s+longer|never|off|"
                   r"discount(?:ed)?|except|without)\b|n't\b", re.I)
#: words that draw a consequence: the rest only between two different shares ("so 1/2 a bottle x 16" repeats one)
_SO = re.compile(r"\b(?:so|means|meaning|thus|therefore|hence)\b", re.I)
#: after the second share: it changes a quantity ("70% more") or is a share of a part ("75% of the rest")
_NOT_REST_AFTER = re.compile(r"\s*(?:more|less|fewer|higher|lower|greater|smaller|larger|bigger|increase|decrease|"
                             r"extra|again|of\s+(?:the\s+|those\s+|these\s+)?(?:remaining|rest|remainder|others))\b",
                             re.I)
_MAX_REST_WORDS = 16
#: the rest first, then why: "75% of the original price, since a 25% discount was applied"
_BECAUSE = re.compile(r"\b(?:since|because|as|after|given|due\s+to)\b", re.I)
_TAKEN_OFF_AFTER = re.compile(r"\s*(?:discount(?:ed)?|off|reduction)\b", re.I)


def complements(line: str) -> list[tuple[Fraction, Fraction]]:
    """The shares of ``line`` said to be the rest of a whole ("25% of the guests don't attend, so 75% do": ``(1/4,
    3/4)``) that hold: two shares next to each other (no number between, a few words apart) joined by words of the
    rest ("remaining", "don't"; "so" between two different shares; the rest first, then "since" and a share taken off,
    "75% of the price, since a 25% discount"), making the whole. A pair that does not make it is
    left unread ("3/4 are occupied, so 1/3 is not" is wrong, but the second share may be of something else): confirmed
    only, never refuted."""
    if "%" not in line and "/" not in line:
        return []
    shares = []
    for m in _SHARE.finditer(line):
        v = Fraction(m[1]) / 100 if m[1] else Fraction(int(m[2]), int(m[3])) if int(m[3]) else None
        if v is not None and 0 < v < 1:
            shares.append((m, v))
    out = []
    for (a, va), (b, vb) in zip(shares, shares[1:]):
        between = line[a.end():b.start()]
        if (va + vb == 1 and not re.search(r"\d", between) and len(between.split()) <= _MAX_REST_WORDS
                and (_REST.search(between) or (va != vb and _SO.search(between))
                     or (va != vb and _BECAUSE.search(between) and _TAKEN_OFF_AFTER.match(line, b.end())))
                and not _NOT_REST_AFTER.match(line, b.end())):
            out.append((va, vb))
    return out


_CONNECTIVE_ALONE = re.compile(r"\s*+,?\s*+(?:which\s+simplifies\s+to|which\s+gives(?:\s+us)?|gives\s+us|equals|"
                               r"is\s+equal\s+to|that\s+is,?|so\s+we\s+get|which\s+is|is)\s*$", re.I)
_TEX_RELATION = re.compile(r"[=<>]|\\(?:le|ge|leq|geq|lt|gt|ne|neq|approx|equiv|sim|leqslant|geqslant|to|implies|"
                           r"Rightarrow|iff)(?![a-zA-Z])")
_TEX_COMPUTES = re.compile(r"[-+*/^!]|\\(?:cdot|times|div|frac|dfrac|tfrac|sqrt|binom)(?![a-zA-Z])")
# the commands of a formula of numbers only; any other (\\sin 30: radians or degrees?, \\text, \\circ) is not read
_TEX_ARITHMETIC = re.compile(r"\\(?:cdot|times|div|frac|dfrac|tfrac|sqrt|binom|left|right)(?![a-zA-Z])|\\[,;!]")


def joined_in_words(before: str, left: str, between: str, right: str, after: str, wider: str = "") -> str | None:
    """``left = right`` when two math segments are joined by a relation in words ("$3 \\cdot 4 + 2$, which simplifies
    to $14$"), or None: both of numbers only (a letter's value may be a case, a supposition), neither a relation of
    its own, the left one computing, opening a clause (``before``: the prose before it), and no noun or comparison
    after the right one (``after``: the text after it), and the left one not the second member of a pair a noun phrase
    names (``wider``: the text before it, earlier formulas included)."""
    if not _CONNECTIVE_ALONE.match(between) or not _AFTER_VALUE.match(after):
        return None
    if not _CLAUSE_START.search(before[-40:]) or ("\\$" in left) != ("\\$" in right):
        return None
    if _SECOND_MEMBER.search((wider or before)[-80:]):
        return None  # "the distance between $x$ and $\\sqrt[5]{16}$ is $3$": the subject is the whole noun phrase
    for side in (left, right):
        if _TEX_RELATION.search(side) or re.search(r"[A-Za-z]", _TEX_ARITHMETIC.sub(" ", side)):
            return None
        if not re.search(r"\d", side):
            return None
    if not _TEX_COMPUTES.search(left.strip().lstrip("-")):
        return None
    return f"{left.strip()} = {right.strip()}"
