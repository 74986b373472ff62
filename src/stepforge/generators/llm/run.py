"""One OpenAI-generator run in an output folder: options, problems, journal, and the async loop.

``DIR/openai_run.json`` holds the options (never the API key), so ``--resume`` and ``stepforge batch status|
collect`` need only the folder; ``DIR/journal.jsonl`` holds every answered request. The same run can go online
(the client sends what the journal lacks) or offline (what the journal lacks is collected for the Batch API).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stepforge._seeding import derive_seed
from stepforge.errors import UserError
from stepforge.generators.llm.client import ClientConfig, LLMClient
from stepforge.generators.llm.generator import ProblemResult, SamplingConfig, Verify, generate
from stepforge.generators.llm.journal import Journal
from stepforge.generators.llm.problems import load_problems
from stepforge.generators.llm.prompts import PromptTemplate, default_template, load_template
from stepforge.schema import Reference, Task

OPTIONS_FILE = "openai_run.json"
JOURNAL_FILE = "journal.jsonl"


class RunOptions(BaseModel):
    """Everything that defines the requests of a run; the journal is only valid for the same options."""

    model_config = ConfigDict(extra="forbid")
    model: str
    domain: Literal["math", "code"]
    problems: str | None = None
    count: int | None = Field(None, gt=0)  # procedural problems to draw (default 10), or the file's first COUNT
    seed: int = 0
    template: str | None = None
    sampling: SamplingConfig = Field(default_factory=SamplingConfig)
    client: ClientConfig = Field(default_factory=ClientConfig)


def save_options(out: Path, opts: RunOptions) -> None:
    data = opts.model_dump()
    data["client"].pop("api_key", None)  # never written to disk
    tmp = out / (OPTIONS_FILE + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, out / OPTIONS_FILE)


def load_options(out: Path) -> RunOptions:
    p = out / OPTIONS_FILE
    if not p.is_file():
        raise UserError(f"{out} holds no openai run ({OPTIONS_FILE} missing)")
    try:
        return RunOptions.model_validate_json(p.read_text())
    except ValidationError as exc:
        raise UserError(f"{p}: unreadable run options: {exc.errors()[0]['msg']}") from None


def procedural_tasks(domain: str, count: int, seed: int) -> list[Task]:
    """Problems from the procedural math families, round robin, seeds derived by hashing."""
    if domain != "math":
        raise UserError("--generator openai --domain code needs --problems FILE.jsonl (HumanEval rows)")
    from stepforge.generators.procedural.math import FAMILIES, build_problem

    names = FAMILIES.names()
    tasks = []
    for i in range(count):
        name = names[i % len(names)]
        s = derive_seed(seed, "openai-problems", name, i)
        p = build_problem(FAMILIES.get(name), s, want_error=False)
        if p is None:
            continue
        tasks.append(
            Task(
                task_id=f"{name}-{s:016x}",
                prompt=p.prompt,
                reference=Reference(answer=p.answer),
                source=f"procedural:{name}",
                metadata={
                    "family": name,
                    "seed": s,
                    "difficulty": p.difficulty,
                    "premises": p.premises,
                    "unknowns": p.unknowns,
                },
            )
        )
    return tasks


def load_tasks(opts: RunOptions) -> list[Task]:
    if opts.problems:
        return load_problems(opts.problems, opts.domain)[: opts.count]
    return procedural_tasks(opts.domain, opts.count or 10, opts.seed)


def template_of(opts: RunOptions) -> PromptTemplate:
    return load_template(opts.template) if opts.template else default_template(opts.domain)


async def run_async(
    opts: RunOptions,
    journal: Journal,
    verify: Verify,
    *,
    tasks: list[Task] | None = None,
    offline: bool = False,
    on_result: Callable[[ProblemResult], None] | None = None,
) -> tuple[list[ProblemResult], LLMClient]:
    """Sample every problem under the budget; offline, unanswered requests end up in ``client.pending``."""
    client = LLMClient(opts.client, journal, offline=offline)
    try:
        results = await generate(
            tasks if tasks is not None else load_tasks(opts),
            domain=opts.domain,
            client=client,
            model=opts.model,
            template=template_of(opts),
            sampling=opts.sampling,
            verify=verify,
            on_result=on_result,
        )
    finally:
        await client.aclose()
    return results, client

