"""Candidate sources: where a run's candidates come from, one module each, registered in ``SOURCES``.

A source turns the run's item stream into candidates. Item ``index`` is a ``Unit``; the engine asks for units in
index order and consumes their records in that order, so a run's data depends on its seed, never on timing,
workers or executor. Two kinds:

- *producing* sources (``procedural``, ``file``) make a unit's candidates by a plain call
  (``candidates(unit)``), which the executor may run in a worker process next to the verification;
- *sampling* sources (``openai``) ask a model: ``sample(unit, record)`` is a coroutine that calls back
  ``await record(candidate)`` for each candidate (its verdict may decide whether to sample more) and returns the
  unit's records in order.

Sources know nothing of domains' verification, labels or files; they build candidates and, for candidates that
could not be built (a truncated answer, no injectable error), ``Rejection`` records with the reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Union

from pydantic import BaseModel, ConfigDict, Field

from stepforge._registry import Registry, import_submodules
from stepforge.candidate import Candidate
from stepforge.schema import Rejection, Trace

Record = Union[Trace, Rejection]


class SourceSettings(BaseModel):
    """What a source is told about the run (the pipeline's ``RunConfig``, seen from the left of it)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    domain: str
    seed: int = 0
    count: int
    positive_fraction: float | None = 0.5  # None: the run keeps what comes, no polarity quota
    families: list[str] | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    client: dict[str, Any] = Field(default_factory=dict)
    out: Path | None = None
    fresh: bool = False  # a new run: files left by an earlier one (a request journal) are not reused
    offline: bool = False  # answers only from the journal; what it lacks becomes pending requests (Batch API)


@dataclass(frozen=True)
class Unit:
    """Item ``index`` of a run. ``want_error`` is the polarity asked of a source that can choose it (None when the
    source cannot); ``payload`` is what the source needs to build the unit again anywhere (JSON-able)."""

    index: int
    want_error: bool | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class UnitResult:
    """A unit's records in order. ``spent``: samples drawn (for a run budget); ``pending``: requests with no
    answer yet (the unit is undecided); ``potential``: for a pending unit, how many traces it might still yield."""

    unit: Unit
    records: list[Record] = field(default_factory=list)
    spent: int = 0
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    potential: int = 0


RecordFn = Callable[[Candidate], Awaitable[Record]]


class Source(Protocol):
    name: str
    #: True when ``Unit.want_error`` is honoured (the engine then skips units whose polarity quota is full)
    chooses_polarity: bool
    #: True for ``sample`` (model calls), False for ``candidates`` (plain calls)
    samples: bool

    def prepare(self) -> None:
        """Checks that read the inputs once (a whole responses file), run in the parent before any work."""

    def units(self, start: int) -> Iterator[Unit]:
        """Units from index ``start`` on, in index order (may be endless)."""

    def candidates(self, unit: Unit) -> list[Candidate | Rejection]:
        """Producing sources: the unit's candidates (and rejections for candidates that could not be made)."""

    async def sample(self, unit: Unit, record: RecordFn) -> UnitResult:
        """Sampling sources: the unit's records, each candidate passed through ``record`` as it arrives."""

    def budget(self) -> int | None:
        """Samples the run may draw in all (None: no budget)."""

    def describe(self) -> dict[str, Any]:
        """What the card says about the source (model, endpoint, problems, budget)."""

    def usage(self) -> dict[str, Any] | None:
        """Model usage of the run (requests, tokens, cost), or None for a source that calls no model."""

    def exhausted(self, kept: int, count: int) -> str | None:
        """When the units ran out before COUNT were kept: an error message, or None when that is a normal end."""

    async def astart(self) -> None:
        """Open what lives on the event loop (a model client). Sampling sources only."""

    async def aclose(self) -> None: ...

    def close(self) -> None: ...


class ProducingSource:
    """Defaults for a source that calls no model: no budget, no usage, nothing on the event loop."""

    chooses_polarity = False
    samples = False

    def prepare(self) -> None:
        return None

    def budget(self) -> int | None:
        return None

    def usage(self) -> dict[str, Any] | None:
        return None

    def exhausted(self, kept: int, count: int) -> str | None:
        return None

    async def astart(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    def close(self) -> None:
        return None

    def card_sections(self, out: Path) -> list[str]:
        """Markdown sections for the run's card that only the source can write, read from the run folder ``out``."""
        return []


SOURCES: Registry[type] = Registry("candidate source")


def load() -> None:
    import_submodules(__name__)


def make_source(name: str, settings: SourceSettings) -> Source:
    """The named source, set up for this run; a clear error for an unknown name or options it cannot honour."""
    from stepforge.errors import UserError

    load()
    if name not in SOURCES:
        raise UserError(f"unknown candidate source {name!r} (known: {', '.join(SOURCES.names())})")
    return SOURCES.get(name)(settings)  # type: ignore[no-any-return]
