"""Resource limits of one sandboxed run; every backend applies the same numbers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Hard limits per candidate (rlimits are set with soft == hard so the candidate cannot raise them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    wall_s: float = Field(10.0, gt=0, description="wall-clock deadline, enforced by stepforge")
    cpu_s: int = Field(10, gt=0, description="RLIMIT_CPU backstop")
    memory_mb: int = Field(1024, gt=16, description="RLIMIT_AS of the candidate process")
    file_mb: int = Field(8, gt=0, description="RLIMIT_FSIZE: largest file, stdout/stderr included")
    open_files: int = Field(64, gt=8)
    processes: int = Field(64, gt=4, description="RLIMIT_NPROC for the slot's dedicated uid")
    channel_kb: int = Field(4096, gt=1, description="cap on the result channel")
    disk_mb: int = Field(64, gt=1, description="size of the tmpfs work and /tmp folders")

    def as_job(self) -> dict[str, float | int]:
        """The subset the in-sandbox driver applies."""
        return {
            "wall_s": self.wall_s,
            "cpu_s": self.cpu_s,
            "memory_mb": self.memory_mb,
            "file_mb": self.file_mb,
            "open_files": self.open_files,
            "channel_kb": self.channel_kb,
        }
