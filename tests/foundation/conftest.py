from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """The real console entry point in a fresh interpreter, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, **kw)


def content_key(path: Path) -> list:
    """What must not change between runs of the same seed: ids, prompts, steps, labels."""
    out = []
    for line in path.read_text().splitlines():
        r = json.loads(line)
        out.append((r["id"], r["task"]["prompt"], [(s["text"], s["label"]) for s in r["steps"]],
                    r["first_error_index"], r["outcome"]["correct"]))
    return out


@pytest.fixture(scope="session")
def math_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "math"
    res = run_cli("generate", "--domain", "math", "--count", "60", "--seed", "7", "--out", str(out), "--no-progress")
    assert res.returncode == 0, res.stderr
    return out
