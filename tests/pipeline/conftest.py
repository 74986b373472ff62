"""Runs end to end: the CLI in fresh interpreters (as a user runs it) and the Python API, against the loopback
OpenAI-protocol server where a model is needed."""

from __future__ import annotations

from pathlib import Path

from stepforge._testing.cli import SRC, content_key, records, run_cli, stable  # noqa: F401 - used by the tests
from stepforge._testing.fixtures import _server_process, math_run, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
