"""MathCheck-GSM's process-judging solutions as ProcessBench rows, plus reference answers, for ``bench_labels --real``.

MathCheck (``PremiLab-Math/MathCheck``, ``gsm_checklist.json``) rewrites 129 GSM8K test problems four ways (the seed,
problem understanding, distractor insertion, scenario understanding) and gives, for each, solutions whose first wrong
step is labelled ("process_judging": 516 solutions, every one with an error; its "answer" is "Step k") and the
question's own answer ("solving"). A step is a whole ``Step k:`` block, all its lines (the label counts blocks: a
block's plan line and the computation on the line under it are one step), without its prefix (ProcessBench-style text
has none); the closing "The answer is ..." paragraph is the last step. The references file holds each question's
answer; the seed questions are GSM8K's own, so ``--references gsm8k,OUT/mathcheck_refs.jsonl`` also gives them GSM8K's worked solutions.

    python benchmarks/convert_mathcheck.py gsm_checklist.json OUT_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _value(text: str) -> float | None:
    found = _NUMBER.findall(text)
    try:
        return float(found[-1].replace(",", "")) if found else None
    except ValueError:
        return None


# a block's opening, "Step 2:" or "**Step 2:**"
_STEP_LINE = re.compile(r"^[ \t]*\**[ \t]*Step[ \t]*(\d+)[ \t]*\**[ \t]*[:.][ \t]*\**[ \t]*", re.I | re.M)
_ANSWER_PARAGRAPH = re.compile(r"\s*(?:so,?\s+)?(?:the\s+)?(?:final\s+)?answer\b", re.I)


def _steps(solution: str) -> tuple[list[str], dict[int, int]]:
    """The solution's steps and where each labelled step is among them. A step is a whole ``Step k:`` block, every
    line of it ("Calculate the allowance: multiply $5 by 8 weeks." and "$5 x 8 = $45" are one step, as the label
    counts them); text before the first block and the closing "The answer is ..." paragraph are steps of their own."""
    marks = list(_STEP_LINE.finditer(solution))
    if not marks:
        return [ln.strip() for ln in solution.splitlines() if ln.strip()], {}
    parts: list[str] = []
    where: dict[int, int] = {}
    head = solution[: marks[0].start()].strip()
    if head:
        parts.append(head)
    for m, nxt in zip(marks, [*marks[1:], None]):
        block = solution[m.end() : nxt.start() if nxt is not None else len(solution)]
        paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", block) if p.strip()]
        closing = None
        if nxt is None and len(paragraphs) > 1 and _ANSWER_PARAGRAPH.match(paragraphs[-1]):
            closing = paragraphs.pop()
        text = "\n".join(ln.rstrip() for ln in "\n\n".join(paragraphs).splitlines()).strip()
        if text:
            where.setdefault(int(m.group(1)), len(parts))
            parts.append(text)
        if closing is not None:
            parts.append(closing)
    return parts, where


def convert(src: Path, out: Path) -> tuple[int, int]:
    items = json.loads(src.read_text(encoding="utf-8"))
    answers = {(x["group_id"], x["question_type"]): x for x in items if x["task_type"] == "solving"}
    out.mkdir(parents=True, exist_ok=True)
    rows, refs = [], {}
    for x in items:
        if x["task_type"] != "process_judging":
            continue
        solved = answers.get((x["group_id"], x["question_type"]))
        label = re.fullmatch(r"\s*Step\s*(\d+)\s*", str(x["answer"]))
        if solved is None or label is None:
            continue
        steps, where = _steps(x["solution"])
        k = int(label.group(1))
        if k not in where:
            continue  # a label naming a step the solution does not have
        reference = solved["answer"]
        stated = _value(steps[-1]) if steps else None
        right = stated is not None and isinstance(reference, (int, float)) and abs(stated - float(reference)) < 1e-6
        rows.append({"id": f"mathcheck-{x['id']}-{x['question_type']}", "generator": "mathcheck-gsm",
                     "problem": x["question"], "steps": steps, "final_answer_correct": right,
                     "label": where[k]})
        number = float(reference)
        refs.setdefault(x["question"], {"question": x["question"],
                                        "answer": str(int(number)) if number.is_integer() else str(number)})
    (out / "mathcheck_pb.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (out / "mathcheck_refs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in refs.values()), encoding="utf-8")
    return len(rows), len(refs)


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_file():
        sys.exit("usage: convert_mathcheck.py GSM_CHECKLIST_JSON OUT_DIR (MathCheck's gsm_checklist.json)")
    n, q = convert(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{n} solutions, {q} questions -> {sys.argv[2]}")
