"""The run configuration: everything that decides a run's data, validated at the boundary."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Settings that never change the data: where it goes, how fast, on what. A run can be resumed with other values.
_NOT_HASHED = {"out", "overwrite", "resume", "workers", "progress", "command", "item_timeout", "backend", "executor",
               "executor_options", "client", "models", "shard"}


class Shard(BaseModel):
    """Shard ``index`` of ``count`` independent runs of one config (``--shard index/count``), merged by
    ``stepforge merge``; ``extra``: traces per polarity a shard makes beyond its share (to extend one that stopped
    short)."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0)
    count: int = Field(ge=1)
    extra: int = Field(default=0, ge=0)


class RunConfig(BaseModel):
    """One run. ``generator`` names the candidate source (``procedural``, ``openai``, ``file``); ``options`` holds
    the source's own options (``{"openai": {...}}``, ``{"file": {"path": ...}}``) and, under ``"strategy"``, the
    labelling strategy's (models, rollouts, votes). Fields outside ``_NOT_HASHED`` decide the data and its hash;
    ``client`` (endpoint, limits, prices; never the key on disk), ``models`` (the same for each labelling model role:
    ``{"rollout": {...}, "judge": {...}}``), ``backend`` (sandbox backend of the code domain), ``executor`` and
    ``shard`` do not: a shard's traces are the single run's.
    ``curate``: the curation each trace passes before it is written (``datasets.curate.CurateOptions`` as JSON;
    None: none)."""

    model_config = ConfigDict(extra="forbid")

    domain: str
    count: int = Field(gt=0)
    seed: int = 0
    out: Path
    generator: str = "procedural"
    positive_fraction: float | None = Field(default=0.5, ge=0.0, le=1.0)  # None: no polarity quota
    families: list[str] | None = None
    strategy: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    client: dict[str, Any] = Field(default_factory=dict)
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)
    backend: str = "local"
    executor: str = "local"
    executor_options: dict[str, Any] = Field(default_factory=dict)
    shard: Shard | None = None
    curate: dict[str, Any] | None = None
    workers: int | None = Field(default=None, gt=0)
    item_timeout: float = Field(default=60.0, gt=0)
    overwrite: bool = False
    resume: bool = False
    progress: bool = True
    command: str | None = None

    @field_validator("out", mode="before")
    @classmethod
    def _named(cls, v: Any) -> Any:
        if isinstance(v, str) and not v.strip():
            raise ValueError("must name a folder (an empty path would write into the current folder)")
        return v

    @field_validator("families")
    @classmethod
    def _no_empty(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and not v:
            raise ValueError("families must name at least one family")
        return v

    @field_validator("shard")
    @classmethod
    def _in_range(cls, v: Shard | None) -> Shard | None:
        if v is not None and v.index >= v.count:
            raise ValueError(f"shard {v.index}/{v.count}: the index counts from 0 and must be below {v.count}")
        return v

    @field_validator("curate", mode="before")
    @classmethod
    def _curation(cls, v: Any) -> Any:
        if v is None:
            return v
        from stepforge.datasets.curate.options import CurateOptions

        opts = v if isinstance(v, CurateOptions) else CurateOptions.model_validate(v)
        return opts.model_dump(mode="json", exclude={"workers"})

    def data_fields(self) -> dict[str, Any]:
        # a run without curation hashes as before curation existed (its runs still resume)
        return self.model_dump(mode="json", exclude=_NOT_HASHED | ({"curate"} if self.curate is None else set()))

    def config_hash(self) -> str:
        blob = json.dumps(self.data_fields(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:32]
