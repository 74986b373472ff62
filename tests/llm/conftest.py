"""A real OpenAI-protocol server on loopback, started once per session and reset for every test."""

from __future__ import annotations

import asyncio
from fractions import Fraction

from stepforge._testing.fixtures import _server_process, server  # noqa: F401 - fixtures


def run(coro):  # noqa: ANN001, ANN201 - a tiny helper for async code in sync tests
    return asyncio.run(coro)


def exact_check(gold: str, pred: str | None) -> bool | None:
    """A test-local exact rational comparison (the real math verifier is tested elsewhere)."""
    if pred is None:
        return None
    try:
        return Fraction(gold) == Fraction(pred)
    except (ValueError, ZeroDivisionError):
        return None
