"""GSM8K model solutions (answer-level labels only) as ProcessBench rows, for ``bench_labels --real``.

Source: ``openai/grade-school-math`` (MIT), ``grade_school_math/data/example_model_solutions.jsonl``: for each of
GSM8K's 1,319 test problems, solutions by four GPT-3 models (6B and 175B, fine-tuned or with a verifier) with
``is_correct``, the final answer graded against the reference. Nobody labelled steps: a row's ``label`` is -1 for
a right answer and a placeholder 0 for a wrong one, so compare only the right answers kept as "no error" (and
judge what is kept of the wrong ones by hand). Steps are the solution's lines with the ``<<...>>`` calculator notes
removed; the final ``A: N`` line becomes ``The answer is $\\boxed{N}$.``. The problems are GSM8K's, so the built-in
``gsm8k`` references (answers and reference solutions) apply: ``--references gsm8k``.

    python benchmarks/convert_gsm8k_model_solutions.py example_model_solutions.jsonl OUT_DIR [--problems N]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

MODELS = ("6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification")
_NOTE = re.compile(r"<<[^>]*>>")


def rows_of(record: dict, index: int) -> list[dict]:
    out = []
    for model in MODELS:
        if model not in record:
            continue
        lines = [x for x in _NOTE.sub("", record[model]["solution"]).split("\n") if x.strip()]
        answer = lines.pop()[2:].strip() if lines and lines[-1].startswith("A:") else None
        steps = lines + ([f"The answer is $\\boxed{{{answer}}}$."] if answer else [])
        right = bool(record[model]["is_correct"])
        out.append({"id": f"gsm8k-model-{index}-{model}", "generator": model, "problem": record["question"],
                    "steps": steps, "final_answer_correct": right, "label": -1 if right else 0})
    return out


def convert(src: Path, out: Path, problems: int | None = None) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, line in enumerate(src.read_text(encoding="utf-8").splitlines()):
        if problems is not None and i >= problems:
            break
        if line.strip():
            rows.extend(rows_of(json.loads(line), i))
    (out / "gsm8k_model_solutions_pb.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return len(rows), sum(r["final_answer_correct"] for r in rows)


if __name__ == "__main__":
    args = sys.argv[1:]
    limit = None
    if "--problems" in args:
        k = args.index("--problems")
        try:
            limit = int(args[k + 1])
        except (IndexError, ValueError):
            sys.exit("--problems needs a number")
        del args[k:k + 2]
    if len(args) != 2 or not Path(args[0]).is_file():
        sys.exit("usage: convert_gsm8k_model_solutions.py EXAMPLE_MODEL_SOLUTIONS_JSONL OUT_DIR [--problems N]")
    n, right = convert(Path(args[0]), Path(args[1]), limit)
    print(f"{n} solutions ({right} with a right final answer) -> {args[1]}")
