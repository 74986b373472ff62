"""``stepforge generate --domain code``: passing and failing traces across templates, first errors
located where the bug was injected, deterministic under the seed; also over the docker backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from stepforge.candidate import Candidate
from stepforge.labeling import LabelContext
from stepforge.labeling.execution import Execution
from stepforge.pipeline import RunConfig, run
from stepforge.schema import Generation, Reference, Segmentation, Task, Trace
from stepforge.verifiers.code import CodeTask

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True,
                          timeout=600, env=env)


def _key(path: Path) -> list:
    out = []
    for line in path.read_text().splitlines():
        r = Trace.model_validate_json(line).model_dump(mode="json")
        out.append((r["id"], r["task"]["prompt"], [(s["text"], s["label"]) for s in r["steps"]],
                    r["first_error_index"], r["outcome"]["correct"], r["outcome"]["details"]["tests_passed"]))
    return out


@pytest.fixture(scope="module")
def code_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("code") / "run"
    p = _cli("generate", "--domain", "code", "--count", "100", "--seed", "3", "--out", str(out), "--no-progress")
    assert p.returncode == 0, p.stderr
    assert "kept 100 traces" in p.stdout
    return out


def test_kept_traces_pass_or_fail_for_a_located_reason(code_run: Path):
    traces = [Trace.model_validate_json(line) for line in (code_run / "traces.jsonl").read_text().splitlines()]
    assert len(traces) == 100
    assert all(t.domain == "code" and t.verified for t in traces)
    templates = Counter(t.task.metadata["template"] for t in traces)
    assert len(templates) >= 10
    good = [t for t in traces if t.outcome.correct]
    bad = [t for t in traces if not t.outcome.correct]
    assert good and bad
    assert len({t.task.metadata["template"] for t in bad}) >= 10
    for t in good:
        assert t.first_error_index == -1 and all(s.label.rating == 1 for s in t.steps)
        assert t.outcome.verdict == "passed" and t.outcome.isolation == "bwrap"
    for t in bad:
        inj = t.generation.injected_error
        assert inj is not None and t.first_error_index == inj.step_index
        assert t.steps[t.first_error_index].label.rating == -1
        assert all(s.label.rating == 1 for s in t.steps[: t.first_error_index])
        assert t.steps[-1].evidence["verdict"]["status"] != "passed"  # execution confirms the bug
        assert t.steps[-1].code is None or t.steps[-1].text == t.final_answer
        assert t.outcome.details["tests_total"] > t.outcome.details["tests_passed"]
    code_step = [t for t in bad if t.first_error_index == len(t.steps) - 1]
    plan_step = [t for t in bad if t.first_error_index < len(t.steps) - 1]
    assert plan_step and len(code_step) + len(plan_step) == len(bad)


def test_same_seed_same_traces(code_run: Path, tmp_path: Path):
    out = tmp_path / "again"
    p = _cli("generate", "--domain", "code", "--count", "100", "--seed", "3", "--out", str(out),
             "--no-progress", "--workers", "3")
    assert p.returncode == 0, p.stderr
    assert _key(out / "traces.jsonl") == _key(code_run / "traces.jsonl")


def test_unknown_template_is_a_one_line_error(tmp_path: Path):
    p = _cli("generate", "--domain", "code", "--count", "2", "--out", str(tmp_path / "x"), "--families", "nope")
    assert p.returncode == 2 and "unknown code templates" in p.stderr and "Traceback" not in p.stderr


def test_docker_backend_run(tmp_path: Path):
    cfg = RunConfig(domain="code", count=6, seed=5, out=tmp_path / "d", progress=False, backend="docker")
    summary = run(cfg)
    assert summary.kept == 6
    traces = [Trace.model_validate_json(x) for x in (tmp_path / "d" / "traces.jsonl").read_text().splitlines()]
    assert {t.outcome.isolation for t in traces} == {"docker"}
    assert {t.outcome.correct for t in traces} == {True, False}


def test_execution_strategy_without_a_reference_plan_blames_the_code():
    task = CodeTask(entry_point="f", io_tests=[{"args": [2], "expected": 4}], timeout_s=3)
    cand = Candidate(
        id="c", index=0, domain="code", family="free", steps=["Double x.", "def f(x):\n    return x + 2\n"],
        task=Task(task_id="t", prompt="double", reference=Reference(entry_point="f")),
        generation=Generation(generator="test", seed=0, raw_response=""), segmentation=Segmentation(),
        final_answer=None, code="def f(x):\n    return x + 3\n",
    )
    labels = Execution().label(cand, None, LabelContext(task=task))
    assert labels.first_error_index == 1
    assert labels.steps[0].label.rating == 0 and labels.steps[1].label.rating == -1
    assert labels.labeling.cost.exec_runs == 1


def test_list_shows_every_code_template():
    from stepforge.generators.procedural.code import TEMPLATES, load_templates

    p = subprocess.run([sys.executable, "-m", "stepforge", "list"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert p.returncode == 0, p.stderr
    load_templates()
    assert "code templates:" in p.stdout
    assert all(f"  {name} " in p.stdout for name in TEMPLATES.names())
