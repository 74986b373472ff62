"""``carried`` compares each refuted value with every run of consecutive earlier values. It expanded each run's sum
against it: on a long olympiad solution with symbolic values (OlympiadBench obench-246-gen) that took about 1.5 s
idle, the conclusions' whole budget, so whether the refuted step was located (kept apart as carried) or left
unconcluded depended on the machine's load. A run whose value at a fixed point clearly differs is no longer expanded;
what is carried is found as before."""

from __future__ import annotations

import pytest
import sympy as sp

from stepforge.labeling import locate
from stepforge.labeling.locate import carried


def _claims(*cs: tuple[str, str]) -> list[dict]:
    return [{"claim": c, "verdict": v, "rule": "identity" if v == "true" else "not_an_identity"} for c, v in cs]


def test_runs_that_clearly_differ_are_not_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = sp.expand

    def counting(e: object, *a: object, **k: object) -> object:
        calls.append(e)
        return real(e, *a, **k)

    steps = [_claims((f"y_{{{i}}} = (x + {i})^{{3}} - {i} x", "unknown")) for i in range(1, 31)]
    steps.append(_claims(("z = (x + 100)^{3} - 5", "false")))
    monkeypatch.setattr(locate.sp, "expand", counting)
    assert carried(steps, 30) is None
    assert len(calls) < 5  # before: one expansion per run, 465


@pytest.mark.parametrize("earlier,refuted,found", [
    (["A = (x+1)^{2}", "B = 3x - 1"], "C = x^{2} + 5x", [0, 1]),  # a sum of symbolic values, equal once expanded
    (["P = 2y", "Q = x^{2}"], "R = x^{2} + 2y", [0, 1]),  # letters in some values only: each at its own point
    (["S = \\frac{x}{2}", "S' = \\frac{x}{3}"], "T = \\frac{5x}{6}", [0, 1]),
    (["U = \\sqrt{x - 10}"], "V = \\sqrt{x - 10}", [0]),  # complex at the point
    (["W = (x+1)^{2}"], "Z = x^{2} + 2x + 2", None),
])
def test_what_is_carried_is_found_as_before(earlier: list[str], refuted: str, found: list[int] | None) -> None:
    steps = [_claims((c, "unknown")) for c in earlier] + [_claims((refuted, "false"))]
    got = carried(steps, len(earlier))
    assert (got and got["from_steps"]) == found or (got is None and found is None)
