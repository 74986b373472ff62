"""The run configuration: everything that decides a run's data, validated at the boundary."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

_NOT_HASHED = {"out", "overwrite", "resume", "workers", "progress", "command", "item_timeout"}


class RunConfig(BaseModel):
    """One ``stepforge generate`` run. Fields outside ``_NOT_HASHED`` decide the data and its hash."""

    model_config = ConfigDict(extra="forbid")

    domain: str
    count: int = Field(gt=0)
    seed: int = 0
    out: Path
    generator: str = "procedural"
    positive_fraction: float = Field(default=0.5, ge=0.0, le=1.0)
    families: list[str] | None = None
    strategy: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    workers: int | None = None
    item_timeout: float = Field(default=60.0, gt=0)
    overwrite: bool = False
    resume: bool = False
    progress: bool = True
    command: str | None = None

    @field_validator("families")
    @classmethod
    def _no_empty(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and not v:
            raise ValueError("families must name at least one family")
        return v

    def data_fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=_NOT_HASHED)

    def config_hash(self) -> str:
        blob = json.dumps(self.data_fields(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:32]
