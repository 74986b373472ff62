"""The stepforge record schema (``stepforge/1``): one JSON object per trace.

A superset of PRM800K, Math-Shepherd, TRL stepwise and ProcessBench records, so every export is a
projection. Labels keep the evidence they were derived from. Validation only; no logic lives here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "stepforge/1"

Domain = Literal["math", "code"]
Rating = Literal[-1, 0, 1]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    index: int
    text: str
    span: tuple[int, int] | None = None
    code: str | None = None
    label: Label | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)
    alternatives: list[dict[str, Any]] = Field(default_factory=list)


class Outcome(_Model):
    """The final-answer verdict with its evidence: which rule decided, how long it took, versions."""

    correct: bool | None
    verifier: str
    verdict: str
    rule: str
    seconds: float
    isolation: str | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)


class Cost(_Model):
    """What labelling one trace took: completions (rollouts) and critiques (judge_calls) asked of models, sandbox
    runs, symbolic claim checks, model tokens (prompt and generated) and dollars at the configured prices."""

    rollouts: int = 0
    judge_calls: int = 0
    exec_runs: int = 0
    symbolic_checks: int = 0
    prompt_tokens: int = 0
    gen_tokens: int = 0
    usd: float = 0.0
    wall_s: float = 0.0


class Agreement(_Model):
    """Two labelling strategies run on one trace (consensus filtering): each one's first error and whether they
    agree. A trace they disagree on is never kept."""

    strategies: list[str]
    first_errors: list[int]
    agree: bool


class Labeling(_Model):
    strategy: str
    supervised_until_first_error: bool = False
    neutral_policy: Literal["positive", "negative"] = "positive"
    cost: Cost = Field(default_factory=Cost)
    agreement: Agreement | None = None


class Provenance(_Model):
    toolkit: str = "stepforge"
    toolkit_version: str
    schema_version: str = SCHEMA_VERSION
    config_hash: str
    run_id: str | None = None
    created_at: str
    versions: dict[str, str] = Field(default_factory=dict)


class Trace(_Model):
    """One labelled reasoning trace: task, generation, steps with labels and evidence, outcome."""

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
    """A dropped candidate and why: kept so that nothing leaves a run silently."""

    schema_version: Literal["stepforge/1"] = SCHEMA_VERSION
    id: str
    index: int | None = None
    domain: Domain
    reason: str
    detail: str = ""
    candidate: dict[str, Any]
