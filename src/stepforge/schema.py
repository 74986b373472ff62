"""The stepforge record schema (``stepforge/1``): one JSON object per trace.

A superset of PRM800K, Math-Shepherd, TRL stepwise and ProcessBench records, so every export is a
projection. Labels keep the evidence they were derived from. Validation only; no logic lives here.

A record *line* (``to_wire``) has one JSON type per field in every record, so that files written by
different runs load together with ``datasets.load_dataset("json", data_files=[...])``: the parts whose shape
depends on the domain, family, verifier or source (``WIRE_JSON``: reference, metadata, generation,
evidence, details, ...) are written as JSON text. Reading accepts both that and plain nested objects (the
layout of records written before), so every record ever written still loads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = "stepforge/1"
_ARROW_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?\Z")

Domain = Literal["math", "code"]
Rating = Literal[-1, 0, 1]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
    _wire_json: tuple[str, ...] = ()  # fields a record line holds as JSON text (see ``to_wire``)

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, data: Any) -> Any:
        names = cls.__private_attributes__["_wire_json"].default
        if isinstance(data, dict) and any(isinstance(data.get(n), str) for n in names):
            data = dict(data)
            for n in names:
                if isinstance(data.get(n), str):
                    try:
                        data[n] = json.loads(data[n])
                    except ValueError:
                        raise ValueError(f"{n}: not a JSON object or JSON text") from None
        return data


class Reference(_Model):
    """What a verifier needs to judge a candidate: a gold answer (math) or tests (code)."""

    answer: str | None = None
    solution: str | None = None
    tests: list[dict[str, Any]] | None = None
    hidden_tests: list[dict[str, Any]] | None = None
    test_code: str | None = None
    entry_point: str | None = None
    test_framework: str | None = None


class Task(_Model):
    _wire_json = ("reference", "messages", "metadata")
    task_id: str
    prompt: str
    reference: Reference
    source: str | None = None
    split: str | None = None
    messages: list[dict[str, str]] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Sampling(BaseModel):
    """Sampling parameters of the generator; extra provider-specific keys are kept."""

    model_config = ConfigDict(extra="allow")
    temperature: float | None = None
    top_p: float | None = None
    n: int | None = None
    seed: int | None = None
    max_tokens: int | None = None


class InjectedError(_Model):
    """An error put into a solution on purpose; its step is the first wrong one by construction."""

    kind: str
    step_index: int
    description: str


class Generation(_Model):
    generator: str
    model: str | None = None
    prompt_version: str | None = None
    prompt: str | None = None
    sampling: Sampling = Field(default_factory=Sampling)
    seed: int
    raw_response: str
    usage: dict[str, Any] | None = None
    injected_error: InjectedError | None = None


class Segmentation(_Model):
    method: str = "generator"
    separator: str | None = None


class Label(_Model):
    rating: Rating
    correct: bool | None
    score: float | None = None
    semantics: Literal["correctness", "value", "progress", "execution"] = "correctness"
    source: str


class Step(_Model):
    _wire_json = ("evidence", "alternatives")
    index: int
    text: str
    span: tuple[int, int] | None = None
    code: str | None = None
    label: Label | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)
    alternatives: list[dict[str, Any]] = Field(default_factory=list)


class Outcome(_Model):
    """The final-answer verdict with its evidence: which rule decided, how long it took, versions."""

    _wire_json = ("versions", "details")
    correct: bool | None
    verifier: str
    verdict: str
    rule: str
    seconds: float
    isolation: str | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)


class Cost(_Model):
    rollouts: int = 0
    judge_calls: int = 0
    exec_runs: int = 0
    symbolic_checks: int = 0
    gen_tokens: int = 0
    wall_s: float = 0.0


class Labeling(_Model):
    strategy: str
    supervised_until_first_error: bool = False
    neutral_policy: Literal["positive", "negative"] = "positive"
    cost: Cost = Field(default_factory=Cost)


class Provenance(_Model):
    _wire_json = ("versions",)
    toolkit: str = "stepforge"
    toolkit_version: str
    schema_version: str = SCHEMA_VERSION
    config_hash: str
    run_id: str | None = None
    created_at: str
    versions: dict[str, str] = Field(default_factory=dict)

    @field_validator("created_at", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        """A timestamp typed by a reader back to stepforge's ISO text (UTC, seconds unless there are
        microseconds): Arrow's JSON reader parses ISO strings to UTC timestamps, which ``datasets`` gives
        back as datetimes, or as ``YYYY-MM-DD HH:MM:SS`` text when the declared type is a string."""
        if isinstance(value, str) and _ARROW_TIME.match(value):
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.timezone.utc)
            return value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
        return value


class Trace(_Model):
    """One labelled reasoning trace: task, generation, steps with labels and evidence, outcome."""

    _wire_json = ("generation", "segmentation", "error_indices", "extras")
    schema_version: Literal["stepforge/1"] = SCHEMA_VERSION
    id: str
    domain: Domain
    task: Task
    generation: Generation
    segmentation: Segmentation = Field(default_factory=Segmentation)
    steps: list[Step]
    final_answer: str | None
    outcome: Outcome
    first_error_index: int | None
    error_indices: list[int] = Field(default_factory=list)
    finish_reason: Literal["solution", "found_error", "give_up", "bad_problem"] = "solution"
    labeling: Labeling
    verified: bool = False
    provenance: Provenance
    extras: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Trace:
        for i, step in enumerate(self.steps):
            if step.index != i:
                raise ValueError(f"step {i} has index {step.index}")
        fei = self.first_error_index
        if fei is not None and not (fei == -1 or 0 <= fei < len(self.steps)):
            raise ValueError(f"first_error_index {fei} out of range for {len(self.steps)} steps")
        return self


class Rejection(_Model):
    """A dropped candidate and why: kept so that nothing leaves a run silently. ``evidence`` says what
    decided it when that is more than a reason (e.g. the row it duplicates, the benchmark item it matches)."""

    schema_version: Literal["stepforge/1"] = SCHEMA_VERSION
    id: str
    index: int | None = None
    domain: Domain
    reason: str
    detail: str = ""
    evidence: dict[str, Any] = Field(default_factory=dict)
    candidate: dict[str, Any]


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_wire(trace: Trace) -> dict[str, Any]:
    """The record as a file line holds it: every ``WIRE_JSON`` part as JSON text, the rest as JSON.

    The parts written as text are those whose shape is not fixed by the schema (free-form maps,
    domain-specific references) or that whole files can lack (error indices of a run with no wrong
    trace, the generation block of procedural vs. model runs), so each field has one type everywhere."""
    return wire_from_json(trace.model_dump(mode="json"))


def _wire_names(model: type[_Model]) -> tuple[str, ...]:
    return model.__private_attributes__["_wire_json"].default  # type: ignore[no-any-return]


def wire_from_json(d: dict[str, Any]) -> dict[str, Any]:
    """A trace's nested JSON dict (``model_dump(mode="json")``) in its line form; ``d`` is left as it is."""
    w = {**d, **{n: _text(d[n]) for n in _wire_names(Trace)}}
    w["task"] = {**d["task"], **{n: _text(d["task"][n]) for n in _wire_names(Task)}}
    w["steps"] = [{**s, **{n: _text(s[n]) for n in _wire_names(Step)}} for s in d["steps"]]
    w["outcome"] = {**d["outcome"], **{n: _text(d["outcome"][n]) for n in _wire_names(Outcome)}}
    w["provenance"] = {**d["provenance"], "versions": _text(d["provenance"]["versions"])}
    return w


