"""CHAMP's human first-wrong-step annotations as ProcessBench rows, plus references, for ``bench_labels --real``.

Source: the ``champ-dataset`` package on PyPI (MIT; the data of "CHAMP: A Competition-level Dataset for Fine-Grained
Analyses of LLMs' Mathematical Reasoning Capabilities", Mao, Kim and Zhou 2024), ``champ_dataset/dataset_files/
v0.json``: 270 high-school competition problems (number theory, inequalities, polynomials, sequences,
combinatorics), each with two annotated model solutions (``fws_annotations``: GPT-3.5, GPT-4, GPT-4 Turbo or PaLM 2
Medium, without and with concepts and hints in the prompt): the full solution text and the character span of its
first wrong step, or none when the solution has no mistake (96 of 540). Plain-text math (``x_(n+1)``, ``2^(n-1)``),
some LaTeX in GPT-4 Turbo's.

Steps are the solution's paragraphs (blank-line separated, as ProcessBench's); a paragraph ending in ``:`` is joined
with the one after it (the annotators mark "... we get:" and its display as one step: a third of the spans cross
that break). The gold label is the step holding the span's first non-blank character. The problem is the bare
problem text (a with-hints solution may cite hints it does not carry). ``final_answer_correct`` is true for a
solution with no mistake and null otherwise (CHAMP records no answer verdict). The references file holds the answer
of each problem whose answer is a value, a set of values or yes/no (:func:`reference`): a lone number or ``@@...@@``
expression, the form after "or equivalently" / "or an equivalent form such as", the one before "or approximately";
the value an answer in words names ("0 is the only possible value", "The limit exists and is equal to 2", "98
values", "100 (i.e., all values)", "Exactly one", "At most 0 zeros" for an "at most how many" question); a list of
numbers ("376 and 625", "1, 4 and 9", "@@x=16@@ and @@x=81@@") as the set it is; "Yes" / "No". Other answers in
words ("No integer solutions", "The limit does not exist", "Yes, and the sequence is ..."), lists of pairs (the
verifier does not yet equate "x = 0, y = 2 and x = 9, y = 11" with "(0, 2), (9, 11)") and expressions written with
an ellipsis are left without a reference, so only the steps are judged.

    pip download champ-dataset==1.0.0 --no-deps && unzip champ_dataset-1.0.0-py3-none-any.whl
    python benchmarks/convert_champ.py champ_dataset/dataset_files/v0.json OUT_DIR  # -> OUT_DIR/champ_{pb,refs}.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_MATH = re.compile(r"@@([^@]*)@@")


def steps_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of each step of ``text``: blank-line separated paragraphs, stripped; one ending in ``:`` joins
    the next."""
    paras = []
    for m in re.finditer(r"(?:(?!\n[ \t]*\n).)+", text, re.S):
        body = m.group()
        if body.strip():
            lead = len(body) - len(body.lstrip())
            paras.append((m.start() + lead, m.start() + len(body.rstrip())))
    merged: list[tuple[int, int]] = []
    for start, end in paras:
        if merged and text[merged[-1][0]:merged[-1][1]].endswith(":"):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def first_wrong(spans: list[tuple[int, int]], text: str, start: int, end: int) -> int:
    """The step holding the annotated span's first non-blank character."""
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    at = start + lead
    for k, (_, e) in enumerate(spans):
        if at < e:
            return k
    raise ValueError(f"span at {start} lies after the last step")


_VALUE = r"-?\d+(?:[./]\d+)?|@@[^@]*@@"
_WORD_COUNTS = {"one": "1", "two": "2", "three": "3", "zero": "0", "no": "0"}


def _value(text: str) -> str | None:
    """A lone number or one ``@@expr@@`` (not one naming a value with an ellipsis), as the verifier reads it."""
    text = text.strip()
    whole = _MATH.fullmatch(text)
    if whole and "..." not in whole.group(1):  # "x(x-1)(x-2)...(x-2022)" names a value, it is not one to compare
        return whole.group(1).strip()
    if re.fullmatch(r"-?\d+(?:[./]\d+)?", text):
        return text
    return None


