"""Malformed input to ``stepforge label`` and ``stepforge eval-labels`` (the files of ``benchmarks/stress_labels.py``:
missing and ill-typed fields, labels out of range, non-UTF-8 bytes, a truncated last line, an empty file) ends with
one line naming the problem and exit 2, never a traceback, before any run folder is made. Found: ProcessBench
``steps`` given as a string was labelled as one step per character, and ``eval-labels`` on an empty file (or two
files with no solution in common) printed a table of zeros with exit 0."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from stepforge.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _stress():
    spec = importlib.util.spec_from_file_location("stress_labels", ROOT / "benchmarks" / "stress_labels.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BAD = _stress().bad_files()
GOOD = {"id": "g1", "generator": "m", "problem": "What is 2+2?", "steps": ["$2 + 2 = 4$.", "$\\boxed{4}$"],
        "final_answer_correct": True, "label": -1}


def _one_line_error(capsys, code: int, name: str) -> str:
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("stepforge: error: "), err
    return err


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_malformed_file_is_one_line_and_exit_2(tmp_path: Path, capsys, name: str) -> None:
    bad = tmp_path / f"{name}.jsonl"
    bad.write_bytes(BAD[name])
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(GOOD) + "\n")
    out = tmp_path / "out"
    err = _one_line_error(capsys, main(["label", str(bad), "--out", str(out), "--no-progress"]), name)
    assert bad.name in err and not out.exists()
    _one_line_error(capsys, main(["eval-labels", str(bad), str(good)]), name)
    _one_line_error(capsys, main(["eval-labels", str(good), str(bad)]), name)


def test_steps_given_as_a_string_are_refused_not_read_as_characters(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "s.jsonl"
    bad.write_text(json.dumps({**GOOD, "steps": "$2 + 2 = 4$"}) + "\n")
    err = _one_line_error(capsys, main(["eval-labels", str(bad), str(bad)]), "s")
    assert "steps must be a list of strings, got str" in err
    bad.write_text(json.dumps({**GOOD, "steps": ["$2 + 2 = 4$", 4]}) + "\n")
    err = _one_line_error(capsys, main(["eval-labels", str(bad), str(bad)]), "s")
    assert "steps must be a list of strings, got a list holding int" in err


def test_eval_labels_with_nothing_to_compare_says_why(tmp_path: Path, capsys) -> None:
    empty, good, other = tmp_path / "empty.jsonl", tmp_path / "good.jsonl", tmp_path / "other.jsonl"
    empty.write_text("")
    good.write_text(json.dumps(GOOD) + "\n")
    other.write_text(json.dumps({**GOOD, "id": "o1", "problem": "What is 3+3?"}) + "\n")
    err = _one_line_error(capsys, main(["eval-labels", str(empty), str(good)]), "empty")
    assert f"{empty}: no labelled solutions in it" in err
    err = _one_line_error(capsys, main(["eval-labels", str(good), str(other)]), "other")
    assert "no solution of" in err and "paired by id" in err
    assert main(["eval-labels", str(good), str(good)]) == 0  # the same solutions: a table
