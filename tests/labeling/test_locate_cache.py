"""The locating checks compare the same values again and again: ``expand(a - b) == 0`` is computed once per pair
(and per type: ``2 == Integer(2)``), a failure is never remembered, and the answer is the same as computed."""

from __future__ import annotations

import pytest
import sympy as sp

from stepforge.labeling import locate


def test_same_expands_a_pair_once(monkeypatch: pytest.MonkeyPatch) -> None:
    x = sp.Symbol("x_cache_test")
    calls = []
    real = sp.expand

    def counting(e: object, *a: object, **k: object) -> object:
        calls.append(e)
        return real(e, *a, **k)

    monkeypatch.setattr(locate.sp, "expand", counting)
    a, b = (x + 1) ** 2, x ** 2 + 2 * x + 1
    assert locate._same(a, b) and locate._same(a, b)
    assert not locate._same(a, x ** 2 + 1) and not locate._same(a, x ** 2 + 1)
    assert len(calls) == 2
    assert locate._same(sp.Integer(3), sp.Integer(3)) and not locate._same(sp.Float(3.5), sp.Integer(3))


def test_a_failure_is_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    y = sp.Symbol("y_cache_test")
    real = sp.expand
    fail = [True]

    def flaky(e: object, *a: object, **k: object) -> object:
        if fail[0]:
            raise RecursionError
        return real(e, *a, **k)

    monkeypatch.setattr(locate.sp, "expand", flaky)
    assert not locate._same(y * (y + 1), y ** 2 + y)
    fail[0] = False
    assert locate._same(y * (y + 1), y ** 2 + y)
