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


# the text ends at a non-blank, then its blank run is read once (the lazy scan rescanned it at each step: cubic)
_PROBLEM = re.compile(r"Problem:\s*(.+?(?<!\s)|\s)(?:(?=[^\S\n]*\n)\s*+Answer:|\s*+\Z)", re.DOTALL)
_ANSWER = re.compile(r"Answer:\s*(.+?(?<!\s)|\s)\s*+$", re.DOTALL)


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


def _drop_duplicates(out: list[Synthesized]) -> list[Synthesized]:
    """A kept problem whose id an earlier kept one already has is dropped, with reason ``duplicate``."""
    seen: set[str] = set()
    for r in out:
        if r.kept:
            if r.task.task_id in seen:
                r.kept, r.reason = False, "duplicate"
            seen.add(r.task.task_id)
    return out


async def synthesize(
    seeds: Sequence[Task], *, client: LLMClient, model: str, config: SynthesisConfig, check: Check
) -> list[Synthesized]:
    """``variants`` proposals per seed, each kept only when verifiable; duplicates of a kept problem dropped."""
    jobs = [
        _propose_one(s, v, client=client, model=model, cfg=config, check=check)
        for s in seeds
        for v in range(config.variants)
    ]
    return _drop_duplicates(list(await asyncio.gather(*jobs)))


def problem_row(s: Synthesized) -> dict[str, Any]:
    """A kept problem in the ``--problems`` file format, its provenance under ``synthesis``."""
    return {"id": s.task.task_id, "problem": s.task.prompt, "answer": s.task.reference.answer, **s.task.metadata}


# ---------------------------------------------------------------- code

RunTests = Callable[[dict[str, Any], list[str]], "list[bool | None]"]  # (HumanEval row, sources) -> passed?

_CODE_SECTION = re.compile(r"(Prompt|Solution|Tests):\s*```[ \t]*(?:python|py)?[ \t]*\n(.*?)```", re.DOTALL)
_ENTRY = re.compile(r"Entry point:\s*([A-Za-z_]\w*)")


class CodeSynthesisConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variants: int = Field(2, ge=1)
    mutants: int = Field(12, ge=1)  # mutants of the reference run against the tests
    min_kill: float = Field(0.8, gt=0, le=1)  # share of mutants the tests must reject
    temperature: float = 1.0
    max_tokens: int = 2048
    seed: int = 0


def parse_code_proposal(text: str) -> dict[str, str] | None:
    """{entry_point, prompt, solution, test} from an evolve-code reply, or None."""
    entry = _ENTRY.search(text)
    parts = {k.lower(): v for k, v in _CODE_SECTION.findall(text)}
    if not entry or not {"prompt", "solution", "tests"} <= parts.keys():
        return None
    return {"entry_point": entry.group(1), "prompt": parts["prompt"], "solution": parts["solution"],
            "test": parts["tests"]}


async def _propose_code(
    seed_task: Task, v: int, *, client: LLMClient, model: str, cfg: CodeSynthesisConfig, run_tests: RunTests
) -> Synthesized:
    from stepforge.generators.llm.mutate import mutants
    from stepforge.generators.llm.prompts import EVOLVE_CODE

    seed_src = seed_task.prompt + (seed_task.reference.solution or "")
    s = derive_seed(cfg.seed, "synth-code", seed_task.task_id, v)
    ask = await client.complete(_body(EVOLVE_CODE, seed_src, model, cfg.temperature, cfg.max_tokens, s))
    meta: dict[str, Any] = {"method": "evolve", "seed_task_id": seed_task.task_id, "variant": v,
                            "prompt_version": EVOLVE_CODE.id, "model": model, "request_key": ask.key}
    empty = Task(task_id=derive_id("synth-code", seed_task.task_id, v), prompt="", reference={})
    if ask.status != "ok":
        return Synthesized(empty, False, f"proposal_{ask.status}", meta)
    text = ask.response["choices"][0]["message"]["content"]  # type: ignore[index]
    prop = parse_code_proposal(text)
    if prop is None:
        return Synthesized(empty, False, "proposal_unparseable", {**meta, "text": text})
    sol = prop["solution"]
    completion = sol[len(prop["prompt"]):] if sol.startswith(prop["prompt"]) else sol
    task = Task(
        task_id=derive_id("synth-code", prop["entry_point"], prop["prompt"], prop["test"]),
        prompt=prop["prompt"],
        reference={"solution": completion, "test_code": prop["test"], "entry_point": prop["entry_point"],
                   "test_framework": "humaneval"},
        source="synthesis:evolve",
        metadata={"synthesis": meta},
    )
    row = {"task_id": task.task_id, "prompt": prop["prompt"], "entry_point": prop["entry_point"],
           "test": prop["test"], "canonical_solution": completion}
    muts = list(mutants(sol, cfg.mutants))
    results = await asyncio.to_thread(run_tests, row, [sol, *(m for _, m in muts)])
    ref_ok, mut_results = results[0], results[1:]
    killed = sum(1 for r in mut_results if r is False)
    meta.update(reference_passes=ref_ok, mutants=len(muts), killed=killed,
                survivors=[k for (k, _), r in zip(muts, mut_results) if r is not False][:10])
    task.metadata["synthesis"] = meta
    if ref_ok is None:
        return Synthesized(task, False, "tests_inconclusive", meta)
    if ref_ok is not True:
        return Synthesized(task, False, "reference_fails_tests", meta)
    if not muts or killed < math.ceil(cfg.min_kill * len(muts)):
        return Synthesized(task, False, "weak_tests", meta)
    return Synthesized(task, True, "verified", meta)


