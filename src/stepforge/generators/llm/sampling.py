"""Budgeted sampling over an OpenAI-compatible API: solutions per problem until K are verified.

For each draw of a problem it sends rounds of requests (``n`` choices each, a seed derived from the run seed, the
task, the draw and the round) until ``k`` samples are verified correct or ``samples`` samples exist. Every sample
carries the model, prompt version, rendered prompt (few-shot demos included), sampling and segmentation, and
becomes the one ``Candidate`` type (``to_candidate``). Requests go through the journal, so a rerun is
deterministic.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stepforge._seeding import derive_id, derive_seed
from stepforge.candidate import Candidate
from stepforge.generators.llm.client import Answer, LLMClient, Pending
from stepforge.generators.llm.parse import Parsed, last_boxed, parse_solution
from stepforge.generators.llm.prompts import PromptTemplate
from stepforge.schema import Generation, Sampling, Segmentation, Task

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
class Sample:
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
    draw: int = 0

    @property
    def text(self) -> str:
        return self.generation.raw_response


@dataclass
class Judged:
    candidate: Sample
    correct: bool | None
    verdict: Any = None


@dataclass
class ProblemResult:
    task: Task
    judged: list[Judged] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    drawn: int = 0
    pending: bool = False
    pending_requests: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def verified(self) -> int:
        return sum(1 for j in self.judged if j.correct is True)


Verify = Callable[[Sample], "tuple[bool | None, Any] | Awaitable[tuple[bool | None, Any]]"]


def build_request(
    template: PromptTemplate, task: Task, model: str, sampling: SamplingConfig, round_: int, n: int, draw: int = 0
) -> dict[str, Any]:
    """The chat-completions body for one round of one draw of a problem; its hash is the journal key.
    Draw 0 is a problem's first pass; a later pass over the same problems (cycling) asks with other seeds."""
    parts: tuple[Any, ...] = (round_,) if draw == 0 else (draw, round_)
    body: dict[str, Any] = {
        "model": model,
        "messages": template.messages(task.prompt),
        "seed": derive_seed(sampling.seed, "openai", task.task_id, *parts) % (2**31),
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


def samples_from(
    answer: Answer, task: Task, domain: str, template: PromptTemplate, sampling: SamplingConfig, round_: int, first: int,
    draw: int = 0,
) -> list[Sample]:
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
        out.append(Sample(task, domain, first + i, round_, i, status, finish, parsed, final, gen, answer.key, draw))
    return out


def candidate_from(parsed: Parsed, task: Task, domain: str, generation: Generation, *, id: str, index: int,
                   extras: dict[str, Any] | None = None) -> Candidate:
    """A parsed model answer as the one candidate type (steps, spans, segmentation, final answer). Every source of
    model text (the API, a file of responses) goes through here, so the same text is labelled the same way."""
    steps_ = list(parsed.steps)
    if domain == "code" and steps_ and any(s.code is not None for s in steps_):
        code_steps = [s for s in steps_ if s.code is not None]
        steps_ = [s for s in steps_ if s.code is None] + code_steps[-1:]  # the code is the last step, as labelled
    text = generation.raw_response
    return Candidate(
        id=id,
        index=index,
        domain=domain,  # type: ignore[arg-type]
        family=str(task.metadata.get("family") or task.source or generation.generator),
        task=task,
        generation=generation,
        segmentation=Segmentation(method=parsed.method, separator=parsed.separator),
        steps=[s.text for s in steps_] or [text],
        spans=[s.span for s in steps_] if steps_ else [(0, len(text))],
        final_answer=last_boxed(text) if domain == "math" else parsed.code,
        code=parsed.code,
        extras={**(extras or {}), "parse_notes": parsed.notes},
    )


def to_candidate(s: Sample, index: int) -> Candidate:
    """A sample as the one candidate type; its id hashes (task, request, choice), so it is the same on resume."""
    return candidate_from(
        s.parsed, s.task, s.domain, s.generation, id=derive_id("sf-openai", s.task.task_id, s.request_key, s.choice),
        index=index, extras={"request_key": s.request_key, "draw": s.draw, "round": s.round, "choice": s.choice,
                             "sample_index": s.sample_index, "finish_reason": s.finish_reason},
    )


async def _verify(verify: Verify, cand: Sample) -> tuple[bool | None, Any]:
    if inspect.iscoroutinefunction(verify):
        return await verify(cand)  # type: ignore[no-any-return]
    return await asyncio.to_thread(verify, cand)  # type: ignore[arg-type]


async def sample_problem(
    task: Task,
    *,
    domain: str,
    client: LLMClient,
    model: str,
    template: PromptTemplate,
    sampling: SamplingConfig,
    verify: Verify,
    draw: int = 0,
) -> ProblemResult:
    """Rounds of requests for one draw of a task until ``k`` verified or ``samples`` drawn; truncated and empty
    answers are rejections. An unanswered request (API failure, or offline with no journalled answer) leaves the
    result ``pending``: what it would have decided is unknown, so nothing after it is decided either."""
    result = ProblemResult(task)
    drawn, round_ = 0, 0
    while drawn < sampling.samples and result.verified < sampling.k:
        n = min(sampling.n, sampling.samples - drawn)
        body = build_request(template, task, model, sampling, round_, n, draw)
        try:
            answer = await client.complete(body)
        except Pending as exc:
            result.pending = True
            result.pending_requests[exc.key] = exc.request
            return result
        result.requests += 1
        if answer.status == "failed":
            result.rejections.append(
                {"reason": "api_error", "detail": answer.error, "candidate": {"request_key": answer.key, "round": round_}}
            )
            result.pending = True  # nothing was answered: a resumed run asks again
            result.pending_requests[answer.key] = body
            return result
        cands = samples_from(answer, task, domain, template, sampling, round_, drawn, draw)
        drawn += max(1, len(cands))
        result.drawn = drawn
        for cand in cands:
            if cand.status != "ok":
                result.rejections.append(
                    {
                        "reason": cand.status,
                        "detail": f"finish_reason={cand.finish_reason}",
                        "candidate": {
                            "request_key": cand.request_key,
                            "round": round_,
                            "draw": draw,
                            "choice": cand.choice,
                            "text": cand.text,
                        },
                    }
                )
                continue
            correct, verdict = await _verify(verify, cand)
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
        r = await sample_problem(
            task, domain=domain, client=client, model=model, template=template, sampling=sampling, verify=verify
        )
        if on_result is not None:
            on_result(r)
        return r

    return list(await asyncio.gather(*(one(t) for t in tasks)))
