"""``consensus:A+B``: Qwen2.5-Math-PRM's consensus filtering. Two strategies label the trace; it is kept only when
they agree on the first error (or on there being none). A disagreement is rejected as ``labels_disagree`` with both
labelings in the evidence; the card reports the agreement rate. The labels kept are A's, B's are in each step's
evidence; the cost is both."""

from __future__ import annotations

from typing import Any

from stepforge.candidate import Candidate
from stepforge.labeling.base import STRATEGIES, LabelContext, StepLabels, Strategy, resolve
from stepforge.schema import Agreement, Cost, Labeling

USAGE = "consensus:A+B, two strategies joined by '+' (e.g. consensus:mc+judge)"


def _sum(a: Cost, b: Cost) -> Cost:
    return Cost(**{k: round(getattr(a, k) + getattr(b, k), 6) for k in Cost.model_fields})


class Pair:
    domains: tuple[str, ...]

    def __init__(self, a: Strategy, b: Strategy, names: tuple[str, str]) -> None:
        self.a, self.b = a, b
        self.names = names
        self.name = f"consensus:{names[0]}+{names[1]}"
        self.domains = tuple(d for d in a.domains if d in b.domains)

    def requires(self, options: dict[str, Any]) -> set[str]:
        need: set[str] = set()
        for s in (self.a, self.b):
            if hasattr(s, "requires"):
                need |= s.requires(options)
        return need

    def prepare(self, pairs: list[tuple[Candidate, Any]], ctx: LabelContext) -> None:
        for s in (self.a, self.b):
            if hasattr(s, "prepare"):
                s.prepare(pairs, ctx)

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        la = self.a.label(candidate, verdict, ctx)
        lb = self.b.label(candidate, verdict, ctx)
        fa, fb = la.first_error_index, lb.first_error_index
        steps = []
        for sa, sb in zip(la.steps, lb.steps):
            ev = {self.names[0]: sa.evidence, self.names[1]: {"label": sb.label.model_dump() if sb.label else None,
                                                              **sb.evidence}}
            label = sa.label.model_copy(update={"source": f"{self.name}:{sa.label.source}"}) if sa.label else None
            steps.append(sa.model_copy(update={"evidence": ev, "label": label}))
        agreement = Agreement(strategies=list(self.names), first_errors=[fa, fb], agree=fa == fb)
        labeling = Labeling(strategy=self.name, cost=_sum(la.labeling.cost, lb.labeling.cost), agreement=agreement)
        return StepLabels(steps=steps, first_error_index=fa, error_indices=la.error_indices, labeling=labeling)


class Consensus:
    name = "consensus"
    domains = ("math", "code")
    needs_argument = True
    usage = USAGE

    def with_argument(self, arg: str) -> Pair:
        names = tuple(p.strip() for p in arg.split("+"))
        if len(names) != 2 or not all(names):
            raise ValueError(f"consensus needs two strategies: {USAGE} (got {arg!r})")
        if any(n.partition(":")[0] == self.name for n in names):
            raise ValueError("consensus of a consensus is not supported: name two plain strategies")
        return Pair(resolve(names[0]), resolve(names[1]), names)  # type: ignore[arg-type]

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        raise ValueError(f"consensus needs two strategies: {USAGE}")


STRATEGIES.register(Consensus.name, Consensus())
