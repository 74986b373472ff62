"""``binary_search``: OmegaPRM's divide and conquer for the first error (PSGPO's over code prefixes).

For a wrong answer, the first prefix from which no completion reaches the reference, assuming values fall once
and stay down: probe the middle prefix, go right on a success (a rollout that succeeds from prefix i proves every
prefix up to i), left on a failure. In code the search goes on into the code, line by line (``code_lines``), and
the evidence names the first wrong line. At most (ceil(log2 N) + 1) * K completions for N units, the +1 being the
problem alone, probed only when every other probe failed. A right answer proves every prefix: no rollouts.
Evidence: every probe, in the step its prefix ends in.
"""

from __future__ import annotations

from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling._rollouts import Rollouts, bisect, label_with_rollouts, rollout_roles
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels
from stepforge.labeling.models import StrategyOptions


def search(r: Rollouts, correct: bool, opts: StrategyOptions) -> tuple[int | None, str]:
    return (None, "") if correct else bisect(r, 0, r.size)


class BinarySearch:
    name = "binary_search"
    domains = ("math", "code")

    def requires(self, options: dict[str, Any]) -> set[str]:
        return rollout_roles(options)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        labels: StepLabels = label_with_rollouts(self.name, candidate, verdict, ctx, search, lines=True)
        return labels


STRATEGIES.register(BinarySearch.name, BinarySearch())
