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

RealCritic's ``math`` and ``gsm8k`` subsets (268 MATH test problems, 273 GSM8K test problems, the same models) convert
the same way, with ``--subset math|gsm8k``: their human solution is one text (``solution``, or ``gt_cot`` with its
calculator notes removed); its references carry it as ``solution`` too, so a right answer can be corroborated.
``--subset college_math|minerva_math`` (279 college-level problems, 261 MIT course problems, Minerva's; 540 wrong
solutions in all) converts the same way; college_math has no human solution (``gt_cot`` is the string 'None'): no
human rows then, and references with the answer (``gt``) only.

    python benchmarks/convert_realcritic_olympiad.py MIX_JSONL WRONG_JSONL OUT_DIR [--subset SUBSET]
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


def _human(r: dict) -> list[str]:
    """The human solutions of a RealCritic row: OlympiadBench's list, MATH's text, GSM8K's ``gt_cot``."""
    sol = r.get("solution")
    if isinstance(sol, list):
        return [s for s in sol if _given(s)]
    if _given(sol):
        return [sol]
    cot = r.get("gt_cot")
    return [re.sub(r"<<[^>]*>>", "", cot)] if _given(cot) else []


def _given(text: object) -> bool:
    """A text that is there: RealCritic writes a missing solution as the string 'None'."""
    return isinstance(text, str) and text.strip() not in ("", "None")


def _judged(score: object) -> bool:
    """RealCritic's answer verdict: ``[True]`` / ``[False]``, as a list or as its text."""
    if isinstance(score, list) and len(score) == 1 and isinstance(score[0], bool):
        return score[0]
    if isinstance(score, str) and score.strip() in ("[True]", "[False]"):
        return score.strip() == "[True]"
    raise ValueError(f"previous_score is {str(score)[:40]!r}, not [True] or [False]")


PREFIX = {"olympiad": "obench", "math": "rcmath", "gsm8k": "rcgsm", "college_math": "rccol",
          "minerva_math": "rcmin"}


def convert(mix: Path, wrong: Path, out: Path, subset: str = "olympiad") -> dict[str, int]:
    mixed = [json.loads(x) for x in mix.read_text(encoding="utf-8").splitlines() if x.strip()]
    pid = {r["question"]: f"{PREFIX[subset]}-{k:03d}" for k, r in enumerate(mixed)}
    refs, ref_rows, right, wrong_rows, seen = [], [], [], [], set()

    def row(r: dict, rid: str, text: str, gen: str, ok: bool) -> dict:
        return {"id": rid, "generator": gen, "problem": r["question"].strip(), "steps": steps_of(text),
                "final_answer_correct": ok, "label": -1}

    for r in mixed:
        p = pid[r["question"]]
        human = _human(r)
        refs.append({"problem": r["question"].strip(), "answer": r["gt"]}
                    | ({"solution": human[0]} if subset != "olympiad" and human else {}))
        for j, sol in enumerate(human):
            ref_rows.append(row(r, f"{p}-ref{j}", sol, "human", True))
        ok = _judged(r["previous_score"])
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
    argv = sys.argv[1:]
    subset = "olympiad"
    if "--subset" in argv:
        k = argv.index("--subset")
        subset = argv[k + 1] if k + 1 < len(argv) else ""
        del argv[k:k + 2]
    if len(argv) != 3 or not all(Path(a).is_file() for a in argv[:2]) or subset not in PREFIX:
        sys.exit(f"usage: convert_realcritic_olympiad.py MIX_JSONL WRONG_JSONL OUT_DIR [--subset {'|'.join(PREFIX)}] "
                 "(RealCritic data/mix_data/SUBSET/test.jsonl and, at dd88a05^, data/wrong_data/SUBSET/test.jsonl)")
    try:
        counts = convert(Path(argv[0]), Path(argv[1]), Path(argv[2]), subset)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:  # bad input
        sys.exit(f"convert_realcritic_olympiad.py: cannot convert ({type(exc).__name__}: {' '.join(str(exc).split())})")
    print(f"{counts} -> {argv[2]}")
