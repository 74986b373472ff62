"""Verify and label one LLM candidate inside a killable worker (kept light: no openai import here)."""

from __future__ import annotations

from typing import Any

from stepforge.generators.base import Candidate as PipelineCandidate
from stepforge.labeling import STRATEGIES
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.records import build_trace, disagreement, reject
from stepforge.schema import Outcome
from stepforge.verifiers.math import judge

MATH_VERIFIER = "stepforge.verifiers.math"


def math_record(config_json: str, cand_json: str) -> tuple[str, dict[str, Any]]:
    """Verify and label one math candidate (runs in a killable worker)."""
    config = RunConfig.model_validate_json(config_json)
    cand = PipelineCandidate.model_validate_json(cand_json)
    v = judge(cand.task.reference.answer or "", cand.generation.raw_response)
    conclusive = v.verdict in ("equal", "not_equal")
    outcome = Outcome(
        correct=(v.verdict == "equal") if conclusive else None,
        verifier=MATH_VERIFIER, verdict=v.verdict, rule=v.rule, seconds=round(v.seconds, 6),
        isolation="worker_process", versions=v.versions,
        details={"gold": v.gold, "pred": v.pred, **({"detail": v.detail} if v.detail else {})},
    )
    labels = STRATEGIES.get(config.strategy or "symbolic").label(cand)
    trace = build_trace(config, cand, outcome, labels)
    why = disagreement(trace)
    if why is not None:
        rej = reject(config, id=cand.id, index=cand.index, domain="math", reason=why[0], detail=why[1],
                     candidate=trace.model_dump(mode="json"))
        return "rejection", rej.model_dump(mode="json")
    return "trace", trace.model_dump(mode="json")
