"""The one run engine: every flag means one thing on every source, the run folder is locked and checked, the Python
API is the CLI's engine (and works from a script with no main guard), and the seams (sources, domains, strategies,
executors) each have one shape."""

from __future__ import annotations

import ast
import inspect
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from stepforge._testing.openai_server import ServerProcess, worked_solution

from .conftest import ROOT, SRC, kill_and_resume, records, run_cli, stable


def _problems(path: Path, n: int) -> Path:
    rows = [{"problem": f"What is {i} * 3 + {i + 2} * 2 - 5?", "answer": str(i * 3 + (i + 2) * 2 - 5)} for i in range(n)]
    for r in rows:  # a worked reference solution: a right answer is kept with "no error" only where it agrees
        r["solution"] = worked_solution(r["problem"])
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _openai(server: ServerProcess, problems: Path | None, out: Path, *extra: str, count: int = 4) -> list[str]:
    args = ["generate", "--generator", "openai", "--model", "mock-1", "--base-url", server.url, "--domain", "math",
            "--count", str(count), "--out", str(out), "--samples", "2", "--k", "1", "--seed", "3", "--no-progress",
            "--workers", "1", *extra]
    return args + (["--problems", str(problems)] if problems else [])


# -- one meaning per flag ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [4, 14])
def test_count_is_kept_traces_on_the_openai_source_too(server: ServerProcess, tmp_path: Path, count: int) -> None:
    """--count 4 with 10 problems wrote 9 traces before; 14 with 5 problems needs the problems drawn again."""
    server.reset(wrong_rate=0.5)
    problems = _problems(tmp_path / "p.jsonl", 10 if count == 4 else 5)
    out = tmp_path / "o"
    r = run_cli(*_openai(server, problems, out, "--max-samples", "400", count=count))
    assert r.returncode == 0, r.stderr
    traces = records(out / "traces.jsonl")
    assert len(traces) == count
    assert sum(t["outcome"]["correct"] for t in traces) == count // 2  # --positive-fraction 0.5 applies
    if count == 14:  # a problem file of 5 cannot give 14 in one pass of 2 samples each: it was cycled
        assert max(t["extras"]["draw"] for t in traces) >= 1
        assert len({t["id"] for t in traces}) == count
    assert f"{count} traces kept, the requested count" in (out / "card.md").read_text()


def test_a_spent_budget_ends_the_run_and_the_card_says_so(server: ServerProcess, tmp_path: Path) -> None:
    server.reset(wrong_rate=0.0)  # never wrong: the negative quota can never fill
    out = tmp_path / "o"
    r = run_cli(*_openai(server, _problems(tmp_path / "p.jsonl", 3), out, "--max-samples", "12", count=6))
    assert r.returncode == 0, r.stderr
    assert "sampling budget (12 samples) was spent with 3 of 6 traces kept" in r.stderr
    assert "sampling budget (12 samples) was spent" in (out / "card.md").read_text()
    assert json.loads((out / "run.json").read_text())["ended"].startswith("the sampling budget")
    assert len(server.log()) <= 12 + 2 * 4  # the budget bounds the requests (a few units in flight at the end)


def test_positive_fraction_and_families_apply_to_the_openai_source(server: ServerProcess, tmp_path: Path) -> None:
    from stepforge.generators.llm.options import procedural_tasks
    from stepforge.generators.procedural.math import FAMILIES, build_problem

    families = ["linear_equation", "percentage"]
    oracle = {t.prompt: {"steps": build_problem(FAMILIES.get(t.metadata["family"]), t.metadata["seed"], False).steps}
              for t in procedural_tasks("math", 40, 3, families)}  # the pretend model recites worked solutions
    server.reset(wrong_rate=0.5, oracle_math=oracle)
    out = tmp_path / "o"
    r = run_cli(*_openai(server, None, out, "--positive-fraction", "1", "--families", "linear_equation,percentage",
                         count=5))
    assert r.returncode == 0, r.stderr
    traces = records(out / "traces.jsonl")
    assert len(traces) == 5 and all(t["outcome"]["correct"] for t in traces)
    assert {t["task"]["metadata"]["family"] for t in traces} <= {"linear_equation", "percentage"}
    card = (out / "card.md").read_text()
    assert "positive fraction: `1.0`" in card and "| ? |" not in card


@pytest.mark.parametrize("args,msg", [
    (["--generator", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--families", "x",
      "--problems", "PROBLEMS"], "--families selects procedural families"),
    (["--model", "m"], "--model applies to --generator openai"),
    (["--responses", "x.jsonl"], "--responses applies to --generator file"),
    (["--generator", "file"], "--generator file needs --responses"),
    (["--generator", "nope"], "unknown candidate source 'nope'"),
    (["--backend", "vm"], "unknown sandbox backend 'vm'"),
    (["--executor", "nope"], "unknown executor 'nope'"),
    (["--out", ""], "--out must name a folder"),
])
def test_flags_that_cannot_apply_are_one_line_errors(tmp_path: Path, args: list[str], msg: str) -> None:
    problems = _problems(tmp_path / "p.jsonl", 2)
    args = [str(problems) if a == "PROBLEMS" else a for a in args]
    base = ["generate", "--domain", "code" if "--backend" in args else "math", "--count", "2", "--no-progress"]
    if "--out" not in args:
        base += ["--out", str(tmp_path / "o")]
    r = run_cli(*base, *args)
    assert r.returncode == 2, r.stderr
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())  # nothing written on bad input


