"""``--executor ray`` on a real cluster (head + a second worker node): the same data as the local executor, exactly
COUNT kept, a driver killed with SIGKILL resumed to the uninterrupted run, a worker node lost mid-run, per-item
failures as rows, the Python API from a plain script, and a one-line error without the extra."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from stepforge._testing.openai_server import ServerProcess, worked_solution
from stepforge._testing.ray_cluster import RayCluster

from .conftest import cli_env, records, run_cli, same_run

MATH = ("--domain", "math", "--count", "1500", "--seed", "11")


def _ray(cluster: RayCluster) -> tuple[str, ...]:
    return ("--executor", "ray", "--ray-address", cluster.address)


def _kill_when(cmd: list[str], out: Path, lines: int, kill) -> subprocess.Popen:  # noqa: ANN001
    """Start ``cmd``; once ``out/traces.jsonl`` has ``lines`` lines, call ``kill(proc)``."""
    proc = subprocess.Popen(cmd, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        p = out / "traces.jsonl"
        if p.exists() and p.read_bytes().count(b"\n") >= lines:
            kill(proc)
            break
        time.sleep(0.02)
    return proc


def test_same_seed_same_data_as_local_math(ray_cluster: RayCluster, local_runs, tmp_path: Path) -> None:
    ref = local_runs("--domain", "math", "--count", "300", "--seed", "5")
    out = tmp_path / "ray"
    r = run_cli("generate", "--domain", "math", "--count", "300", "--seed", "5", "--out", str(out), "--no-progress",
                *_ray(ray_cluster))
    assert r.returncode == 0, r.stderr
    assert "on 2 nodes" in r.stderr  # both nodes worked
    traces = records(out / "traces.jsonl")
    assert len(traces) == 300 and sum(t["outcome"]["correct"] for t in traces) == 150
    same_run(out, ref)
    assert json.loads((out / "run.json").read_text())["config_hash"] == json.loads(
        (ref / "run.json").read_text())["config_hash"]


def test_same_data_as_local_sandboxed_code(ray_cluster: RayCluster, local_runs, tmp_path: Path) -> None:
    args = ("--domain", "code", "--count", "24", "--seed", "2")
    ref = local_runs(*args)
    out = tmp_path / "ray"
    r = run_cli("generate", *args, "--out", str(out), "--no-progress", *_ray(ray_cluster))
    assert r.returncode == 0, r.stderr
    assert len(records(out / "traces.jsonl")) == 24
    same_run(out, ref)
    assert all(t["outcome"]["isolation"] for t in records(out / "traces.jsonl"))


def test_same_data_as_local_sampling_a_model(ray_cluster: RayCluster, server: ServerProcess, tmp_path: Path) -> None:
    """A sampling source on the cluster: each actor has its own client (its share of --concurrency) and journals
    into the run folder; the kept traces are the local executor's."""
    server.reset(wrong_rate=0.4)
    problems = tmp_path / "p.jsonl"
    problems.write_text("".join(json.dumps({"problem": f"What is {i} * 3 + 2?", "answer": str(i * 3 + 2),
                                                        "solution": worked_solution(f"What is {i} * 3 + 2?")}) + "\n"
                                for i in range(12)))
    common = ("generate", "--generator", "openai", "--model", "mock-1", "--base-url", server.url, "--domain", "math",
              "--count", "8", "--samples", "2", "--seed", "3", "--problems", str(problems), "--no-progress")
    r = run_cli(*common, "--out", str(tmp_path / "local"))
    assert r.returncode == 0, r.stderr
    r = run_cli(*common, "--out", str(tmp_path / "ray"), *_ray(ray_cluster))
    assert r.returncode == 0, r.stderr
    assert len(records(tmp_path / "ray" / "traces.jsonl")) == 8
    same_run(tmp_path / "ray", tmp_path / "local")
    assert "Model usage" in (tmp_path / "ray" / "card.md").read_text()


def test_driver_sigkill_then_resume_gives_the_uninterrupted_run(ray_cluster: RayCluster, local_runs,
                                                                tmp_path: Path) -> None:
    ref = local_runs(*MATH)
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "stepforge", "generate", *MATH, "--out", str(out), "--no-progress",
           *_ray(ray_cluster)]
    for kill_at in (100, 700):
        proc = _kill_when(cmd + (["--resume"] if (out / "run.json").exists() else []), out, kill_at,
                          lambda p: p.kill())
        proc.wait(60)
        assert proc.returncode == -9, proc.stderr.read()  # killed mid-run, not finished
    # resumed on the cluster, then once more on the local executor (a run may move between executors)
    r = run_cli(*cmd[3:], "--resume")
    assert r.returncode == 0, r.stderr
    same_run(out, ref)
    assert len(records(out / "traces.jsonl")) == 1500
    r = run_cli("generate", *MATH, "--out", str(out), "--no-progress", "--resume")
    assert r.returncode == 0, r.stderr
    same_run(out, ref)


