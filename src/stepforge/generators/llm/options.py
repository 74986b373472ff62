"""What defines the requests of an OpenAI-source run: model, prompt template, problems, sampling and budget.

These options go into the run's config hash (the journal's answers are only valid for the same requests); the
endpoint and client limits (``ClientConfig``) do not, so they may change between sessions of one run.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from stepforge._seeding import derive_seed
from stepforge.errors import UserError
from stepforge.generators.llm.prompts import PromptTemplate, default_template, load_template
from stepforge.generators.llm.sampling import SamplingConfig
from stepforge.schema import Reference, Task

JOURNAL_FILE = "journal.jsonl"


class OpenAIOptions(BaseModel):
    """Model, problems (a ``--problems`` file, or the procedural math families), prompt template, sampling per
    problem, and ``max_samples``: the samples the whole run may draw (None: COUNT x samples per problem)."""

    model_config = ConfigDict(extra="forbid")
    model: str
    problems: str | None = None
    template: str | None = None
    sampling: SamplingConfig = Field(default_factory=SamplingConfig)
    max_samples: int | None = Field(None, gt=0)


def procedural_task(domain: str, seed: int, families: list[str], index: int) -> Task | None:
    """Problem ``index`` of the endless procedural stream: family ``families[index % F]``, seed hashed."""
    if domain != "math":
        raise UserError("the openai source has procedural problems for --domain math only; "
                        "give --problems FILE.jsonl (HumanEval rows) for code")
    from stepforge.generators.procedural.math import FAMILIES, build_problem

    name = families[index % len(families)]
    s = derive_seed(seed, "openai-problems", name, index)
    p = build_problem(FAMILIES.get(name), s, want_error=False)
    if p is None:
        return None
    return Task(
        task_id=f"{name}-{s:016x}",
        prompt=p.prompt,
        reference=Reference(answer=p.answer, solution="\n\n".join(p.steps)),  # the keep rule compares with it
        source=f"procedural:{name}",
        metadata={"family": name, "seed": s, "difficulty": p.difficulty, "premises": p.premises,
                  "unknowns": p.unknowns},
    )


def procedural_tasks(domain: str, count: int, seed: int, families: list[str] | None = None) -> list[Task]:
    """The first ``count`` problems of the procedural stream (all families, round robin)."""
    from stepforge.generators.procedural.math import FAMILIES

    names = families or FAMILIES.names()
    return [t for i in range(count) if (t := procedural_task(domain, seed, names, i)) is not None]


def template_of(opts: OpenAIOptions, domain: str) -> PromptTemplate:
    return load_template(opts.template) if opts.template else default_template(domain)
