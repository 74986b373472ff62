"""What every generator yields: a candidate trace (task, steps, final answer), never a label."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stepforge.schema import Domain, Generation, Segmentation, Task


class Candidate(BaseModel):
    """A proposed solution before verification. ``index`` is its position in the run's item stream."""

    model_config = ConfigDict(extra="forbid")

    id: str
    index: int
    domain: Domain
    family: str
    task: Task
    generation: Generation
    segmentation: Segmentation
    steps: list[str]
    spans: list[tuple[int, int]] | None = None
    final_answer: str | None
    code: str | None = None
    extras: dict[str, Any] = Field(default_factory=dict)


def join_steps(steps: list[str], separator: str = "\n\n") -> tuple[str, list[tuple[int, int]]]:
    """The raw response made of ``steps`` and each step's character span in it."""
    spans, parts, pos = [], [], 0
    for i, text in enumerate(steps):
        if i:
            parts.append(separator)
            pos += len(separator)
        spans.append((pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return "".join(parts), spans
