"""Runs end to end: the CLI in fresh interpreters (as a user runs it) and the Python API, against the loopback
OpenAI-protocol server where a model is needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stepforge._testing.fixtures import _server_process, server  # noqa: F401 - fixtures
from stepforge.schema import json_from_wire

ROOT = Path(__file__).resolve().parents[2]
SRC = str(ROOT / "src")


def run_cli(*args: str, timeout: float = 300, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    """The real console entry point in a fresh interpreter, as a user runs it (no API key in the environment)."""
    full = {**os.environ, "PYTHONPATH": SRC, **(env or {})}
    full.pop("OPENAI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True,
                          timeout=timeout, env=full, **kw)


def content_key(path: Path) -> list:
    """What must not change between runs of the same seed: ids, prompts, steps, labels."""
    out = []
    for line in path.read_text().splitlines():
        r = json.loads(line)
        out.append((r["id"], r["task"]["prompt"], [(s["text"], s["label"]) for s in r["steps"]],
                    r["first_error_index"], r["outcome"]["correct"]))
    return out


VOLATILE = {"seconds", "wall_s", "created_at", "command"}


def stable(x):  # noqa: ANN001, ANN201
    """A record without what may differ between two runs of the same seed (timings, creation time)."""
    if isinstance(x, dict):
        return {k: stable(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list):
        return [stable(v) for v in x]
    return x


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


def records(path: Path) -> list[dict]:
    """A run file's records as nested dicts (trace lines hold their free-form parts as JSON text)."""
    return [json_from_wire(json.loads(line)) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture(scope="session")
def math_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "math"
    res = run_cli("generate", "--domain", "math", "--count", "60", "--seed", "7", "--out", str(out), "--no-progress")
    assert res.returncode == 0, res.stderr
    return out
