"""Exporters: deterministic projections of ``stepforge/1`` traces onto other datasets' row shapes.

One module per format registers itself in ``EXPORTERS``. A projection never invents labels; when a
format cannot hold something the trace has (soft scores, alternatives, labels after the first
error, neutral ratings), the projection says so in ``Projection.dropped`` and ``export_traces``
reports it (and warns). How neutral (0) ratings become booleans is explicit: ``neutral_policy``.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from stepforge._registry import Registry, import_submodules
from stepforge.schema import Trace

NeutralPolicy = Literal["record", "positive", "negative"]


class ExportOptions(BaseModel):
    """Choices a projection needs; each exporter reads the ones that apply to its format.

    ``neutral_policy``: ``record`` keeps each label's own ``correct`` (decided by the trace's
    ``labeling.neutral_policy``); ``positive``/``negative`` map every rating-0 step to True/False.
    ``supervised_until_first_error``: None follows each trace's ``labeling``; True cuts after the
    first error. ``soft``: float scores instead of booleans (TRL; Math-Shepherd ``value``).
    ``alternatives``: keep alternative steps (TRL rows, PRM800K completions). ``separator``: the step
    separator the PRM will use, checked against step texts (TRL). ``verified_only``: skip traces
    stepforge did not verify (e.g. imported ones).
    """

    model_config = ConfigDict(extra="forbid")

    neutral_policy: NeutralPolicy = "record"
    supervised_until_first_error: bool | None = None
    soft: bool = False
    alternatives: bool = True
    separator: str = "\n"
    verified_only: bool = False


@dataclass
class Projection:
    """The rows one trace becomes, and what the format could not hold (one short note per kind)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


class Exporter(Protocol):
    name: str
    summary: str

    def export(self, trace: Trace, options: ExportOptions) -> Projection: ...


class ExportWarning(UserWarning):
    """Information a target format cannot hold was left out of an export."""


class ExportError(ValueError):
    """A trace cannot be projected at all (e.g. its text contains the format's step tag)."""


EXPORTERS: Registry[Exporter] = Registry("export format")


@dataclass
class ExportReport:
    rows: list[dict[str, Any]]
    traces: int
    skipped: int
    dropped: dict[str, int]

    def notes(self, fmt: str) -> list[str]:
        return [f"{fmt}: {note} (in {n} of {self.traces} traces)" for note, n in sorted(self.dropped.items())]


def _load() -> None:
    import_submodules(__name__)  # idempotent: modules import once


def formats() -> list[str]:
    _load()
    return EXPORTERS.names()


def get(name: str) -> Exporter:
    _load()
    return EXPORTERS.get(name)


def iter_export(traces: Iterable[Trace], fmt: str, options: ExportOptions, report: ExportReport) -> Iterator[dict[str, Any]]:
    """Rows of every trace, streamed; ``report`` counts traces, skips and what was left out."""
    exporter = get(fmt)
    dropped: Counter[str] = Counter(report.dropped)
    for trace in traces:
        report.traces += 1
        if options.verified_only and not trace.verified:
            report.skipped += 1
            continue
        proj = exporter.export(trace, options)
        dropped.update(set(proj.dropped))
        report.dropped = dict(dropped)
        yield from proj.rows


def export_traces(
    traces: Iterable[Trace], fmt: str, options: ExportOptions | None = None, *, warn: bool = True
) -> ExportReport:
    """Project every trace; information left out is counted per kind and (``warn``) warned once."""
    report = ExportReport(rows=[], traces=0, skipped=0, dropped={})
    report.rows = list(iter_export(traces, fmt, options or ExportOptions(), report))
    if warn:
        for note in report.notes(fmt):
            warnings.warn(note, ExportWarning, stacklevel=2)
    return report


__all__ = ["EXPORTERS", "ExportError", "ExportOptions", "ExportReport", "ExportWarning", "Exporter",
           "Projection", "export_traces", "formats", "get", "iter_export"]
