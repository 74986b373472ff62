"""MR-Ben's math subset (expert-labelled model solutions) as ProcessBench rows with references, for bench_labels --real.

Source: ``dvlab-research/Mr-Ben`` (MIT), ``data/math.json``: MMLU high-school and college math questions (multiple
choice), three solutions each (GPT-3.5, Claude 2, Mistral-medium), each with the annotators' verdict and first wrong
step (``Model_Solution_First_Error_Step``: the number after ``Step k:``, N/A when correct). A step is a ``Step k:``
item with the unprefixed items after it (continuation lines); the prefix is removed. The closing ``Solution:
Choice_X`` becomes a boxed answer sentence holding option X's text, so the answer is graded as a value; the problem
text carries the options; the references file holds the correct option's text. A row whose labelled step number is
not among its steps is left out. The other subjects' files (``physics.json``, ``chemistry.json``, ...) have the same
layout and convert the same way (quantitative science, not competition math); outputs are named after the input.

    python benchmarks/convert_mrben.py Mr-Ben/data/math.json OUT_DIR   # -> OUT_DIR/mrben_math_{pb,refs}.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_STEP = re.compile(r"^\s*Step\s*(\d+)\s*[:.]\s*", re.I)
_CHOICE = re.compile(r"Choice\s*\\?_?\s*([A-D])\b")


def _options(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\s*([A-D])\s*:\s*(.*?)\s*$", text, re.M)}


def _groups(items: list[str]) -> list[tuple[str | None, str]]:
    """(step number or "solution" or None, text) per step: continuation items join the step before them."""
    out: list[tuple[str | None, str]] = []
    for item in items:
        if not item.strip():
            continue
        m = _STEP.match(item)
        if m:
            out.append((m.group(1), item[m.end():].strip()))
        elif item.strip().startswith("Solution:") or not out:
            out.append(("solution" if item.strip().startswith("Solution:") else None, item.strip()))
        else:
            num, text = out[-1]
            out[-1] = (num, f"{text}\n{item.strip()}")
    return out


def convert(src: Path, out: Path) -> tuple[int, int, int]:
    data = json.loads(src.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    rows, refs, skipped = [], {}, 0
    for r in (r for v in data.values() for r in v):
        opts = _options(r["Options"])
        gt = r["Ground_Truth_Answer_Modified"].strip()
        if gt not in opts:
            skipped += 1
            continue
        problem = f"{r['Question'].strip()}\n\n" + "\n".join(f"{k}: {v}" for k, v in opts.items())
        groups = _groups(r["Model_Solution_Steps"])
        steps, chosen = [], None
        for num, text in groups:
            if num == "solution":
                m = _CHOICE.search(text)
                if m and m.group(1) in opts:
                    chosen = m.group(1)
                    text = f"The final answer is $\\boxed{{{opts[chosen]}}}$."
                else:
                    text = re.sub(r"^Solution:\s*", "", text)
            steps.append(text)
        fe = r["Model_Solution_First_Error_Step"]
        if r["Model_Solution_Correctness"] == "correct" or fe == "N/A":
            label = -1
        else:
            idx = [i for i, (num, _) in enumerate(groups) if num == str(fe).strip()]
            if len(idx) != 1:
                skipped += 1
                continue
            label = idx[0]
        rows.append({"id": f"mrben-{r['Question_UUID']}-{r['Sampled_Model']}", "generator": r["Sampled_Model"],
                     "problem": problem, "steps": steps, "label": label,
                     "final_answer_correct": None if chosen is None else chosen == gt,
                     "subject": r["Subject"]})
        refs.setdefault(problem, {"problem": problem, "answer": opts[gt]})
    (out / f"mrben_{src.stem}_pb.jsonl").write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    (out / f"mrben_{src.stem}_refs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in refs.values()),
                                                     encoding="utf-8")
    return len(rows), len(refs), skipped


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_file():
        sys.exit("usage: convert_mrben.py SUBJECT_JSON OUT_DIR (SUBJECT_JSON: Mr-Ben's data/math.json, ...)")
    n, q, s = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} solutions, {q} questions ({s} rows left out) -> {sys.argv[2]}")
