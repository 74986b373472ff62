"""A budget left in a thread leaves nothing behind that hangs traced code. The watchdog cleared a thread's pending
OutOfTime with ``PyThreadState_SetAsyncExc(tid, NULL)`` on every exit, which in CPython 3.11 leaves the interpreter's
pending-async-exception flag set for good; a frame entered under ``sys.settrace`` then spins forever at its first
instruction. Hypothesis traces a property once it has failed, so a property failing after any budget in a thread (the
hang tests run in threads) hung the suite instead of reporting (found with --hypothesis-seed=1006: 30 min in one
call). Each case runs in a child process with a timeout, so the old behaviour fails here instead of hanging."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_CASES = {
    "left_in_time": "with Budget(5.0):\n    pass",
    "rang_and_caught": "try:\n    with Budget(0.05):\n        spin()\nexcept OutOfTime:\n    pass",
    "rang_inside_an_outer": ("with Budget(5.0):\n    try:\n        with Budget(0.05):\n            spin()\n"
                             "    except OutOfTime:\n        pass"),
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_traced_calls_return_after_a_budget_in_a_thread(case: str) -> None:
    code = textwrap.dedent("""
        import sys, threading, time
        from stepforge.verifiers.math.budget import Budget, OutOfTime

        def spin():
            end = time.monotonic() + 3
            while time.monotonic() < end:
                pass

        done = []

        def work():
        {body}
            done.append(True)

        t = threading.Thread(target=work)
        t.start()
        t.join()
        assert done, "the thread did not end its work"

        def traced():
            return sum(range(10))

        sys.settrace(lambda *a: None)
        got = traced()
        sys.settrace(None)
        print("ok", got)
    """).format(body=textwrap.indent(_CASES[case], "    "))
    r = _run(code)
    assert r.returncode == 0 and r.stdout.strip() == "ok 45", (r.returncode, r.stdout, r.stderr[-2000:])


def _run(code: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        raise AssertionError("a traced call hung after a budget in a thread") from None
