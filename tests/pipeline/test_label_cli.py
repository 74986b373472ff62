"""``stepforge label IN --strategy S --out DIR``: existing solutions (stepforge's own, imported rows) labelled again
with the same engine, keep rule and card; the labels already in IN are never read."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import ROOT, records, run_cli

DATA = ROOT / "tests" / "data"


def test_a_procedural_run_relabelled_from_its_texts_alone(tmp_path: Path) -> None:
    src = tmp_path / "src"
    r = run_cli("generate", "--domain", "math", "--count", "24", "--seed", "3", "--out", str(src), "--no-progress")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "relabelled"
    r = run_cli("label", str(src), "--strategy", "symbolic", "--out", str(out), "--no-progress")
    assert r.returncode == 0, r.stderr
    before = {t["id"]: t for t in records(src / "traces.jsonl")}
    after, rejected = records(out / "traces.jsonl"), records(out / "rejected.jsonl")
    ins = len(before) + sum(1 for x in records(src / "rejected.jsonl") if "schema_version" in (x.get("candidate") or {}))
    assert len(after) + len(rejected) == ins  # every labelled solution of IN: kept or rejected, none lost
    assert after and any(not t["outcome"]["correct"] for t in after)
    for t in after:
        assert t["generation"]["injected_error"] is None  # what IN says of its errors is not read
        assert t["extras"]["relabelled"]["from"] == str(src)
        if t["id"] in before and not t["outcome"]["correct"]:  # a kept first error is where it was injected
            assert t["first_error_index"] == before[t["id"]]["generation"]["injected_error"]["step_index"]
    # a relabelled wrong solution carries no injected marker: the keep rule may doubt its refuted step
    assert {x["reason"] for x in rejected} <= {"error_not_located", "labels_disagree", "inconclusive_outcome",
                                               "first_error_uncertain"}
    card = (out / "card.md").read_text()
    assert "stepforge label" in card and "records" in card
    r = run_cli("eval-labels", str(src), str(out), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["matched"] == ins


def test_rows_without_a_reference_answer_are_kept_only_with_a_refuted_step(tmp_path: Path) -> None:
    out = tmp_path / "prmbench"
    # --references none: not even the built-in GSM8K and MATH problems (the sample's are MATH test problems)
    r = run_cli("label", str(DATA / "prmbench_sample.jsonl"), "--out", str(out), "--references", "none",
                "--no-progress")
    assert r.returncode == 0, r.stderr
    kept, rejected = records(out / "traces.jsonl"), records(out / "rejected.jsonl")
    assert len(kept) + len(rejected) == 40
    reasons = {x["reason"] for x in rejected}
    assert "no_reference" in reasons and reasons <= {"no_reference", "first_error_uncertain"}, reasons
    for x in rejected:  # a refuted step after an unchecked step bringing in a new value: not surely the first error
        if x["reason"] == "first_error_uncertain":
            fe, c = x["candidate"]["first_error_index"], x["candidate"]
            assert fe > 0 and any(s["label"]["rating"] == 0 for s in c["steps"][:fe])
    for t in kept:  # the answer is not graded; the steps carry a refuted claim
        assert t["outcome"]["correct"] is None and t["outcome"]["verdict"] == "no_reference"
        assert t["verified"] is False
        fe = t["first_error_index"]
        assert any(c["verdict"] == "false" for c in t["steps"][fe]["evidence"]["symbolic"]["claims"])
    assert "no_reference" in (out / "card.md").read_text()
    r = run_cli("eval-labels", str(DATA / "prmbench_sample.jsonl"), str(out), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["matched"] == 40


def test_builtin_references_grade_rows_on_gsm8k_and_math_problems(tmp_path: Path) -> None:
    """By default a row without a reference answer takes its problem's from the GSM8K and MATH sets stepforge ships
    (matched by text, whitespace ignored), graded as a generated one; the trace and the card say where it came from.
    A row on another problem stays ungraded."""
    gsm = "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. " \
          "How many clips did Natalia sell altogether in April and May?"  # GSM8K train, answer 72
    rows = [
        {"id": "right", "problem": gsm.replace(" ", "  "), "steps": [
            "In May she sold 48 / 2 = 24 clips.", "Altogether she sold 48 + 24 = 72 clips.", "The answer is 72."],
         "final_answer_correct": None, "label": -1},
        {"id": "slip", "problem": gsm, "steps": [
            "In May she sold 48 / 2 = 24 clips.", "Altogether she sold 48 + 24 = 62 clips.", "The answer is 62."],
         "final_answer_correct": None, "label": 1},
        {"id": "disputed", "problem": gsm, "steps": [
            "In May she sold 48 / 2 = 24 clips.", "Altogether she sold 48 + 24 = 62 clips.", "The answer is 62."],
         "final_answer_correct": True, "label": -1},
        {"id": "elsewhere", "problem": "Bo has 2 + 2 apples. How many?", "steps": [
            "Bo has 2 + 2 = 5 apples.", "The answer is 5."], "final_answer_correct": None, "label": 0},
    ]
    data = tmp_path / "pb.jsonl"
    data.write_text("".join(json.dumps({"generator": "g", **r}) + "\n" for r in rows))
    out = tmp_path / "out"
    r = run_cli("label", str(data), "--out", str(out), "--strategy", "symbolic", "--no-progress")
    assert r.returncode == 0, r.stderr
    kept = {t["id"]: t for t in records(out / "traces.jsonl")}
    rejected = {x["id"]: x for x in records(out / "rejected.jsonl")}
    assert set(kept) | set(rejected) == {"right", "slip", "disputed", "elsewhere"}
    # the row's own verdict says right, GSM8K's answer says wrong: two graders disagree, nothing is kept
    disputed = rejected["disputed"]
    assert disputed["reason"] == "inconclusive_outcome" and "disputed" in disputed["detail"]
    assert disputed["candidate"]["outcome"]["details"]["source"]["correct"] is True
    slip = kept["slip"]  # graded against GSM8K's 72; the refuted step redone right gives it
    assert slip["outcome"]["correct"] is False and slip["first_error_index"] == 1
    assert slip["task"]["reference"]["answer"] == "72"
    assert slip["task"]["metadata"]["reference_from"] == "builtin:gsm8k-train"
    assert "right" in kept and kept["right"]["outcome"]["correct"] is True and kept["right"]["first_error_index"] == -1
    other = kept.get("elsewhere") or rejected["elsewhere"]["candidate"]
    assert not other["task"]["reference"]["answer"] and "reference_from" not in other["task"]["metadata"]
    card = (out / "card.md").read_text()
    assert "builtin:gsm8k-test + builtin:gsm8k-train" in card and "builtin:math-test" in card
    none = tmp_path / "none"
    r = run_cli("label", str(data), "--out", str(none), "--strategy", "symbolic", "--references", "none",
                "--no-progress")
    assert r.returncode == 0, r.stderr
    assert not any(t["task"]["reference"]["answer"] for t in records(none / "traces.jsonl"))
    for spec, msg in (("nope.jsonl", "no such file, and not a built-in set"), ("none,math", "give it alone"),
                      (",", "--references is empty")):
        r = run_cli("label", str(data), "--out", str(tmp_path / "bad"), "--references", spec, "--no-progress")
        assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, (spec, r.stderr)


def test_label_input_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"foo": 1}\n')
    mixed = tmp_path / "mixed.jsonl"
    cases = [
        ([str(tmp_path / "none.jsonl")], "does not exist"),
        ([str(bad)], "cannot tell the format"),
        ([str(DATA / "prmbench_sample.jsonl"), "--format", "nope"], "unknown label format"),
        ([str(DATA / "prmbench_sample.jsonl"), "--strategy", "execution"], "unknown labelling strategy"),
        ([str(DATA / "prmbench_sample.jsonl"), "--count", "0"], "--count must be"),
    ]
    for args, msg in cases:
        r = run_cli("label", *args, "--out", str(tmp_path / "o"), "--no-progress")
        assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    assert not mixed.exists() and not (tmp_path / "o").exists()


def test_references_give_rows_without_an_answer_one(tmp_path: Path) -> None:
    """PRMBench rows carry no reference answer; ``--references`` (MATH-style problem/answer/solution rows) gives them
    one (and a reference solution a right answer's steps are compared with), so one strategy can grade and keep them; a bad references file is one line and exit 2."""
    rows = [
        {"idx": "r1", "modified_question": "Ann has 5 bags of 3 apples and 2 more apples. How many apples?",
         "modified_process": ["Ann has 5 bags of 3 apples.", "So $5 \\times 3 = 16$ apples in bags.",
                              "With the others, $16 + 2 = 18$.", "The answer is $\\boxed{18}$."],
         "error_steps": [2]},
        {"idx": "r2", "modified_question": "Tom has 6 boxes of 4 cakes.  How many cakes?",
         "modified_process": ["Tom has 6 boxes.", "So $6 \\times 4 = 24$ cakes.", "The answer is $\\boxed{24}$."],
         "error_steps": []},
    ]
    data = tmp_path / "pb.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"problem": "Ann has 5 bags of 3 apples and 2 more apples.  How many apples?",
                                "answer": "17"}) + "\n"
                    + json.dumps({"question": "Tom has 6 boxes of 4 cakes. How many cakes?", "answer": "24",
                                  "solution": "There are $6 \\times 4 = 24$ cakes."}) + "\n")
    without = tmp_path / "without"
    r = run_cli("label", str(data), "--out", str(without), "--strategy", "symbolic", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert not records(without / "traces.jsonl")
    out = tmp_path / "with"
    r = run_cli("label", str(data), "--out", str(out), "--strategy", "symbolic", "--references", str(refs),
                "--no-progress")
    assert r.returncode == 0, r.stderr
    kept = {t["task"]["task_id"]: t for t in records(out / "traces.jsonl")}
    assert set(kept) == {"r1", "r2"}
    assert kept["r1"]["outcome"]["correct"] is False and kept["r1"]["first_error_index"] == 1
    assert kept["r2"]["outcome"]["correct"] is True and kept["r2"]["first_error_index"] == -1
    assert "refs.jsonl" in (out / "card.md").read_text()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"problem": "x"}\n')
    r = run_cli("label", str(data), "--out", str(tmp_path / "bad"), "--references", str(bad), "--no-progress")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "bad.jsonl:1" in r.stderr, r.stderr
