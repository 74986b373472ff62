"""``binary_search``: OmegaPRM's divide and conquer for the first error (PSGPO's over code prefixes).

For a wrong answer, the first prefix from which no completion reaches the reference, assuming values fall once
and stay down: probe the middle prefix, go right on a success (a rollout that succeeds from prefix i proves every
prefix up to i), left on a failure. In code the search goes on into the code, line by line (``code_lines``), and
the evidence names the first wrong line. At most (ceil(log2 N) + 1) * K completions for N units, the +1 being the
problem alone, probed only when every other probe failed. A right answer proves every prefix: no rollouts.
Evidence: every probe, in the step its prefix ends in.
"""

from __future__ import annotations

import time
from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling._procedural import CannotContinue
from stepforge.labeling._rollouts import Rollouts, bisect, outcome_correct, rollout_labels
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels
from stepforge.labeling.models import strategy_options


class BinarySearch:
    name = "binary_search"
    domains = ("math", "code")

    def requires(self, options: dict[str, Any]) -> set[str]:
        return {"rollout"} if strategy_options(options).completer == "model" else set()

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        t0 = time.perf_counter()
        opts = strategy_options(ctx.options)
        r = Rollouts(candidate, ctx, opts, lines=opts.code_lines)
        correct = outcome_correct(verdict)
        first_bad, note = None, ""
        if correct is False:
            try:
                first_bad, note = bisect(r, 0, r.size)
            except CannotContinue as exc:
                note = f"the procedural completer cannot continue this solution: {exc}"
        return rollout_labels(r, correct, first_bad, note, strategy=self.name, t0=t0)


STRATEGIES.register(BinarySearch.name, BinarySearch())
