"""The verifier as synthesis needs it: (gold, pred) -> equal?, None when it cannot tell."""

from __future__ import annotations


def math_check(gold: str, pred: str) -> bool | None:
    """Hard-limited math answer check (``equal`` -> True, ``not_equal`` -> False, otherwise None)."""
    from stepforge.verifiers.math import check_answer

    return {"equal": True, "not_equal": False}.get(check_answer(gold, pred).verdict)


def sandbox_tests(backend: str = "local"):  # noqa: ANN201 - (row, sources) -> [passed?]
    """Run sources against a HumanEval row's tests in the sandbox (never in this process)."""
    from stepforge.verifiers.code import CodeTask, check_codes

    def run(row: dict, sources: list[str]) -> list[bool | None]:
        try:
            task = CodeTask.from_humaneval(row)
        except Exception:  # noqa: BLE001 - tests that cannot be imported verify nothing
            return [None] * len(sources)
        out: list[bool | None] = []
        for v in check_codes([(task, src) for src in sources], backend=backend):
            out.append(v.passed if v.status in ("passed", "failed", "timeout", "memory", "output_limit") else None)
        return out

    return run
