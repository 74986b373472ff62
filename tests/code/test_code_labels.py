"""Honest code labels: plan steps are labelled only where there is evidence, and no export turns a failing
solution's unchecked plan into "correct" unless asked to."""

from __future__ import annotations

import pytest

from stepforge.candidate import Candidate, join_steps
from stepforge.datasets.exporters import ExportOptions, export_traces
from stepforge.labeling import STRATEGIES, LabelContext
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.keep import build_trace
from stepforge.schema import Generation, InjectedError, Outcome, Reference, Segmentation, Task
from stepforge.verifiers.code import Verdict

PLAN = ["Read the list and keep a running total.", "Return the total."]
CODE = "```python\ndef total(xs):\n    return sum(xs)\n```"


def _verdict(passed: bool) -> Verdict:
    return Verdict(passed=passed, status="passed" if passed else "failed", rule="io_tests", tests_passed=3 if passed
                   else 1, tests_total=3, isolation="test", backend="test")


def _candidate(generator: str, steps: list[str], injected: int | None = None) -> Candidate:
    raw, spans = join_steps(steps)
    inj = InjectedError(kind="off_by_one", step_index=injected, description="x") if injected is not None else None
    return Candidate(
        id="c", index=0, domain="code", family="total",
        task=Task(task_id="t", prompt="Sum a list.", reference=Reference(entry_point="total"),
                  metadata={"reference_steps": [*PLAN, CODE]}),
        generation=Generation(generator=generator, seed=1, raw_response=raw, injected_error=inj),
        segmentation=Segmentation(), steps=steps, spans=spans, final_answer=None, code=steps[-1])


def _label(cand: Candidate, passed: bool):
    labels = STRATEGIES.get("execution").label(cand, _verdict(passed), LabelContext())
    outcome = Outcome(correct=passed, verifier="test", verdict="passed" if passed else "failed", rule="io", seconds=0)
    return build_trace(RunConfig(domain="code", count=1, out="unused"), cand, outcome, labels)


@pytest.mark.parametrize("passed", [True, False])
def test_a_models_plan_is_never_rated_by_its_words(passed: bool) -> None:
    # a model's plan that happens to repeat the reference plan word for word is still unchecked
    t = _label(_candidate("openai", [*PLAN, CODE]), passed)
    assert [s.label.rating for s in t.steps] == [0, 0, 1 if passed else -1]
    assert all(s.evidence["rule"] == "plan_step_not_checked" for s in t.steps[:2])
    plan_correct = {s.label.correct for s in t.steps[:2]}
    assert plan_correct == ({True} if passed else {None})  # failing: nothing says the plan is right


def test_a_procedural_plan_is_right_by_construction_up_to_its_bug() -> None:
    ok = _label(_candidate("procedural/code/total", [*PLAN, CODE]), True)
    assert [s.label.rating for s in ok.steps] == [1, 1, 1]
    assert [s.label.source for s in ok.steps] == ["construction", "construction", "execution"]
    bug = _label(_candidate("procedural/code/total", [PLAN[0], "Return the total minus one.", CODE], injected=1), False)
    assert [s.label.rating for s in bug.steps] == [1, -1, -1] and bug.first_error_index == 1


def test_what_a_neutral_plan_step_becomes_in_each_export() -> None:
    failing = _label(_candidate("openai", [*PLAN, CODE]), False)
    record = ExportOptions()
    for fmt in ("trl", "math_shepherd", "processbench", "prmbench"):  # the default reads nothing into it
        rep = export_traces([failing], fmt, record, warn=False)
        assert rep.rows == [] and rep.dropped, fmt
    assert export_traces([failing], "trl", ExportOptions(neutral_policy="positive"), warn=False).rows[0]["labels"] \
        == [True, True, False]  # only when asked to
    assert export_traces([failing], "processbench", ExportOptions(neutral_policy="positive"),
                         warn=False).rows[0]["label"] == 2
    prm = export_traces([failing], "prm800k", record, warn=False).rows[0]  # PRM800K has a neutral rating: 0 stays 0
    ratings = [s["completions"][0]["rating"] for s in prm["label"]["steps"]]
    assert ratings == [0, 0, -1]
    passing = _label(_candidate("openai", [*PLAN, CODE]), True)
    assert export_traces([passing], "trl", record, warn=False).rows[0]["labels"] == [True, True, True]
