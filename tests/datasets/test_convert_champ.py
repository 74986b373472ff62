"""``benchmarks/convert_champ.py``: CHAMP's first-wrong-step character spans become ProcessBench step labels (paragraph
steps, a ``...:`` lead-in joined with its display), answers in words get no reference, and the rows import."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from stepforge.datasets import importers

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "convert_champ.py"
_spec = importlib.util.spec_from_file_location("convert_champ", _PATH)
champ = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(champ)  # type: ignore[union-attr]

TEXT = ("Let f(n) be the count.\n\nFor n = 1 there are 3 strings, so f(1) = 3.\n\nSubtracting, we get:\n\n"
        "f(2) = 5\n\nTherefore, there are 5 strings.")


def _source(tmp_path: Path) -> Path:
    wrong_at = TEXT.index("we get:")  # the span starts inside the lead-in and runs into its display
    problems = {
        "P_A_1": {"_text": "How many strings?", "_raw_answer": "@@C(4, 2)@@, or equivalently @@6@@",
                  "fws_annotations": {
                      "GPT-4|No C w/o H": {"text": TEXT, "start_idx": wrong_at, "end_idx": TEXT.index("5\n\nThere"),
                                           "author": "GPT-4"},
                      "GPT-4|Direct C w/ H": {"text": TEXT, "start_idx": None, "end_idx": None, "author": "GPT-4"}}},
        "P_B_2": {"_text": "Is it a square?", "_raw_answer": "No",
                  "fws_annotations": {
                      "PaLM 2 Medium|No C w/o H": {"text": TEXT, "start_idx": TEXT.index("\n\nFor n") + 1,
                                                   "end_idx": TEXT.index("f(1) = 3"), "author": "PaLM 2 Medium"}}},
    }
    path = tmp_path / "v0.json"
    path.write_text(json.dumps({"problems": problems, "concepts": {}, "hints": {}}), encoding="utf-8")
    return path


def test_steps_labels_and_references(tmp_path: Path):
    counts = champ.convert(_source(tmp_path), tmp_path / "out")
    assert counts == {"solutions": 3, "with_error": 2, "problems": 2, "references": 1}
    rows = [json.loads(x) for x in (tmp_path / "out" / "champ_pb.jsonl").read_text().splitlines()]
    assert rows[0]["steps"] == ["Let f(n) be the count.", "For n = 1 there are 3 strings, so f(1) = 3.",
                                "Subtracting, we get:\n\nf(2) = 5", "Therefore, there are 5 strings."]
    assert [r["label"] for r in rows] == [2, -1, 1]  # the last span starts on the blank line's second newline
    assert [r["final_answer_correct"] for r in rows] == [None, True, None]
    assert rows[0]["id"] == "champ-P_A_1-no-c-w-o-h" and rows[2]["generator"] == "PaLM 2 Medium"
    refs = [json.loads(x) for x in (tmp_path / "out" / "champ_refs.jsonl").read_text().splitlines()]
    assert refs == [{"problem": "How many strings?", "answer": "6"}]
    traces = list(importers.iter_traces("processbench", rows))
    assert [t.first_error_index for t in traces] == [2, -1, 1]


def test_reference_forms():
    assert champ.reference("@@2^(n-1)@@") == "2^(n-1)"
    assert champ.reference("239") == "239"
    assert champ.reference("@@5/14@@, or approximately 35.7%") == "5/14"
    equivalent = "@@C(n, 4)@@, or an equivalent form such as @@n(n-1)(n-2)(n-3)/4!@@"
    assert champ.reference(equivalent) == "n(n-1)(n-2)(n-3)/4!"
    assert champ.reference("@@(20*10^15-2)/17@@, or equivalently 1176470588235294") == "1176470588235294"
    for words in ("No", "0 is the only possible value", "The limit exists and is equal to @@2/3@@", "376 and 625",
                  "@@x=16@@ and @@x=81@@", "@@x(x-1)(x-2)...(x-2022)@@"):
        assert champ.reference(words) is None
