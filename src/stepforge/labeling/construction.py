"""Labels known by construction: a procedural generator that injected an error knows its step.

The injected step is the first error (-1, source ``construction``) whatever a checker saw there: a
reasoning error (wrong operation with true arithmetic, misread quantity, dropped case, ...) states
claims a calculator cannot refute. The steps before it keep the strategy's own ratings (confirmed
where the checker can, neutral where it cannot), so a checker that refutes an earlier step still
shows, and the keep rule rejects the trace (``first_error_mismatch``). The checker's own verdict on
the injected step stays in its evidence. Only procedural generators set ``injected_error``.
"""

from __future__ import annotations

from typing import Any

from stepforge.candidate import Candidate

SOURCE = "construction"


def apply(candidate: Candidate, ratings: list[int], evidence: list[dict[str, Any]]) -> list[str | None]:
    """Set the injected step's rating to -1 in place (its evidence gains ``construction``); returns the
    per-step source override (``None``: the strategy's own)."""
    sources: list[str | None] = [None] * len(ratings)
    inj = candidate.generation.injected_error
    if inj is None or not candidate.generation.generator.startswith("procedural/"):
        return sources
    j = inj.step_index
    if not 0 <= j < len(ratings):
        return sources
    evidence[j] = {**evidence[j], SOURCE: {"kind": inj.kind, "description": inj.description,
                                           "checker_rating": ratings[j]}}
    ratings[j] = -1
    sources[j] = SOURCE
    return sources
