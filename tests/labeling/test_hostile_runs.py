"""A run labels model output it cannot trust: a solution with a run of a million characters (blanks, digits,
"1,", "1+", backslashes) is labelled, and the keep rule applied, in a bounded time, in a worker thread as in a run
(no alarm can stop a pattern there). Patterns that were tried from every character of such a run and scanned to its
end were quadratic: hours. The 120 s join only detects a hang."""

from __future__ import annotations

import json
import threading

import pytest

PROBLEM = "Tom has 3 bags of 4 apples and buys 5 more apples. How many apples does he have?"
RUNS = {
    "blanks": " " * 1_000_000,
    "tabs": "\t" * 1_000_000,
    "digits": "1" * 1_000_000 + "?",
    "digit-commas": "1," * 500_000,
    "operands": "1+" * 500_000 + ".",
    "worded-operands": "1 apple + " * 100_000,
    "percent-digits": "1" * 1_000_000 + " apples",
    "backslashes": "$" + "\\" * 1_000_000 + "$",
    "display-openers": "\\begin{align*}" * 70_000,
    "inner-displays-one-end": "\\begin{aligned}" * 70_000 + "\\end{aligned}",
    "display-rows": "\\begin{align}x\\\\" * 70_000 + "\\end{align}",
    "wrapped-displays": "$$\\begin{align}x\\end{align}" * 40_000,
    "divisor-lists": "the factors of 999999937 are 1 and " * 30_000,
}


def _record(tmp_path, steps: list[str], problem: str = PROBLEM):
    from stepforge.datasets.importers import import_row
    from stepforge.generators.sources import references as refs
    from stepforge.generators.sources.records import candidate_of
    from stepforge.pipeline.config import RunConfig
    from stepforge.pipeline.domains import RecordContext
    from stepforge.pipeline.domains.math import MathDomain

    ref = tmp_path / "refs.jsonl"
    ref.write_text(json.dumps({"problem": problem, "answer": "17"}) + "\n")
    row = {"id": "hostile", "generator": "test", "problem": problem, "final_answer_correct": False, "label": 1,
           "steps": steps}
    cand = candidate_of(refs.with_reference(import_row("processbench", row), refs.load(str(ref))), 0, "processbench")
    config = RunConfig(domain="math", count=1, out=tmp_path / "out")
    dom = MathDomain(config)
    out: list = []
    worker = threading.Thread(target=lambda: out.append(dom.record(cand, RecordContext(config=config,
                                                                                          strategy=dom.strategy))),
                              daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "labelling hangs"
    return out[0]


@pytest.mark.parametrize("run", sorted(RUNS))
def test_a_long_run_in_a_step_is_labelled_in_bounded_time(tmp_path, run):
    from stepforge.schema import Trace

    fill = RUNS[run]
    rec = _record(tmp_path, ["He has 3 * 4 = 12 apples in the bags.", "So " + fill + " apples.",
                             "Then 12 + 5 = 18 apples.", "The answer is 18."])
    # the wrong step (12 + 5 = 18) is refuted whatever the run beside it: when the trace is kept, that is its
    # located first error, and the steps before it are never rated below 0
    if isinstance(rec, Trace):
        assert rec.first_error_index == 2, rec.first_error_index
        assert rec.steps[0].label.rating >= 0


@pytest.mark.parametrize("run", ["digits", "digit-commas", "operands", "worded-operands", "blanks"])
def test_a_long_run_in_the_answer_line_is_labelled_in_bounded_time(tmp_path, run):
    fill = RUNS[run]
    _record(tmp_path, ["He has 3 * 4 + 5 = " + fill, "The answer is " + fill + " 17"])


@pytest.mark.parametrize("run", ["\\(", "\\[", "$1$ \\("])
def test_a_problem_with_a_run_of_unclosed_openers_is_read_in_bounded_time(tmp_path, run):
    """The problem's formulas are read for what it asks (rounding, lowest terms): a lazy search from each unclosed
    opener to the text's end was quadratic."""
    from stepforge.schema import Trace

    rec = _record(tmp_path, ["He has 3 * 4 = 12 apples in the bags.", "Then 12 + 5 = 17 apples.", "The answer is 17."],
                  problem=PROBLEM + " " + run * (1_000_000 // len(run)))
    if isinstance(rec, Trace):
        assert rec.first_error_index == -1 and all(s.label.rating >= 0 for s in rec.steps)
