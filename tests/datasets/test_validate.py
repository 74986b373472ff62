"""``stepforge validate`` checks what records mean, not only their shape; every command turns bytes
that are not UTF-8 into one line naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepforge.datasets.checks import problems
from stepforge.datasets.io import read_traces
from stepforge.schema import Trace

from .conftest import DATA, run_cli


def _records(run_dir: Path) -> tuple[dict, dict]:
    """A correct and a wrong trace of the run, as nested JSON to edit."""
    traces = read_traces(run_dir / "traces.jsonl")
    right = next(t for t in traces if t.first_error_index == -1)
    wrong = next(t for t in traces if t.first_error_index >= 1)
    return right.model_dump(mode="json"), wrong.model_dump(mode="json")


def _edit(rec: dict, suffix: str, fn) -> dict:
    rec = json.loads(json.dumps(rec))
    rec["id"] += suffix
    fn(rec)
    return rec


def _cases(run_dir: Path) -> list[tuple[str, dict, str]]:
    right, wrong = _records(run_dir)
    fei = wrong["first_error_index"]

    def shift(r):  # the record says the first error is one step later than its labels do
        r["first_error_index"] = fei + 1 if fei + 1 < len(r["steps"]) else fei - 1

    def flip_right(r):
        r["outcome"]["correct"] = False

    def flip_wrong(r):
        r["outcome"]["correct"] = True

    def rating(r):
        r["steps"][0]["label"]["rating"] = -1

    def neutral(r):
        r["steps"][0]["label"].update(rating=0, correct=False)  # the record's policy is positive

    def earlier(r):
        r["first_error_index"] = -1

    return [
        ("first error after the labelled one", _edit(wrong, "-a", shift), "first_error_index"),
        ("right trace marked incorrect", _edit(right, "-b", flip_right), "outcome is incorrect"),
        ("wrong trace marked correct", _edit(wrong, "-c", flip_wrong), "correct outcome has a first error"),
        ("rating -1 with correct true", _edit(right, "-d", rating), "rating -1 makes it False"),
        ("neutral against the policy", _edit(right, "-e", neutral), "neutral policy 'positive' makes it True"),
        ("no error claimed over a -1 step", _edit(wrong, "-f", earlier), "first_error_index is -1 (no error)"),
    ]


def test_each_contradiction_is_one_line_with_its_line_number(run_dir: Path, tmp_path: Path):
    right, _ = _records(run_dir)
    cases = _cases(run_dir)
    path = tmp_path / "traces.jsonl"
    lines = [json.dumps(right)] + [json.dumps(rec) for _, rec, _ in cases]
    path.write_text("\n".join(lines) + "\n")
    res = run_cli("validate", str(path))
    assert res.returncode == 1, res.stdout
    out = res.stdout.splitlines()
    for n, (what, _, needle) in enumerate(cases, 2):
        hits = [x for x in out if x.startswith(f"{path}:{n}: ")]
        assert len(hits) == 1 and needle in hits[0], (what, out)
    assert f"1 of {len(lines)} records valid" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr


def test_duplicate_ids_and_empty_files_fail(run_dir: Path, tmp_path: Path):
    lines = (run_dir / "traces.jsonl").read_text().splitlines()
    dup = tmp_path / "dup.jsonl"
    dup.write_text("\n".join([lines[0], lines[1], lines[0]]) + "\n")
    res = run_cli("validate", str(dup))
    assert res.returncode == 1 and f"{dup}:3: duplicate id" in res.stdout and "(first on line 1)" in res.stdout
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    res = run_cli("validate", str(empty))
    assert res.returncode == 1 and "holds no records" in res.stdout


def test_real_records_of_every_source_are_consistent(run_dir: Path, code_dir: Path, positive_dir: Path, tmp_path: Path):
    for d in (run_dir, code_dir, positive_dir):
        res = run_cli("validate", str(d))
        assert res.returncode == 0, res.stdout
    # imported records are held to what their format promises
    sources = {"prm800k": DATA / "prm800k_example.json", "prmbench": DATA / "prmbench_sample.jsonl"}
    for fmt in ("trl", "processbench", "math_shepherd"):
        rows = tmp_path / f"{fmt}.jsonl"
        assert run_cli("export", "--format", fmt, str(run_dir), "--out", str(rows)).returncode == 0
        sources[fmt] = rows
    for fmt, src in sources.items():
        out = tmp_path / f"{fmt}.traces.jsonl"
        assert run_cli("import", "--format", fmt, str(src), "--out", str(out)).returncode == 0
        res = run_cli("validate", str(out))
        assert res.returncode == 0, (fmt, res.stdout)


def test_the_neutral_policy_decides_what_a_neutral_label_must_say(run_dir: Path):
    right, _ = _records(run_dir)
    right["steps"][0]["label"].update(rating=0, correct=False, score=None)
    t = Trace.model_validate(right)
    assert any("neutral policy 'positive'" in p for p in problems(t))
    right["labeling"]["neutral_policy"] = "negative"
    assert problems(Trace.model_validate(right)) == []


@pytest.fixture()
def latin1(run_dir: Path, tmp_path: Path) -> Path:
    """A traces file whose third line holds a Latin-1 byte (not UTF-8)."""
    lines = (run_dir / "traces.jsonl").read_bytes().splitlines()
    bad = lines[2].replace(b'"prompt":"', b'"prompt":"caf\xe9 ', 1)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b"\n".join([lines[0], lines[1], bad]) + b"\n")
    return path


def test_bytes_that_are_not_utf8_are_one_line_in_every_command(latin1: Path, tmp_path: Path):
    rows = tmp_path / "rows.jsonl"
    rows.write_bytes(b'{"prompt": "p", "completions": ["a"], "labels": [true]}\n{"prompt": "caf\xe9", '
                     b'"completions": ["a"], "labels": [true]}\n')
    doc = tmp_path / "doc.json"
    doc.write_bytes(b'[\n {"prompt": "p",\n  "completions": ["caf\xe9"], "labels": [true]}\n]\n')
    problems_file = tmp_path / "problems.jsonl"
    problems_file.write_bytes(b'{"problem": "caf\xe9", "answer": "1"}\n')
    cases = [
        (["validate", str(latin1)], 1, f"{latin1}:3: not UTF-8 text (byte 0xe9"),
        (["export", "--format", "trl", str(latin1), "--out", str(tmp_path / "o.jsonl")], 2, f"{latin1}:3: not UTF-8"),
        (["export", "--format", "stepforge", str(latin1), "--out", str(tmp_path / "o.parquet")], 2, f"{latin1}:3:"),
        (["export", "--format", "hf", str(latin1), "--out", str(tmp_path / "hub")], 2, f"{latin1}:3:"),
        (["import", "--format", "trl", str(rows), "--out", str(tmp_path / "o.jsonl")], 2, f"{rows}:2: not UTF-8"),
        (["import", "--format", "trl", str(doc), "--out", str(tmp_path / "o.jsonl")], 2, f"{doc}:3: not UTF-8"),
        (["generate", "--generator", "openai", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--domain",
          "math", "--problems", str(problems_file), "--count", "1", "--out", str(tmp_path / "run")], 2, "not UTF-8"),
    ]
    for args, code, needle in cases:
        res = run_cli(*args)
        text = res.stdout if code == 1 else res.stderr
        assert res.returncode == code, (args, res.stdout, res.stderr)
        assert needle in text and "Traceback" not in res.stderr, (args, text)
        if code == 2:
            assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "o.parquet").exists()
    assert not (tmp_path / "hub").exists() and not list(tmp_path.glob(".*"))
