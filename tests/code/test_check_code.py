"""check_code semantics: exact-type comparison in the parent, statuses, hidden tests, modes, order."""

from __future__ import annotations

import json
import os
import threading

import pytest
from hypothesis import strategies as st

from stepforge.sandbox import make_backend
from stepforge.verifiers.code import CodeTask, PropertyTests, check_code, check_codes
from stepforge.verifiers.code.task import IOTest
from stepforge.verifiers.code.values import decode, equal


def _task(**kw):
    base = dict(entry_point="f", io_tests=[{"args": [[3, 1, 2]], "expected": [1, 2, 3]}], timeout_s=3)
    base.update(kw)
    return CodeTask(**base)


def test_pass_fail_error_statuses():
    t = _task()
    assert check_code(t, "def f(xs):\n    return sorted(xs)\n").status == "passed"
    v = check_code(t, "def f(xs):\n    return xs\n")
    assert v.status == "failed" and v.failures[0]["why"] == "wrong output"
    assert check_code(t, "def f(xs) return\n").status == "error"
    assert check_code(t, "def g(xs):\n    return sorted(xs)\n").rule == "load_error"
    v = check_code(t, "def f(xs):\n    raise ValueError('no')\n")
    assert v.status == "failed" and "ValueError" in v.failures[0]["why"]


def test_exact_types_and_tolerance():
    assert equal(1, 1.0) and not equal(1, 1.0, numeric_types="strict")
    assert not equal(True, 1) and not equal(1, True) and not equal([1], (1,))
    assert not equal(float("nan"), float("nan")) and equal(float("inf"), float("inf"))
    assert equal(0.1 + 0.2, 0.3, tol=1e-9) and not equal(0.1 + 0.2, 0.3)
    assert not equal({1: "a"}, {1.0: "a"}, numeric_types="strict")
    assert decode(["t", [["i", "1"], ["s", "x"]]]) == (1, "x")
    with pytest.raises(ValueError):
        decode(["zz", 1])
    with pytest.raises(ValueError):
        decode(["i", "9" * 5000])
    t = _task(io_tests=[{"args": [2], "expected": 4}])
    assert not check_code(t, "def f(x):\n    return True\n").passed
    assert not check_code(t, "def f(x):\n    return 4.5\n").passed
    assert check_code(t, "def f(x):\n    return 4.0\n").passed  # loose numeric types, like Python's ==
    strict = _task(io_tests=[{"args": [2], "expected": 4}], numeric_types="strict")
    assert not check_code(strict, "def f(x):\n    return 4.0\n").passed


def test_each_test_gets_fresh_inputs():
    t = _task(io_tests=[{"args": [[1, 2]], "expected": 3}, {"args": [[1, 2]], "expected": 3}])
    src = "def f(xs):\n    s = sum(xs)\n    xs.append(100)\n    return s\n"
    assert check_code(t, src).passed


def test_hidden_tests_count_separately_and_stay_out_of_the_evidence():
    t = _task(io_tests=[{"args": [1], "expected": 2}], hidden_io_tests=[{"args": [5], "expected": 10}])
    v = check_code(t, "print('hello')\ndef f(x):\n    return {1: 2}.get(x, 0)\n")
    assert not v.passed and v.visible_passed == 1 and v.hidden_passed == 0
    assert all("args" not in f for f in v.failures if f["kind"] == "hidden")
    assert v.output_head is None  # the candidate's output could echo hidden inputs


def test_property_tests_against_a_reference_in_the_parent():
    prop = PropertyTests(strategy=st.tuples(st.lists(st.integers(-50, 50), max_size=8)), reference=sorted,
                         examples=40, seed=7)
    t = CodeTask(entry_point="f", property_tests=prop, timeout_s=3)
    n = len(t.property_io())
    assert n >= 10 and t.property_io() == t.property_io()
    v = check_code(t, "def f(xs):\n    return sorted(xs)\n")
    assert v.passed and v.property_passed == n == v.property_total
    v = check_code(t, "def f(xs):\n    return sorted(xs)[:3]\n")
    assert not v.passed and v.property_passed < n


def test_assert_style_mode_is_cooperative_and_smells_fail():
    check = "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(0) == 0\n"
    t = CodeTask(entry_point="f", test_code=check, timeout_s=3)
    v = check_code(t, "def f(x):\n    return x * 2\n")
    assert v.passed and v.guarantee == "cooperative" and v.assert_passed is True
    assert not check_code(t, "def f(x):\n    return x + 2\n").passed
    hack = "import builtins\nclass A:\n    def __eq__(s, o): return True\ndef f(x):\n    return A()\n"
    v = check_code(t, hack)
    assert not v.passed and v.rule == "hack_smell" and "defines __eq__" in v.smells


def test_pytest_file_mode():
    tests = "from solution import f\n\ndef test_a():\n    assert f(2) == 4\n\ndef test_b():\n    assert f(3) == 6\n"
    t = CodeTask(entry_point="f", pytest_file=tests, timeout_s=20)
    v = check_code(t, "def f(x):\n    return 2 * x\n")
    assert v.passed and v.tests_total == 2 and v.guarantee == "cooperative", v
    assert not check_code(t, "def f(x):\n    return x\n").passed
    skip = "import pytest\npytest.skip('no', allow_module_level=True)\ndef f(x):\n    return x\n"
    assert not check_code(t, skip).passed
    patch = ("from _pytest.reports import TestReport\norig = TestReport.from_item_and_call\n"
             "def p(item, call):\n    r = orig(item, call)\n    r.outcome = 'passed'\n    return r\n"
             "TestReport.from_item_and_call = staticmethod(p)\ndef f(x):\n    return x\n")
    assert not check_code(t, patch).passed