def test_an_unreachable_endpoint_is_one_line_naming_it(tmp_path: Path) -> None:
    r = run_cli("generate", "--generator", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--domain",
                "math", "--count", "2", "--out", str(tmp_path / "o"), "--no-progress", "--max-retries", "0")
    assert r.returncode == 2
    assert "cannot reach the model endpoint http://127.0.0.1:9/v1" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "kept" not in r.stdout


def test_workers_beyond_the_cores_are_capped_and_said(tmp_path: Path) -> None:
    r = run_cli("generate", "--domain", "math", "--count", "6", "--seed", "1", "--out", str(tmp_path / "o"),
                "--workers", "1000", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "--workers 1000 capped at" in r.stderr and len(records(tmp_path / "o" / "traces.jsonl")) == 6


def test_item_timeout_limits_code_candidates(tmp_path: Path) -> None:
    """A looping candidate is stopped at --item-timeout, not at the task's own 5 s limit."""
    rows = [{"task_id": "loop/0", "prompt": "def f(x):\n    \"\"\"Return x.\"\"\"\n", "entry_point": "f",
             "test": "def check(candidate):\n    assert candidate(1) == 1\n",
             "responses": ["1. Loop.\n\n```python\ndef f(x):\n    while True:\n        pass\n```"]}]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    t0 = time.monotonic()
    r = run_cli("generate", "--generator", "file", "--responses", str(path), "--domain", "code", "--count", "1",
                "--positive-fraction", "0", "--out", str(tmp_path / "o"), "--item-timeout", "1", "--no-progress")
    assert r.returncode == 0, r.stderr
    (t,) = records(tmp_path / "o" / "traces.jsonl")
    assert t["outcome"]["verdict"] == "timeout" and t["outcome"]["seconds"] < 3
    assert time.monotonic() - t0 < 60


# -- the run folder ---------------------------------------------------------------------------------------------


def test_a_second_run_on_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "o"
    env = {**os.environ, "PYTHONPATH": SRC}
    first = subprocess.Popen([sys.executable, "-m", "stepforge", "generate", "--domain", "math", "--count", "3000",
                              "--out", str(out), "--no-progress"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (out / "traces.jsonl").exists() or not (out / "traces.jsonl").read_text().strip():
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        second = run_cli("generate", "--domain", "math", "--count", "3000", "--out", str(out), "--no-progress",
                         "--resume")
        assert second.returncode == 2 and "is in use by another stepforge run" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        first.stderr.close()  # type: ignore[union-attr]
    ids = [t["id"] for t in records(out / "traces.jsonl")]
    assert len(ids) == len(set(ids))  # nothing written twice


def test_resume_refuses_records_from_another_config(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("generate", "--domain", "math", "--count", "4", "--seed", "1", "--out", str(a),
                   "--no-progress").returncode == 0
    assert run_cli("generate", "--domain", "math", "--count", "4", "--seed", "2", "--out", str(b),
                   "--no-progress").returncode == 0
    foreign = (a / "traces.jsonl").read_text().splitlines()[0]
    with (b / "traces.jsonl").open("a") as fh:
        fh.write(foreign + "\n")
    r = run_cli("generate", "--domain", "math", "--count", "4", "--seed", "2", "--out", str(b), "--no-progress",
                "--resume")
    assert r.returncode == 2 and "traces.jsonl:5" in r.stderr and "another run configuration" in r.stderr


def test_sigkill_and_resume_give_the_uninterrupted_run(tmp_path: Path) -> None:
    """Killed at several points (the checkpoint lags the files): every resume ends with the same records."""
    ref, out = tmp_path / "ref", tmp_path / "o"
    args = ["generate", "--domain", "math", "--count", "300", "--seed", "4", "--no-progress"]
    assert run_cli(*args, "--out", str(ref)).returncode == 0
    assert kill_and_resume(args, out, (20, 90, 200)).returncode == 0
    for name in ("traces.jsonl", "rejected.jsonl"):
        assert stable(records(out / name)) == stable(records(ref / name))


# -- the Python API is the engine ---------------------------------------------------------------------------------


def test_python_api_runs_the_openai_source(server: ServerProcess, tmp_path: Path) -> None:
    from stepforge.pipeline import RunConfig, run

    server.reset(wrong_rate=0.5)
    problems = str(_problems(tmp_path / "p.jsonl", 12))
    cfg = RunConfig(domain="math", count=4, seed=2, out=tmp_path / "o", generator="openai", progress=False,
                    options={"openai": {"model": "mock-1", "problems": problems, "max_samples": 24,
                                        "sampling": {"samples": 2, "k": 1}}},
                    client={"base_url": server.url})
    summary = run(cfg)
    assert summary.kept == 4 and summary.status == "complete" and summary.ended == "count"
    # the usage counts answered requests (the journal); a request still in flight when the count was reached may
    # reach the server unanswered, and the session's ``sent`` counts every attempt, so: answered <= seen <= sent
    assert summary.cost is not None
    assert 4 <= summary.cost["requests"] <= len(server.log()) <= summary.cost["session"]["sent"]
    assert summary.paths["traces"].exists()


def test_python_api_from_a_thread_and_with_a_running_event_loop(server: ServerProcess, tmp_path: Path) -> None:
    """A notebook cell runs inside an event loop; an RL trainer calls from a thread of its own."""
    import asyncio

    from stepforge.pipeline import RunConfig, run

    server.reset(wrong_rate=0.5)
    out: dict[str, object] = {}

    def in_thread() -> None:
        out["summary"] = run(RunConfig(domain="math", count=4, seed=3, out=tmp_path / "t", progress=False))

    th = threading.Thread(target=in_thread)
    th.start()
    th.join(300)
    assert out["summary"].kept == 4  # type: ignore[attr-defined]

    problems = str(_problems(tmp_path / "p.jsonl", 12))

    async def notebook_cell() -> object:
        return run(RunConfig(domain="math", count=4, seed=3, out=tmp_path / "n", generator="openai", progress=False,
                             options={"openai": {"model": "mock-1", "problems": problems, "max_samples": 24,
                                                 "sampling": {"samples": 2, "k": 1}}},
                             client={"base_url": server.url}))

    assert asyncio.run(notebook_cell()).kept == 4  # type: ignore[attr-defined]


README_EXAMPLE_MARK = "from stepforge.pipeline import RunConfig, run"


def test_the_readme_example_runs_in_a_script_without_a_main_guard(tmp_path: Path) -> None:
    """Workers must not re-import the user's script: before, each one ran it again (400 internal_error rejections)."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index(README_EXAMPLE_MARK)
    code = readme[start:readme.index("```", start)]
    code = code.replace('"runs/api-example"', repr(str(tmp_path / "api")))
    script = tmp_path / "example.py"
    script.write_text(code + "\nprint('DONE', summary.kept, summary.rejected)\n")
    for how in ("file", "stdin"):
        cmd = [sys.executable, str(script)] if how == "file" else [sys.executable, "-"]
        r = subprocess.run(cmd, input=None if how == "file" else code + "\nprint('DONE', summary.kept)\n",
                           capture_output=True, text=True, timeout=300, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": SRC})
        assert r.returncode == 0, r.stderr[-2000:]
        assert "Traceback" not in r.stderr and r.stdout.count("DONE") == 1
        rejected = records(tmp_path / "api" / "rejected.jsonl")
        assert not [x for x in rejected if x["reason"] == "internal_error"]


# -- one shape per seam -------------------------------------------------------------------------------------------


def test_one_candidate_type_and_one_strategy_signature() -> None:
    classes = []
    for path in (ROOT / "src" / "stepforge").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name == "Candidate":
                classes.append(path.relative_to(ROOT).as_posix())
    assert classes == ["src/stepforge/candidate.py"]
    from stepforge.labeling import STRATEGIES

    for name in STRATEGIES.names():
        params = list(inspect.signature(STRATEGIES.get(name).label).parameters)
        assert params == ["candidate", "verdict", "ctx"], (name, params)


def test_no_two_modules_share_a_name_in_the_pipeline_and_generators() -> None:
    seen: dict[str, str] = {}
    for pkg in ("pipeline", "generators"):
        for path in (ROOT / "src" / "stepforge" / pkg).rglob("*.py"):
            if path.name in ("__init__.py",) or path.parent.name in ("math", "code"):
                continue  # one module per family / template / domain by design
            assert path.name not in seen, (path, seen.get(path.name))
            seen[path.name] = str(path)


def test_same_seed_writes_the_same_records_whole(tmp_path: Path) -> None:
    """Every field but timings: the verdicts' evidence too (the answer judge's random points are seeded from the
    run seed and the candidate, not the clock), with one worker or two."""
    for name, workers in (("a", "1"), ("b", "2")):
        r = run_cli("generate", "--domain", "math", "--count", "40", "--seed", "9", "--out", str(tmp_path / name),
                    "--workers", workers, "--no-progress")
        assert r.returncode == 0, r.stderr
    for f in ("traces.jsonl", "rejected.jsonl"):
        assert stable(records(tmp_path / "a" / f)) == stable(records(tmp_path / "b" / f))
