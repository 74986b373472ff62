"""The one candidate type: what every source yields and every strategy reads (a proposed trace, never a label)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from stepforge.schema import Domain, Generation, Segmentation, Task


class Candidate(BaseModel):
    """A proposed solution before verification. ``index`` is the run item (unit) it came from.

    ``attachment`` carries an in-process object the source already built for verification (the procedural code
    task with its property tests); it is never serialised, and a domain rebuilds it from ``task`` when absent.
    """

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
    _attachment: Any = PrivateAttr(default=None)

    @property
    def attachment(self) -> Any:
        return self._attachment

    def attach(self, obj: Any) -> Candidate:
        self._attachment = obj
        return self


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