def test_check_codes_keeps_order_and_works_from_threads():
    t = _task(io_tests=[{"args": [2], "expected": 4}])
    items = [(t, f"def f(x):\n    return x * {k}\n") for k in range(12)]
    out = check_codes(items, workers=3)
    assert [v.passed for v in out] == [k == 2 for k in range(12)]
    results = {}

    def run(i):
        results[i] = check_code(t, items[i][1]).passed

    ths = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    assert results == {i: i == 2 for i in range(6)}


def test_sandbox_environment_is_clean():
    """No parent environment (API keys) and no network inside; the result names its isolation."""
    os.environ["STEPFORGE_TEST_SECRET"] = "sk-should-not-leak"
    be = make_backend("local", 1)
    try:
        job = {"source": "import os, socket\ndef f():\n    try:\n        socket.create_connection(('127.0.0.1', 1), 0.2)\n"
               "        net = 'open'\n    except OSError as e:\n        net = type(e).__name__\n"
               "    return [dict(os.environ), net, os.getuid() != 0]\n",
               "entry_point": "f", "calls": [__import__("pickle").dumps(())]}
        rep = be.run(job)
        value = decode(json.loads(rep.records[0])["v"])
        env, net, nonroot = value
        assert "STEPFORGE_TEST_SECRET" not in env and "sk-should-not-leak" not in json.dumps(env)
        assert net != "open"
        assert rep.isolation == "bwrap"
    finally:
        be.close()


def test_bad_tasks_are_rejected():
    with pytest.raises(ValueError):
        CodeTask(entry_point="f")
    with pytest.raises(ValueError):
        CodeTask(entry_point="f", io_tests=[{"args": [object()], "expected": 1}])
    with pytest.raises(ValueError):
        CodeTask(entry_point="not valid", io_tests=[{"args": [], "expected": 1}])


def test_big_inputs_and_outputs_do_not_deadlock_the_pipeline():
    """Jobs and reports larger than a pipe buffer, several queued per slot."""
    big = list(range(60_000))
    t = _task(io_tests=[{"args": [big], "expected": big[::-1]}], timeout_s=20)
    items = [(t, "def f(xs):\n    return xs[::-1]\n")] * 4 + [(t, "def f(xs):\n    return xs\n")] * 2
    out = check_codes(items, workers=2)
    assert [v.passed for v in out] == [True] * 4 + [False] * 2


_SLOW_ON_TWO = (
    "import time\n"
    "def f(n):\n"
    "    if n == 2:\n"
    "        while True:\n"
    "            time.sleep(0.01)\n"
    "    return n * 2\n"
)


@pytest.mark.parametrize("backend_name", ["local", "docker"])
def test_per_test_time_limit_stops_one_test_and_runs_the_rest(backend_name):
    t = CodeTask(entry_point="f", io_tests=[{"args": [n], "expected": 2 * n} for n in (1, 2, 3)],
                 timeout_s=20, test_timeout_s=0.5)
    backend = make_backend(backend_name, 1)
    try:
        v = check_code(t, _SLOW_ON_TWO, backend)
        # Only test 2 ran out of time: the others ran after it, the deadline was never reached.
        assert (v.status, v.rule, v.tests_passed, v.tests_total) == ("timeout", "test_time_limit", 2, 3)
        assert v.failures[0]["test"] == 1 and "per-test time limit" in v.failures[0]["why"]
        assert v.seconds < 10
        # A wrong answer next to a slow test is a failure, not a timeout.
        wrong = _SLOW_ON_TWO.replace("return n * 2", "return n * 3 if n == 3 else n * 2")
        v = check_code(t, wrong, backend)
        assert (v.status, v.rule, v.tests_passed) == ("failed", "test_failed", 1)
        # Without a per-test limit the same candidate runs into the candidate-wide deadline.
        v = check_code(t.model_copy(update={"test_timeout_s": None, "timeout_s": 1.5}), _SLOW_ON_TWO, backend)
        assert (v.status, v.rule) == ("timeout", "wall_clock_deadline")
        # A candidate that disarms the alarm gains nothing but the candidate-wide deadline.
        sneaky = "import signal\nsignal.setitimer = lambda *a, **k: (0.0, 0.0)\n" + _SLOW_ON_TWO
        v = check_code(t.model_copy(update={"timeout_s": 1.5}), sneaky, backend)
        assert not v.passed and v.status == "timeout"
    finally:
        backend.close()


def test_a_copied_task_with_other_tests_is_checked_against_its_own_tests():
    t = _task()
    src = "def f(xs):\n    return sorted(xs)\n"
    assert check_code(t, src).passed  # builds and caches t's job
    other = t.model_copy(update={"io_tests": [IOTest(args=[[2, 1]], expected=[2, 1])]})
    assert [c for c in other.job()["calls"]] != [c for c in t.job()["calls"]]
    v = check_code(other, src)
    assert (v.passed, v.tests_total) == (False, 1)


def test_a_task_whose_tests_change_in_place_is_checked_against_the_new_tests():
    t = _task()
    src = "def f(xs):\n    return sorted(xs)\n"
    assert check_code(t, src).passed
    t.io_tests.append(IOTest(args=[[5, 4]], expected=[5, 4]))
    v = check_code(t, src)
    assert (v.passed, v.tests_total) == (False, 2)
    t.io_tests[1] = IOTest(args=[[9, 8]], expected=[8, 9])  # other inputs: a stale job would fail
    assert check_code(t, src).passed
