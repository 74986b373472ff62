"""The GSM8K model-solutions converter: lines become steps without calculator notes, the ``A:`` line a boxed
answer, the answer-level verdict the row's outcome; the rows import as ProcessBench."""

import json

from stepforge.datasets import importers

from .conftest import benchmark_script

RECORD = {
    "question": "Tom has 3 apples and buys 4 more. How many apples does he have?",
    "ground_truth": "Tom has 3 + 4 = <<3+4=7>>7 apples.\nA: 7",
    "6b_finetuning": {"is_correct": False, "solution": "He has 3 * 4 = <<3*4=12>>12 apples\nA: 12"},
    "175b_verification": {"is_correct": True, "solution": "He buys 4 more.\nHe has 3 + 4 = <<3+4=7>>7 apples\nA: 7"},
}


def test_rows_and_import(tmp_path) -> None:
    conv = benchmark_script("convert_gsm8k_model_solutions")
    src = tmp_path / "example_model_solutions.jsonl"
    src.write_text(json.dumps(RECORD) + "\n" + json.dumps(RECORD) + "\n")
    n, right = conv.convert(src, tmp_path / "out", problems=1)
    assert (n, right) == (2, 1)
    rows = [json.loads(x) for x in (tmp_path / "out" / "gsm8k_model_solutions_pb.jsonl").read_text().splitlines()]
    wrong, good = rows
    assert wrong["steps"] == ["He has 3 * 4 = 12 apples", "The answer is $\\boxed{12}$."]
    assert (wrong["final_answer_correct"], wrong["label"]) == (False, 0)
    assert good["steps"][-1] == "The answer is $\\boxed{7}$." and (good["final_answer_correct"], good["label"]) == (True, -1)
    traces = list(importers.iter_traces("processbench", rows))
    assert [t.outcome.correct for t in traces] == [False, True]
    assert [len(t.steps) for t in traces] == [2, 3]
