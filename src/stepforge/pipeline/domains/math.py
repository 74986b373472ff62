"""The math domain: procedural problems, answers verified by the math verifier, steps labelled by a
strategy (``symbolic`` by default). Each item runs whole in a killable worker process."""

from __future__ import annotations

from typing import Any

from stepforge._pool import DeadlinePool
from stepforge.errors import UserError
from stepforge.generators.procedural.math import FAMILIES, candidate
from stepforge.labeling import STRATEGIES
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import DOMAINS, WorkItem, strategy_for
from stepforge.pipeline.records import build_trace, disagreement, reject
from stepforge.schema import Outcome, Rejection, Trace
from stepforge.verifiers.math import judge

VERIFIER = "stepforge.verifiers.math"


def _evaluate_item(config_json: str, index: int, family: str, want_error: bool,
                   ordinal: int | None = None) -> tuple[str, dict[str, Any]]:
    """Generate, verify and label one item (runs inside a worker)."""
    config = RunConfig.model_validate_json(config_json)
    cand = candidate(config.seed, family, index, want_error, ordinal=ordinal)
    if cand is None:
        rej = reject(config, id=f"sf-math-none-{index}", index=index, domain="math", reason="no_injectable_error",
                     detail=f"no injection point of this {family} problem changes its answer",
                     candidate={"family": family, "index": index})
        return "rejection", rej.model_dump(mode="json")
    v = judge(cand.task.reference.answer or "", cand.generation.raw_response)
    conclusive = v.verdict in ("equal", "not_equal")
    outcome = Outcome(
        correct=(v.verdict == "equal") if conclusive else None,
        verifier=VERIFIER, verdict=v.verdict, rule=v.rule, seconds=round(v.seconds, 6),
        isolation="worker_process", versions=v.versions,
        details={"gold": v.gold, "pred": v.pred, **({"detail": v.detail} if v.detail else {})},
    )
    strategy = STRATEGIES.get(config.strategy or "symbolic")
    labels = strategy.label(cand)
    trace = build_trace(config, cand, outcome, labels)
    why = disagreement(trace)
    if why is not None:
        rej = reject(config, id=cand.id, index=index, domain="math", reason=why[0], detail=why[1],
                     candidate=trace.model_dump(mode="json"))
        return "rejection", rej.model_dump(mode="json")
    return "trace", trace.model_dump(mode="json")


class MathDomain:
    name = "math"

    def __init__(self, config: RunConfig) -> None:
        if config.generator != "procedural":
            raise UserError(f"generator {config.generator!r} is not available for --domain math here")
        strategy_for(config, "math", "symbolic")  # fail early, in the parent, on a bad --strategy
        self._config_json = config.model_dump_json()
        self._pool = DeadlinePool(config.workers, preload=[__name__])

    def families(self, config: RunConfig) -> list[str]:
        names = config.families or FAMILIES.names()
        unknown = [n for n in names if n not in FAMILIES]
        if unknown:
            raise UserError(f"unknown math families: {', '.join(unknown)} (known: {', '.join(FAMILIES.names())})")
        return list(names)

    def evaluate(self, config: RunConfig, items: list[WorkItem]) -> list[Trace | Rejection]:
        args = [(self._config_json, it.index, it.family, it.want_error, it.ordinal) for it in items]
        results = self._pool.map(_evaluate_item, args, timeout=config.item_timeout)
        out: list[Trace | Rejection] = []
        for it, res in zip(items, results):
            if res.status == "ok":
                kind, data = res.value
                out.append(Trace.model_validate(data) if kind == "trace" else Rejection.model_validate(data))
            else:
                out.append(reject(config, id=f"sf-math-{res.status}-{it.index}", index=it.index, domain="math",
                                  reason="timeout" if res.status == "timeout" else "internal_error",
                                  detail=res.error, candidate={"family": it.family, "index": it.index,
                                                               "want_error": it.want_error}))
        return out

    def close(self) -> None:
        self._pool.close()


DOMAINS.register("math", MathDomain)