def _in_words(raw: str, problem: str) -> str | None:
    """The value (or set, or yes/no) an answer in words names, or None when it names none the verifier can compare.

    Families: "Yes"/"No"; "V is the only possible value"; "The limit exists and is equal to V" / "The only possible
    value for the limit is V"; "V (i.e., ...)" / "V (none of ...)" (the parenthesis explains V); "V values", "2
    inequalities", "@@n@@ times" (a count and its noun); "Exactly one ..."; "At most V ..." / "At least V ..." when
    the problem asks "at most / at least how many"; a list of numbers "A, B and C", or of one name's values
    "@@x=16@@ and @@x=81@@" (the set: the problems ask for all values)."""
    if re.fullmatch(r"yes|no", raw, re.I):
        return raw.capitalize()
    m = (re.fullmatch(rf"({_VALUE}) is the only possible value", raw)
         or re.fullmatch(rf"The (?:limit exists and is equal to|only possible value for the limit is) ({_VALUE})", raw)
         or re.fullmatch(rf"({_VALUE})\s*\((?:i\.e\.|none\b|no\b).*\)", raw)
         or re.fullmatch(rf"({_VALUE})\s+[a-z]+", raw))
    if m:
        return _value(m.group(1))
    m = re.fullmatch(r"Exactly (one|two|three)(?:\s+[a-z]+)?", raw)
    if m:
        return _WORD_COUNTS[m.group(1)]
    m = re.fullmatch(rf"At (most|least) ({_VALUE})\b[^()]*(?:\([^()]*\))?", raw)
    if m and re.search(rf"\bat {m.group(1)} how many\b", problem, re.I):
        return _value(m.group(2))
    items = re.fullmatch(r"(-?\d+(?:,\s*-?\d+)*)\s+and\s+(-?\d+)", raw)
    if items:
        return ", ".join([*re.split(r",\s*", items.group(1)), items.group(2)])
    named = re.findall(r"@@([a-z])\s*=\s*(-?\d+)@@", raw)  # "@@x=16@@ and @@x=81@@": one name's values
    if (len(named) > 1 and len({n for n, _ in named}) == 1
            and re.fullmatch(r"@@[^@]*@@(?:,\s*@@[^@]*@@)*\s+and\s+@@[^@]*@@", raw)):
        return ", ".join(f"{n}={v}" for n, v in named)
    return None


def reference(raw: str, problem: str = "") -> str | None:
    """The answer as a value the answer verifier compares (a number, an expression, a set of numbers, yes/no), or
    None for an answer in words that names none (``problem``: the problem's text, for "at most how many")."""
    m = re.search(r",?\s*or (?:equivalently|an equivalent form such as)\s+(.*)$", raw)
    if m:
        raw = m.group(1).strip()
    raw = re.sub(r",?\s*or approximately .*$", "", raw).strip()
    return _value(raw) or _in_words(raw, problem)


def convert(src: Path, out: Path) -> dict[str, int]:
    data = json.loads(src.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    rows, refs = [], {}
    for pid, p in data["problems"].items():
        problem = p["_text"].strip()
        answer = reference(p["_raw_answer"].strip(), p["_text"])
        if answer is not None:
            refs.setdefault(problem, {"problem": problem, "answer": answer})
        for key, a in (p.get("fws_annotations") or {}).items():
            text = a["text"]
            spans = steps_of(text)
            label = -1 if a["start_idx"] is None else first_wrong(spans, text, a["start_idx"], a["end_idx"])
            setting = re.sub(r"[^A-Za-z0-9]+", "-", key.split("|", 1)[1]).strip("-").lower()
            rows.append({"id": f"champ-{pid}-{setting}", "generator": a["author"], "problem": problem,
                         "steps": [text[s:e] for s, e in spans], "label": label,
                         "final_answer_correct": True if label == -1 else None})
    (out / "champ_pb.jsonl").write_text("".join(json.dumps(x) + "\n" for x in rows), encoding="utf-8")
    (out / "champ_refs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in refs.values()), encoding="utf-8")
    return {"solutions": len(rows), "with_error": sum(r["label"] >= 0 for r in rows), "problems": len(data["problems"]),
            "references": len(refs)}


if __name__ == "__main__":
    if len(sys.argv) != 3 or not Path(sys.argv[1]).is_file():
        sys.exit("usage: convert_champ.py CHAMP_V0_JSON OUT_DIR (champ_dataset/dataset_files/v0.json of champ-dataset)")
    print(f"{convert(Path(sys.argv[1]), Path(sys.argv[2]))} -> {sys.argv[2]}")
