"""A real OpenAI-protocol server on loopback, started once per session and reset for every test."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from fractions import Fraction

import pytest

from stepforge._testing.openai_server import ServerProcess


@pytest.fixture(scope="session")
def _server_process() -> Iterator[ServerProcess]:
    with ServerProcess() as s:
        yield s


@pytest.fixture
def server(_server_process: ServerProcess) -> ServerProcess:
    _server_process.reset()
    return _server_process


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
