"""Each exporter on real stepforge traces: lengths, first-error mapping, neutral policy, truncation,
warnings for what a format cannot hold, determinism, and export∘import∘export = export."""

from __future__ import annotations

import re
import warnings

import pytest

from stepforge.datasets import exporters
from stepforge.datasets.exporters import ExportError, ExportOptions, ExportWarning, export_traces
from stepforge.datasets.importers import import_row
from stepforge.schema import Trace

FORMATS = ["trl", "prm800k", "math_shepherd", "processbench", "prmbench"]


def one(fmt: str, trace: Trace, **opts) -> tuple[list[dict], list[str]]:
    proj = exporters.get(fmt).export(trace, ExportOptions(**opts))
    return proj.rows, proj.dropped


def wrong(native: list[Trace]) -> list[Trace]:
    out = [t for t in native if t.first_error_index >= 0]
    assert len(out) == 20
    return out


def with_neutral(trace: Trace, i: int) -> Trace:
    """The trace with step i rated neutral (0), labelled under the trace's own (positive) policy."""
    t = trace.model_copy(deep=True)
    t.steps[i].label = t.steps[i].label.model_copy(update={"rating": 0, "correct": True, "score": None})
    return t


def test_sample_has_both_kinds(native):
    assert len(native) == 40 and sum(t.outcome.correct for t in native) == 20
    assert any(t.first_error_index > 0 for t in native)


def test_trl_rows_match_steps_and_labels(native):
    for t in native:
        (row,), _ = one("trl", t)
        assert list(row) == ["prompt", "completions", "labels"] and row["prompt"] == t.task.prompt
        assert row["completions"] == [s.text for s in t.steps]
        assert len(row["labels"]) == len(row["completions"])
        assert all(type(v) is bool for v in row["labels"])
        assert row["labels"] == [s.label.rating >= 0 for s in t.steps]
        fei = t.first_error_index
        assert row["labels"].index(False) == fei if fei >= 0 else all(row["labels"])


def test_trl_supervised_until_first_error_cuts_after_it(native):
    for t in wrong(native):
        (row,), dropped = one("trl", t, supervised_until_first_error=True)
        fei = t.first_error_index
        assert len(row["completions"]) == len(row["labels"]) == fei + 1
        assert row["labels"] == [True] * fei + [False]
        assert (fei + 1 < len(t.steps)) == any("after the first error" in d for d in dropped)
    right = next(t for t in native if t.first_error_index == -1)
    (row,), _ = one("trl", right, supervised_until_first_error=True)
    assert len(row["labels"]) == len(right.steps)


def test_trl_follows_the_trace_labeling_unless_told(native):
    t = wrong(native)[0].model_copy(deep=True)
    t.labeling.supervised_until_first_error = True
    (row,), _ = one("trl", t)
    assert len(row["labels"]) == t.first_error_index + 1
    (row,), _ = one("trl", t, supervised_until_first_error=False)
    assert len(row["labels"]) == len(t.steps)


def test_neutral_policy_is_explicit_in_trl_and_math_shepherd(native):
    t = with_neutral(next(t for t in native if t.first_error_index == -1), 0)
    for policy, want in (("record", True), ("positive", True), ("negative", False)):
        (row,), dropped = one("trl", t, neutral_policy=policy)
        assert row["labels"][0] is want and all(row["labels"][1:])
        assert any(f"neutral ratings mapped to {want}" in d for d in dropped)
        (ms,), _ = one("math_shepherd", t, neutral_policy=policy)
        assert ms["label"][ms["input"].index("ки")] == ("+" if want else "-")
    t.labeling.neutral_policy = "negative"
    t.steps[0].label = t.steps[0].label.model_copy(update={"correct": False})
    (row,), _ = one("trl", t)  # "record": the label's own boolean, decided by the trace's policy
    assert row["labels"][0] is False
    (pb,), _ = one("processbench", t, neutral_policy="negative")
    assert pb["label"] == -1  # ProcessBench: neutral counts as correct whatever the policy
    (prm,), _ = one("prm800k", t)
    assert prm["label"]["steps"][0]["completions"][0]["rating"] == 0  # PRM800K keeps the neutral rating


def test_trl_soft_writes_scores_and_warns(native):
    t = next(x for x in wrong(native) if x.first_error_index > 0).model_copy(deep=True)  # step 0 labelled right
    t.steps[0].label = t.steps[0].label.model_copy(update={"score": 0.625})
    (row,), dropped = one("trl", t)
    assert row["labels"][0] is True and any("soft scores left out" in d for d in dropped)
    with pytest.warns(ExportWarning, match="int()"):
        report = export_traces([t], "trl", ExportOptions(soft=True))
    labels = report.rows[0]["labels"]
    assert labels[0] == 0.625 and all(type(v) is float for v in labels)
    assert labels[1:] == [s.label.score for s in t.steps[1:]]


def test_trl_alternatives_become_rows(native):
    t = wrong(native)[0].model_copy(deep=True)
    t.steps[0].alternatives = [{"text": "Another first step.", "label": {"rating": -1, "correct": False, "score": 0.0}}]
    rows, _ = one("trl", t)
    assert len(rows) == 2 and rows[1] == {"prompt": t.task.prompt, "completions": ["Another first step."],
                                          "labels": [False]}
    rows, dropped = one("trl", t, alternatives=False)
    assert len(rows) == 1 and "alternatives left out" in dropped


