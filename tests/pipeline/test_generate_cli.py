"""``stepforge generate`` end to end: files, counts, schema, determinism, bad input, kill and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from stepforge.datasets.io import read_rejections, read_traces

from .conftest import ROOT, content_key, run_cli


def test_run_writes_exactly_count_valid_traces_of_both_kinds_across_families(math_run: Path):
    traces = read_traces(math_run / "traces.jsonl")  # validates every record against the schema
    assert len(traces) == 60
    assert sum(t.outcome.correct for t in traces) == 30
    assert len({t.task.metadata["family"] for t in traces}) >= 8
    assert len({t.id for t in traces}) == 60
    for t in traces:
        assert t.schema_version == "stepforge/1" and t.verified
        assert all(s.label is not None and s.evidence for s in t.steps)
        if t.outcome.correct:
            assert t.first_error_index == -1 and all(s.label.rating >= 0 for s in t.steps)
        else:
            assert t.first_error_index >= 0 and t.steps[t.first_error_index].label.rating == -1
            assert t.generation.injected_error.step_index == t.first_error_index
        assert t.outcome.rule and t.outcome.seconds >= 0 and t.outcome.versions["sympy"]
    read_rejections(math_run / "rejected.jsonl")
    from collections import Counter
    per_family = Counter((t.task.metadata["family"], bool(t.outcome.correct)) for t in traces)
    for fam in {t.task.metadata["family"] for t in traces}:  # the positive/negative mix holds per family
        assert abs(per_family[(fam, True)] - per_family[(fam, False)]) <= 1, per_family
    assert any(t.steps[t.first_error_index].label.source == "construction" for t in traces if not t.outcome.correct)
    card = (math_run / "card.md").read_text()
    for needle in ("stepforge generate --domain math --count 60 --seed 7", "## Families", "## Rejections",
                   "verifier:sympy", "symbolic"):
        assert needle in card
    # the label-quality table: the checks alone against the known first errors (every error kind is in the run)
    from stepforge.datasets.eval_labels import construction_pairs, evaluate, labelled_traces, render_table

    quality = card.split("## Label quality (known first errors)", 1)[1]
    assert render_table(evaluate(*construction_pairs(labelled_traces(math_run)))).splitlines()[2] in quality
    assert "| kept precision (first error right among kept) | 100.0%" in quality
    run = json.loads((math_run / "run.json").read_text())
    assert run["status"] == "complete" and run["config"]["seed"] == 7


def test_same_seed_same_data_whatever_the_workers(math_run: Path, tmp_path: Path):
    res = run_cli("generate", "--domain", "math", "--count", "60", "--seed", "7", "--out", str(tmp_path / "b"),
                  "--workers", "1", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert content_key(math_run / "traces.jsonl") == content_key(tmp_path / "b" / "traces.jsonl")


def test_other_seed_other_data(math_run: Path, tmp_path: Path):
    res = run_cli("generate", "--domain", "math", "--count", "10", "--seed", "8", "--out", str(tmp_path / "c"),
                  "--no-progress")
    assert res.returncode == 0, res.stderr
    ids7 = {k[0] for k in content_key(math_run / "traces.jsonl")}
    assert not ids7 & {k[0] for k in content_key(tmp_path / "c" / "traces.jsonl")}


def test_bad_input_is_one_line_and_nonzero(math_run: Path, tmp_path: Path):
    cases = [
        (["--domain", "poetry", "--count", "3"], "unknown domain"),
        (["--domain", "math", "--count", "0"], "--count must be a positive"),
        (["--domain", "math", "--count", "-4"], "--count must be a positive"),
        (["--domain", "math", "--count", "many"], "invalid int value"),
        (["--domain", "math", "--count", "3", "--families", "astrology"], "unknown math families"),
        (["--domain", "math", "--count", "3", "--positive-fraction", "1.5"], "positive-fraction"),
    ]
    for args, needle in cases:
        res = run_cli("generate", *args, "--out", str(tmp_path / "x"))
        assert res.returncode != 0
        assert needle in res.stderr and "Traceback" not in res.stderr, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for domain in ("math", "code"):  # an output folder that cannot be made
        res = run_cli("generate", "--domain", domain, "--count", "3", "--out", str(blocker / "run"))
        assert res.returncode == 2 and "cannot create the output folder" in res.stderr, res.stderr
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    res = run_cli("generate", "--domain", "math", "--count", "3", "--out", str(math_run))
    assert res.returncode == 2 and "already holds a run" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("generate", "--domain", "math", "--count", "3", "--seed", "9", "--out", str(math_run), "--resume")
    assert res.returncode == 2 and "other settings" in res.stderr


def test_overwrite_replaces_the_run(tmp_path: Path):
    out = tmp_path / "o"
    for count in ("4", "6"):
        res = run_cli("generate", "--domain", "math", "--count", count, "--out", str(out), "--overwrite", "--no-progress")
        assert res.returncode == 0, res.stderr
    assert len((out / "traces.jsonl").read_text().splitlines()) == 6


def test_sigkill_midway_then_resume_loses_and_duplicates_nothing(tmp_path: Path):
    args = ["generate", "--domain", "math", "--count", "120", "--seed", "11", "--no-progress", "--workers", "1"]
    ref = tmp_path / "ref"
    assert run_cli(*args, "--out", str(ref)).returncode == 0
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "stepforge", *args, "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    traces = out / "traces.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if traces.exists() and len(traces.read_bytes().splitlines()) >= 30:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-write
    proc.wait()
    partial = len(traces.read_bytes().splitlines())
    assert 0 < partial < 120, "the kill should land midway"
    with traces.open("a") as fh:  # as if the kill had cut a record in half
        fh.write('{"schema_version":"stepforge/1","id":"sf-math-trunc')
    res = run_cli(*args, "--out", str(out), "--resume")
    assert res.returncode == 0, res.stderr
    assert content_key(traces) == content_key(ref / "traces.jsonl")
    assert [r.id for r in read_rejections(out / "rejected.jsonl")] == [r.id for r in read_rejections(ref / "rejected.jsonl")]


def test_validate_command_accepts_a_run_and_flags_a_broken_record(math_run: Path, tmp_path: Path):
    res = run_cli("validate", str(math_run))
    assert res.returncode == 0 and "60 of 60 records valid" in res.stdout, res.stdout + res.stderr
    lines = (math_run / "traces.jsonl").read_text().splitlines()
    broken = json.loads(lines[0])
    broken["first_error_index"] = 42
    bad = tmp_path / "traces.jsonl"
    bad.write_text(lines[1] + "\n" + json.dumps(broken) + "\n")
    res = run_cli("validate", str(bad))
    assert res.returncode == 1 and "1 of 2 records valid" in res.stdout and ":2:" in res.stdout
    res = run_cli("validate", str(tmp_path / "missing"))
    assert res.returncode == 2 and "no such file" in res.stderr


def test_list_shows_every_registered_family():
    from stepforge.generators.procedural.math import FAMILIES

    res = run_cli("list")
    assert res.returncode == 0
    assert all(name in res.stdout for name in FAMILIES.names()) and "symbolic" in res.stdout
