"""Problem synthesis from seed problems, kept only when verifiable.

evolve: a model writes a harder or varied version of a seed problem with its answer. backtranslate: a model
writes a problem whose answer is the seed's answer. Either way the proposal is solved ``solutions`` times
independently (different seeds, the solving prompt, no sight of the proposed answer) and kept only when at least
``min_agree`` of those solutions are confirmed equal to the proposed answer by the verifier (and, for
backtranslation, the proposed answer is the target). Everything asked and answered goes through the journal.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stepforge._seeding import derive_id, derive_seed
from stepforge.generators.llm.client import LLMClient
from stepforge.generators.llm.parse import last_boxed
from stepforge.generators.llm.prompts import BACKTRANSLATE_MATH, EVOLVE_MATH, MATH_STEPS, PromptTemplate
from stepforge.schema import Task

Check = Callable[[str, str], "bool | None"]  # (gold, pred) -> equal? None when the verifier cannot tell


class SynthesisConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["evolve", "backtranslate"] = "evolve"
    variants: int = Field(2, ge=1)  # proposals per seed
    solutions: int = Field(4, ge=1)  # independent solutions per proposal
    min_agree: float = Field(0.75, gt=0, le=1)  # fraction of solutions that must confirm the answer
    temperature: float = 1.0
    solve_temperature: float = 0.7
    max_tokens: int = 1024
    seed: int = 0


@dataclass
class Synthesized:
    task: Task
    kept: bool
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


_PROBLEM = re.compile(r"Problem:\s*(.+?)\s*(?:\n\s*Answer:|\Z)", re.DOTALL)
_ANSWER = re.compile(r"Answer:\s*(.+?)\s*$", re.DOTALL)


def parse_proposal(text: str) -> tuple[str, str] | None:
    """(problem, answer) from a 'Problem: ... / Answer: ...' reply, or None."""
    p, a = _PROBLEM.search(text), _ANSWER.search(text)
    if not p or not a:
        return None
    problem, answer = p.group(1).strip(), a.group(1).strip()
    boxed = last_boxed(answer)
    return (problem, boxed or answer) if problem and answer else None


def _body(template: PromptTemplate, text: str, model: str, temperature: float, max_tokens: int, seed: int) -> dict[str, Any]:
    return {
        "model": model,
        "messages": template.messages(text),
        "temperature": temperature,
        "max_tokens": max_tokens,
        "seed": seed % (2**31),
    }


async def _propose_one(
    seed_task: Task, v: int, *, client: LLMClient, model: str, cfg: SynthesisConfig, check: Check
) -> Synthesized:
    template = EVOLVE_MATH if cfg.method == "evolve" else BACKTRANSLATE_MATH
    source = seed_task.prompt if cfg.method == "evolve" else str(seed_task.reference.answer)
    seed = derive_seed(cfg.seed, "synth", cfg.method, seed_task.task_id, v)
    ask = await client.complete(_body(template, source, model, cfg.temperature, cfg.max_tokens, seed))
    meta: dict[str, Any] = {
        "method": cfg.method,
        "seed_task_id": seed_task.task_id,
        "variant": v,
        "prompt_version": template.id,
        "model": model,
        "request_key": ask.key,
    }
    empty = Task(task_id=derive_id("synth", seed_task.task_id, cfg.method, v), prompt="", reference={})
    if ask.status != "ok":
        return Synthesized(empty, False, f"proposal_{ask.status}", meta)
    text = ask.response["choices"][0]["message"]["content"]  # type: ignore[index]
    proposal = parse_proposal(text)
    if proposal is None:
        return Synthesized(empty, False, "proposal_unparseable", {**meta, "text": text})
    problem, answer = proposal
    task = Task(
        task_id=derive_id("synth", cfg.method, problem, answer),
        prompt=problem,
        reference={"answer": answer},
        source=f"synthesis:{cfg.method}",
        metadata={"synthesis": meta},
    )
    if cfg.method == "backtranslate" and check(str(seed_task.reference.answer), answer) is not True:
        return Synthesized(task, False, "answer_not_target", meta)

    async def solve(i: int) -> str | None:
        s = derive_seed(cfg.seed, "synth-solve", task.task_id, i)
        a = await client.complete(_body(MATH_STEPS, problem, model, cfg.solve_temperature, cfg.max_tokens, s))
        if a.status != "ok":
            return None
        return last_boxed(a.response["choices"][0]["message"]["content"] or "")  # type: ignore[index]

    preds = await asyncio.gather(*(solve(i) for i in range(cfg.solutions)))
    verdicts = [await asyncio.to_thread(check, answer, p) if p is not None else None for p in preds]
    agree = sum(1 for v_ in verdicts if v_ is True)
    need = math.ceil(cfg.min_agree * cfg.solutions)
    meta.update(solutions=cfg.solutions, agreeing=agree, needed=need, answers=preds)
    task.metadata["synthesis"] = meta
    if agree >= need:
        return Synthesized(task, True, "verified", meta)
    return Synthesized(task, False, "no_agreement", meta)


async def synthesize(
    seeds: Sequence[Task], *, client: LLMClient, model: str, config: SynthesisConfig, check: Check
) -> list[Synthesized]:
    """``variants`` proposals per seed, each kept only when verifiable; duplicates of a kept problem dropped."""
    jobs = [
        _propose_one(s, v, client=client, model=model, cfg=config, check=check)
        for s in seeds
        for v in range(config.variants)
    ]
    out = list(await asyncio.gather(*jobs))
    seen: set[str] = set()
    for r in out:
        if r.kept:
            if r.task.task_id in seen:
                r.kept, r.reason = False, "duplicate"
            seen.add(r.task.task_id)
    return out


def problem_row(s: Synthesized) -> dict[str, Any]:
    """A kept problem in the ``--problems`` file format, its provenance under ``synthesis``."""
    return {"id": s.task.task_id, "problem": s.task.prompt, "answer": s.task.reference.answer, **s.task.metadata}
