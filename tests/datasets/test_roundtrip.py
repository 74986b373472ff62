"""Import then export gives the source row back, key for key and in order (golden samples)."""

from __future__ import annotations

import copy
import json
import re
import warnings

import pytest

from stepforge.datasets import exporters, importers
from stepforge.datasets.exporters import ExportOptions
from stepforge.datasets.importers import ImportFormatError, ImportOptions, import_row, read_rows
from stepforge.datasets.io import dumps
from stepforge.schema import Trace

from .conftest import DATA, SHARED

FIXED = ImportOptions(created_at="2026-01-01T00:00:00+00:00")

# Rows in the shapes the formats' own documentation gives (see data/README.md).
TRL_ROWS = [
    {"prompt": "Which number is larger, 9.8 or 9.11?",
     "completions": ["The fractional part of 9.8 is 0.8.", "The fractional part of 9.11 is 0.11.",
                     "0.11 is greater than 0.8.", "Hence, 9.11 > 9.8."],
     "labels": [True, True, False, False]},
    {"prompt": "Musa is the class teacher of a class of 45 students. ... how many students will be in the third group (13 years and above)?",
     "completions": ["Step 1: A third of the class is under 11 years because 11 - 1/3 = <<11-1/3=7>>7.",
                     "Step 2: Two-fifths of the class are above 11 but under 13 because 2/5 * 11 = <<2/5*11=8>>8.",
                     "Step 3: There are 45 students, so the third group will have 45 - 7 - 8 = <<45-7-8=20>>20 students. The answer is: 20"],
     "labels": [True, False, False]},
    {"labels": [0.875, 0.25], "prompt": "2+2?", "completions": ["2+2=4.", "So 5."], "source": "mc-soft"},
]
MS_ROWS = [
    {"input": "If Buzz bought a pizza with 78 slices at a restaurant and then decided to share it with the waiter in the ratio of 5:8, with Buzz's ratio being 5, what's twenty less the number of slices of pizza that the waiter ate? Step 1: The total ratio representing the pizza is 5+8 = <<5+8=13>>13. ки\nStep 2: The waiter ate 13 x 8 / 13 = <<13*8/13=6>>6 slices of the pizza. ки\nStep 3: Buzz ate 78 - 6 = <<78-6=72>>72 slices of the pizza. ки\nStep 4: The waiter ate 20 less than the number of slices that Buzz ate which is 72 - 20 = 52. ки\nStep 5: The waiter ate 52 slices of the pizza. The answer is: 52 ки",
     "label": "If Buzz bought a pizza with 78 slices at a restaurant and then decided to share it with the waiter in the ratio of 5:8, with Buzz's ratio being 5, what's twenty less the number of slices of pizza that the waiter ate? Step 1: The total ratio representing the pizza is 5+8 = <<5+8=13>>13. +\nStep 2: The waiter ate 13 x 8 / 13 = <<13*8/13=6>>6 slices of the pizza. -\nStep 3: Buzz ate 78 - 6 = <<78-6=72>>72 slices of the pizza. -\nStep 4: The waiter ate 20 less than the number of slices that Buzz ate which is 72 - 20 = 52. -\nStep 5: The waiter ate 52 slices of the pizza. The answer is: 52 -",
     "task": "GSM8K"},
    {"input": "Find $x$ if $2x=4$.\n\nStep 1: Divide by 2: $x = 2$. ки\n\nStep 2: The answer is: 2 ки\n",
     "label": "Find $x$ if $2x=4$.\n\nStep 1: Divide by 2: $x = 2$. +\n\nStep 2: The answer is: 2 +\n",
     "task": "MATH", "value": ["1.0", "1.0"]},
]
PB_ROWS = [
    {"id": "gsm8k-0", "generator": "Qwen2-7B-Instruct",
     "problem": "Sue lives in a fun neighborhood. One weekend, the neighbors decided to play a prank on Sue. ...",
     "steps": ["To find out how many more pink plastic flamingos were out than white ones ...",
               "On Saturday, they take back one third of the flamingos ...",
               "On Sunday, the neighbors added another 18 pink plastic flamingos ...",
               "So, the answer is 24."],
     "final_answer_correct": False, "label": 1},
    {"id": "math-7", "generator": "Llama-3.1-8B-Instruct", "problem": "What is $1+1$?",
     "steps": ["$1+1=2$.", "The answer is $\\boxed{2}$."], "final_answer_correct": True, "label": -1},
]


