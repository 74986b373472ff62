"""Domain plug-ins: how a domain turns a candidate into a kept trace or a rejection.

One module per domain registers a plug-in class in ``DOMAINS``. A plug-in owns ``record(candidate, ctx)``:
verify the outcome, label the steps with the run's strategy, apply the keep rule. The engine (item order, quotas,
files, resume, card) and the sources know nothing of any domain. ``placement`` says where ``record`` may run:
``"process"`` (pure computation that may spin: a killable worker process with the item deadline) or ``"parent"``
(the work itself runs isolated elsewhere, in the sandbox: this process, many at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol, Union

from stepforge._registry import Registry, import_submodules
from stepforge.candidate import Candidate
from stepforge.errors import UserError
from stepforge.labeling import STRATEGIES, LabelContext, Strategy
from stepforge.pipeline.config import RunConfig
from stepforge.schema import Rejection, Trace

Record = Union[Trace, Rejection]


@dataclass
class RecordContext:
    """What ``record`` may use besides the candidate: the run's config and strategy, the fallback strategy for
    errors the first could not locate (None: those are rejected), a model client for strategies that call a model,
    and the seconds one item may take."""

    config: RunConfig
    strategy: Strategy
    fallback: Strategy | None = None
    client: Any = None
    deadline_s: float | None = None

    def label_context(self, **given: Any) -> LabelContext:
        """The strategy's view: what the domain adds (the task, the backend) plus the client and the deadline."""
        return LabelContext(client=self.client, deadline_s=self.deadline_s,
                            options=dict(self.config.options.get("strategy") or {}), **given)


class Domain(Protocol):
    name: str
    placement: Literal["process", "parent"]
    default_strategy: str

    def __init__(self, config: RunConfig) -> None:
        """Validate what the domain is asked (strategy, backend); no resources yet."""

    def open(self) -> None:
        """Acquire what ``record`` needs in this process (a sandbox backend)."""

    def record(self, candidate: Candidate, ctx: RecordContext) -> Record:
        """Verify, label, keep: the candidate's trace, or its rejection with the reason."""

    def record_many(self, candidates: list[Candidate], ctx: RecordContext) -> list[Record]:
        """``record`` over many candidates (a domain may batch them); results in input order."""

    def close(self) -> None: ...


DOMAINS: Registry[type] = Registry("domain")


def strategy_for(config: RunConfig, domain: str, default: str) -> Strategy:
    """The run's labelling strategy (``--strategy`` or the domain's default); a clear error when it is
    unknown or not made for this domain."""
    name = config.strategy or default
    if name not in STRATEGIES or domain not in STRATEGIES.get(name).domains:
        known = ", ".join(n for n in STRATEGIES.names() if domain in STRATEGIES.get(n).domains)
        raise UserError(f"unknown labelling strategy {name!r} for {domain} (known: {known})")
    return STRATEGIES.get(name)


def fallback_for(config: RunConfig, domain: str, default: str) -> Strategy | None:
    """The run's fallback strategy (``options["strategy"]["fallback"]``), or None; a clear error when it is
    unknown, not made for this domain, or the run's own strategy."""
    name = (config.options.get("strategy") or {}).get("fallback")
    if name is None:
        return None
    known = [n for n in STRATEGIES.names() if domain in STRATEGIES.get(n).domains]
    if name not in known:
        raise UserError(f"unknown fallback strategy {name!r} for {domain} (known: {', '.join(known)})")
    if name == (config.strategy or default):
        raise UserError(f"the fallback strategy {name!r} is the run's own strategy: name another one")
    return STRATEGIES.get(name)


def load() -> None:
    import_submodules(__name__)


def make_domain(config: RunConfig) -> Domain:
    load()
    if config.domain not in DOMAINS:
        raise UserError(f"unknown domain {config.domain!r} (known: {', '.join(DOMAINS.names())})")
    return DOMAINS.get(config.domain)(config)  # type: ignore[no-any-return]


def record_each(domain: Domain, candidates: list[Candidate], ctx: RecordContext) -> list[Record]:
    """The plain ``record_many``: one candidate after the other."""
    return [domain.record(c, ctx) for c in candidates]
