"""A regression case: what goes into the verifier under test, what it should answer, and under which category."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Expected = Literal["accept", "reject", "no_accept"]


class Case(BaseModel):
    """One case. ``expected``: ``accept`` (a correct answer or program), ``reject`` (a wrong one) or ``no_accept``
    (nothing to accept: rejecting or abstaining both agree). Step cases expect ``first_error`` (-1: none).

    Math: ``gold`` is the reference answer, ``pred`` the response. Code: ``gold`` is a HumanEval-style row
    (``task_id``, ``prompt``, ``entry_point``, ``test``), ``pred`` the whole candidate module. Steps: ``steps``
    and ``context`` (premises, unknowns, gold), ``pred`` the steps joined by blank lines.
    """

    model_config = ConfigDict(extra="forbid")
    id: str
    domain: Literal["math", "code", "steps"]
    category: str
    expected: Expected = "accept"
    gold: Any = None
    pred: str = ""
    prompt: str = ""
    policy: dict[str, Any] | str | None = None  # a MathPolicy preset name (grading, reward) or its fields
    steps: list[str] | None = None
    context: dict[str, Any] | None = None
    first_error: int | None = None
    note: str = ""
    tags: list[str] = Field(default_factory=list)


class Suite(BaseModel):
    """A named, versioned list of cases."""

    name: str
    version: str
    cases: list[Case]
