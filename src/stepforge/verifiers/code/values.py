"""Plain values from the sandbox: decode the tagged records (exact types only) and compare in the parent."""

from __future__ import annotations

import math
from typing import Any

_MAX_NODES = 200_000


class BadValue(ValueError):
    """The sandbox sent something that is not a well-formed tagged value."""


def decode(tagged: Any, _budget: list[int] | None = None, _depth: int = 0) -> Any:
    """Rebuild a value from ``["i", "5"]``-style tags; anything unexpected raises ``BadValue``."""
    budget = _budget if _budget is not None else [_MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0 or _depth > 80:
        raise BadValue("value too large or too deep")
    if type(tagged) is not list or not tagged or type(tagged[0]) is not str:
        raise BadValue("not a tagged value")
    tag, rest = tagged[0], tagged[1:]
    try:
        if tag == "n" and not rest:
            return None
        if tag == "B" and len(rest) == 1 and type(rest[0]) is bool:
            return rest[0]
        if tag == "i" and len(rest) == 1 and type(rest[0]) is str and len(rest[0]) <= 4300:
            return int(rest[0])
        if tag == "f" and len(rest) == 1 and type(rest[0]) is str and len(rest[0]) <= 40:
            return float(rest[0])
        if tag == "s" and len(rest) == 1 and type(rest[0]) is str:
            return rest[0]
        if tag == "b" and len(rest) == 1 and type(rest[0]) is str:
            return bytes.fromhex(rest[0])
        if tag == "c" and len(rest) == 2 and all(type(x) is str and len(x) <= 40 for x in rest):
            return complex(float(rest[0]), float(rest[1]))
        if tag in ("l", "t", "S", "F") and len(rest) == 1 and type(rest[0]) is list:
            items = [decode(x, budget, _depth + 1) for x in rest[0]]
            return {"l": list, "t": tuple, "S": set, "F": frozenset}[tag](items)
        if tag == "d" and len(rest) == 1 and type(rest[0]) is list:
            out = {}
            for pair in rest[0]:
                if type(pair) is not list or len(pair) != 2:
                    raise BadValue("bad dict item")
                out[decode(pair[0], budget, _depth + 1)] = decode(pair[1], budget, _depth + 1)
            return out
    except (TypeError, ValueError, OverflowError) as exc:  # unhashable keys, bad numbers
        if isinstance(exc, BadValue):
            raise
        raise BadValue(f"bad {tag!r} value") from None
    raise BadValue(f"unknown tag {tag!r}")


def equal(got: Any, expected: Any, *, tol: float | None = None, numeric_types: str = "loose") -> bool:
    """Exact-type structural equality, evaluated in the trusted parent.

    ``bool`` never equals ``int``; list and tuple differ (as in Python); NaN equals nothing. With
    ``numeric_types="loose"`` an ``int`` and a ``float`` of equal value match (Python's ``1 == 1.0``);
    ``"strict"`` demands the same numeric type. ``tol`` compares floats within an absolute/relative bound.
    """
    tg, te = type(got), type(expected)
    if tg is bool or te is bool:
        return tg is te and got == expected
    if tg in (int, float) and te in (int, float):
        if tg is not te and numeric_types == "strict":
            return False
        if tg is float and not math.isfinite(got) or te is float and not math.isfinite(expected):
            return tg is te and got == expected  # inf == inf; NaN never
        if tol is not None:
            return abs(got - expected) <= tol * max(1.0, abs(expected))
        return got == expected
    if tg is not te:
        return False
    if tg is complex:
        return got == expected
    if tg in (list, tuple):
        return len(got) == len(expected) and all(
            equal(a, b, tol=tol, numeric_types=numeric_types) for a, b in zip(got, expected)
        )
    if tg is dict:
        if len(got) != len(expected):
            return False
        for k, v in expected.items():
            if k not in got or not equal(got[k], v, tol=tol, numeric_types=numeric_types):
                return False
        return all(type(k) is type(k2) for k, k2 in zip(sorted(got, key=repr), sorted(expected, key=repr)))
    if tg in (set, frozenset):
        return got == expected and {type(x) for x in got} == {type(x) for x in expected}
    return got == expected  # None, str, bytes


def plain(value: Any, _depth: int = 0) -> bool:
    """True when ``value`` is built only from exact plain types (what may cross the channel)."""
    if _depth > 80:
        return False
    t = type(value)
    if value is None or t in (bool, int, float, str, bytes, complex):
        return True
    if t in (list, tuple, set, frozenset):
        return all(plain(v, _depth + 1) for v in value)
    if t is dict:
        return all(plain(k, _depth + 1) and plain(v, _depth + 1) for k, v in value.items())
    return False
