"""The verifier as synthesis needs it: (gold, pred) -> equal?, None when it cannot tell."""

from __future__ import annotations


def math_check(gold: str, pred: str) -> bool | None:
    """Hard-limited math answer check (``equal`` -> True, ``not_equal`` -> False, otherwise None)."""
    from stepforge.verifiers.math import check_answer

    return {"equal": True, "not_equal": False}.get(check_answer(gold, pred).verdict)