def roundtrip(fmt: str, row: dict) -> tuple[Trace, dict]:
    trace = import_row(fmt, copy.deepcopy(row), FIXED)
    stored = Trace.model_validate(json.loads(dumps(trace)))  # through JSON, as a file would hold it
    assert stored == trace
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proj = exporters.get(fmt).export(stored, ExportOptions())
    assert len(proj.rows) == 1 and not proj.dropped, proj.dropped
    return trace, proj.rows[0]


def same(a: dict, b: dict) -> bool:
    """Equal values and the same key order at every level (what a byte-level diff would see)."""
    return json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_in_repo_samples_are_the_shared_ones():
    for name in ("prm800k_example.json", "prmbench_sample.jsonl"):
        ours = (DATA / name).read_bytes()
        assert len(ours) > 1000
        if SHARED.is_dir():  # on a fresh clone (CI) only the in-repo copy exists
            assert ours == (SHARED / name).read_bytes()


def test_prm800k_line_round_trips_and_maps_to_the_trajectory():
    (row,) = read_rows(DATA / "prm800k_example.json")
    trace, out = roundtrip("prm800k", row)
    assert out == row and same(out, row)
    q = row["question"]
    assert [s.text for s in trace.steps] == q["pre_generated_steps"]
    assert [s.label.rating if s.label else None for s in trace.steps] == [0, 0, -1] + [None] * 13
    assert [s.label.correct for s in trace.steps[:3]] == [True, True, False]  # neutral policy positive
    assert trace.first_error_index == 2 and trace.error_indices == [2] and trace.finish_reason == "found_error"
    alts = trace.steps[2].alternatives
    assert [a["label"]["rating"] for a in alts] == [0, -1, 0, 0]
    assert [a["evidence"]["human"]["flagged"] for a in alts] == [False] * 4
    assert trace.final_answer == "320,000" and trace.task.reference.answer == "40,\\!000"
    assert trace.task.prompt == q["problem"] and trace.task.reference.solution == q["ground_truth_solution"]
    assert trace.outcome.correct is None and trace.outcome.verifier == "imported:prm800k" and not trace.verified
    assert trace.generation.raw_response == "\n".join(q["pre_generated_steps"])
    ex = trace.extras["prm800k"]
    assert ex["labeler"] == row["labeler"] and ex["label"]["total_time"] == 278270
    assert ex["question"] == {"pre_generated_verifier_score": q["pre_generated_verifier_score"]}


def test_prm800k_export_reads_the_canonical_labels_not_a_copy():
    (row,) = read_rows(DATA / "prm800k_example.json")
    trace = import_row("prm800k", row, FIXED)
    trace.steps[2].label = trace.steps[2].label.model_copy(update={"rating": 1, "correct": True})
    trace.steps[2].alternatives[1]["label"]["rating"] = 1
    out = exporters.get("prm800k").export(trace, ExportOptions()).rows[0]
    assert out != row
    ratings = [c["rating"] for c in out["label"]["steps"][2]["completions"]]
    assert ratings == [1, 0, 1, 0, 0]


