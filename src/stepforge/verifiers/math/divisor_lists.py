"""A number's divisors listed in words: "The factors of 18 are 1, 2, 3, 6, 9, and 18.", "the proper divisors of 284
are 1, 2, 4, 71, and 142", "The prime factors of 60 are 2, 3 and 5."

Number theory solutions state such lists in prose, so the step checker read nothing in them, and a divisor missed or
made up (the divisors of 1978 listed as 1, 2, 43, 46, 94, 215, 989, 1978) went unseen. A list is read only where it
claims to be the whole set: "the" before it, opening a sentence or a clause ("the integers from 1-9 that are
divisors of 24,516 are ...", "some of the factors of 18 are ..." name a part), no qualifier but "positive",
"integer", "proper" or "prime", every member a positive whole number, at least two of them, written with a comma and
a space, and the list ends the clause (a number after it, or a pair "(1, 28)", leaves it unread). The claim is true
when the members are exactly the set named, else false.

A greatest common divisor or least common multiple stated in words ("the greatest common divisor of 14 and 100 is 2",
"the LCM of 5 and 2, which is 10") is read here too (:func:`common_claims`): plain whole numbers right after "of",
the value right after the relation word, nothing but punctuation after it.
"""

from __future__ import annotations

import math
import re

_MAX_N = 10**9  # larger numbers are not factored here: left unread
_MAX_LISTS = 20  # lists read in one step (each factored by trial division up to its square root)
_WINDOW = 1500  # the text after a list's head searched for it (linear on any text: a list is far shorter)
_NUM = r"\d{1,3}(?:,\d{3})+(?![\d,]\d)|\d+"
_ITEM = re.compile(rf"\s*({_NUM})(?!\d|[.,]\d)\s*")
# "the (positive) (proper|prime) divisors of N are": a few words before the kind, bounded (linear on any run)
_LIST_HEAD = re.compile(
    r"\b(?:all\s+)?the\s+(?P<kind>(?:(?:positive|integer|whole[- ]number|proper|prime)"
    r"\s+){0,3}(?:divisors|factors))\s+of\s+\$?\\?\(?\s*(?P<n>" + _NUM + r")\s*\\?\)?\$?\s+(?:are|is|would\s+be)\s*:?",
    re.I)
# a list's separator: a comma and a space ("1,2,3" written tight may hold a grouped "1,978": left unread), or "and"
_SEP = re.compile(r"\s*(?:,\s+(?:and\s+)?|\band\b\s*)", re.I)
# what may come right before "the divisors of N are": the start of a sentence or clause, or a word that opens one
_OPENS = re.compile(r"(?:^|[.:;!?\n(]|\b(?:so|thus|hence|therefore|then|now|and|since|because|as|that|where|while|but|"
                    r"first|next|also|verify|see|know|recall|note|find|get|list),?)\s*\**\s*$", re.I)


