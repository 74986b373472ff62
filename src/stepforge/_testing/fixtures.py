"""pytest fixtures for tests that talk to a real OpenAI-protocol server on loopback (import them in a conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stepforge._testing.openai_server import ServerProcess


@pytest.fixture(scope="session")
def _server_process() -> Iterator[ServerProcess]:
    with ServerProcess() as s:
        yield s


@pytest.fixture
def server(_server_process: ServerProcess) -> ServerProcess:
    """The loopback server, reset (default behaviour, empty log) for every test."""
    _server_process.reset()
    return _server_process
