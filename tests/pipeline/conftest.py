"""Runs end to end: the CLI in fresh interpreters (as a user runs it) and the Python API, against the loopback
OpenAI-protocol server where a model is needed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from stepforge._testing.cli import SRC, content_key, records, run_cli, stable  # noqa: F401 - used by the tests
from stepforge._testing.fixtures import _server_process, math_run, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]


def kill_and_resume(args: list[str], out: Path, kill_at: tuple[int, ...]) -> subprocess.CompletedProcess:
    """Run ``stepforge ARGS --out OUT``, SIGKILL it once traces.jsonl has each of ``kill_at`` lines (resuming after
    the first), then finish it with ``--resume``."""
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [sys.executable, "-m", "stepforge", *args, "--out", str(out)]
    for n in kill_at:
        proc = subprocess.Popen(cmd + (["--resume"] if (out / "run.json").exists() else []), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            p = out / "traces.jsonl"
            if p.exists() and p.read_bytes().count(b"\n") >= n:
                break
            time.sleep(0.01)
        proc.kill()
        proc.wait(30)
    return run_cli(*args, "--out", str(out), "--resume")