def test_prm800k_phase1_shapes_round_trip():
    """Phase-1 shapes: no pre-generated steps, a chosen completion that is not the first, a human
    completion, and a last step where nothing was chosen."""
    (base,) = read_rows(DATA / "prm800k_example.json")
    row = copy.deepcopy(base)
    row["generation"] = None
    row["question"] = {"problem": base["question"]["problem"], "ground_truth_answer": "40,\\!000"}
    s0, s1, s2 = row["label"]["steps"]
    s0["completions"].insert(0, {"text": "Let me think.", "rating": 0, "flagged": False})
    s0["chosen_completion"] = 1
    s1["chosen_completion"] = None
    s1["human_completion"] = {"text": "Factor both numbers.", "rating": None, "source": "human", "flagged": False,
                              "corrected_rating": None}
    row["label"]["steps"] = [s0, s1, s2]
    trace, out = roundtrip("prm800k", row)
    assert same(out, row)
    assert [s.text for s in trace.steps] == [s0["completions"][1]["text"], "Factor both numbers."]
    assert trace.steps[1].label.rating == 1 and trace.steps[1].label.source == "prm800k:human_completion"
    assert trace.first_error_index is None  # found_error, but the erroneous step was never chosen
    assert trace.extras["prm800k"]["_untaken_steps"] == [s2]
    assert trace.final_answer is None
    empty = {"completions": None, "human_completion": None, "chosen_completion": None}  # "happens sometimes"
    row["label"]["steps"] = [s0, empty, s1]
    trace, out = roundtrip("prm800k", row)
    assert same(out, row) and len(trace.steps) == 1
    assert trace.extras["prm800k"]["_untaken_steps"] == [empty, s1]


def test_prmbench_rows_round_trip_and_map_errors():
    rows = read_rows(DATA / "prmbench_sample.jsonl")
    assert len(rows) == 40
    out_of_range = 0
    for row in rows:
        trace, out = roundtrip("prmbench", row)
        assert same(out, row), row["idx"]
        inside = [e - 1 for e in row["error_steps"] if e <= len(row["modified_process"])]
        assert trace.error_indices == inside
        assert [s.text.replace("\n", "\\n") for s in trace.steps] == row["modified_process"]  # escapes decoded
        assert {s.index for s in trace.steps if s.label.rating == -1} == set(inside)
        assert trace.first_error_index == (min(inside) if inside else -1)
        if inside:
            assert trace.generation.injected_error.kind == row["classification"] == "counterfactual"
            assert trace.generation.injected_error.description == row["reason"]
        if len(inside) != len(row["error_steps"]):
            out_of_range += 1
            assert trace.extras["prmbench"]["error_steps"] == row["error_steps"]
    assert out_of_range >= 1  # the sample has a row naming a step its process lacks
    assert any("\n" in s.text for row in rows for s in import_row("prmbench", row).steps)  # the sample is escaped


def _bench_row(process: list[str], question: str = "q") -> dict:
    return {"original_question": question, "modified_question": question, "original_process": process,
            "modified_process": process, "modified_steps": [], "error_steps": [], "reason": None, "idx": "p1",
            "question": question, "classification": None}


def test_prmbench_escaped_line_breaks_are_decoded_and_escaped_again():
    """PRMBench writes PRM800K's ``# Answer`` line as ``# Answer\\n\\n90`` (a backslash and an n): the importer
    decodes it, so the answer is read; LaTeX commands that start with ``\\n`` stay; export gives the row back."""
    from stepforge.verifiers.math.extract import extract

    process = ["We need $x \\neq 0$ and $\\nabla f$, so \\newline we solve:\\nx = 56",
               "Rows: $\\begin{matrix} 1 \\\\ 2 \\\\\\n3 \\end{matrix}$",
               "So $x = 90$.\\n\\n# Answer\\n\\n90", "# Answer\\n\\ne^{23}"]
    row = _bench_row(process, "Find $x$:\\n$x - 1 = 89$.")
    trace, out = roundtrip("prmbench", row)
    assert same(out, row)
    texts = [s.text for s in trace.steps]
    assert texts[0] == "We need $x \\neq 0$ and $\\nabla f$, so \\newline we solve:\nx = 56"
    assert texts[1] == "Rows: $\\begin{matrix} 1 \\\\ 2 \\\\\n3 \\end{matrix}$"  # a row break, then the escape
    assert texts[2].endswith("# Answer\n\n90")
    assert texts[3] == "# Answer\n\ne^{23}"  # after the header a line break, not \\ne
    assert trace.task.prompt == "Find $x$:\n$x - 1 = 89$."
    assert trace.extras["prmbench"]["_layout"]["escaped_newlines"] == [0, 1, 2, 3]
    assert extract("\n".join(texts[:3])).answer == "90"
    assert extract("\n".join(process[:3])).answer != "90"  # escaped, the answer line is not read


