"""``benchmarks/convert_champ.py``: CHAMP's first-wrong-step character spans become ProcessBench step labels (paragraph
steps, a ``...:`` lead-in joined with its display), answers in words get the value, set or yes/no they name (or no
reference when they name none), and the rows import."""

from __future__ import annotations

import json
from pathlib import Path

from stepforge.datasets import importers

from .conftest import benchmark_script

champ = benchmark_script("convert_champ")

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
    assert counts == {"solutions": 3, "with_error": 2, "problems": 2, "references": 2}
    rows = [json.loads(x) for x in (tmp_path / "out" / "champ_pb.jsonl").read_text().splitlines()]
    assert rows[0]["steps"] == ["Let f(n) be the count.", "For n = 1 there are 3 strings, so f(1) = 3.",
                                "Subtracting, we get:\n\nf(2) = 5", "Therefore, there are 5 strings."]
    assert [r["label"] for r in rows] == [2, -1, 1]  # the last span starts on the blank line's second newline
    assert [r["final_answer_correct"] for r in rows] == [None, True, None]
    assert rows[0]["id"] == "champ-P_A_1-no-c-w-o-h" and rows[2]["generator"] == "PaLM 2 Medium"
    refs = [json.loads(x) for x in (tmp_path / "out" / "champ_refs.jsonl").read_text().splitlines()]
    assert refs == [{"problem": "How many strings?", "answer": "6"}, {"problem": "Is it a square?", "answer": "No"}]
    traces = list(importers.iter_traces("processbench", rows))
    assert [t.first_error_index for t in traces] == [2, -1, 1]


def test_reference_forms():
    assert champ.reference("@@2^(n-1)@@") == "2^(n-1)"
    assert champ.reference("239") == "239"
    assert champ.reference("@@5/14@@, or approximately 35.7%") == "5/14"
    equivalent = "@@C(n, 4)@@, or an equivalent form such as @@n(n-1)(n-2)(n-3)/4!@@"
    assert champ.reference(equivalent) == "n(n-1)(n-2)(n-3)/4!"
    assert champ.reference("@@(20*10^15-2)/17@@, or equivalently 1176470588235294") == "1176470588235294"
    for words in ("No integer solutions", "The limit does not exist", "Infinitely many solutions",
                  "@@x=0, y=2@@ and @@x=9, y=11@@", "@@x(x-1)(x-2)...(x-2022)@@",
                  "Yes, and the sequence is @@1/2^3, 1/2^6, 1/2^9, ...@@", "The function is periodic, with a period of 8",
                  "@@x=16@@ and @@y=81@@", "Always greater than 20"):
        assert champ.reference(words) is None, words


def test_answers_in_words_name_a_value_a_set_or_yes_no():
    """The families of CHAMP's answers in words that name something the answer verifier compares."""
    named = {"No": "No", "Yes": "Yes", "0 is the only possible value": "0", "-3 is the only possible value": "-3",
             "The limit exists and is equal to 2": "2", "The limit exists and is equal to @@2/3@@": "2/3",
             "The only possible value for the limit is @@sqrt(a)@@": "sqrt(a)", "100 (i.e., all values)": "100",
             "0 (none of the values)": "0", "0 (no such selection is possible)": "0",
             "@@((-1)^(n+1)+n+1)/(n+2)@@ (i.e., 1 if for odd @@n@@, and @@n/(n+2)@@ for even @@n@@)":
                 "((-1)^(n+1)+n+1)/(n+2)",
             "2 inequalities": "2", "98 values": "98", "@@n@@ times": "n", "Exactly one": "1", "Exactly one sequence": "1",
             "376 and 625": "376, 625", "1, 4 and 9": "1, 4, 9", "@@x=16@@ and @@x=81@@": "x=16, x=81"}
    for words, value in named.items():
        assert champ.reference(words) == value, words


def test_at_most_and_at_least_name_a_value_only_for_that_question():
    asked = "For a polynomial f(x) with f(0) and f(1) odd, at most how many integer-valued zeros can it have?"
    assert champ.reference("At most 0 integer-valued zeros (i.e., no integer zeros)", asked) == "0"
    assert champ.reference("At least 1 number", "At least how many of the three numbers must be divisible by 5?") == "1"
    # a bound that is not what the problem asks for is not its value
    assert champ.reference("At most 0 integer-valued zeros (i.e., no integer zeros)", "How many zeros can it have?") is None
    assert champ.reference("At least 1 number", asked) is None
