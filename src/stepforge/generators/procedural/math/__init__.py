"""Procedural math families, one module each; importing this package registers them all."""

from stepforge._registry import import_submodules
from stepforge._seeding import derive_id, derive_seed
from stepforge.candidate import Candidate, join_steps
from stepforge.schema import Generation, InjectedError, Reference, Segmentation, Task

from ._base import FAMILIES, Family, MathProblem, build_problem

import_submodules(__name__)

__all__ = ["FAMILIES", "Family", "MathProblem", "build_problem", "candidate"]


def candidate(run_seed: int, family_name: str, index: int, want_error: bool) -> Candidate | None:
    """The run's item ``index``: a problem of ``family_name`` and its worked solution, as a candidate.

    The item seed hashes (run seed, domain, family, index); ``None`` when an error was asked for and
    no injection point of this problem changes its answer.
    """
    item_seed = derive_seed(run_seed, "math", family_name, index)
    problem = build_problem(FAMILIES.get(family_name), item_seed, want_error)
    if problem is None:
        return None
    raw, spans = join_steps(problem.steps)
    injected = None
    if problem.error is not None:
        step, kind, desc = problem.error
        injected = InjectedError(kind=kind, step_index=step, description=desc)
    return Candidate(
        id=derive_id("sf-math", run_seed, family_name, index, want_error),
        index=index,
        domain="math",
        family=family_name,
        task=Task(
            task_id=derive_id(f"math/{family_name}", run_seed, index),
            prompt=problem.prompt,
            source="stepforge.procedural",
            reference=Reference(answer=problem.answer),
            metadata={
                "family": family_name,
                "difficulty": problem.difficulty,
                "params": problem.params,
                "premises": problem.premises,
                "unknowns": problem.unknowns,
                "variables": problem.variables,
            },
        ),
        generation=Generation(
            generator=f"procedural/math/{family_name}",
            seed=item_seed,
            raw_response=raw,
            injected_error=injected,
        ),
        segmentation=Segmentation(method="generator", separator="\n\n"),
        steps=problem.steps,
        spans=spans,
        final_answer=problem.final_answer,
    )
