"""Runs: any candidate source → verify → label → keep or reject → the run folder, deterministic and resumable."""

from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.engine import RunSummary, run

__all__ = ["RunConfig", "RunSummary", "run"]
