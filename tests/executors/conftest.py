"""Runs on a real Ray cluster started here: a head node and a second worker node on this machine, one CPU each
(a share of the machine, as nodes of a cluster), on loopback with ports and a temporary folder of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepforge._testing.fixtures import _server_process, server  # noqa: F401 - fixtures
from stepforge._testing.cli import records, stable
from stepforge._testing.ray_cluster import RayCluster

ROOT = Path(__file__).resolve().parents[2]
SRC = str(ROOT / "src")


def cli_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": SRC, "RAY_USAGE_STATS_ENABLED": "0", **extra}
    env.pop("OPENAI_API_KEY", None)
    env.pop("RAY_ADDRESS", None)
    return env


def run_cli(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True, timeout=timeout,
                          env=env or cli_env())


def by_index(recs: list[dict]) -> list[dict]:
    """Records in item order (a resumed run may write a redone item's missing record after later ones)."""
    def index(r: dict) -> int:
        return r["task"]["metadata"]["index"] if "task" in r else r["index"]
    return sorted(stable(recs), key=lambda r: (index(r), r["id"]))


def same_run(a: Path, b: Path) -> None:
    for name in ("traces.jsonl", "rejected.jsonl"):
        ra, rb = records(a / name), records(b / name)
        assert len({r["id"] for r in ra}) == len(ra), f"duplicate records in {a / name}"
        assert by_index(ra) == by_index(rb), name


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[RayCluster]:
    with RayCluster(head_cpus=1, workers=[1]) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def local_runs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Reference runs on the local executor, made once per argument list."""
    done: dict[tuple[str, ...], Path] = {}

    def get(*args: str) -> Path:
        if args not in done:
            out = tmp_path_factory.mktemp("local") / "run"
            r = run_cli("generate", *args, "--out", str(out), "--no-progress")
            assert r.returncode == 0, r.stderr
            done[args] = out
        return done[args]

    return get
