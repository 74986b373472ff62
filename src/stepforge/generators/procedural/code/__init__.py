"""Offline procedural code tasks: one template per module, registered in ``TEMPLATES``.

``make_problem(name, seed, bug=...)`` turns a template into a ``CodeProblem``: a CodeTask with visible
and hidden io tests (expected values from the reference, computed here) and property tests when the
template has a strategy, plus the reasoning trace (plan steps, then the code), correct or with one bug
injected at a known step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from stepforge._registry import import_submodules
from stepforge._seeding import derive_id, derive_seed
from stepforge.candidate import Candidate, join_steps
from stepforge.generators.procedural.code._base import TEMPLATES, Bug, CodeTemplate, fill
from stepforge.schema import Generation, InjectedError, Reference, Segmentation, Task
from stepforge.verifiers.code import CodeTask, PropertyTests

__all__ = ["TEMPLATES", "Bug", "CodeProblem", "CodeTemplate", "candidate", "load_templates", "make_problem"]


@dataclass
class CodeProblem:
    """One generated task and solution trace. ``first_error_index`` is None for a correct trace."""

    template: str
    params: dict[str, Any]
    task: CodeTask
    steps: list[str]
    code: str
    reference: str
    bug: Bug | None
    first_error_index: int | None


def load_templates() -> list[str]:
    import_submodules(__name__)
    return TEMPLATES.names()


def _reference(code: str, entry: str) -> Any:
    ns: dict[str, Any] = {}
    exec(compile(code, "<reference>", "exec"), ns)  # our own template code, trusted
    return ns[entry]


def make_problem(name: str, seed: int, *, bug: int | None = None, property_examples: int = 20) -> CodeProblem:
    """The task of template ``name`` under ``seed``; ``bug`` picks one of the template's bugs by index."""
    load_templates()
    t = TEMPLATES.get(name)
    rng = random.Random(derive_seed("code-template", name, seed))
    params = t.params(rng)
    ref_code = fill(t.code, params)
    ref = _reference(ref_code, t.entry_point)
    inputs = t.inputs(rng, params)
    tests = []
    seen = set()
    for args in inputs:
        if repr(args) in seen:
            continue
        seen.add(repr(args))
        import copy

        tests.append({"args": list(args), "expected": ref(*copy.deepcopy(args)), "tol": t.tol})
    visible, hidden = tests[: t.visible], tests[t.visible:]
    examples = "\n".join(f"    >>> {t.entry_point}({', '.join(map(repr, v['args']))})\n    {v['expected']!r}"
                         for v in visible)
    prompt = f"{fill(t.description, params)}\n\nExamples:\n{examples}\n"
    prop = None
    if t.strategy is not None:
        prop = PropertyTests(strategy=t.strategy(params), reference=ref, examples=property_examples,
                             seed=derive_seed("code-property", name, seed) % (2**32), tol=t.tol)
    task = CodeTask(task_id=f"{name}-{seed}", entry_point=t.entry_point, prompt=prompt, io_tests=visible,
                    hidden_io_tests=hidden, property_tests=prop, timeout_s=5.0, memory_mb=512)
    plan = [fill(s, params) for s in t.plan]
    code = ref_code
    chosen = None
    first_error = None
    if bug is not None:
        chosen = t.bugs[bug]
        find, replace = fill(chosen.find, params), fill(chosen.replace, params)
        if find not in code:
            raise ValueError(f"template {name}: bug {chosen.kind!r} does not apply")
        code = code.replace(find, replace, 1)
        if chosen.step is not None:
            plan[chosen.step] = fill(chosen.plan or "", params)
            first_error = chosen.step
        else:
            first_error = len(plan)
    return CodeProblem(template=name, params=params, task=task, steps=[*plan, code], code=code,
                       reference=ref_code, bug=chosen, first_error_index=first_error)


def candidate(run_seed: int, template: str, index: int, want_error: bool) -> tuple[Candidate, CodeTask]:
    """The run's item ``index``: a task of ``template`` and its step-by-step solution (plan steps, then
    the code), with one of the template's bugs injected when ``want_error``; plus the CodeTask that
    checks it (hidden tests and property tests stay out of the candidate's prompt)."""
    load_templates()
    item_seed = derive_seed(run_seed, "code", template, index)
    t = TEMPLATES.get(template)
    bug = None
    if want_error:
        bug = random.Random(derive_seed(item_seed, "bug")).randrange(len(t.bugs))
    problem = make_problem(template, item_seed, bug=bug)
    raw, spans = join_steps(problem.steps)
    injected = None
    if problem.bug is not None and problem.first_error_index is not None:
        where = "code" if problem.bug.step is None else f"plan step {problem.bug.step}"
        injected = InjectedError(kind=problem.bug.kind, step_index=problem.first_error_index,
                                 description=problem.bug.description or f"{problem.bug.kind} in the {where}")
    task = problem.task
    reference = Reference(
        solution=problem.reference,
        tests=[t_.model_dump() for t_ in task.io_tests],
        hidden_tests=[t_.model_dump() for t_ in task.hidden_io_tests],
        entry_point=task.entry_point,
        test_framework="stepforge.io",
    )
    cand = Candidate(
        id=derive_id("sf-code", run_seed, template, index, want_error),
        index=index,
        domain="code",
        family=template,
        task=Task(
            task_id=derive_id(f"code/{template}", run_seed, index),
            prompt=task.prompt,
            source="stepforge.procedural",
            reference=reference,
            metadata={
                "family": template,
                "template": template,
                "params": problem.params,
                "reference_steps": [*[fill(s, problem.params) for s in t.plan], problem.reference],
                "property_tests": ({"examples": task.property_tests.examples, "seed": task.property_tests.seed}
                                   if task.property_tests else None),
            },
        ),
        generation=Generation(
            generator=f"procedural/code/{template}",
            seed=item_seed,
            raw_response=raw,
            injected_error=injected,
        ),
        segmentation=Segmentation(method="generator", separator="\n\n"),
        steps=problem.steps,
        spans=spans,
        final_answer=problem.code,
        code=problem.code,
    )
    return cand, task
