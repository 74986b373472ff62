"""Versioned prompt templates: a task specification, generation conditions and few-shot demonstrations.

A template renders to chat messages (system, then each demo as a user/assistant pair, then the problem). Its id
``name/version#hash`` names the exact text used, so an edit without a version bump is still visible; the
rendered messages, demos included, are recorded in every record. Templates load from JSON files too.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from stepforge.errors import UserError


class Demo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem: str
    solution: str


class PromptTemplate(BaseModel):
    """``user`` is formatted with ``problem`` (and any extra fields the caller passes)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    system: str
    task: str
    conditions: list[str] = []
    demos: list[Demo] = []
    user: str = "Problem: {problem}"

    @property
    def digest(self) -> str:
        text = json.dumps(self.model_dump(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:8]

    @property
    def id(self) -> str:
        return f"{self.name}/{self.version}#{self.digest}"

    def system_text(self) -> str:
        parts = [self.system.strip(), self.task.strip()]
        if self.conditions:
            parts.append("Conditions:\n" + "\n".join(f"- {c}" for c in self.conditions))
        return "\n\n".join(p for p in parts if p)

    def messages(self, problem: str, **fields: Any) -> list[dict[str, str]]:
        msgs = [{"role": "system", "content": self.system_text()}]
        for d in self.demos:
            msgs.append({"role": "user", "content": self.user.format(problem=d.problem, **fields)})
            msgs.append({"role": "assistant", "content": d.solution})
        msgs.append({"role": "user", "content": self.user.format(problem=problem, **fields)})
        return msgs


MATH_STEPS = PromptTemplate(
    name="math-steps",
    version="1",
    system="You are a careful mathematician.",
    task=(
        "Solve the problem. Write the solution as numbered steps, one per line, each starting with "
        "'Step k:'. Each step does one thing and states its result as an equation in $...$. The last step "
        "states the final answer as \\boxed{ANSWER}."
    ),
    conditions=["Use exact values (fractions, radicals), not decimal approximations.", "Do not skip steps."],
    demos=[
        Demo(
            problem="What is 3 * (4 + 5)?",
            solution=(
                "Step 1: Compute $4 + 5 = 9$.\nStep 2: Compute $3 \\cdot 9 = 27$.\n"
                "Step 3: The final answer is \\boxed{27}."
            ),
        ),
        Demo(
            problem="What is 7 - 10 / 4?",
            solution=(
                "Step 1: Compute $10 \\div 4 = \\frac{5}{2}$.\nStep 2: Compute $7 - \\frac{5}{2} = \\frac{9}{2}$.\n"
                "Step 3: The final answer is \\boxed{\\frac{9}{2}}."
            ),
        ),
    ],
)

CODE_STEPS = PromptTemplate(
    name="code-steps",
    version="1",
    system="You are a careful Python programmer.",
    task=(
        "Complete the Python function below. First explain your plan as numbered steps, one per line, each "
        "starting with 'Step k:'. Then give the complete function (signature and body, with any imports it "
        "needs) in a single ```python code block."
    ),
    conditions=["Use only the Python standard library.", "Do not print anything or read input."],
    demos=[
        Demo(
            problem='def add(a: int, b: int) -> int:\n    """Return the sum of a and b."""\n',
            solution=(
                "Step 1: The sum of two integers is a + b.\nStep 2: Return it.\n"
                '```python\ndef add(a: int, b: int) -> int:\n    """Return the sum of a and b."""\n    return a + b\n```'
            ),
        )
    ],
    user="Problem:\n{problem}",
)

EVOLVE_MATH = PromptTemplate(
    name="evolve-math",
    version="1",
    system="You write new math problems from seed problems.",
    task=(
        "Write one new problem that is a harder or varied version of the seed problem (add a constraint, "
        "an extra step or a different setting) and whose answer is a single exact value. Reply with two lines: "
        "'Problem: ...' and 'Answer: ...'."
    ),
    conditions=["The new problem must be self-contained.", "Do not copy the seed problem."],
    user="Seed problem: {problem}",
)

BACKTRANSLATE_MATH = PromptTemplate(
    name="backtranslate-math",
    version="1",
    system="You write math problems that have a given answer.",
    task=(
        "Write one self-contained problem whose exact answer is the target answer. Reply with two lines: "
        "'Problem: ...' and 'Answer: ...' (the answer repeats the target)."
    ),
    user="Target answer: {problem}",
)

EVOLVE_CODE = PromptTemplate(
    name="evolve-code",
    version="1",
    system="You write new Python function tasks from seed tasks.",
    task=(
        "Write one new function task that is a harder or varied version of the seed. Reply with a line "
        "'Entry point: NAME', then 'Prompt:' and a ```python block with the signature and docstring only, then "
        "'Solution:' and a ```python block with the complete reference function, then 'Tests:' and a ```python "
        "block defining check(candidate) with assert statements that a wrong solution would fail."
    ),
    conditions=["Use only the Python standard library.", "Tests call only candidate(...)."],
    user="Seed function:\n{problem}",
)

BUILTIN: dict[str, PromptTemplate] = {
    t.name: t for t in (MATH_STEPS, CODE_STEPS, EVOLVE_MATH, BACKTRANSLATE_MATH, EVOLVE_CODE)
}


def default_template(domain: str) -> PromptTemplate:
    return MATH_STEPS if domain == "math" else CODE_STEPS


def load_template(spec: str) -> PromptTemplate:
    """A built-in template by name, or a JSON file with the template's fields."""
    if spec in BUILTIN:
        return BUILTIN[spec]
    path = Path(spec)
    if not path.is_file():
        raise UserError(f"prompt template {spec!r} is neither a built-in ({', '.join(BUILTIN)}) nor a file")
    try:
        return PromptTemplate.model_validate_json(path.read_text())
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UserError(f"{spec}: invalid template: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
