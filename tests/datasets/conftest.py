from __future__ import annotations

import importlib.util
import json
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


def benchmark_script(name: str):
    """A script of ``benchmarks/`` (not a package) loaded as a module: the converters' tests call its functions."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


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


@pytest.fixture(scope="session")
def code_dir(tmp_path_factory) -> Path:
    """A real code run (sandboxed verification): 16 traces, half wrong."""
    out = tmp_path_factory.mktemp("code") / "run"
    run(RunConfig(domain="code", count=16, seed=2, out=out, progress=False))
    return out


@pytest.fixture(scope="session")
def positive_dir(tmp_path_factory) -> Path:
    """A math run with correct traces only: no error index anywhere, no injected error."""
    out = tmp_path_factory.mktemp("positive") / "run"
    run(RunConfig(domain="math", count=12, seed=3, positive_fraction=1.0, out=out, progress=False))
    return out


def hf_python(script: str, tmp: Path, timeout: float = 300) -> object:
    """Run ``script`` in a fresh interpreter and return the JSON it prints last. The Hugging Face
    ``datasets`` package cannot be imported inside pytest here (this folder is importable as
    ``datasets``), and a subprocess also keeps its cache in ``tmp`` and its hands off the network."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HOME": str(tmp / "hf-home"),
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_DATASETS_DISABLE_PROGRESS_BARS": "1"}
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout,
                         env=env, cwd=tmp)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])
