"""``symbolic``: every step's claims checked by the symbolic step checker against the problem's
premises and reference answer. No model calls; the cost is counted in symbolic checks."""

from __future__ import annotations

import time
from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, assemble
from stepforge.schema import Cost
from stepforge.verifiers.math.steps import StepContext, check_steps


class Symbolic:
    name = "symbolic"
    domains = ("math",)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        t0 = time.perf_counter()
        meta = candidate.task.metadata
        ctx = StepContext(
            premises=meta.get("premises") or [],
            unknowns=meta.get("unknowns") or [],
            variables=meta.get("variables") or [],
            gold=candidate.task.reference.answer,
        )
        checks = check_steps(candidate.steps, ctx, seed=candidate.generation.seed)
        evidence = [{"symbolic": c.model_dump(exclude={"index"})} for c in checks]
        cost = Cost(symbolic_checks=sum(len(c.claims) for c in checks), wall_s=round(time.perf_counter() - t0, 6))
        return assemble(candidate, [c.rating for c in checks], evidence, strategy=self.name, cost=cost)


STRATEGIES.register(Symbolic.name, Symbolic())
