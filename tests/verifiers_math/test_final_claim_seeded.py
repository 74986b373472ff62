"""The step checker's final-answer claim is judged with the solution's seed, so a rerun writes the same evidence (the
judge's random sample points came fresh from the OS: the rule of one claim switched between runs)."""

from __future__ import annotations

import stepforge.verifiers.math as vm
from stepforge.verifiers.math.steps import StepContext, check_steps


def test_the_boxed_answer_is_judged_with_the_checks_seed(monkeypatch) -> None:
    seen: list[object] = []
    real = vm.judge

    def spy(gold, pred, *args, **kw):
        seen.append(kw.get("seed"))
        return real(gold, pred, *args, **kw)

    monkeypatch.setattr(vm, "judge", spy)
    ctx = StepContext(gold="\\sqrt{2}/2")
    (check,) = check_steps(["So the answer is $\\boxed{\\frac{1}{\\sqrt{2}}}$."], ctx, seed=11)
    assert [c.verdict for c in check.claims if c.rule.startswith("final_answer")] == ["true"]
    assert seen and all(s == 11 for s in seen)
