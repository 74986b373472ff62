"""The records themselves (``stepforge/1`` lines, ``schema.to_wire``): the identity projection, so
native traces can be written as parquet or in the Hugging Face layout like any other format."""

from __future__ import annotations

from stepforge.datasets.exporters import EXPORTERS, ExportOptions, Projection
from stepforge.schema import Trace, to_wire


class _Stepforge:
    name = "stepforge"
    summary = "the stepforge/1 records themselves (every field; free-form parts as JSON text)"

    def export(self, trace: Trace, options: ExportOptions) -> Projection:
        return Projection([to_wire(trace)], [])


EXPORTERS.register("stepforge", _Stepforge())
