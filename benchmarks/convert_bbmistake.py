"""BIG-Bench Mistake's multistep-arithmetic traces as ProcessBench rows, plus references, for ``bench_labels --real``.

Source: ``WHGTyen/BIG-Bench-Mistake`` (Apache-2.0), ``multistep_arithmetic.jsonl``: 300 PaLM 2 chain-of-thought
traces on BIG-Bench's nested integer expressions, each with the human-annotated first logical mistake
(``mistake_index``, 0-based, null when none). Not competition math: long signed-integer arithmetic in plain text,
a test of the checker's reading of it. A trace with a wrong answer and no mistake index (18 rows: the annotation says
nothing is wrong yet the answer is not the target) has no usable gold and is left out. The problem is the expression
with its trailing ``=`` replaced by a question; the references file holds each expression's ``target``.

    python benchmarks/convert_bbmistake.py BIG-Bench-Mistake/multistep_arithmetic.jsonl OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def convert(src: Path, out: Path) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    rows, refs, skipped = [], {}, 0
    for n, line in enumerate(src.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        r = json.loads(line)
        right = r["answer"].strip() == r["target"].strip()
        k = r["mistake_index"]
        if k is None and not right:
            skipped += 1
            continue
        problem = f"Compute {r['input'].rstrip().rstrip('=').strip()}."
        rows.append({"id": f"bbmistake-arith-{n}", "generator": "PaLM 2-L", "problem": problem,
                     "steps": r["steps"], "label": -1 if k is None else int(k), "final_answer_correct": right})
        refs.setdefault(problem, {"problem": problem, "answer": r["target"]})
    (out / "bbmistake_arith_pb.jsonl").write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    (out / "bbmistake_arith_refs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in refs.values()),
                                                    encoding="utf-8")
    return len(rows), skipped


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_file():
        sys.exit("usage: convert_bbmistake.py MULTISTEP_ARITHMETIC_JSONL OUT_DIR")
    n, s = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} traces ({s} left out: wrong answer, no mistake index) -> {sys.argv[2]}")
