"""Imported rows projected onto other formats: the label conventions carry over as the formats'
own tools read them."""

from __future__ import annotations

import re

from stepforge.datasets import exporters
from stepforge.datasets.exporters import ExportOptions
from stepforge.datasets.importers import import_row, read_rows

from .conftest import DATA
from .test_roundtrip import MS_ROWS, PB_ROWS


def prm800k_sample():
    (row,) = read_rows(DATA / "prm800k_example.json")
    return row, import_row("prm800k", row)


def test_prm800k_to_trl_gives_the_rows_of_trls_own_converter():
    """TRL's examples/datasets/prm800k.py turns every completion that is not chosen into a terminal
    row (prefix + completion, label ``rating == 1``); at the error step nothing is chosen, so all five
    completions become rows, then it adds the bare prefix. We give the same five rows (the bare
    prefix is a prefix of each of them and is not repeated)."""
    row, trace = prm800k_sample()
    prefix = row["question"]["pre_generated_steps"][:2]
    comps = row["label"]["steps"][2]["completions"]
    expected = [{"prompt": row["question"]["problem"], "completions": prefix + [c["text"]],
                 "labels": [False, False, c["rating"] == 1]} for c in comps]
    proj = exporters.get("trl").export(trace, ExportOptions(neutral_policy="negative"))
    assert proj.rows == expected
    positive = exporters.get("trl").export(trace, ExportOptions()).rows
    assert [r["labels"] for r in positive] == [[True, True, c["rating"] >= 0] for c in comps]
    everything = exporters.get("trl").export(trace, ExportOptions(supervised_until_first_error=False,
                                                                  alternatives=False))
    assert len(everything.rows) == 1 and len(everything.rows[0]["completions"]) == 16
    assert everything.rows[0]["labels"] == [True, True] + [False] * 14  # unlabelled after the error: wrong
    assert "unlabelled steps after the first error exported as wrong" in everything.dropped


def test_prm800k_to_math_shepherd_processbench_prmbench():
    row, trace = prm800k_sample()
    (ms,) = exporters.get("math_shepherd").export(trace, ExportOptions()).rows
    marks = [ms["label"][m.start() - i] for i, m in enumerate(re.finditer("ки", ms["input"]))]
    assert marks == ["+", "+"] + ["-"] * 14 and ms["task"] == "prm800k"
    (pb,) = exporters.get("processbench").export(trace, ExportOptions()).rows
    assert pb["label"] == 2 and pb["steps"] == row["question"]["pre_generated_steps"]
    assert pb["final_answer_correct"] is None  # PRM800K does not grade the answer; nothing is invented
    (bench,) = exporters.get("prmbench").export(trace, ExportOptions()).rows
    assert bench["error_steps"] == [3]


def test_give_up_solution_is_cut_to_its_labelled_steps():
    row, _ = prm800k_sample()
    row["label"]["finish_reason"] = "give_up"
    row["label"]["steps"] = row["label"]["steps"][:2]
    trace = import_row("prm800k", row)
    assert trace.first_error_index is None  # unknown: the rater stopped before finding or clearing one
    proj = exporters.get("trl").export(trace, ExportOptions())
    assert proj.rows == [{"prompt": row["question"]["problem"], "completions": row["question"]["pre_generated_steps"][:2],
                          "labels": [True, True]}]
    assert "unlabelled trailing steps left out" in proj.dropped
    assert exporters.get("processbench").export(trace, ExportOptions()).rows == []
    assert exporters.get("prm800k").export(trace, ExportOptions()).rows == [row]


def test_math_shepherd_and_processbench_to_trl():
    trace = import_row("math_shepherd", MS_ROWS[0])
    (row,) = exporters.get("trl").export(trace, ExportOptions()).rows
    assert row["labels"] == [True, False, False, False, False]
    assert row["completions"][0] == "The total ratio representing the pizza is 5+8 = <<5+8=13>>13."
    trace = import_row("processbench", PB_ROWS[0])
    (row,) = exporters.get("trl").export(trace, ExportOptions()).rows
    assert row["labels"] == [True, False]  # ProcessBench supervises until the first error
