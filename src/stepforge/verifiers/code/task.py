"""CodeTask: what a candidate function is checked against (tests stay in the parent, inputs go in)."""

from __future__ import annotations

import copy
import pickle
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from stepforge.verifiers.code.values import plain


_SEP = object()  # separates the two test lists in a cache key


class IOTest(BaseModel):
    """One call: ``entry_point(*args)`` must return ``expected`` (or a truthy/falsy value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    args: list[Any]
    expected: Any = None
    expect: Literal["equal", "truthy", "falsy"] = "equal"
    tol: float | None = None

    @model_validator(mode="after")
    def _plain(self) -> IOTest:
        if not plain(self.args) or not plain(self.expected):
            raise ValueError("test args and expected values must be plain data (None, bool, int, float, "
                             "str, bytes, list, tuple, dict, set)")
        return self


class PropertyTests(BaseModel):
    """Hypothesis-drawn inputs; expected outputs come from ``reference`` run in the trusted parent."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    strategy: Any = Field(description="a hypothesis strategy drawing the argument tuple")
    reference: Callable[..., Any]
    examples: int = Field(30, gt=0, le=2000)
    seed: int = 0
    tol: float | None = None


class CodeTask(BaseModel):
    """A function task. ``io_tests`` may be shown to the model; ``hidden_io_tests`` never are.

    ``test_code`` (assert-style, defines ``check(candidate)``) and ``pytest_file`` run *next to* the
    candidate inside the sandbox: a candidate can tamper with them, so their verdict is cooperative
    (reported as ``guarantee="cooperative"``). Only io and property tests are compared in the parent.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    task_id: str = "task"
    entry_point: str
    prompt: str = ""
    io_tests: list[IOTest] = Field(default_factory=list)
    hidden_io_tests: list[IOTest] = Field(default_factory=list)
    property_tests: PropertyTests | None = None
    test_code: str | None = None
    pytest_file: str | None = None
    module_name: str = "solution"
    numeric_types: Literal["loose", "strict"] = "loose"
    timeout_s: float = Field(10.0, gt=0)
    test_timeout_s: float | None = Field(
        None, gt=0, description="wall-clock limit of each io/property test call; the candidate-wide "
        "deadline still bounds the whole run (a call stuck inside one C function is stopped only by it)")
    memory_mb: int = Field(1024, gt=16)
    _drawn: tuple[Any, list[IOTest]] | None = PrivateAttr(default=None)
    _job: tuple[tuple[Any, ...], dict[str, Any]] | None = PrivateAttr(default=None)

    @field_validator("io_tests", "hidden_io_tests", mode="before")
    @classmethod
    def _dicts(cls, v: Any) -> Any:
        return [IOTest(**t) if isinstance(t, dict) else t for t in v]

    @model_validator(mode="after")
    def _has_tests(self) -> CodeTask:
        if not (self.io_tests or self.hidden_io_tests or self.property_tests or self.test_code
                or self.pytest_file):
            raise ValueError("a CodeTask needs at least one kind of test")
        if not self.entry_point.isidentifier():
            raise ValueError(f"entry_point {self.entry_point!r} is not an identifier")
        return self

    def property_io(self) -> list[IOTest]:
        """The property tests as io tests: inputs drawn by hypothesis (derandomised), outputs from the
        reference in this process. Drawn once per task."""
        if self.property_tests is None:
            return []
        # The cache holds the spec it was drawn from: a copy with other property tests draws again.
        if self._drawn is None or self._drawn[0] is not self.property_tests:
            self._drawn = (self.property_tests, _draw(self.property_tests))
        return self._drawn[1]

    @classmethod
    def from_humaneval(cls, row: dict[str, Any], **kwargs: Any) -> CodeTask:
        """Import a HumanEval-format row; see ``stepforge.verifiers.code.humaneval``."""
        from stepforge.verifiers.code.humaneval import task_from_row

        return task_from_row(row, **kwargs)

    def job(self) -> dict[str, Any]:
        """What enters the sandbox for this task: inputs only (no expected values). Built once."""
        # The cache is keyed on the very objects it was built from (held, so never recycled): a
        # ``model_copy(update=...)``, an assignment or a test added, removed or replaced builds it again.
        key = (self.entry_point, self.test_code, self.module_name, self.test_timeout_s, self.property_tests,
               _SEP, *self.io_tests, _SEP, *self.hidden_io_tests)
        if self._job is not None and len(self._job[0]) == len(key) and all(
                a is b for a, b in zip(self._job[0], key)):
            return dict(self._job[1])
        tests = self.all_tests()
        job = {
            "entry_point": self.entry_point,
            "calls": [pickle.dumps(tuple(t.args), protocol=5) for _, t in tests],
            "check": self.test_code,
            "module_name": self.module_name,
            "test_timeout_s": self.test_timeout_s,
        }
        self._job = (key, job)
        return dict(job)

    def all_tests(self) -> list[tuple[str, IOTest]]:
        return ([("visible", t) for t in self.io_tests] + [("hidden", t) for t in self.hidden_io_tests]
                + [("property", t) for t in self.property_io()])


def _draw(spec: PropertyTests) -> list[IOTest]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    drawn: list[tuple[Any, ...]] = []

    @hseed(spec.seed)
    @settings(max_examples=spec.examples, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(spec.strategy)
    def collect(args: Any) -> None:
        drawn.append(tuple(args) if isinstance(args, (tuple, list)) else (args,))

    collect()
    out = []
    seen = set()
    for args in drawn:
        key = repr(args)
        if key in seen or not plain(list(args)):
            continue
        seen.add(key)
        expected = spec.reference(*copy.deepcopy(args))
        if plain(expected):
            out.append(IOTest(args=list(args), expected=expected, tol=spec.tol))
    return out
