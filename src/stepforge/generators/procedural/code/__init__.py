"""Offline procedural code tasks: one template per module, registered in ``TEMPLATES``.

``make_problem(name, seed, bug=..., position=...)`` turns a point of a template's problem space
(``_space``: function name, parameters, the inputs shown as examples) into a ``CodeProblem``: a CodeTask
with visible and hidden io tests (expected values from the reference, computed here) and property
tests when the template has a strategy, plus the reasoning trace (plan steps, then the code), correct
or with one bug injected at a known step. ``candidate`` gives a run's k-th item of a template the k-th
point of a seeded permutation of the space, so a run repeats no problem of a template until its
``space_size`` is used up (then the record's ``metadata.space.cycle`` is above 0).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from stepforge._registry import import_submodules
from stepforge._seeding import derive_id, derive_seed
from stepforge.candidate import Candidate, join_steps
from stepforge.generators.procedural.code import _space
from stepforge.generators.procedural.code._base import TEMPLATES, Bug, CodeTemplate, fill, rename
from stepforge.schema import Generation, InjectedError, Reference, Segmentation, Task
from stepforge.verifiers.code import CodeTask, PropertyTests

__all__ = ["TEMPLATES", "Bug", "CodeProblem", "CodeTemplate", "candidate", "load_templates", "make_problem", "space_size"]


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
    position: int = 0
    reference_steps: list[str] | None = None


def load_templates() -> list[str]:
    import_submodules(__name__)
    return TEMPLATES.names()


def _reference(code: str, entry: str) -> Any:
    ns: dict[str, Any] = {}
    exec(compile(code, "<reference>", "exec"), ns)  # our own template code, trusted
    return ns[entry]


def space_size(name: str) -> int:
    """How many different problems template ``name`` can make."""
    load_templates()
    t = TEMPLATES.get(name)
    return _space.size(t.all_names, t.space_axes(), t.pool, t.visible)


def _pool(t: CodeTemplate, params: dict[str, Any]) -> list[tuple]:
    """The ``t.pool`` inputs a prompt's examples are chosen from: the template's own first, then inputs
    drawn under a seed of the template and its parameters (the same for every run)."""
    rng = random.Random(derive_seed("code-pool", t.name, sorted(params.items(), key=lambda kv: kv[0])))
    out, seen = [], set()
    for _ in range(50):
        for args in t.inputs(rng, params):
            if repr(args) not in seen:
                seen.add(repr(args))
                out.append(args)
            if len(out) == t.pool:
                return out
    raise ValueError(f"template {t.name}: fewer than {t.pool} different inputs for the examples")


def make_problem(name: str, seed: int, *, bug: int | None = None, property_examples: int = 20,
                 position: int | None = None) -> CodeProblem:
    """Template ``name`` at point ``position`` of its space (default: ``seed`` modulo the space size);
    ``seed`` draws the hidden inputs; ``bug`` picks one of the template's bugs by index."""
    import copy

    load_templates()
    t = TEMPLATES.get(name)
    axes = t.space_axes()
    total = _space.size(t.all_names, axes, t.pool, t.visible)
    pt = _space.point(t.all_names, axes, t.pool, t.visible, seed % total if position is None else position)
    params = dict(pt.params)
    fn, xs = pt.name, str(params.get("xs", "xs"))

    def text(template_text: str) -> str:
        return rename(fill(template_text, params), t.entry_point, fn, xs)

    ref_code = text(t.code)
    ref = _reference(ref_code, fn)
    pool = _pool(t, {k: v for k, v in params.items() if k != "xs"})
    shown = [pool[i] for i in pt.examples if i < len(pool)]
    rng = random.Random(derive_seed("code-template", name, seed))
    inputs = shown + [a for a in pool if a not in shown] + t.inputs(rng, params)
    tests = []
    seen = set()
    for args in inputs:
        if repr(args) in seen:
            continue
        seen.add(repr(args))
        tests.append({"args": list(args), "expected": ref(*copy.deepcopy(args)), "tol": t.tol})
    visible, hidden = tests[: len(shown)], tests[len(shown):]
    examples = "\n".join(f"    >>> {fn}({', '.join(map(repr, v['args']))})\n    {v['expected']!r}" for v in visible)
    prompt = f"{text(t.description)}\n\nExamples:\n{examples}\n"
    prop = None
    if t.strategy is not None:
        prop = PropertyTests(strategy=t.strategy(params), reference=ref, examples=property_examples,
                             seed=derive_seed("code-property", name, seed) % (2**32), tol=t.tol)
    task = CodeTask(task_id=f"{name}-{seed}", entry_point=fn, prompt=prompt, io_tests=visible,
                    hidden_io_tests=hidden, property_tests=prop, timeout_s=5.0, memory_mb=512)
    plan = [text(s) for s in t.plan]
    reference_steps = [*plan, ref_code]
    code = ref_code
    chosen = None
    first_error = None
    if bug is not None:
        chosen = t.bugs[bug]
        find, replace = text(chosen.find), text(chosen.replace)
        if find not in code:
            raise ValueError(f"template {name}: bug {chosen.kind!r} does not apply")
        code = code.replace(find, replace, 1)
        if chosen.step is not None:
            plan[chosen.step] = text(chosen.plan or "")
            first_error = chosen.step
        else:
            first_error = len(plan)
    return CodeProblem(template=name, params=params | {"name": fn}, task=task, steps=[*plan, code], code=code,
                       reference=ref_code, bug=chosen, first_error_index=first_error, position=pt.position,
                       reference_steps=reference_steps)


def candidate(run_seed: int, template: str, index: int, want_error: bool,
              ordinal: int | None = None) -> tuple[Candidate, CodeTask]:
    """The run's item ``index``: a task of ``template`` and its step-by-step solution (plan steps, then
    the code), with one of the template's bugs injected when ``want_error``; plus the CodeTask that
    checks it (hidden tests and property tests stay out of the candidate's prompt). ``ordinal`` is the
    item's rank among the run's items of this template (default ``index``: right when the run uses one
    template); the ordinal-th point of the run's permutation of the space is the problem."""
    load_templates()
    item_seed = derive_seed(run_seed, "code", template, index)
    t = TEMPLATES.get(template)
    bug = None
    if want_error:
        bug = random.Random(derive_seed(item_seed, "bug")).randrange(len(t.bugs))
    total = space_size(template)
    k = index if ordinal is None else ordinal
    cycle, rank = divmod(k, total)
    key = derive_seed(run_seed, "code-space", template, cycle).to_bytes(8, "little")
    position = _space.permute(rank, total, key)
    problem = make_problem(template, item_seed, bug=bug, position=position)
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
                "space": {"size": total, "position": position, "cycle": cycle, "exhausted": cycle > 0},
                "reference_steps": problem.reference_steps,
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
