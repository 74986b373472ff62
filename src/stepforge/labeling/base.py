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
    sandbox backend that ran it; ``client``: the run's labelling models (``labeling.models.LabelModels``: one
    journalled client per role; None when the run configures none); ``deadline_s``: the seconds the strategy's
    CPU work may take (hard-limited); ``options``: ``RunConfig.options["strategy"]`` (``models.StrategyOptions``);
    ``until``: the row's deadline for its checking (``time.monotonic()``; ``symbolic.row_deadline``), set by a domain
    that starts the row's clock before its verdict (None: the strategy's own budgets alone).
    """

    task: Any = None
    backend: Any = None
    client: Any = None
    deadline_s: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    until: float | None = None


class Strategy(Protocol):
    """A labelling strategy: one module in ``labeling/`` that registers itself in ``STRATEGIES``. Optional: a
    strategy that calls models says which roles with ``requires(options) -> set[str]`` (the run refuses to start
    without them); one made from an argument (``consensus:A+B``) has ``with_argument(arg) -> Strategy``; one with
    CPU work that is cheaper for many candidates at once has ``prepare(pairs, ctx)``, called by a domain that
    labels a batch in the parent with the batch's (candidate, verdict) pairs before their ``label`` calls."""

    name: str
    domains: tuple[str, ...]

    def label(self, candidate: Candidate, verdict: Any, ctx: LabelContext) -> StepLabels:
        """Per-step labels for ``candidate``; ``verdict`` is the domain verifier's judgement of its outcome."""


STRATEGIES: Registry[Strategy] = Registry("labelling strategy")


def resolve(name: str) -> Strategy:
    """The strategy a name asks for: a registered name, or ``name:argument`` for a strategy made from an argument
    (``consensus:mc+judge``) by its ``with_argument``. ``KeyError``/``ValueError`` say what is wrong."""
    head, colon, arg = name.partition(":")
    strategy = STRATEGIES.get(head)
    make = getattr(strategy, "with_argument", None)
    if colon:
        if make is None:
            raise ValueError(f"labelling strategy {head!r} takes no argument (got {name!r})")
        return make(arg)  # type: ignore[no-any-return]
    if make is not None and getattr(strategy, "needs_argument", False):
        raise ValueError(f"labelling strategy {head!r} needs an argument: {getattr(strategy, 'usage', head)}")
    return strategy


def assemble(
    candidate: Candidate,
    ratings: list[int],
    evidence: list[dict[str, Any]],
    *,
    strategy: str,
    cost: Cost,
    semantics: str | list[str] = "correctness",
    scores: list[float | None] | None = None,
    sources: list[str | None] | None = None,
    neutral_unknown: bool = False,
) -> StepLabels:
    """Ratings (-1/0/+1 per step, from the strategy's own checks) into labels.

    The first -1 is the first error. Steps after it are labelled -1 with source
    ``<strategy>:after_first_error`` (their own check stays in the evidence), as Math-Shepherd and
    ProcessBench read a wrong prefix; ``error_indices`` lists only steps whose own check failed.
    Neutral (0) steps count as correct (``neutral_policy="positive"``, as PRM800K's best reduction).
    ``semantics`` may differ per step; ``scores`` gives a measured value (an MC share) where there is one;
    ``sources`` overrides a step's label source (e.g. ``construction`` for an injected error; None: the strategy).
    ``neutral_unknown``: a neutral step's ``correct`` is None instead (no evidence either way: an export that
    needs a boolean must not turn it into "correct"), as for the unchecked plan steps of a failing solution.
    """
    first = next((i for i, r in enumerate(ratings) if r == -1), -1)
    steps = []
    for i, (text, rating, ev) in enumerate(zip(candidate.steps, ratings, evidence)):
        source = (sources[i] if sources else None) or strategy
        score = scores[i] if scores and scores[i] is not None else {1: 1.0, 0: None, -1: 0.0}[rating]
        if first != -1 and i > first:
            rating, source, score = -1, f"{strategy}:after_first_error", 0.0
        label = Label(
            rating=rating,  # type: ignore[arg-type]
            correct=None if (rating == 0 and neutral_unknown) else rating >= 0,
            score=score,
            semantics=semantics if isinstance(semantics, str) else semantics[i],  # type: ignore[arg-type]
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
