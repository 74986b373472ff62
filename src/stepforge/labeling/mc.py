"""``mc``: Math-Shepherd's Monte Carlo labels. For each step, K completions of the prefix that ends with it; the
step is +1 when some completion reaches the reference (hard estimate), its share is the soft value (``score``).

Prefixes are probed in order and the first one from which no completion reaches the reference is the first
error; probing stops there unless ``mc_all_steps`` (values for every step). The good prefix before it is drawn
again (``confirm`` rounds); if a round fails, it was a recovery and the first error moves back one step (and so
on). The last step is judged by the trace's own verdict; a right answer proves every prefix, so it needs no
rollouts unless ``mc_all_steps``. When the first step fails, the problem alone is probed too: if the policy cannot
solve it at all, no step is blamed.
Evidence per step: K, successes, the completions' answers (math) or program hashes (code).
"""

from __future__ import annotations

from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling._rollouts import Ahead, Rollouts, confirmed, label_with_rollouts, rollout_roles
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels
from stepforge.labeling.models import StrategyOptions


class MonteCarlo:
    name = "mc"
    domains = ("math", "code")

    def requires(self, options: dict[str, Any]) -> set[str]:
        return rollout_roles(options)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        labels: StepLabels = label_with_rollouts(self.name, candidate, verdict, ctx, self._scan)
        return labels

    @staticmethod
    def _ahead(r: Rollouts, length: int, every: bool) -> list[Ahead]:
        """What the scan may ask after prefix ``length``: every later prefix when all values are wanted; else the
        next prefixes (if this one is good) and the confirmation rounds of the one before (if it is bad)."""
        if every:
            return [Ahead(length, rest=True), *(Ahead(n) for n in range(length + 1, r.size))]
        nxt = [Ahead(n) for n in range(length + 1, min(length + 3, r.size))]
        back = [Ahead(length - 1, i, likely=False) for i in range(1, r.confirming + 1)] if length > 1 else []
        return [*nxt, Ahead(length, rest=True, likely=False), *back]

    @staticmethod
    def _scan(r: Rollouts, correct: bool, opts: StrategyOptions) -> tuple[int | None, str]:
        """Prefixes in order: the first bad one, or why it cannot be told; with ``mc_all_steps`` every value
        (a right answer is probed only then)."""
        if correct and not opts.mc_all_steps:
            return None, ""
        first_bad: int | None = None
        for length in range(1, r.size):
            p = r.probe(length, ahead=MonteCarlo._ahead(r, length, opts.mc_all_steps or correct))
            if first_bad is not None or correct:
                continue  # values only
            if p.result == "undecided":
                return None, f"the prefix of {length} steps is undecided ({p.conclusive} of {p.k} checked)"
            if p.result == "bad":
                first_bad = length
                if not opts.mc_all_steps:
                    break
        if correct:
            return None, ""
        if first_bad is None:
            first_bad = r.size  # every proper prefix reaches the reference: the last step goes wrong
        while first_bad > 1 and r.confirming:  # the good prefix before it, drawn again: a recovery walks back
            why = confirmed(r, first_bad - 1)
            if why is None:
                break
            if why:
                return None, why
            first_bad -= 1
        if first_bad == 1:
            base = r.probe(0)
            if base.result != "good":
                return None, "the policy does not reach the reference from the problem alone: no step can be blamed"
        return first_bad, ""


STRATEGIES.register(MonteCarlo.name, MonteCarlo())
