"""Units written after (or currency before) a number: recognised, normalised and compared, never just dropped.

A unit has a dimension and a factor to the dimension's base (``km`` is length x1000), so ``500 cm`` equals
``5 m`` and ``5 km`` does not. A count noun (``12 students``) is kept as written and never decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

F = Fraction


@dataclass(frozen=True)
class Unit:
    """``dim`` is the dimension (``length``, ``area``...; ``count`` for a noun), ``factor`` to its base."""

    name: str
    dim: str
    factor: Fraction = F(1)


_LENGTH = {"mm": F(1, 1000), "millimeter": F(1, 1000), "millimetre": F(1, 1000), "cm": F(1, 100), "centimeter": F(1, 100),
           "centimetre": F(1, 100), "m": F(1), "meter": F(1), "metre": F(1), "km": F(1000), "kilometer": F(1000),
           "kilometre": F(1000), "in": F(254, 10000), "inch": F(254, 10000), "inches": F(254, 10000),
           "ft": F(3048, 10000), "foot": F(3048, 10000), "feet": F(3048, 10000), "yd": F(9144, 10000),
           "yard": F(9144, 10000), "mi": F(1609344, 1000), "mile": F(1609344, 1000)}
_MASS = {"mg": F(1, 10**6), "milligram": F(1, 10**6), "g": F(1, 1000), "gram": F(1, 1000), "kg": F(1), "kilogram": F(1),
         "lb": F(45359237, 10**8), "lbs": F(45359237, 10**8), "pound": F(45359237, 10**8),
         "oz": F(28349523125, 10**12), "ounce": F(28349523125, 10**12), "ton": F(1000), "tonne": F(1000)}
_TIME = {"s": F(1), "sec": F(1), "second": F(1), "min": F(60), "minute": F(60), "h": F(3600), "hr": F(3600),
         "hour": F(3600), "day": F(86400), "week": F(604800)}
_VOLUME = {"ml": F(1, 1000), "milliliter": F(1, 1000), "millilitre": F(1, 1000), "l": F(1), "liter": F(1), "litre": F(1),
           "gallon": F(3785411784, 10**9), "cc": F(1, 1000)}
_MONEY = {"dollar": F(1), "cent": F(1, 100), "usd": F(1)}
_OTHER = {"euro": ("euro", F(1)), "eur": ("euro", F(1)), "pound sterling": ("gbp", F(1)), "rupee": ("inr", F(1)),
          "yuan": ("cny", F(1)), "yen": ("jpy", F(1)), "year": ("year", F(1)), "month": ("month", F(1)),
          "degree": ("angle", F(1)), "radian": ("radian", F(1)), "mph": ("speed", F(1609344, 3600000)),
          "kph": ("speed", F(1000, 3600)), "percent": ("percent", F(1))}
_SPEED = {"m/s": F(1), "km/h": F(1000, 3600), "km/hr": F(1000, 3600), "kmph": F(1000, 3600), "mi/h": F(1609344, 3600000),
          "miles per hour": F(1609344, 3600000), "km per hour": F(1000, 3600), "kilometers per hour": F(1000, 3600),
          "ft/s": F(3048, 10000), "feet per second": F(3048, 10000), "meters per second": F(1)}

_TABLE: dict[str, tuple[str, Fraction]] = {}
for _d, _t in (("length", _LENGTH), ("mass", _MASS), ("time", _TIME), ("volume", _VOLUME), ("money", _MONEY), ("speed", _SPEED)):
    for _k, _v in _t.items():
        _TABLE[_k] = (_d, _v)
_TABLE.update(_OTHER)
_SQUARE = {"square units": ("area", F(1)), "sq units": ("area", F(1)), "sq. units": ("area", F(1)), "units squared": ("area", F(1)),
           "units^2": ("area", F(1)), "unit^2": ("area", F(1)), "square unit": ("area", F(1)), "sq unit": ("area", F(1)),
           "units^3": ("volume_u", F(1)), "cubic unit": ("volume_u", F(1)),
           "cubic units": ("volume_u", F(1)), "units": ("unit", F(1)), "unit": ("unit", F(1))}

_NEGATION = {"not", "no", "never", "none", "isn't", "isnt", "cannot", "wrong", "incorrect", "maybe", "possibly", "or",
             "and", "approximately", "about", "is", "are", "was"}
_SCALE_WORDS = {"thousand", "million", "billion", "trillion", "hundred", "dozen"}
_WORD_RE = re.compile(r"^[A-Za-z][A-Za-z'\-]{0,24}$")


def _plural(w: str) -> str:
    if w.endswith("ches") or w.endswith("shes"):
        return w[:-2]
    if w in ("feet", "inches", "lbs", "units", "hours", "mins", "secs"):
        return {"inches": "inch", "hours": "hour", "mins": "min", "secs": "sec"}.get(w, w)
    if w.endswith("s") and len(w) > 2 and w[:-1] in _TABLE:
        return w[:-1]
    return w


def normalise(tail: str) -> str:
    """Unit text without LaTeX wrappers: ``\\text{ cm}^2`` -> ``cm^2``."""
    t = tail.strip()
    t = re.sub(r"\\(?:text|mbox|mathrm|textrm|rm|operatorname)\s*\{([^{}]*)\}", r" \1 ", t)
    t = t.replace("\\,", " ").replace("\\ ", " ").replace("~", " ")
    t = t.replace("²", "^2").replace("³", "^3")
    t = re.sub(r"\^\s*\{\s*(\d)\s*\}", r"^\1", t)
    t = re.sub(r"\s*\^\s*", "^", t)
    t = re.sub(r"\s*/\s*", "/", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t.strip(" .")


def parse_unit(tail: str) -> Unit | None:
    """The unit a text after a number names, or None (not a unit: the caller refuses the text)."""
    t = normalise(tail)
    if not t:
        return None
    low = t.lower()
    if low in _SQUARE:
        d, f = _SQUARE[low]
        return Unit(low, d, f)
    m = re.fullmatch(r"(?:(square|sq\.?|cubic|cu\.?)\s+)?([a-z][a-z /.]*?)(?:\^([23]))?", low)
    if m:
        pre, word, powr = m.group(1), m.group(2).strip(), m.group(3)
        base = word if word in _TABLE else _plural(word)
        if base not in _TABLE and word.endswith("s") and word[:-1] in _TABLE:
            base = word[:-1]
        if base in _TABLE:
            dim, factor = _TABLE[base]
            n = 2 if (pre and pre.startswith(("square", "sq"))) or powr == "2" else 3 if (pre and pre.startswith("cu")) or powr == "3" else 1
            if n > 1:
                if dim != "length":
                    return None
                return Unit(f"{base}^{n}", "area" if n == 2 else "volume_l", factor**n)
            return Unit(base, dim, factor)
    # a count noun: "12 students", "3 red apples"
    words = t.split()
    if (1 <= len(words) <= 2 and all(_WORD_RE.match(w) and len(w) > 1 for w in words)
            and not any(w.lower() in _NEGATION or w.lower() in _SCALE_WORDS for w in words)):
        return Unit(" ".join(w.lower() for w in words), "count")
    return None


def same_quantity(a: Unit | None, b: Unit | None) -> bool | None:
    """Can the two values be compared as they are (None: units of different dimensions, never equal)?"""
    if a is None or b is None or a.dim == "count" or b.dim == "count":
        return True
    if a.dim != b.dim:
        return None
    return True


CURRENCY_PREFIX_RE = re.compile(r"^\s*(?:\\\$|\$|€|£|¥|₹|\\euro|\\pounds|USD|EUR|Rs\.?|US\\\$)\s*")
_CURRENCY_NAME = {"$": "dollar", "\\$": "dollar", "usd": "dollar", "us\\$": "dollar", "€": "euro", "\\euro": "euro", "eur": "euro",
                  "£": "pound sterling", "\\pounds": "pound sterling", "¥": "yen", "₹": "rupee", "rs.": "rupee", "rs": "rupee"}


def currency(prefix: str) -> Unit:
    name = _CURRENCY_NAME.get(prefix.strip().lower(), "dollar")
    dim, factor = _TABLE.get(name, ("money", F(1)))
    return Unit(name, dim, factor)


__all__ = ["CURRENCY_PREFIX_RE", "Unit", "currency", "normalise", "parse_unit", "same_quantity"]