def _divisors(n: int) -> list[int]:
    small, large, d = [], [], 1
    while d * d <= n:
        if n % d == 0:
            small.append(d)
            if d * d != n:
                large.append(n // d)
        d += 1
    return small + large[::-1]


def _expected(kind: str, n: int) -> set[int]:
    divs = _divisors(n)
    kind = kind.lower()
    if "prime" in kind:
        return {d for d in divs if d > 1 and all(d % p for p in range(2, int(d ** 0.5) + 1))}
    if "proper" in kind:
        return {d for d in divs if d != n}
    return set(divs)


def _members(text: str) -> list[int] | None:
    """The whole numbers of a list that opens ``text`` (math delimiters removed) and ends its clause, or None."""
    text = re.sub(r"\\[()\[\]]|\$", " ", text)
    if text.lstrip().startswith("("):
        return None  # pairs, "(1, 28), (2, 14)": another claim
    items: list[int] = []
    pos = 0
    while True:
        m = _ITEM.match(text, pos)
        if m is None:
            return None
        items.append(int(m.group(1).replace(",", "")))
        pos = m.end()
        sep = _SEP.match(text, pos)
        if sep is None or not _ITEM.match(text, sep.end()):
            break
        pos = sep.end()
    rest = text[pos:]
    if (len(items) < 2 or not re.match(r"\s*(?:$|[.;:!?,\n])", rest)
            or re.match(r"\s*(?:,\s*(?:and\s+)?|and\s+)[\s\d(.-]", rest, re.I)):
        return None  # one number, or the list goes on in another form ("and 5 of them", "(six factors)", "= ...")
    return items


def claims(text: str) -> list[tuple[str, bool, str]]:
    """The divisor lists ``text`` states, each checked exactly (module docstring): (claim, holds, detail)."""
    out: list[tuple[str, bool, str]] = []
    if "divisors" not in text.lower() and "factors" not in text.lower():
        return out
    for m in _LIST_HEAD.finditer(text):
        if not _OPENS.search(text, max(0, m.start() - 40), m.start()):
            continue  # "The integers from 1-9 that are divisors of ...", "some of the factors of ...": a part
        n = int(m.group("n").replace(",", ""))
        if not 1 <= n <= _MAX_N:
            continue
        members = _members(text[m.end():m.end() + _WINDOW])
        if members is None or len(set(members)) != len(members):
            continue
        want = _expected(m.group("kind"), n)
        got = set(members)
        claim = f"{m.group('kind').lower()} of {n} = {{{', '.join(str(x) for x in members)}}}"
        missing, extra = sorted(want - got), sorted(got - want)
        out.append((claim, got == want, "" if got == want else f"missing {missing}, extra {extra}"))
        if len(out) >= _MAX_LISTS:
            break
    return out


# "the greatest common divisor of 14 and 100 is 2", "the LCM of 5 and 2 is 10", "the least common multiple of 2, 3,
# and 4, which is 12": the operands plain whole numbers right after "of", the value right after the relation word
_GCD_NUM = rf"(?>\$?(?:{_NUM})\$?)"  # atomic: a number is read one way only
_GCD = re.compile(
    r"\b(?P<kind>greatest\s+common\s+(?:divisor|factor)|highest\s+common\s+factor|gcd|hcf|"
    r"least\s+common\s+multiple|lowest\s+common\s+multiple|lcm)(?:\s*\(\s*(?:gcd|lcm|hcf)\s*\))?\s+of\s+"
    rf"(?P<nums>(?>{_GCD_NUM}(?:,[ \t]*+{_GCD_NUM})*+),?[ \t]++and[ \t]++{_GCD_NUM})[ \t]*+,?[ \t]*+"
    r"(?:is|=|equals|which\s+is|would\s+be)\s+"
    r"\$?\s*(?P<v>\d{1,3}(?:,\d{3})+|\d+)(?!\d|[.,]\d)\s*\$?(?!\s*[A-Za-z%(^*/+\-\\=×·!])", re.I)
_GCD_MAX = 10**12


def common_claims(text: str) -> list[tuple[str, bool, str]]:
    """The greatest common divisors and least common multiples of whole numbers ``text`` states in words, each
    computed exactly: (claim, holds, detail). A unit or an operation after the value ("is 10 minutes", "is 6 times")
    leaves it unread."""
    out: list[tuple[str, bool, str]] = []
    low = text.lower()
    if not any(w in low for w in ("common", "gcd", "lcm", "hcf")):
        return out
    for m in _GCD.finditer(text):
        nums = [int(x.replace(",", "")) for x in re.findall(_NUM, m.group("nums"))]
        value = int(re.sub(r"[^\d]", "", m.group("v")))
        if len(nums) < 2 or not all(0 < n <= _GCD_MAX for n in nums) or value > _GCD_MAX ** 2:
            continue
        kind = m.group("kind").lower()
        lcm = "multiple" in kind or kind == "lcm"
        want = math.lcm(*nums) if lcm else math.gcd(*nums)
        name = "lcm" if lcm else "gcd"
        claim = f"{name}({', '.join(map(str, nums))}) = {value}"
        out.append((claim, want == value, "" if want == value else f"{name}({', '.join(map(str, nums))}) is {want}"))
        if len(out) >= _MAX_LISTS:
            break
    return out


__all__ = ["claims", "common_claims"]
