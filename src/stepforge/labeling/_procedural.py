"""The offline completer: continues a procedural solution from a prefix of its own steps, with no model.

It rebuilds the problem's right solution (math: from the family, seed and point; code: the template's reference
plan and code, recorded with the task), checks that the
candidate's steps before its injected error are that solution's (otherwise it refuses: it continues only the
generator's own solutions), and continues from the prefix's state: once the prefix holds the injected error, the
wrong value (or the wrong plan) is carried to the end, as the generator's own wrong solution does (its remaining
steps); before it, the rest is the right solution. It is deterministic, so one completion per prefix says all it
can.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stepforge.candidate import Candidate


class CannotContinue(Exception):
    """The candidate is not a procedural solution this completer can continue (reason in the message)."""


@dataclass
class Continuation:
    text: str  # what the completer wrote after the prefix (code: fenced, as a model writes it)
    final: str | None  # math: the final answer; code: the whole program


def _first_error(cand: Candidate, n: int) -> int:
    """The injected step (``n``: none)."""
    inj = cand.generation.injected_error
    return inj.step_index if inj is not None and 0 <= inj.step_index < n else n


def _check(cand: Candidate, right: list[str], clean: int) -> None:
    if cand.steps[:clean] != right[:clean] or (clean == len(right) and cand.steps != right):
        raise CannotContinue("the steps are not the procedural generator's own (edited or re-segmented)")


def continue_math(cand: Candidate, length: int) -> Continuation:
    """The rest of the solution after its first ``length`` steps."""
    import random

    from stepforge.generators.procedural.math import FAMILIES, build_problem
    from stepforge.generators.procedural.math._base import Fault

    meta = cand.task.metadata
    family = str(meta.get("family") or "")
    if not cand.generation.generator.startswith("procedural/math/") or family not in FAMILIES:
        raise CannotContinue("not a procedural math solution (no family to continue it with)")
    fam, point = FAMILIES.get(family), meta.get("point")
    right = build_problem(fam, cand.generation.seed, False, **({"point": point} if point is not None else {}))
    if right is None:
        raise CannotContinue(f"the {family} problem cannot be rebuilt")
    clean = _first_error(cand, len(cand.steps))
    _check(cand, right.steps, clean)
    inj = cand.generation.injected_error
    if inj is not None and point is not None:  # the wrong solution as the generator wrote it, step for step
        fault = Fault((inj.step_index, inj.kind))
        wrong = fam.build(fam.space.point(point), random.Random(cand.generation.seed), fault)
        if wrong.steps != cand.steps:
            raise CannotContinue("the steps are not the procedural generator's own (edited or re-segmented)")
    if length > clean:  # the wrong value is in the prefix: carried to the end, as the generator wrote it
        return Continuation("\n\n".join(cand.steps[length:]), cand.final_answer)
    return Continuation("\n\n".join(right.steps[length:]), right.final_answer)


def _code(cand: Candidate) -> tuple[list[str], str]:
    """The template's right plan and code for this task (the generator records them as ``reference_steps``)."""
    ref = cand.task.metadata.get("reference_steps")
    if not cand.generation.generator.startswith("procedural/code/") or not ref or not cand.code:
        raise CannotContinue("not a procedural code solution (no reference plan and code to continue it with)")
    right = [str(s) for s in ref]
    if len(right) != len(cand.steps):
        raise CannotContinue("the steps are not the procedural generator's own (edited or re-segmented)")
    _check(cand, right, _first_error(cand, len(cand.steps)))
    return right[:-1], right[-1]


def continue_code(cand: Candidate, length: int, lines: int | None = None) -> Continuation:
    """The program written after the first ``length`` plan steps (and, with ``lines``, the first ``lines`` lines of
    the code): the template's reference code unless the prefix holds the wrong plan step or a wrong code line."""
    _, right_code = _code(cand)
    plan_len = len(cand.steps) - 1
    code = cand.code or ""
    wrong_plan = _first_error(cand, plan_len) < min(length, plan_len)
    if lines is None:
        program = code if wrong_plan else right_code
        plan = "".join(s + "\n\n" for s in cand.steps[length:plan_len])
        return Continuation(plan + "```python\n" + program + "```", program)
    have = code.splitlines(keepends=True)[:lines]
    ref = right_code.splitlines(keepends=True)
    if wrong_plan or have != ref[:lines]:
        program = code  # the wrong plan, or a wrong line already written, is followed to the end
    else:
        program = "".join(have + ref[lines:])
    return Continuation(program[len("".join(have)):] + "```", program)
