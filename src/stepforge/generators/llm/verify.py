"""The verdicts the sampling budget counts: the project's verifiers applied to a candidate.

math: ``check_answer(gold, whole solution)`` (hard time limit); ``equal`` is verified correct, ``not_equal``
verified wrong, anything else inconclusive. code: ``check_code`` in the sandbox on the candidate module.
"""

from __future__ import annotations

from typing import Any

from stepforge.errors import UserError
from stepforge.generators.llm.generator import Candidate


def math_verify(c: Candidate) -> tuple[bool | None, Any]:
    from stepforge.verifiers.math import check_answer

    gold = c.task.reference.answer
    if gold is None:
        return None, None
    v = check_answer(gold, c.text)
    return {"equal": True, "not_equal": False}.get(v.verdict), v


def math_check(gold: str, pred: str) -> bool | None:
    """(gold, pred) -> equal? for synthesis; None when the verifier cannot tell."""
    from stepforge.verifiers.math import check_answer

    return {"equal": True, "not_equal": False}.get(check_answer(gold, pred).verdict)


def code_verify(c: Candidate) -> tuple[bool | None, Any]:
    try:
        from stepforge.verifiers.code import CodeTask, check_code  # type: ignore[attr-defined]
    except ImportError as exc:
        raise UserError("the code domain needs the sandbox (stepforge.verifiers.code), which is not installed") from exc
    ref = c.task.reference
    if not c.parsed.code:
        return None, {"status": "no_code", "detail": "no python code block in the answer"}
    row = {
        "task_id": c.task.task_id,
        "prompt": c.task.prompt,
        "entry_point": ref.entry_point,
        "test": ref.test_code,
        "canonical_solution": ref.solution or "",
    }
    task = CodeTask.from_humaneval(row)
    v = check_code(task, c.parsed.code)
    if v.status in ("passed", "failed"):
        return v.status == "passed", v
    return None, v


def verifier_for(domain: str):  # noqa: ANN201 - returns one of the functions above
    return math_verify if domain == "math" else code_verify
