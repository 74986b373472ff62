"""Runs: generate → verify → label → keep or reject → write, deterministic and resumable."""

from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.run import RunSummary, run

__all__ = ["RunConfig", "RunSummary", "run"]
