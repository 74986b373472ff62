"""OlympiadBench solutions (human and model-written) from RealCritic as ProcessBench rows, plus references.

Source: the RealCritic repository on GitHub (MIT; "RealCritic: Towards Effectiveness-Driven Evaluation of Language
Model Critiques", Tang et al. 2025), whose ``olympiadbench/test.jsonl`` files hold 267 text-only English
competition problems of OlympiadBench (OE_TO_maths_en_COMP, MIT) with OlympiadBench's human solutions
(``solution``: a list, 1 to 5 per problem), the final answer (``gt``) and one model-written solution each
(``reasoning``, by ``model``: Qwen2/2.5(-Math), Llama 3.1, DeepSeek-Math...). ``mix_data`` judges its solution
(``previous_score``: rule-graded final answer, 133 right, 134 wrong); ``wrong_data`` (commit dd88a05^) holds a
wrong one for every problem, 133 of them not in ``mix_data``. Nobody labelled steps, so the rows are:

* ``olymp_ref_pb.jsonl``: the human solutions, ``final_answer_correct`` true, ``label`` -1. Every step stepforge
  refutes there is a false alarm (or a slip in the reference).
* ``olymp_gen_pb.jsonl``: model solutions judged right, ``label`` -1 (gold: no error, as far as the answer says).
* ``olymp_gen_wrong_pb.jsonl``: model solutions judged wrong, ``final_answer_correct`` false. Their first error is
  unknown; ``label`` -1 there is a placeholder the importer needs, not a gold label: leave this file out of
  precision figures and judge what stepforge keeps of it by hand.
* ``olymp_refs.jsonl``: problem / answer rows for ``--references``.

Steps are paragraphs (blank-line separated, as ProcessBench's), with one that does not end a sentence joined to the
next: a lead-in ending in ``:``, ``,`` or ``=`` or in a word before a display, or a next paragraph opening in
lower case or with punctuation
(OlympiadBench's text is OCR'd from PDFs: a page break or a display splits sentences).

    python benchmarks/convert_realcritic_olympiad.py MIX_JSONL WRONG_JSONL OUT_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def steps_of(text: str) -> list[str]:
    """The paragraphs of ``text``, one not ending its sentence joined to the next."""
    paras = [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    merged: list[str] = []
    for p in paras:
        lead_in = merged and (merged[-1].endswith((":", ",", "=")) or re.search(r"[A-Za-z]$", merged[-1])
                              and p.startswith(("$$", "\\[")))
        if lead_in or merged and re.match(r"[a-z,.;)]", p):
            merged[-1] = merged[-1] + "\n\n" + p
        else:
            merged.append(p)
    return merged


def convert(mix: Path, wrong: Path, out: Path) -> dict[str, int]:
    mixed = [json.loads(x) for x in mix.read_text(encoding="utf-8").splitlines() if x.strip()]
    pid = {r["question"]: f"obench-{k:03d}" for k, r in enumerate(mixed)}
    refs, ref_rows, right, wrong_rows, seen = [], [], [], [], set()

    def row(r: dict, rid: str, text: str, gen: str, ok: bool) -> dict:
        return {"id": rid, "generator": gen, "problem": r["question"].strip(), "steps": steps_of(text),
                "final_answer_correct": ok, "label": -1}

    for r in mixed:
        p = pid[r["question"]]
        refs.append({"problem": r["question"].strip(), "answer": r["gt"]})
        for j, sol in enumerate(r["solution"]):
            ref_rows.append(row(r, f"{p}-ref{j}", sol, "human", True))
        ok = bool(r["previous_score"][0])
        (right if ok else wrong_rows).append(row(r, f"{p}-gen", r["reasoning"], r["model"], ok))
        seen.add(r["reasoning"])
    for r in (json.loads(x) for x in wrong.read_text(encoding="utf-8").splitlines() if x.strip()):
        if r["reasoning"] not in seen and r["question"] in pid:
            wrong_rows.append(row(r, f"{pid[r['question']]}-wrong", r["reasoning"], r["model"], False))
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("olymp_ref_pb", ref_rows), ("olymp_gen_pb", right), ("olymp_gen_wrong_pb", wrong_rows),
                       ("olymp_refs", refs)):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    return {"problems": len(refs), "human": len(ref_rows), "judged_right": len(right), "judged_wrong": len(wrong_rows)}


if __name__ == "__main__":
    if len(sys.argv) != 4 or not all(Path(a).is_file() for a in sys.argv[1:3]):
        sys.exit("usage: convert_realcritic_olympiad.py MIX_JSONL WRONG_JSONL OUT_DIR (RealCritic "
                 "data/mix_data/olympiadbench/test.jsonl and, at dd88a05^, data/wrong_data/olympiadbench/test.jsonl)")
    print(f"{convert(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))} -> {sys.argv[3]}")
