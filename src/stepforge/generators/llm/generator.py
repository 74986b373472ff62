"""The OpenAI-API generator: sample solutions per problem under a verification budget.

For each problem it sends rounds of requests (``n`` choices each, a seed derived from the run seed, the task and
the round) until ``k`` candidates are verified correct or ``samples`` candidates exist: stop sampling a problem
once K verified solutions exist. Every candidate carries the model, prompt version, rendered prompt (few-shot
demos included), sampling and segmentation. Requests go through the journal, so a rerun is deterministic.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stepforge._seeding import derive_seed
from stepforge.generators.llm.client import Answer, LLMClient, Pending
from stepforge.generators.llm.parse import Parsed, last_boxed, parse_solution
from stepforge.generators.llm.prompts import PromptTemplate
from stepforge.schema import Generation, Sampling, Task

GENERATOR_NAME = "openai"


class SamplingConfig(BaseModel):
    """Sampling per request plus the per-problem budget: at most ``samples`` candidates, stop at ``k`` verified."""

    model_config = ConfigDict(extra="forbid")
    temperature: float | None = 0.8
    top_p: float | None = None
    n: int = Field(1, ge=1)
    seed: int = 0
    max_tokens: int | None = 1024
    samples: int = Field(4, ge=1)
    k: int = Field(1, ge=1)
    separator: str | None = None


@dataclass
class Candidate:
    """One sampled solution, parsed into steps, before any labelling."""

    task: Task
    domain: str
    sample_index: int
    round: int
    choice: int
    status: Literal["ok", "truncated", "empty"]
    finish_reason: str | None
    parsed: Parsed
    final_answer: str | None
    generation: Generation
    request_key: str

    @property
    def text(self) -> str:
        return self.generation.raw_response


@dataclass
class Judged:
    candidate: Candidate
    correct: bool | None
    verdict: Any = None


@dataclass
class ProblemResult:
    task: Task
    judged: list[Judged] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    pending: bool = False

    @property
    def verified(self) -> int:
        return sum(1 for j in self.judged if j.correct is True)


Verify = Callable[[Candidate], "tuple[bool | None, Any] | Awaitable[tuple[bool | None, Any]]"]


def build_request(
    template: PromptTemplate, task: Task, model: str, sampling: SamplingConfig, round_: int, n: int
) -> dict[str, Any]:
    """The chat-completions body for one round of one problem; its hash is the journal key."""
    body: dict[str, Any] = {
        "model": model,
        "messages": template.messages(task.prompt),
        "seed": derive_seed(sampling.seed, "openai", task.task_id, round_) % (2**31),
    }
    if sampling.temperature is not None:
        body["temperature"] = sampling.temperature
    if sampling.top_p is not None:
        body["top_p"] = sampling.top_p
    if sampling.max_tokens is not None:
        body["max_tokens"] = sampling.max_tokens
    if n != 1:
        body["n"] = n
    return body


def candidates_from(
    answer: Answer, task: Task, domain: str, template: PromptTemplate, sampling: SamplingConfig, round_: int, first: int
) -> list[Candidate]:
    body, resp = answer.request, answer.response or {}
    usage = dict(resp.get("usage") or {})
    out = []
    for i, choice in enumerate(sorted(resp.get("choices") or [], key=lambda c: c.get("index", 0))):
        text = (choice.get("message") or {}).get("content") or ""
        finish = choice.get("finish_reason")
        status: Literal["ok", "truncated", "empty"] = (
            "empty" if not text.strip() else "truncated" if finish == "length" else "ok"
        )
        parsed = parse_solution(text, domain, sampling.separator)
        gen = Generation(
            generator=GENERATOR_NAME,
            model=resp.get("model") or body["model"],
            prompt_version=template.id,
            prompt=json.dumps(body["messages"], ensure_ascii=False),
            sampling=Sampling(
                temperature=body.get("temperature"),
                top_p=body.get("top_p"),
                n=body.get("n", 1),
                seed=body["seed"],
                max_tokens=body.get("max_tokens"),
                requested_model=body["model"],
                samples_per_problem=sampling.samples,
                k_verified=sampling.k,
            ),
            seed=body["seed"],
            raw_response=text,
            usage=usage or None,
        )
        final = last_boxed(text) if domain == "math" else parsed.code
        out.append(Candidate(task, domain, first + i, round_, i, status, finish, parsed, final, gen, answer.key))
    return out


async def _judge(verify: Verify, cand: Candidate) -> tuple[bool | None, Any]:
    if inspect.iscoroutinefunction(verify):
        return await verify(cand)  # type: ignore[no-any-return]
    return await asyncio.to_thread(verify, cand)  # type: ignore[arg-type]


async def generate_problem(
    task: Task,
    *,
    domain: str,
    client: LLMClient,
    model: str,
    template: PromptTemplate,
    sampling: SamplingConfig,
    verify: Verify,
) -> ProblemResult:
    """Rounds of requests for one task until ``k`` verified or ``samples`` drawn; truncated/empty ones rejected."""
    result = ProblemResult(task)
    drawn, round_ = 0, 0
    while drawn < sampling.samples and result.verified < sampling.k:
        n = min(sampling.n, sampling.samples - drawn)
        body = build_request(template, task, model, sampling, round_, n)
        try:
            answer = await client.complete(body)
        except Pending:
            result.pending = True
            return result
        result.requests += 1
        if answer.status == "failed":
            result.rejections.append(
                {"reason": "api_error", "detail": answer.error, "candidate": {"request_key": answer.key, "round": round_}}
            )
            result.pending = True  # nothing was answered: a resumed run asks again
            return result
        cands = candidates_from(answer, task, domain, template, sampling, round_, drawn)
        drawn += max(1, len(cands))
        for cand in cands:
            if cand.status != "ok":
                result.rejections.append(
                    {
                        "reason": cand.status,
                        "detail": f"finish_reason={cand.finish_reason}",
                        "candidate": {
                            "request_key": cand.request_key,
                            "round": round_,
                            "choice": cand.choice,
                            "text": cand.text,
                        },
                    }
                )
                continue
            correct, verdict = await _judge(verify, cand)
            result.judged.append(Judged(cand, correct, verdict))
        round_ += 1
    return result


async def generate(
    tasks: Sequence[Task],
    *,
    domain: str,
    client: LLMClient,
    model: str,
    template: PromptTemplate,
    sampling: SamplingConfig,
    verify: Verify,
    on_result: Callable[[ProblemResult], None] | None = None,
) -> list[ProblemResult]:
    """All problems concurrently (the client bounds what is in flight); results in task order."""

    async def one(task: Task) -> ProblemResult:
        r = await generate_problem(
            task, domain=domain, client=client, model=model, template=template, sampling=sampling, verify=verify
        )
        if on_result is not None:
            on_result(r)
        return r

    return list(await asyncio.gather(*(one(t) for t in tasks)))
