"""Procedural math families, one module each; importing this package registers them all."""

from stepforge._registry import import_submodules
from stepforge._seeding import derive_id, derive_seed
from stepforge.candidate import Candidate, join_steps
from stepforge.schema import Generation, InjectedError, Reference, Segmentation, Task

from ._base import (CALCULATION_KINDS, FAMILIES, KINDS, REASONING_KINDS, Family, MathProblem, ParamSpace,
                    build_problem, run_point)

import_submodules(__name__)

__all__ = ["CALCULATION_KINDS", "FAMILIES", "KINDS", "REASONING_KINDS", "Family", "MathProblem", "ParamSpace",
           "build_problem", "candidate", "run_point"]


def candidate(run_seed: int, family_name: str, index: int, want_error: bool, *,
              ordinal: int | None = None) -> Candidate | None:
    """The run's item ``index``: a problem of ``family_name`` and its worked solution, as a candidate.

    ``ordinal`` is the item's rank among the run's items of this family (default ``index``): distinct
    ordinals give distinct problems until the family's space is exhausted. The item seed hashes (run
    seed, domain, family, index) and decides the solution's own choices; ``None`` when an error was
    asked for and no injection point of this problem changes its answer.
    """
    fam = FAMILIES.get(family_name)
    item_seed = derive_seed(run_seed, "math", family_name, index)
    k = index if ordinal is None else ordinal
    point = run_point(fam, run_seed, k)
    problem = build_problem(fam, item_seed, want_error, point=point)
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
                "point": problem.point,
                # as the code templates say it (the card reads it): past the space, problems repeat
                "space": {"size": fam.size, "position": problem.point, "cycle": k // fam.size,
                          "exhausted": k >= fam.size},
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
