"""``benchmarks/label_sets.py``: snapshots of real sets labelled from a source tree, compared row by row with gold."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "label_sets.py"

ROWS = [  # ProcessBench-format rows: gold's first error (label) and the final answer's verdict (a line separator in
    # a step's text, U+2028, is written raw in the snapshot: rows are read by "\n" only)
    {"id": "right", "generator": "t", "problem": "What is 2 + 3 times 4?", "label": -1, "final_answer_correct": True,
     "steps": ["First, $3 \\times 4 = 12$.\u2028", "Then $2 + 12 = 14$.", "The answer is $\\boxed{14}$."]},
    {"id": "slip", "generator": "t", "problem": "What is 5 + 6 times 7?", "label": 0, "final_answer_correct": False,
     "steps": ["First, $6 \\times 7 = 43$.", "Then $5 + 43 = 48$.", "The answer is $\\boxed{48}$."]},
    {"id": "late", "generator": "t", "problem": "What is 5 + 6 times 7?", "label": 2, "final_answer_correct": False,
     "steps": ["First, $6 \\times 7 = 42$.", "Then $5 + 42 = 47$.", "Adding one more, $47 + 1 = 49$.",
               "The answer is $\\boxed{49}$."]},
]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_run_then_compare(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"problem": ROWS[0]["problem"], "answer": "14"}) + "\n"
                    + json.dumps({"problem": ROWS[1]["problem"], "answer": "47"}) + "\n")
    sets = tmp_path / "sets.json"
    sets.write_text(json.dumps({"toy": ["--real", "{data}/rows.jsonl", "--references", str(refs)]}))
    base = tmp_path / "base"
    done = _cli("run", "--sets", str(sets), "--out", str(base), "--data", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    preds = {json.loads(x)["id"]: json.loads(x) for x in (base / "toy.jsonl").read_text().split("\n") if x}
    golds = {json.loads(x)["id"]: json.loads(x) for x in (base / "toy.gold.jsonl").read_text().split("\n") if x}
    assert set(preds) == set(golds) == {"right", "slip", "late"}
    assert preds["slip"]["verified"] and preds["slip"]["first_error_index"] == 0
    # a rejected row keeps its reason: a right answer without a reference solution to corroborate its steps, a
    # wrong answer whose every step is true
    for rid, reasons in (("right", {"process_unverified"}), ("late", {"error_not_located", "first_error_uncertain"})):
        extras = preds[rid]["extras"]
        extras = json.loads(extras) if isinstance(extras, str) else extras
        assert not preds[rid]["verified"] and extras["bench_rejection"]["reason"] in reasons

    # the same snapshot: nothing changed
    same = _cli("compare", str(base), str(base))
    assert same.returncode == 0 and "new keep" not in same.stdout and "no longer kept" not in same.stdout

    # a "new" snapshot that keeps the late row with its first error one step early, and stops keeping the slip
    new = tmp_path / "new"
    new.mkdir()
    (new / "toy.gold.jsonl").write_text((base / "toy.gold.jsonl").read_text())
    late = dict(preds["late"], verified=True, first_error_index=1)
    late["steps"] = [dict(s) for s in late["steps"]]
    late["steps"][2]["label"] = dict(late["steps"][2]["label"] or {}, rating=1)
    slip = dict(preds["slip"], verified=False)
    right = dict(preds["right"], verified=True)
    (new / "toy.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (right, slip, late)))
    diff = _cli("compare", str(base), str(new))
    assert diff.returncode == 0, diff.stderr
    assert "toy late: new keep, first error 1 (gold 2): WRONG" in diff.stdout
    assert "toy slip: no longer kept" in diff.stdout
    assert "toy right: new keep, first error -1 (gold -1): right" in diff.stdout
    assert "toy late: at gold's first error (step 2)" in diff.stdout

    shown = _cli("show", str(base), "toy", "slip")
    assert shown.returncode == 0 and "6 \\\\times 7 = 43" in shown.stdout


def test_bad_manifest_is_a_clear_error(tmp_path: Path) -> None:
    done = _cli("run", "--sets", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "no manifest" in done.stderr and "Traceback" not in done.stderr
    # the default manifest, its data not built: one line naming what to do
    done = _cli("run", "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "README's Benchmarks commands" in done.stderr and "Traceback" not in done.stderr
