"""Executors: where a run's units are worked on. The engine hands the executor the run's plan and the unit stream;
the executor yields each unit's result in index order. ``local`` (worker processes and threads on this machine)
is built in; another executor (Ray) is one module registering itself in ``EXECUTORS``, with no change to sources,
domains or the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from stepforge._registry import Registry, import_submodules
from stepforge.errors import UserError
from stepforge.generators.sources import Source, Unit, UnitResult
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.domains import Domain, RecordContext


@dataclass
class Plan:
    """Everything an executor needs: the config (from which a remote worker rebuilds the parts), the parts made in
    this process, ``wanted(unit)``: False for a unit whose polarity quota is already full (skip it), and
    ``needed()``: traces still to keep (a sampling source keeps few units ahead of that, so an early end wastes
    little)."""

    config: RunConfig
    source: Source
    domain: Domain
    ctx: RecordContext
    wanted: Callable[[Unit], bool]
    needed: Callable[[], int]


class Executor(Protocol):
    name: str

    def results(self, plan: Plan, units: Iterator[Unit]) -> Iterator[UnitResult]:
        """Each wanted unit's result, in index order (skipped units yield nothing). Closing the iterator early
        stops the work (results not yet consumed are dropped: the engine never wrote them)."""

    def close(self) -> None: ...


EXECUTORS: Registry[type] = Registry("executor")


def make_executor(config: RunConfig) -> Executor:
    import_submodules(__name__)
    if config.executor not in EXECUTORS:
        raise UserError(f"unknown executor {config.executor!r} (known: {', '.join(EXECUTORS.names())})")
    return EXECUTORS.get(config.executor)(config)  # type: ignore[no-any-return]
