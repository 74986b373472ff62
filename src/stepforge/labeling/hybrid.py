"""``hybrid``: the symbolic checker first, rollouts where it cannot decide.

Math: the first error the ``symbolic`` strategy locates is certain (a refuted claim whose value was not carried
from earlier steps, an answer line that contradicts what the steps derived, an error injected by construction);
one probe (drawn again, ``confirm`` rounds) shows that the prefix before it still reaches the reference (then it is the
first error), and if it does not, binary search looks before it. Where the checker locates nothing (reasoning
errors with true arithmetic, prose), binary search over the whole solution. Code: the sandbox verdict
is the certain check and binary search over plan steps and code lines locates the first wrong prefix (as
``binary_search``). A right answer proves every prefix: no rollouts. Evidence: the checker's findings, every probe.
"""

from __future__ import annotations

import time
from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling import _checks
from stepforge.labeling._rollouts import (Ahead, Rollouts, bisect, confirmed, label_with_rollouts,
                                         outcome_correct, rollout_roles)
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, assemble
from stepforge.schema import Cost


class Hybrid:
    name = "hybrid"
    domains = ("math", "code")

    def requires(self, options: dict[str, Any]) -> set[str]:
        return rollout_roles(options)

    def prepare(self, pairs: list[tuple[Candidate, Any]], ctx: LabelContext) -> None:
        """A batch's symbolic checks at once (a few pool calls, not one round trip per candidate)."""
        _checks.prefetch_symbolic([(c, v) for c, v in pairs if c.domain == "math"], ctx.deadline_s)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        t0 = time.perf_counter()
        n = len(candidate.steps)
        evidence: list[dict[str, Any]] = [{} for _ in range(n)]
        proposal, claims, own = None, 0, [0] * n
        if candidate.domain == "math":  # the checker's located first error (a refuted claim, by construction, ...)
            checked = _checks.symbolic_first(candidate, verdict, ctx.deadline_s)
            evidence = [dict(s.evidence) for s in checked.steps]
            claims = checked.labeling.cost.symbolic_checks
            proposal = checked.first_error_index if checked.first_error_index >= 0 else None
            own = [s.label.rating if s.label is not None else 0 for s in checked.steps]
        semantics = ["value"] * n
        sources = [self.name] * n
        if proposal is not None:
            semantics[proposal] = "correctness"
            sources[proposal] = f"{self.name}:symbolic"
        if outcome_correct(verdict) is not False and proposal is not None:
            # a refuted claim under a right answer (never kept), or where the answer cannot be graded (no reference
            # answer): certain all the same; rollouts have nothing to reach, so the steps before it keep the
            # checker's own ratings (an unchecked step stays 0)
            ratings = own[:proposal] + [-1] * (n - proposal)
            cost = Cost(symbolic_checks=claims, wall_s=round(time.perf_counter() - t0, 6))
            return assemble(candidate, ratings, evidence, strategy=self.name, cost=cost, semantics=semantics,
                            sources=sources)

        def locate(r: Rollouts, correct: bool, opts: Any) -> tuple[int | None, str]:
            return (None, "") if correct else self._locate(r, proposal)

        labels: StepLabels = label_with_rollouts(self.name, candidate, verdict, ctx, locate, lines=True, t0=t0,
                                                 evidence=evidence, semantics=semantics, sources=sources,
                                                 cost_extra={"symbolic_checks": claims})
        return labels

    @staticmethod
    def _locate(r: Rollouts, proposal: int | None) -> tuple[int | None, str]:
        if proposal is None:
            return bisect(r, 0, r.size)
        if proposal == 0:
            return 1, ""  # the first step holds a false claim: nothing before it to blame
        # the prefix that ends just before the refuted step (math: units are steps), its confirmation rounds ahead
        before = r.probe(proposal, ahead=[*(Ahead(proposal, i) for i in range(1, r.confirming + 1)),
                                          Ahead(proposal, rest=True, likely=False)])
        if before.result == "undecided":
            return None, f"the prefix before the refuted step {proposal} is undecided"
        if before.result == "good":
            why = confirmed(r, proposal) if r.confirming else None  # drawn again: a recovery is not trusted
            if why is None:
                return proposal + 1, ""
            if why:
                return None, why
        return bisect(r, 0, proposal)


STRATEGIES.register(Hybrid.name, Hybrid())
