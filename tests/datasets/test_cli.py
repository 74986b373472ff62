"""``stepforge export`` / ``stepforge import`` as a user runs them: files, round trips, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepforge.datasets.io import read_traces

from .conftest import DATA, run_cli

FORMATS = ["trl", "prm800k", "math_shepherd", "processbench", "prmbench"]


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_a_run_folder_and_its_traces_file(run_dir: Path, tmp_path: Path, fmt: str):
    out = tmp_path / f"{fmt}.jsonl"
    res = run_cli("export", "--format", fmt, str(run_dir), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert f"exported 40 {fmt} rows from 40 traces" in res.stdout
    rows = lines(out)
    assert len(rows) == 40
    again = tmp_path / "again.jsonl"
    res = run_cli("export", "--format", fmt, str(run_dir / "traces.jsonl"), "--out", str(again))
    assert res.returncode == 0 and again.read_bytes() == out.read_bytes()
    if fmt in ("prm800k", "processbench", "prmbench"):
        assert "stepforge: note:" in res.stderr  # each drops something for the 20 wrong traces


def test_export_options_reach_the_projection(run_dir: Path, tmp_path: Path):
    out = tmp_path / "trl.jsonl"
    res = run_cli("export", "--format", "trl", str(run_dir), "--out", str(out), "--until-first-error", "--soft")
    assert res.returncode == 0, res.stderr
    assert "int()" in res.stderr and "after the first error" in res.stderr
    traces = read_traces(run_dir / "traces.jsonl")
    for t, row in zip(traces, lines(out)):
        n = t.first_error_index + 1 if t.first_error_index >= 0 else len(t.steps)
        assert len(row["labels"]) == n and all(type(v) is float for v in row["labels"])


@pytest.mark.parametrize("fmt,name", [("prm800k", "prm800k_example.json"), ("prmbench", "prmbench_sample.jsonl")])
def test_import_then_export_gives_the_source_back(tmp_path: Path, fmt: str, name: str):
    traces = tmp_path / "traces.jsonl"
    res = run_cli("import", "--format", fmt, str(DATA / name), "--out", str(traces))
    assert res.returncode == 0, res.stderr
    imported = read_traces(traces)  # valid stepforge/1 records
    res = run_cli("validate", str(traces))
    assert res.returncode == 0 and f"{len(imported)} of {len(imported)} records valid" in res.stdout, res.stdout
    assert all(t.outcome.verifier == f"imported:{fmt}" and not t.verified for t in imported)
    back = tmp_path / "back.jsonl"
    res = run_cli("export", "--format", fmt, str(traces), "--out", str(back))
    assert res.returncode == 0, res.stderr
    text = (DATA / name).read_text(encoding="utf-8")
    source = [json.loads(text)] if name.endswith(".json") else [json.loads(x) for x in text.splitlines()]
    assert lines(back) == source


def test_bad_input_is_one_line_and_nonzero(run_dir: Path, tmp_path: Path):
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text('{"prompt": "p"\n')
    half = tmp_path / "half.jsonl"
    half.write_text('{"prompt": "p", "completions": ["a"], "labels": [true]}\n{"prompt": \n')
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n")
    tagged = tmp_path / "tagged.jsonl"
    t = json.loads((run_dir / "traces.jsonl").read_text().splitlines()[0])
    t["steps"][0]["text"] += " ки"
    tagged.write_text(json.dumps(t) + "\n")
    existing = tmp_path / "exists.jsonl"
    existing.write_text("keep me\n")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    cases = [
        (["export", "--format", "parquet", str(run_dir), "--out", str(tmp_path / "o")], "invalid choice"),
        (["export", "--format", "trl", str(tmp_path / "missing"), "--out", str(tmp_path / "o")], "does not exist"),
        (["export", "--format", "trl", str(empty_dir), "--out", str(tmp_path / "o")], "without traces.jsonl"),
        (["export", "--format", "trl", str(garbage), "--out", str(tmp_path / "o")], "not a JSON line"),
        (["export", "--format", "trl", str(DATA / "prmbench_sample.jsonl"), "--out", str(tmp_path / "o")],
         "does not match schema"),
        (["export", "--format", "math_shepherd", str(tagged), "--out", str(tmp_path / "o")], "step tag"),
        (["export", "--format", "trl", str(run_dir), "--out", str(existing)], "--overwrite"),
        (["export", "--format", "trl", str(run_dir), "--out", str(tmp_path / "no" / "o")], "does not exist"),
        (["import", "--format", "prmbench", str(DATA / "prm800k_example.json"), "--out", str(tmp_path / "o")],
         "missing keys"),
        (["import", "--format", "trl", str(garbage), "--out", str(tmp_path / "o")], "neither JSONL nor one JSON"),
        (["import", "--format", "trl", str(half), "--out", str(tmp_path / "o")], "half.jsonl:2: not a JSON line"),
        (["import", "--format", "trl", str(blank), "--out", str(tmp_path / "o")], "holds no rows"),
        (["import", "--format", "trl", str(blank), "--out", str(existing), "--overwrite"], "holds no rows"),
        (["import", "--format", "prm800k", str(tmp_path / "missing"), "--out", str(tmp_path / "o")], "does not exist"),
        (["import", "--format", "prm800k", str(run_dir / "traces.jsonl"), "--out", str(tmp_path / "o")], "row 1"),
        (["import", "--format", "trl", str(DATA / "prmbench_sample.jsonl"), "--out", str(tmp_path / "o")],
         "missing keys prompt"),
    ]
    for args, needle in cases:
        res = run_cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert needle in res.stderr and "Traceback" not in res.stderr, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert existing.read_text() == "keep me\n"
    assert not (tmp_path / "o").exists()  # no output, not even a partial one, after an error
    assert not list(tmp_path.glob(".o.*"))
    res = run_cli("export", "--format", "trl", str(run_dir), "--out", str(existing), "--overwrite")
    assert res.returncode == 0 and len(lines(existing)) == 40


def test_a_file_the_system_refuses_is_one_line_and_nonzero(run_dir: Path, tmp_path: Path):
    # /proc takes no new files, whoever we are (root included): the write itself fails.
    res = run_cli("export", "--format", "trl", str(run_dir), "--out", "/proc/stepforge-export.jsonl")
    assert res.returncode == 1, res.stderr
    assert res.stderr.startswith("stepforge: error: ") and "Traceback" not in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
