"""The labelling-strategy interface and registry, and the one rule every strategy shares:
how ratings and evidence become schema labels, and where the first error is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from stepforge._registry import Registry
from stepforge.candidate import Candidate
from stepforge.schema import Cost, Label, Labeling, Step


class StepLabels(BaseModel):
    """A strategy's result for one candidate: labelled steps, the first error and the cost."""

    steps: list[Step]
    first_error_index: int
    error_indices: list[int]
    labeling: Labeling


@dataclass
class LabelContext:
    """What a strategy may use beyond the candidate and its verdict, given by the domain plug-in.

    ``task``: the domain's executable task (code: the ``CodeTask`` that decided the verdict); ``backend``: the
    sandbox backend that ran it; ``client``: a model client for strategies that call a model (None offline);
    ``deadline_s``: the seconds the strategy may spend; ``options``: strategy options from the run config.
    """

    task: Any = None
    backend: Any = None
    client: Any = None
    deadline_s: float | None = None
    options: dict[str, Any] = field(default_factory=dict)


class Strategy(Protocol):
    """A labelling strategy: one module in ``labeling/`` that registers itself in ``STRATEGIES``."""

    name: str
    domains: tuple[str, ...]

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        """Per-step labels for ``candidate``; ``verdict`` is the domain verifier's judgement of its outcome."""


STRATEGIES: Registry[Strategy] = Registry("labelling strategy")


def assemble(
    candidate: Candidate,
    ratings: list[int],
    evidence: list[dict[str, Any]],
    *,
    strategy: str,
    cost: Cost,
    semantics: str = "correctness",
    sources: list[str | None] | None = None,
    neutral_unknown: bool = False,
) -> StepLabels:
    """Ratings (-1/0/+1 per step, from the strategy's own checks) into labels.

    The first -1 is the first error. Steps after it are labelled -1 with source
    ``<strategy>:after_first_error`` (their own check stays in the evidence), as Math-Shepherd and
    ProcessBench read a wrong prefix; ``error_indices`` lists only steps whose own check failed.
    Neutral (0) steps count as correct (``neutral_policy="positive"``, as PRM800K's best reduction).
    ``sources`` overrides a step's label source (e.g. ``construction`` for an injected error).
    ``neutral_unknown``: a neutral step's ``correct`` is None instead (no evidence either way: an export that
    needs a boolean must not turn it into "correct"), as for the unchecked plan steps of a failing solution.
    """
    first = next((i for i, r in enumerate(ratings) if r == -1), -1)
    steps = []
    for i, (text, rating, ev) in enumerate(zip(candidate.steps, ratings, evidence)):
        source = (sources[i] if sources else None) or strategy
        if first != -1 and i > first:
            rating, source = -1, f"{strategy}:after_first_error"
        label = Label(
            rating=rating,  # type: ignore[arg-type]
            correct=None if (rating == 0 and neutral_unknown) else rating >= 0,
            score={1: 1.0, 0: None, -1: 0.0}[rating],
            semantics=semantics,  # type: ignore[arg-type]
            source=source,
        )
        span = candidate.spans[i] if candidate.spans else None
        steps.append(Step(index=i, text=text, span=span, label=label, evidence=ev))
    return StepLabels(
        steps=steps,
        first_error_index=first,
        error_indices=[i for i, r in enumerate(ratings) if r == -1],
        labeling=Labeling(strategy=strategy, cost=cost),
    )