def test_trl_reports_steps_containing_the_separator(native):
    t = native[0].model_copy(deep=True)
    t.steps[0].text = "line one\nline two"
    _, dropped = one("trl", t)
    assert any("separator" in d for d in dropped)
    _, dropped = one("trl", t, separator="\n\n")
    assert not any("separator" in d for d in dropped)


def test_prm800k_projection(native):
    for t in native:
        (row,), dropped = one("prm800k", t)
        q, lab = row["question"], row["label"]
        texts = [s.text for s in t.steps]
        assert q["pre_generated_steps"][:-1] == texts[:-1]
        assert q["pre_generated_steps"][-1] == texts[-1] + "\n\n# Answer\n\n" + t.final_answer
        assert q["problem"] == t.task.prompt and q["ground_truth_answer"] == t.task.reference.answer
        assert q["pre_generated_answer"] == t.final_answer and lab["finish_reason"] == t.finish_reason
        fei = t.first_error_index
        n = fei + 1 if fei >= 0 else len(t.steps)
        assert len(lab["steps"]) == n
        assert [ls["completions"][0]["rating"] for ls in lab["steps"]] == [s.label.rating for s in t.steps[:n]]
        assert [ls["completions"][0]["text"] for ls in lab["steps"]] == q["pre_generated_steps"][:n]
        assert [ls["chosen_completion"] for ls in lab["steps"]] == [0] * (n - 1) + [None if fei >= 0 else 0]
        assert row["labeler"] == "stepforge:symbolic" and isinstance(lab["total_time"], int)
        assert (n < len(t.steps)) == bool(dropped)
    t = wrong(native)[0]
    (row,), _ = one("prm800k", t, supervised_until_first_error=False)
    assert len(row["label"]["steps"]) == len(t.steps)


def test_prm800k_alternatives_are_rated_completions(native):
    t = wrong(native)[0].model_copy(deep=True)
    fei = t.first_error_index
    t.steps[fei].alternatives = [{"text": "A better step.", "label": {"rating": 1, "correct": True, "score": 1.0}}]
    (row,), _ = one("prm800k", t)
    comps = row["label"]["steps"][fei]["completions"]
    assert comps[1] == {"text": "A better step.", "rating": 1, "flagged": None}


def test_math_shepherd_projection(native):
    for t in native:
        (row,), _ = one("math_shepherd", t)
        assert list(row) == ["input", "label", "task"] and row["task"] == "stepforge.procedural"
        assert row["input"].count("ки") == len(t.steps) and row["input"].startswith(t.task.prompt + " Step 1: ")
        marks = [row["label"][m.start() - i] for i, m in enumerate(re.finditer("ки", row["input"]))]
        assert marks == ["+" if s.label.rating >= 0 else "-" for s in t.steps]
        it = iter(marks)
        assert re.sub("ки", lambda m: next(it), row["input"]) == row["label"]
        fei = t.first_error_index
        assert (marks.index("-") if "-" in marks else -1) == fei


def test_math_shepherd_refuses_text_with_the_tag(native):
    t = native[0].model_copy(deep=True)
    t.steps[1].text += " ки"
    with pytest.raises(ExportError, match="step tag"):
        one("math_shepherd", t)


def test_math_shepherd_writes_value_labels_after_first_error_as_minus(native):
    t = wrong(native)[0].model_copy(deep=True)
    fei = t.first_error_index
    last = t.steps[-1]
    last.label = last.label.model_copy(update={"rating": 1, "correct": True})  # a correctness label after the error
    (row,), dropped = one("math_shepherd", t)
    assert row["label"].endswith("-") and any("after the first error" in d for d in dropped)
    assert fei < last.index
    (soft,), _ = one("math_shepherd", t, soft=True)
    assert soft["value"] == [str(s.label.score) for s in t.steps]


def test_processbench_projection(native):
    for t in native:
        (row,), dropped = one("processbench", t)
        assert row == {"id": t.id, "generator": t.generation.generator, "problem": t.task.prompt,
                       "steps": [s.text for s in t.steps], "final_answer_correct": t.outcome.correct,
                       "label": t.first_error_index}
        assert bool(dropped) == (len(t.error_indices) > 1)


def test_prmbench_projection(native):
    for t in native:
        (row,), dropped = one("prmbench", t)
        assert row["error_steps"] == [i + 1 for i in t.error_indices]
        assert row["modified_process"] == [s.text for s in t.steps] and row["idx"] == t.task.task_id
        inj = t.generation.injected_error
        if t.first_error_index >= 0:
            assert min(row["error_steps"]) == t.first_error_index + 1
            assert row["classification"] == inj.kind and row["reason"] == inj.description
            assert row["original_process"] is None and dropped
        else:
            assert row["error_steps"] == [] and row["original_process"] == row["modified_process"] and not dropped


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_deterministic_and_idempotent_through_import(native, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = export_traces(native, fmt).rows
        assert export_traces(native, fmt).rows == first
    assert len(first) == len(native)
    again = [exporters.get(fmt).export(import_row(fmt, row), ExportOptions()).rows[0] for row in first]
    assert again == first


def test_export_traces_warns_once_per_kind_and_filters_unverified(native):
    with pytest.warns(ExportWarning) as rec:
        report = export_traces(native, "processbench")
    assert len(rec) == 1 and "in 20 of 40 traces" in str(rec[0].message)
    t = native[0].model_copy(update={"verified": False})
    report = export_traces([t, native[1]], "trl", ExportOptions(verified_only=True), warn=False)
    assert report.skipped == 1 and len(report.rows) == 1
