"""``execution``: code steps labelled from a sandboxed test run.

The code step is rated by its verdict (all tests passed or not). Plan steps (prose before the code) are not
executed, so they carry a label only where there is evidence: a procedural template's plan step is its reference
plan by construction (+1, source ``construction``: the template's code implements that plan and its reference
solution passes the tests); an injected bug's step is the first error (-1) *and* execution must confirm it (the
code fails). Any other plan step, such as a model's own plan, is 0 whatever its text: matching a reference plan's
words says nothing of the code. In a failing solution those 0 steps have ``correct: null`` (nothing says they are
right), so no export makes them "correct" unless asked to (``--neutral-policy positive``).
"""

from __future__ import annotations

import time
from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, assemble
from stepforge.schema import Cost
from stepforge.verifiers.code import CodeTask, Verdict, check_code

CONCLUSIVE = ("passed", "failed", "timeout", "memory", "output_limit")


def verdict_summary(v: Verdict) -> dict[str, Any]:
    """The evidence kept with a code label: what decided, how, where it ran."""
    return {
        "status": v.status, "rule": v.rule, "passed": v.passed,
        "tests_passed": v.tests_passed, "tests_total": v.tests_total,
        "visible": [v.visible_passed, v.visible_total], "hidden": [v.hidden_passed, v.hidden_total],
        "property": [v.property_passed, v.property_total],
        "isolation": v.isolation, "backend": v.backend, "guarantee": v.guarantee,
        "seconds": round(v.seconds, 6), "failures": v.failures[:3],
    }


def conclusive(v: Verdict) -> bool:
    """A verdict we may label from: the tests ran (a load error or infrastructure problem is not)."""
    return v.status in CONCLUSIVE and v.rule != "infrastructure"


class Execution:
    name = "execution"
    domains = ("code",)

    def label(self, candidate: Candidate, verdict: Verdict | None, ctx: LabelContext) -> StepLabels:
        """Labels from ``verdict``; without one, the candidate's code is run on ``ctx.task`` in ``ctx.backend``."""
        t0 = time.perf_counter()
        runs = 0
        if verdict is None:
            if not isinstance(ctx.task, CodeTask):
                raise ValueError("the execution strategy needs the CodeTask (ctx.task) or a verdict")
            verdict = check_code(ctx.task, candidate.code or candidate.steps[-1], ctx.backend or "local")
            runs = 1
        summary = verdict_summary(verdict)
        n = len(candidate.steps)
        code_i = n - 1
        procedural = candidate.generation.generator.startswith("procedural/")
        ref = (candidate.task.metadata.get("reference_steps") or []) if procedural else []
        inj = candidate.generation.injected_error
        sources: list[str | None] = [None] * n
        ratings: list[int] = []
        evidence: list[dict[str, Any]] = []
        for i, text in enumerate(candidate.steps):
            if i == code_i:
                ratings.append(1 if verdict.passed else -1)
                evidence.append({"rule": "execution", "verdict": summary})
                continue
            before_bug = inj is None or i < inj.step_index
            if inj is not None and i == inj.step_index and not verdict.passed:
                ratings.append(-1)
                evidence.append({"rule": "injected_error_confirmed_by_execution", "kind": inj.kind,
                                 "reference_step": ref[i] if i < len(ref) else None,
                                 "verdict_status": verdict.status})
            elif before_bug and i < len(ref) and text == ref[i]:
                ratings.append(1)
                sources[i] = "construction"
                evidence.append({"rule": "reference_plan_by_construction"})
            else:
                ratings.append(0)
                evidence.append({"rule": "plan_step_not_checked"})
        cost = Cost(exec_runs=runs, wall_s=round(time.perf_counter() - t0 + (verdict.seconds if runs else 0), 6))
        return assemble(candidate, ratings, evidence, strategy=self.name, cost=cost, semantics="execution",
                        sources=sources, neutral_unknown=not verdict.passed)


STRATEGIES.register(Execution.name, Execution())
