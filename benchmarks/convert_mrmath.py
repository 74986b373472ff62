"""ReasonEval's Meta-Reasoning-MATH sets as ProcessBench rows, plus MATH references, for ``bench_labels --real``.

Source: ``GAIR-NLP/ReasonEval`` (no licence file in the repository; the problems are MATH's, MIT; the redundant set's
solutions are PRM800K's, MIT), ``dataset/mr-math_invalid_errors.json`` and ``dataset/mr-math_redundant_errors.json``
(JSON lines, despite the name):

- invalid: 159 Abel and WizardMath solutions to MATH problems, every final answer correct, 83 with a human-located
  first wrong step (1-based ``model_output_solution_first_error_step``) and 76 with none;
- redundant: 300 GPT-4 solutions from PRM800K's test set whose human ratings are all 0 or +1 (no wrong step): gold
  "no error" rows, for false alarms on MATH-level prose.

Each step is one item of ``model_output_step_format`` (its lines joined by newlines); the ``N.`` numbering and the
``[Final solution]`` marker are removed (ProcessBench-style text has neither). The references file holds each problem's
``ground_truth_answer``.

    python benchmarks/convert_mrmath.py ReasonEval/dataset OUT_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _step(parts: list[str]) -> str:
    text = "\n".join(parts)
    text = re.sub(r"^\s*\d+\.\s*", "", text)
    return re.sub(r"^\[Final solution\]\s*", "", text).strip()


def convert(src: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    refs: dict[str, dict] = {}
    counts = {}
    for name, fname in (("invalid", "mr-math_invalid_errors.json"), ("redundant", "mr-math_redundant_errors.json")):
        rows = []
        for r in _lines(src / fname):
            steps = [_step(p) for p in r["model_output_step_format"]]
            if name == "invalid":
                wrong = r["model_output_solution_correctness"] != "correct"
                label = int(r["model_output_solution_first_error_step"]) - 1 if wrong else -1
                fac = r["model_output_answer_correctness"] == "correct"
            else:
                if any(x < 0 for x in r["rating"]):
                    continue
                label, fac = -1, None  # PRM800K ratings >= 0 throughout; the answer is judged against the reference
            rows.append({"id": f"mrmath-{name}-{r['id']}", "generator": r["generator"], "problem": r["question"],
                         "steps": steps, "final_answer_correct": fac, "label": label})
            refs.setdefault(r["question"], {"problem": r["question"], "answer": r["ground_truth_answer"]})
        (out / f"mrmath_{name}_pb.jsonl").write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
        counts[name] = len(rows)
    (out / "mrmath_refs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in refs.values()), encoding="utf-8")
    counts["problems"] = len(refs)
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: convert_mrmath.py DATASET_DIR OUT_DIR (DATASET_DIR: ReasonEval's dataset/)")
    print(convert(Path(sys.argv[1]), Path(sys.argv[2])), "->", sys.argv[2])
