"""The locating checks read the same stated sides again and again (every earlier value, for each refuted claim):
each side's value is worked out once, and two numbers are compared as numbers (issue 11's labelling speed)."""

from __future__ import annotations

import sympy

from stepforge.labeling import locate


def test_a_stated_value_is_read_once(monkeypatch):
    calls = []
    parse = locate.parse_math
    monkeypatch.setattr(locate, "parse_math", lambda tex, pol: calls.append(tex) or parse(tex, pol))
    locate._value_of.cache_clear()
    assert locate._value(r"\frac{3}{4} + 17") == locate._value(r"\frac{3}{4} + 17") == sympy.Rational(71, 4)
    assert calls == [r"\frac{3}{4} + 17"]
    # a side that is no scalar has no value, every time; a reader failure is not remembered
    assert locate._value("(1, 2)") is None and locate._value("(1, 2)") is None
    assert locate._value(r"\frac{") is None and locate._value(r"\frac{") is None
    assert calls.count(r"\frac{") == 2


def test_numbers_are_compared_without_expanding(monkeypatch):
    def no_expand(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("expand called on two numbers")

    monkeypatch.setattr(locate.sp, "expand", no_expand)
    assert locate._same(sympy.Rational(6, 4), sympy.Rational(3, 2))
    assert not locate._same(sympy.Integer(5), sympy.Rational(11, 2))
