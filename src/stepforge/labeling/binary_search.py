"""``binary_search``: OmegaPRM's divide and conquer for the first error (PSGPO's over code prefixes).

For a wrong answer, the first prefix from which no completion reaches the reference, assuming values fall once
and stay down: probe the middle prefix, go right on a success (a rollout that succeeds from prefix i proves every
prefix up to i), left on a failure. In code the search goes on into the code, line by line (``code_lines``), and
the evidence names the first wrong line. The good prefix the search ends next to is drawn again in R more
independent rounds (``confirm``, default 2): a wrong prefix "recovers" with chance 1 - (1 - r)^K, and bisection
probes several wrong prefixes where mc probes one, so a recovery must repeat R times to move the first error; a
failed round reopens the search left of that prefix. Cost for N units: at most K completions per round (an
adaptive probe stops once decided: a clean prefix mostly costs one), at most ceil(log2 N) + 1 first rounds (the +1
being the problem alone, probed only when every other probe failed) and R confirmation rounds, plus at most
ceil(log2 N) first rounds and R confirmation rounds per failed one (a recovery caught): (ceil(log2 N) + 1 + R) * K
when no recovery is caught, the (ceil(log2 N) + 1) * K of plain bisection with R = 0. A right answer proves every
prefix: no rollouts. Evidence: every probe and confirmation round, in the step its prefix ends in.

``split`` (default 0.5, the middle) probes that far into the interval instead: 0.3 costs about 8% fewer completions
on average here (a short prefix is more likely good, and an adaptive probe decides a good one with about one
completion), but its worst case is deeper: the depth of its split tree (5 probes for 8 units, not 3) in place of
ceil(log2 N) in the bound above. With ``ahead`` (default), while the client has idle slots a probe also sends the
rest of its K and the next middle of either half (and, at the end, either boundary's confirmation rounds): the
search splits four ways a round trip, the labels and the probes used are the same, and what was drawn and not
needed (``unused_draws`` in the evidence, in the cost) is at most K + m completions per first round of the bound and
K per confirmation round (m = ``min_successes``).
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