def test_a_worker_node_lost_mid_run_loses_nothing(ray_cluster: RayCluster, local_runs, tmp_path: Path) -> None:
    ref = local_runs(*MATH)
    extra = ray_cluster.add_worker(1)  # a third node, killed with SIGKILL mid-run (the others stay for later tests)
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "stepforge", "generate", *MATH, "--out", str(out), "--no-progress",
           *_ray(ray_cluster)]
    proc = _kill_when(cmd, out, 150, lambda p: extra.kill())
    try:
        stderr = proc.communicate(timeout=600)[1]
    finally:
        ray_cluster.nodes.remove(extra)
    assert proc.returncode == 0, stderr
    assert "on 3 nodes" in stderr and "lost the actor" in stderr
    same_run(out, ref)
    assert len(records(out / "traces.jsonl")) == 1500


def test_per_item_failures_are_rows_with_a_reason(ray_cluster: RayCluster, tmp_path: Path) -> None:
    """Every item times out: each is a rejection row with its reason, none lost, and the run says it ran out."""
    out = tmp_path / "o"
    r = run_cli("generate", "--domain", "math", "--count", "2", "--seed", "1", "--out", str(out), "--no-progress",
                "--item-timeout", "0.001", *_ray(ray_cluster))
    assert r.returncode == 2 and "stopped after 240 items with 0 of 2 traces kept" in r.stderr, r.stderr
    rows = records(out / "rejected.jsonl")
    assert sorted(r["index"] for r in rows) == list(range(240))
    assert {r["reason"] for r in rows} == {"timeout"}


def test_python_api_in_a_plain_script(ray_cluster: RayCluster, local_runs, tmp_path: Path) -> None:
    ref = local_runs("--domain", "math", "--count", "40", "--seed", "9")
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(f"""
        from stepforge.pipeline import RunConfig, run
        s = run(RunConfig(domain="math", count=40, seed=9, out={str(tmp_path / "api")!r}, progress=False,
                          executor_options={{"address": {ray_cluster.address!r}}}), executor="ray")
        print("kept", s.kept)
    """))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, env=cli_env())
    assert r.returncode == 0 and "kept 40" in r.stdout, r.stderr
    assert "stepforge: ray: " in r.stderr  # it ran on the cluster
    same_run(tmp_path / "api", ref)


def test_without_the_extra_a_one_line_error_names_it(tmp_path: Path) -> None:
    fake = tmp_path / "noray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    env = cli_env(PYTHONPATH=f"{tmp_path / 'noray'}:{cli_env()['PYTHONPATH']}")
    r = run_cli("generate", "--domain", "math", "--count", "2", "--out", str(tmp_path / "o"), "--executor", "ray",
                env=env)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "pip install 'stepforge[ray]'" in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()  # refused before the folder is touched


def test_ray_address_without_the_ray_executor_is_refused(tmp_path: Path) -> None:
    r = run_cli("generate", "--domain", "math", "--count", "2", "--out", str(tmp_path / "o"), "--ray-address", "x:1")
    assert r.returncode == 2 and "--ray-address applies to --executor ray" in r.stderr


def test_an_unreachable_cluster_is_one_line(tmp_path: Path) -> None:
    r = run_cli("generate", "--domain", "math", "--count", "2", "--out", str(tmp_path / "o"), "--executor", "ray",
                "--ray-address", "127.0.0.1:1", timeout=300)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().count("\n") == 0 and "127.0.0.1:1" in r.stderr, r.stderr


def test_label_on_ray_writes_what_local_writes(ray_cluster: RayCluster, local_runs, tmp_path: Path) -> None:
    """``stepforge label`` runs the engine over existing solutions: on the cluster it keeps and labels exactly
    what the local executor does."""
    src = local_runs("--domain", "math", "--count", "40", "--seed", "9")
    local = run_cli("label", str(src), "--out", str(tmp_path / "local"), "--no-progress")
    assert local.returncode == 0, local.stderr
    r = run_cli("label", str(src), "--out", str(tmp_path / "ray"), "--no-progress", *_ray(ray_cluster))
    assert r.returncode == 0, r.stderr
    assert "stepforge: ray: " in r.stderr and "on 2 nodes" in r.stderr
    same_run(tmp_path / "ray", tmp_path / "local")
    assert len(records(tmp_path / "ray" / "traces.jsonl")) > 0