def wire_part(value: Any) -> Any:
    """One part of a trace line as JSON: decoded when the line form holds it as JSON text, else as it is."""
    return json.loads(value) if isinstance(value, str) else value


def _loaded(part: Any, names: tuple[str, ...]) -> Any:
    if not isinstance(part, dict) or not any(isinstance(part.get(n), str) for n in names):
        return part
    return {**part, **{n: json.loads(part[n]) for n in names if isinstance(part.get(n), str)}}


def json_from_wire(w: dict[str, Any]) -> dict[str, Any]:
    """A trace line's dict (either form) as the nested JSON dict, without validating it: the fast path for readers
    that only count (a run's resume scan, the card). ``w`` is left as it is; a part that is not JSON text raises
    ValueError."""
    d = dict(_loaded(w, _wire_names(Trace)))
    for name, model in (("task", Task), ("outcome", Outcome), ("provenance", Provenance)):
        if name in d:
            d[name] = _loaded(d[name], _wire_names(model))
    if isinstance(d.get("steps"), list):
        d["steps"] = [_loaded(s, _wire_names(Step)) for s in d["steps"]]
    return d


WIRE_JSON = ("task.reference", "task.messages", "task.metadata", "generation", "segmentation",
             "steps[].evidence", "steps[].alternatives", "outcome.versions", "outcome.details", "error_indices",
             "provenance.versions", "extras")
