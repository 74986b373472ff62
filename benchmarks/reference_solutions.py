"""The built-in reference solutions (MATH test, GSM8K train) as ProcessBench rows with no error, for ``bench_labels
--real``: human-written right solutions, so every step the checker refutes is a false alarm (a reading it gets
wrong) or an error in the reference text itself. MATH solutions are cut into sentences (outside math), GSM8K ones
into their lines (calculator notes removed); the final answer closes each as a boxed sentence.

    python benchmarks/reference_solutions.py OUT_DIR   # -> OUT_DIR/math_ref_solutions_pb.jsonl, gsm8k_ref_solutions_pb.jsonl
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import stepforge.generators.sources as sources

_DATA = Path(sources.__file__).parent / "reference_answers"


def _sentences(paragraph: str) -> list[str]:
    """Cut at ". " before a capital letter, never inside ``$...$`` or ``\\[...\\]``."""
    out, start, inside = [], 0, False
    for m in re.finditer(r"\\\[|\\\]|(?<!\\)\$|\.(?= [A-Z])", paragraph):
        tok = m.group(0)
        if tok == "\\[":
            inside = True
        elif tok == "\\]":
            inside = False
        elif tok == "$":
            inside = not inside
        elif not inside:
            out.append(paragraph[start:m.end()].strip())
            start = m.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def _rows(name: str) -> list[dict]:
    with gzip.open(_DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "math_ref_solutions_pb.jsonl").open("w", encoding="utf-8") as f:
        for k, r in enumerate(_rows("math-test")):
            steps = [s for para in re.split(r"\n\s*\n", r["solution"]) for s in _sentences(para)]
            f.write(json.dumps({"id": f"mathref-{k}", "generator": "math-reference", "problem": r["problem"],
                                "steps": steps, "final_answer_correct": True, "label": -1}) + "\n")
    with (out / "gsm8k_ref_solutions_pb.jsonl").open("w", encoding="utf-8") as f:
        for k, r in enumerate(_rows("gsm8k-train")):
            lines = [re.sub(r"<<[^>]*>>", "", x).strip() for x in r["solution"].split("####")[0].split("\n")]
            steps = [x for x in lines if x] + [f"The final answer is $\\boxed{{{r['answer']}}}$."]
            f.write(json.dumps({"id": f"gsm-{k}", "generator": "gsm8k-reference", "problem": r["problem"],
                                "steps": steps, "final_answer_correct": True, "label": -1}) + "\n")
    print(f"-> {out}/math_ref_solutions_pb.jsonl, {out}/gsm8k_ref_solutions_pb.jsonl")


if __name__ == "__main__":
    if sys.argv[1:] in (["--help"], ["-h"]):  # a question, never a folder to write into
        print(__doc__)
        sys.exit(0)
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: reference_solutions.py OUT_DIR")
    main(Path(sys.argv[1]))
