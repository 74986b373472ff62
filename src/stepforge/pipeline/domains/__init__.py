"""Domain plug-ins: how a domain turns work items into kept traces or rejections.

One module per domain registers a plug-in in ``DOMAINS``; the run loop (quotas, order, files,
resume, card) is shared and knows nothing of any domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from stepforge._registry import Registry, import_submodules
from stepforge.errors import UserError
from stepforge.labeling import STRATEGIES, Strategy
from stepforge.pipeline.config import RunConfig
from stepforge.schema import Rejection, Trace


@dataclass(frozen=True)
class WorkItem:
    """Item ``index`` of the run: its family, its rank among the run's items of that family, and whether
    a wrong solution is wanted."""

    index: int
    family: str
    want_error: bool
    ordinal: int = 0


class DomainPlugin(Protocol):
    name: str

    def families(self, config: RunConfig) -> list[str]:
        """The families this run draws from, in a fixed order (raise UserError on unknown names)."""

    def evaluate(self, config: RunConfig, items: list[WorkItem]) -> list[Trace | Rejection]:
        """Generate, verify and label ``items``; results in the same order, one per item."""

    def close(self) -> None:
        """Release workers."""


DOMAINS: Registry[type[DomainPlugin]] = Registry("domain")


def strategy_for(config: RunConfig, domain: str, default: str) -> Strategy:
    """The run's labelling strategy (``--strategy`` or the domain's default); a clear error when it is
    unknown or not made for this domain."""
    name = config.strategy or default
    if name not in STRATEGIES or domain not in STRATEGIES.get(name).domains:
        known = ", ".join(n for n in STRATEGIES.names() if domain in STRATEGIES.get(n).domains)
        raise UserError(f"unknown labelling strategy {name!r} for {domain} (known: {known})")
    return STRATEGIES.get(name)


def load() -> None:
    import_submodules(__name__)
