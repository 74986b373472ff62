"""MR-GSM8K's expert-labelled model solutions as ProcessBench rows, plus GSM8K references, for ``bench_labels --real``.

MR-GSM8K (``dvlab-research/MR-GSM8K``) keeps its graded rows in ``eval_results/gpt4-grading/*.json``: GSM8K-level
model solutions with a human first-error step. Program-of-thought rows are left out (code, not prose). ``Step k:``
prefixes and ``<<...>>`` calculator notes are removed (ProcessBench-style text has neither) and ``#### N`` becomes a
boxed answer sentence. The references file holds each question's worked GSM8K solution (``... #### N``; for a reversed
question, whose solution ends in prose, the answer and the solution apart; where MR-GSM8K's answer field holds no
number, the solution's last "the value of x is N").

    python benchmarks/convert_mrgsm8k.py MR-GSM8K/eval_results/gpt4-grading OUT_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def convert(src: Path, out: Path) -> tuple[int, int]:
    rows: dict[str, dict] = {}
    for f in sorted(src.glob("*.json")):
        for r in json.loads(f.read_text(encoding="utf-8")):
            rows.setdefault(r["uuid"], r)
    out.mkdir(parents=True, exist_ok=True)
    solutions, refs = [], {}
    for r in rows.values():
        if r["question_type"] == "POT":
            continue
        steps = []
        for s in r["model_output_steps"]:
            s = re.sub(r"^\s*Step \d+:\s*", "", s)
            m = re.match(r"^\s*####\s*(.+)$", s)
            steps.append(f"The final answer is $\\boxed{{{m.group(1).strip()}}}$." if m else re.sub(r"<<[^>]*>>", "", s))
        wrong = r["model_output_solution_correctness"] != "correct"
        solutions.append({"id": r["uuid"], "generator": "mr-gsm8k", "problem": r["question"], "steps": steps,
                          "final_answer_correct": r["model_output_answer_correctness"] == "correct",
                          "label": int(r["model_output_solution_first_error_step"]) - 1 if wrong else -1})
        sol = str(r["ground_truth_solution"])  # GSM8K's "... #### N"; reversed questions end in prose instead
        answer = str(r["ground_truth_answer"])
        if "####" not in sol and not re.search(r"\d", answer):
            # MR-GSM8K gives some reversed questions "Let's think step by step." as their answer: the solution's
            # last "the value of (the unknown variable) x is N" is it; with none, the question has no reference
            found = re.findall(r"value of (?:the unknown variable )?\w+ is \$?(-?[\d,]*\.?\d+)", sol)
            if not found:
                continue
            answer = found[-1].replace(",", "")
        refs.setdefault(r["question"], {"question": r["question"], "answer": sol} if "####" in sol else
                        {"question": r["question"], "answer": answer, "solution": sol})
    (out / "mrgsm8k_pb.jsonl").write_text("".join(json.dumps(x) + "\n" for x in solutions), encoding="utf-8")
    (out / "mrgsm8k_refs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in refs.values()), encoding="utf-8")
    return len(solutions), len(refs)


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: convert_mrgsm8k.py GRADING_DIR OUT_DIR (GRADING_DIR: MR-GSM8K's eval_results/gpt4-grading)")
    n, q = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} solutions, {q} questions -> {sys.argv[2]}")
