from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stepforge.datasets.io import read_traces
from stepforge.pipeline import RunConfig, run
from stepforge.schema import Trace

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"  # in-repo copies (tests/data): a fresh clone has them
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"  # where they were copied from


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A real stepforge run: 40 verified math traces, half with a located first error."""
    out = tmp_path_factory.mktemp("export") / "run"
    run(RunConfig(domain="math", count=40, seed=1, out=out, progress=False))
    return out


@pytest.fixture(scope="session")
def native(run_dir: Path) -> list[Trace]:
    return read_traces(run_dir / "traces.jsonl")
