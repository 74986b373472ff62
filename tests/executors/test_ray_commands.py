"""``regress`` and ``curate`` with ``--executor ray`` on the real cluster (head + a second worker node): the same
report and the same files as the local executor, a worker node lost mid-run loses no case, and the one-line
errors (no extra, flags that do not apply)."""

from __future__ import annotations

import json
import textwrap
import time
import subprocess
import sys
from pathlib import Path

from stepforge._testing.ray_cluster import RayCluster

from .conftest import cli_env, run_cli


def _ray(cluster: RayCluster) -> tuple[str, ...]:
    return ("--executor", "ray", "--ray-address", cluster.address)


def _suite(path: Path, n: int) -> Path:
    """The first ``n`` cases of the built-in math suite, as a JSONL suite file."""
    from stepforge.regress.suites import load_suite

    path.write_text("".join(c.model_dump_json() + "\n" for c in load_suite("math").cases[:n]))
    return path


def _verdicts(report: Path) -> list[tuple]:
    r = json.loads(report.read_text())
    return [(c["id"], c["got"], c["outcome"], c["first_error"], c["value"]) for c in r["results"]]


def test_regress_on_ray_reports_what_local_reports(ray_cluster: RayCluster, tmp_path: Path) -> None:
    suite = _suite(tmp_path / "s.jsonl", 240)
    common = ("regress", "--verifier", "stepforge", "--suite", str(suite), "--threads", "0", "--format", "json")
    local = run_cli(*common, "--report", str(tmp_path / "local.json"))
    assert local.returncode == 0, local.stderr
    r = run_cli(*common, "--report", str(tmp_path / "ray.json"), *_ray(ray_cluster))
    assert r.returncode == 0, r.stderr
    assert "on 2 nodes" in r.stderr  # both nodes worked
    assert _verdicts(tmp_path / "ray.json") == _verdicts(tmp_path / "local.json")
    assert len(_verdicts(tmp_path / "ray.json")) == 240


def test_regress_on_ray_a_broken_verifier_still_disagrees_and_hangs_are_rows(ray_cluster: RayCluster,
                                                                            tmp_path: Path) -> None:
    """Per-case failures (a hang past --timeout, a crash) are rows of the report, as on local."""
    mod = tmp_path / "v.py"
    mod.write_text(textwrap.dedent("""
        import os, time
        def flaky(gold, pred):
            if pred == "hang":
                time.sleep(60)
            if pred == "crash":
                os._exit(3)
            return gold.strip() == pred.strip()
    """))
    suite = tmp_path / "s.jsonl"
    preds = ["hang" if i % 10 == 3 else "crash" if i % 10 == 6 else str(i + i % 2) for i in range(30)]
    suite.write_text("".join(json.dumps({"id": f"c{i}", "gold": str(i), "pred": p, "expected": "equal"}) + "\n"
                             for i, p in enumerate(preds)))
    common = ("regress", "--verifier", f"{mod}:flaky", "--suite", str(suite), "--threads", "0", "--timeout", "2",
              "--format", "json")
    local = run_cli(*common, "--report", str(tmp_path / "local.json"))
    r = run_cli(*common, "--report", str(tmp_path / "ray.json"), *_ray(ray_cluster))
    assert r.returncode == local.returncode == 1, r.stderr
    got = _verdicts(tmp_path / "ray.json")
    assert [g[:4] for g in got] == [g[:4] for g in _verdicts(tmp_path / "local.json")]
    outcomes = {g[1] for g in got}
    assert {"hang", "crash"} <= outcomes, outcomes


def test_regress_a_worker_node_lost_mid_run_loses_no_case(ray_cluster: RayCluster, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    mod = tmp_path / "slow.py"
    mod.write_text(textwrap.dedent(f"""
        import os, time
        def slow_pair(gold, pred):
            open(os.path.join({str(marks)!r}, f"{{os.getpid()}}-{{time.monotonic_ns()}}"), "w").close()
            time.sleep(0.05)
            return gold.strip() == pred.strip()
    """))
    suite = _suite(tmp_path / "s.jsonl", 240)
    common = ("regress", "--verifier", f"{mod}:slow_pair", "--suite", str(suite), "--threads", "0", "--format",
              "json")
    local = run_cli(*common, "--report", str(tmp_path / "local.json"))
    assert local.returncode in (0, 1), local.stderr
    extra = ray_cluster.add_worker(1)
    for m in marks.iterdir():
        m.unlink()
    cmd = [sys.executable, "-m", "stepforge", *common, "--report", str(tmp_path / "ray.json"), *_ray(ray_cluster)]
    proc = subprocess.Popen(cmd, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and len(list(marks.iterdir())) < 40:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before the node could be killed"
        extra.kill()
        stderr = proc.communicate(timeout=600)[1]
    finally:
        ray_cluster.nodes.remove(extra)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == local.returncode, stderr
    assert "on 3 nodes" in stderr and "lost an actor" in stderr, stderr
    assert _verdicts(tmp_path / "ray.json") == _verdicts(tmp_path / "local.json")


def test_curate_on_ray_writes_what_local_writes(ray_cluster: RayCluster, local_runs, tmp_path: Path) -> None:
    run = local_runs("--domain", "math", "--count", "300", "--seed", "5")
    other = local_runs("--domain", "math", "--count", "40", "--seed", "9")
    # the first run twice: every row of the second copy is a duplicate of one kept from the first
    common = ("curate", str(run), str(other), str(run / "traces.jsonl"), "--split", "train=0.8,test=0.2")
    local = run_cli(*common, "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    r = run_cli(*common, "--out", str(tmp_path / "ray"), *_ray(ray_cluster))
    assert r.returncode == 0, r.stderr
    assert "curate: ray:" in r.stderr
    for name in ("train.jsonl", "test.jsonl", "rejected.jsonl"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    rep = json.loads((tmp_path / "ray" / "curate.json").read_text())
    assert rep["rows"] == 640 and rep["dropped"].get("duplicate", 0) >= 300, rep


def test_regress_and_curate_refuse_what_does_not_apply(tmp_path: Path) -> None:
    r = run_cli("regress", "--verifier", "stepforge", "--suite", "math", "--ray-address", "x:1")
    assert r.returncode == 2 and "--ray-address applies to --executor ray" in r.stderr, r.stderr
    r = run_cli("regress", "--verifier", "stepforge", "--suite", "math", "--executor", "ray", "--workers", "2")
    assert r.returncode == 2 and "--workers applies to --executor local" in r.stderr, r.stderr
    r = run_cli("curate", str(tmp_path), "--out", str(tmp_path / "o"), "--ray-address", "x:1")
    assert r.returncode == 2 and "--ray-address applies to --executor ray" in r.stderr, r.stderr


def test_regress_and_curate_without_the_extra_name_it(tmp_path: Path) -> None:
    fake = tmp_path / "noray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    env = cli_env(PYTHONPATH=f"{tmp_path / 'noray'}:{cli_env()['PYTHONPATH']}")
    src = tmp_path / "t.jsonl"
    src.write_text("")
    for args in (("regress", "--verifier", "stepforge", "--suite", "math", "--executor", "ray"),
                 ("curate", str(src), "--out", str(tmp_path / "o"), "--executor", "ray")):
        r = run_cli(*args, env=env)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip().count("\n") == 0 and "pip install 'stepforge[ray]'" in r.stderr, r.stderr