async def synthesize_code(
    seeds: Sequence[Task], *, client: LLMClient, model: str, config: CodeSynthesisConfig, run_tests: RunTests
) -> list[Synthesized]:
    """Evolved function tasks, kept only when the reference passes the proposed tests and the tests reject at
    least ``min_kill`` of the reference's mutants (``run_tests`` executes in the sandbox)."""
    jobs = [_propose_code(s, v, client=client, model=model, cfg=config, run_tests=run_tests)
            for s in seeds for v in range(config.variants)]
    return _drop_duplicates(list(await asyncio.gather(*jobs)))


def code_problem_row(s: Synthesized) -> dict[str, Any]:
    """A kept task as a HumanEval row (the ``--problems`` format for code), provenance under ``synthesis``."""
    ref = s.task.reference
    return {"task_id": s.task.task_id, "prompt": s.task.prompt, "entry_point": ref.entry_point,
            "test": ref.test_code, "canonical_solution": ref.solution, **s.task.metadata}


# ---------------------------------------------------------------- a whole synthesis run


@dataclass
class SynthesisSummary:
    kept: int
    total: int
    dropped: dict[str, int]
    sent: int
    cached: int
    out: Any
    rejected: Any


def synthesize_file(
    *, domain: str, seeds_path: Any, out: Any, model: str, config: SynthesisConfig | CodeSynthesisConfig,
    client_config: Any, journal_path: Any = None, backend: str = "local",
) -> SynthesisSummary:
    """Seeds file → kept problems in the ``--problems`` format at ``out`` (provenance under ``synthesis``) and the
    dropped ones with why at ``OUT.rejected.jsonl``; every request through the journal (a rerun resumes)."""
    import json
    import os
    from pathlib import Path

    from stepforge.generators.llm.journal import Journal
    from stepforge.generators.llm.problems import load_problems
    from stepforge.generators.llm.verify import math_check, sandbox_tests

    out = Path(out)
    seeds = load_problems(seeds_path, domain)
    run_tests = sandbox_tests(backend) if domain == "code" else None
    out.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(journal_path or out.with_suffix(".journal.jsonl"))

    async def go() -> tuple[list[Synthesized], LLMClient]:
        client = LLMClient(client_config, journal)
        try:
            if isinstance(config, CodeSynthesisConfig):
                assert run_tests is not None
                return await synthesize_code(seeds, client=client, model=model, config=config,
                                             run_tests=run_tests), client
            return await synthesize(seeds, client=client, model=model, config=config, check=math_check), client
        finally:
            await client.aclose()

    try:
        results, client = asyncio.run(go())
    finally:
        journal.close()
    kept = [r for r in results if r.kept]
    row = code_problem_row if domain == "code" else problem_row
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(row(r), ensure_ascii=False) + "\n" for r in kept))
    os.replace(tmp, out)
    rej = out.with_suffix(".rejected.jsonl")
    rej.write_text("".join(
        json.dumps({"reason": r.reason, "problem": r.task.prompt, "answer": r.task.reference.answer, **r.detail},
                   ensure_ascii=False) + "\n" for r in results if not r.kept))
    dropped: dict[str, int] = {}
    for r in results:
        if not r.kept:
            dropped[r.reason] = dropped.get(r.reason, 0) + 1
    return SynthesisSummary(kept=len(kept), total=len(results), dropped=dict(sorted(dropped.items())),
                            sent=client.stats.sent, cached=client.stats.cached, out=out, rejected=rej)
