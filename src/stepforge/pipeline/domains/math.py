"""The math domain: the final answer judged by the math verifier, steps labelled by a strategy (``symbolic`` by
default), the keep rule. Pure computation that may spin on hostile input: it runs in killable worker processes."""

from __future__ import annotations

from stepforge._seeding import derive_seed
from stepforge.candidate import Candidate
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import DOMAINS, Record, RecordContext, fallback_for, record_each, strategy_for
from stepforge.pipeline.keep import NO_REFERENCE, settle
from stepforge.schema import Outcome
from stepforge.verifiers.math import judge

VERIFIER = "stepforge.verifiers.math"


class MathDomain:
    name = "math"
    placement = "process"
    default_strategy = "symbolic"

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.strategy = strategy_for(config, self.name, self.default_strategy)
        self.fallback = fallback_for(config, self.name, self.default_strategy)

    def open(self) -> None:
        return None

    def record(self, candidate: Candidate, ctx: RecordContext) -> Record:
        gold = candidate.task.reference.answer
        if not gold:  # labelled rows without a reference answer (PRMBench): the outcome cannot be verified
            outcome = Outcome(correct=None, verifier=VERIFIER, verdict=NO_REFERENCE, rule=NO_REFERENCE, seconds=0.0,
                              isolation="worker_process", details={"detail": "the task has no reference answer"})
            return settle(candidate, outcome, None, ctx)
        v = judge(gold, candidate.generation.raw_response, problem=candidate.task.prompt,
                  seed=derive_seed(ctx.config.seed, "judge", candidate.id))
        conclusive = v.verdict in ("equal", "not_equal")
        outcome = Outcome(
            correct=(v.verdict == "equal") if conclusive else None,
            verifier=VERIFIER, verdict=v.verdict, rule=v.rule, seconds=round(v.seconds, 6),
            isolation="worker_process", versions=v.versions,
            details={"gold": v.gold, "pred": v.pred, **({"detail": v.detail} if v.detail else {})},
        )
        return settle(candidate, outcome, v, ctx)

    def record_many(self, candidates: list[Candidate], ctx: RecordContext) -> list[Record]:
        return record_each(self, candidates, ctx)

    def close(self) -> None:
        return None


DOMAINS.register(MathDomain.name, MathDomain)