def test_prmbench_text_with_real_line_breaks_is_not_decoded():
    process = ["Line one\nthen $\\frac{a}{b}\\nu$ with a literal \\n kept", "# Answer\n\n3"]
    trace, out = roundtrip("prmbench", _bench_row(process))
    assert same(out, _bench_row(process))
    assert [s.text for s in trace.steps] == process
    assert "escaped_newlines" not in trace.extras["prmbench"].get("_layout", {})


@pytest.mark.parametrize("row", TRL_ROWS)
def test_trl_rows_round_trip(row):
    trace, out = roundtrip("trl", row)
    assert same(out, row)
    assert [s.text for s in trace.steps] == row["completions"]
    wrong = [i for i, v in enumerate(row["labels"]) if v < 0.5]
    assert trace.error_indices == wrong and trace.first_error_index == (wrong[0] if wrong else -1)


@pytest.mark.parametrize("row", MS_ROWS)
def test_math_shepherd_rows_round_trip(row):
    trace, out = roundtrip("math_shepherd", row)
    assert same(out, row)
    assert len(trace.steps) == row["input"].count("ки")
    marks = [row["label"][m.start() - i] for i, m in enumerate(re.finditer("ки", row["input"]))]
    assert [s.label.rating for s in trace.steps] == [1 if m == "+" else -1 for m in marks]
    assert all(s.label.semantics == "value" for s in trace.steps)
    assert not trace.task.prompt.endswith(" ") and "Step 1" not in trace.task.prompt
    assert not any(s.text.startswith("Step") or "ки" in s.text for s in trace.steps)
    assert trace.task.source == row["task"]


def test_math_shepherd_misaligned_label_is_refused():
    row = dict(MS_ROWS[0], label=MS_ROWS[0]["label"].replace("+\nStep 2", "?\nStep 2"))
    with pytest.raises(ImportFormatError, match="label is not input"):
        import_row("math_shepherd", row)


@pytest.mark.parametrize("row", PB_ROWS)
def test_processbench_rows_round_trip(row):
    trace, out = roundtrip("processbench", row)
    assert same(out, row)
    k = row["label"]
    assert trace.first_error_index == k and trace.outcome.correct is row["final_answer_correct"]
    assert trace.outcome.verifier == "imported:processbench" and trace.generation.model == row["generator"]
    ratings = [s.label.rating if s.label else None for s in trace.steps]
    assert ratings == ([1] * len(ratings) if k == -1 else [1] * k + [-1] + [None] * (len(ratings) - k - 1))


@pytest.mark.parametrize("fmt", ["prm800k", "prmbench", "processbench", "trl", "math_shepherd"])
def test_wrong_shapes_are_clear_errors(fmt):
    for bad in ({}, {"question": 3, "label": []}, {"steps": "x", "label": 9, "id": 1, "generator": 1, "problem": 1,
                                                  "final_answer_correct": 1}, [1, 2]):
        with pytest.raises(ImportFormatError):
            import_row(fmt, bad)


def test_import_is_deterministic_and_honest():
    (row,) = read_rows(DATA / "prm800k_example.json")
    a, b = import_row("prm800k", row, FIXED), import_row("prm800k", row, FIXED)
    assert a == b and a.id.startswith("prm800k-")
    neg = import_row("prm800k", row, ImportOptions(neutral_policy="negative", created_at=FIXED.created_at))
    assert [s.label.correct for s in neg.steps[:3]] == [False, False, False]
    assert neg.labeling.neutral_policy == "negative"
    assert importers.formats() == ["math_shepherd", "prm800k", "prmbench", "processbench", "trl"]
    assert exporters.formats() == ["math_shepherd", "prm800k", "prmbench", "processbench", "stepforge", "trl"]


@pytest.mark.parametrize("text", ["\\" * 1_000_000 + "n", "\\n" * 300_000, "# Answer" + " " * 1_000_000 + "\\neq"])
def test_decoding_escaped_line_breaks_is_linear(text):
    import time

    from stepforge.datasets.importers.prmbench import decode_newlines, escape_newlines

    t0 = time.perf_counter()
    out = decode_newlines(text)
    assert time.perf_counter() - t0 < 20  # a hang detector (quadratic would take hours), not a speed goal
    if "\n" in out:
        assert escape_newlines(out) == text
