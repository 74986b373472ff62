"""``symbolic``: every step's claims checked by the symbolic step checker against the problem's
premises and reference answer. No model calls; the cost is counted in symbolic checks."""

from __future__ import annotations

import time
from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, assemble
from stepforge.schema import Cost
from stepforge.verifiers.math.steps import StepContext, check_steps


def symbolic_checks(candidate: Candidate) -> list[dict[str, Any]]:
    """The step checker's finding for every step, as plain data (it may run in a worker process)."""
    meta = candidate.task.metadata
    context = StepContext(
        premises=meta.get("premises") or [],
        unknowns=meta.get("unknowns") or [],
        variables=meta.get("variables") or [],
        gold=candidate.task.reference.answer,
    )
    checks = check_steps(candidate.steps, context, seed=candidate.generation.seed)
    return [c.model_dump() for c in checks]


def refuted_claims(check: dict[str, Any], *, final: bool = True) -> list[dict[str, Any]]:
    """The claims of one step the checker found false (``final=False``: not counting the final answer's check)."""
    return [c for c in check.get("claims") or []
            if c.get("verdict") == "false" and (final or not str(c.get("rule", "")).startswith("final_answer"))]


class Symbolic:
    name = "symbolic"
    domains = ("math",)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        """Inside a run's worker process the checks run here; elsewhere (records made in the parent) in a worker
        of their own, killed at the deadline: then every step is neutral, with the reason."""
        from stepforge.labeling._checks import limited

        t0 = time.perf_counter()
        res = limited(symbolic_checks, (candidate,), ctx.deadline_s or 60.0)
        if res.status != "ok":
            n = len(candidate.steps)
            why = {"symbolic_unavailable": f"{res.status}: {res.error}"[:300]}
            return assemble(candidate, [0] * n, [dict(why) for _ in range(n)], strategy=self.name,
                            cost=Cost(wall_s=round(time.perf_counter() - t0, 6)))
        checks = res.value
        evidence = [{"symbolic": {k: v for k, v in c.items() if k != "index"}} for c in checks]
        cost = Cost(symbolic_checks=sum(len(c["claims"]) for c in checks), wall_s=round(time.perf_counter() - t0, 6))
        return assemble(candidate, [c["rating"] for c in checks], evidence, strategy=self.name, cost=cost)


STRATEGIES.register(Symbolic.name, Symbolic())
