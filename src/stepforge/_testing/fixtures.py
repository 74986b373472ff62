"""pytest fixtures for tests that talk to a real OpenAI-protocol server on loopback (import them in a conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def math_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One offline math run (60 traces, seed 7) made by the CLI, shared by the tests that read its files."""
    from stepforge._testing.cli import run_cli

    out = tmp_path_factory.mktemp("run") / "math"
    res = run_cli("generate", "--domain", "math", "--count", "60", "--seed", "7", "--out", str(out), "--no-progress")
    assert res.returncode == 0, res.stderr
    return out
