"""The offline completer: continues a procedural solution from a prefix of its own steps, with no model.

It rebuilds the problem from the candidate's family (or template) and seed, checks that the candidate's steps are
the ones the generator wrote (otherwise it refuses: it can only continue its own solutions), and continues from
the prefix's state: once the prefix holds the injected error, the wrong value (or the wrong plan) is carried to
the end, as the generator's own wrong solution does; before it, the rest is the correct solution. It is
deterministic, so one completion per prefix says all it can.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from stepforge.candidate import Candidate


class CannotContinue(Exception):
    """The candidate is not a procedural solution this completer can continue (reason in the message)."""


@dataclass
class Continuation:
    text: str  # what the completer wrote after the prefix (code: fenced, as a model writes it)
    final: str | None  # math: the final answer; code: the whole program


def _math_solutions(cand: Candidate) -> tuple[Any, Any]:
    from stepforge.generators.procedural.math import FAMILIES
    from stepforge.generators.procedural.math._base import Fault, build_problem

    family = str(cand.task.metadata.get("family") or "")
    if not cand.generation.generator.startswith("procedural/math/") or family not in FAMILIES:
        raise CannotContinue("not a procedural math solution (no family to continue it with)")
    fam = FAMILIES.get(family)
    seed = cand.generation.seed
    correct = build_problem(fam, seed, want_error=False)
    inj = cand.generation.injected_error
    wrong = None
    if inj is not None:
        wrong = fam.build(random.Random(seed), fault := Fault((inj.step_index, inj.kind)))
        if fault.applied is None:
            raise CannotContinue(f"the {family} problem has no injection point {inj.kind} at step {inj.step_index}")
    mine = wrong if wrong is not None else correct
    if correct is None or mine.steps != cand.steps:
        raise CannotContinue("the steps are not the procedural generator's own (edited or re-segmented)")
    return correct, wrong


def continue_math(cand: Candidate, length: int) -> Continuation:
    """The rest of the solution after its first ``length`` steps."""
    correct, wrong = _math_solutions(cand)
    inj = cand.generation.injected_error
    chosen = wrong if inj is not None and length > inj.step_index else correct
    rest = chosen.steps[length:]
    return Continuation("\n\n".join(rest), chosen.final_answer)


def _code_problem(cand: Candidate) -> tuple[Any, Any, Any]:
    from stepforge.generators.procedural.code import TEMPLATES, load_templates, make_problem

    load_templates()
    name = str(cand.task.metadata.get("template") or "")
    if not cand.generation.generator.startswith("procedural/code/") or name not in TEMPLATES:
        raise CannotContinue("not a procedural code solution (no template to continue it with)")
    t = TEMPLATES.get(name)
    inj = cand.generation.injected_error
    bug = None
    if inj is not None:
        matches = [i for i, b in enumerate(t.bugs) if b.kind == inj.kind
                   and (b.step if b.step is not None else len(t.plan)) == inj.step_index]
        if not matches:
            raise CannotContinue(f"template {name} has no bug {inj.kind} at step {inj.step_index}")
        bug = matches[0]
    seed = cand.generation.seed
    mine = make_problem(name, seed, bug=bug)
    if mine.steps != cand.steps:
        raise CannotContinue("the steps are not the procedural generator's own (edited or re-segmented)")
    return t, mine, make_problem(name, seed)


def continue_code(cand: Candidate, length: int, lines: int | None = None) -> Continuation:
    """The program written after the first ``length`` plan steps (and, with ``lines``, the first ``lines`` lines of
    the code): the template's reference code unless the prefix holds the wrong plan step or a wrong code line."""
    _, mine, right = _code_problem(cand)
    plan_len = len(mine.steps) - 1
    wrong_plan = mine.bug is not None and mine.bug.step is not None and length > mine.bug.step
    if lines is None:
        program = mine.code if wrong_plan else right.code
        plan = "".join(s + "\n\n" for s in mine.steps[length:plan_len])
        return Continuation(plan + "```python\n" + program + "```", program)
    have = mine.code.splitlines(keepends=True)[:lines]
    ref = right.code.splitlines(keepends=True)
    if wrong_plan or have != ref[:lines]:
        program = mine.code  # the wrong plan, or a wrong line already written, is followed to the end
    else:
        program = "".join(have + ref[lines:])
    return Continuation(program[len("".join(have)):] + "```", program)
