"""The MathCheck-GSM converter: a process-judging solution's ``Step k:`` blocks become steps without their prefix
(every line of a block is one step: the label counts blocks), "Step k" becomes the index of block k, the question's "solving" answer its reference and the outcome; other task
types are left out; the rows import as ProcessBench."""

import json

from stepforge.datasets import importers

from .conftest import benchmark_script

Q = "Tom has 3 apples and buys 4 more. How many apples does he have?"
ITEMS = [
    {"task_type": "solving", "question_type": "seed_question", "group_id": "0", "id": "0", "question": Q,
     "answer": 7.0},
    {"task_type": "outcome_judging", "question_type": "seed_question", "group_id": "0", "id": "1", "question": Q,
     "solution": "3 + 4 = 7", "answer": "Correct"},
    {"task_type": "process_judging", "question_type": "seed_question", "group_id": "0", "id": "3", "question": Q,
     "solution": "Step 1: Tom has 3 apples.\n\nStep 2: He buys 4 more, so 3 * 4 = 12.\nThe answer is 12.",
     "answer": "Step 2"},
    {"task_type": "solving", "question_type": "distractor_insertion_question", "group_id": "0", "id": "4",
     "question": Q + " (He has a dog.)", "answer": 7.0},
    {"task_type": "process_judging", "question_type": "distractor_insertion_question", "group_id": "0", "id": "5",
     "question": Q + " (He has a dog.)",
     "solution": "Step 1: Count what he buys. He buys 4 more apples.  \n4 apples\n\n**Step 2:** Add them: multiply.  \n"
                 "3 * 4 = 12 apples\n\nStep 3: The dog has none.\n\nThe answer is 12 apples.",
     "answer": "Step 2"},
]


def test_rows_refs_and_import(tmp_path) -> None:
    conv = benchmark_script("convert_mathcheck")
    src = tmp_path / "gsm_checklist.json"
    src.write_text(json.dumps(ITEMS))
    assert conv.convert(src, tmp_path / "out") == (2, 2)
    row, blocks = [json.loads(x) for x in (tmp_path / "out" / "mathcheck_pb.jsonl").read_text().splitlines()]
    assert row["steps"] == ["Tom has 3 apples.", "He buys 4 more, so 3 * 4 = 12.\nThe answer is 12."]
    assert (row["label"], row["final_answer_correct"]) == (1, False)
    # a block's plan line and its computation are one step (the label counts blocks: "Step 2" is the
    # multiplication, not the line announcing it); a bold "**Step 2:**" is a block too; the closing paragraph
    # is a step of its own
    assert blocks["steps"] == ["Count what he buys. He buys 4 more apples.\n4 apples",
                               "Add them: multiply.\n3 * 4 = 12 apples", "The dog has none.", "The answer is 12 apples."]
    assert blocks["label"] == 1 and "3 * 4 = 12" in blocks["steps"][blocks["label"]]
    ref = json.loads((tmp_path / "out" / "mathcheck_refs.jsonl").read_text().splitlines()[0])
    assert ref == {"question": Q, "answer": "7"}
    (trace,) = importers.iter_traces("processbench", [row])
    assert trace.first_error_index == 1 and trace.outcome.correct is False
