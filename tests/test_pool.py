"""The deadline pool: hard limits that C-level work cannot defeat, from any thread."""

from __future__ import annotations

import threading
import time
from multiprocessing.connection import Connection

from stepforge._pool import DeadlinePool


def _spin_bigint() -> int:
    # C-level big-integer work: a signal alarm would not interrupt this.
    return len(str(7 ** (10**9)))


def _add(a: int, b: int) -> int:
    return a + b


def _boom() -> None:
    raise ValueError("nope")


def test_kills_c_level_work_past_deadline_and_recovers():
    with DeadlinePool(1) as pool:
        t0 = time.monotonic()
        res = pool.call(_spin_bigint, (), timeout=0.5)
        assert res.status == "timeout"
        assert time.monotonic() - t0 < 1.5
        assert pool.call(_add, (2, 3), timeout=5).value == 5


def test_errors_come_back_as_data():
    with DeadlinePool(1) as pool:
        res = pool.call(_boom, (), timeout=5)
        assert res.status == "error" and "ValueError: nope" in res.error


def test_deadline_holds_from_worker_threads_and_map_keeps_order():
    with DeadlinePool(2) as pool:
        out: list = []

        def run():
            out.append(pool.call(_spin_bigint, (), timeout=0.3).status)

        threads = [threading.Thread(target=run) for _ in range(3)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert out == ["timeout"] * 3
        assert time.monotonic() - t0 < 4
        res = pool.map(_add, [(i, i) for i in range(20)], timeout=5)
        assert [r.value for r in res] == [2 * i for i in range(20)]


def test_a_call_past_its_deadline_is_a_timeout_even_when_the_caller_looks_late(monkeypatch):
    """The verdict does not depend on when the calling thread gets to run: a call that finished past its deadline
    while the caller was held up (a busy machine) is a timeout, and one within it is a result."""
    with DeadlinePool(1) as pool:
        assert pool.call(_add, (1, 1), timeout=5).value == 2  # the worker is up before the caller is slowed
        poll = Connection.poll

        def late(self, timeout=0.0):  # the caller is held up between sending the call and looking for its result
            time.sleep(0.6)
            return poll(self, timeout)

        monkeypatch.setattr(Connection, "poll", late)
        res = pool.call(time.sleep, (0.3,), timeout=0.05)
        assert res.status == "timeout" and "past its 0.05s deadline" in res.error
        assert pool.call(_add, (2, 3), timeout=5).value == 5  # in time, however late the caller looked


# --------------------------------------------------------------------------------------------------------
# Workers never re-run the caller's __main__: a plain script without a main guard, a script piped to
# `python -`, `python -c` and exec'd notebook cells all work; a worker that cannot start is an error.

import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from stepforge._pool import WorkerStartError  # noqa: E402

SRC = str(Path(__file__).resolve().parents[1] / "src")

# every statement runs at import: a worker that re-imported __main__ would recurse into the pool
SCRIPT = textwrap.dedent("""
    import threading
    from stepforge._pool import DeadlinePool
    from stepforge.verifiers.math import check_answer, check_answers

    pool = DeadlinePool(2)
    print("add", pool.call(divmod, (7, 2), timeout=30).value)
    print("timeout", pool.call(pow, (7, 10**9), timeout=0.5).status)
    pool.close()
    # a pair only the hard-limited pool can decide (latex2sympy2_extended, sympy)
    v = check_answer(r"\\frac{\\pi}{2}", r"\\boxed{\\arccos(0) + \\Gamma(1) - 1}")
    print("verdict", v.verdict, v.where)
    out = []
    ts = [threading.Thread(target=lambda: out.append(check_answers([("2", r"\\ln e^2"), ("3", "4")])))
          for _ in range(3)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    print("threads", sorted({tuple(x.verdict for x in o) for o in out}))
""")
WANT = ["add (3, 1)", "timeout timeout", "verdict equal pool", "threads [('equal', 'not_equal')]"]


def _run(args, stdin=None, cwd=None):
    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, env=env,
                          timeout=300, cwd=cwd)


def _lines(r):
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    return r.stdout.strip().splitlines()


def test_a_script_without_a_main_guard(tmp_path):
    script = tmp_path / "no_guard.py"
    script.write_text(SCRIPT)
    assert _lines(_run([str(script)], cwd=tmp_path)) == WANT


def test_a_script_piped_to_python(tmp_path):
    assert _lines(_run(["-"], stdin=SCRIPT, cwd=tmp_path)) == WANT


def test_python_dash_c_and_an_exec_d_notebook_cell(tmp_path):
    assert _lines(_run(["-c", SCRIPT], cwd=tmp_path)) == WANT
    cell = f"exec(compile({SCRIPT!r}, '<ipython-input-1-abc>', 'exec'))"
    assert _lines(_run(["-c", cell], cwd=tmp_path)) == WANT


def test_a_worker_that_cannot_start_is_an_error_not_a_result(tmp_path):
    (tmp_path / "dies_at_import.py").write_text("raise SystemExit('cannot start here')\n")
    sys.path.insert(0, str(tmp_path))
    try:
        with DeadlinePool(1, preload=["dies_at_import"]) as pool:
            with pytest.raises(WorkerStartError, match="exited before it was ready"):
                pool.call(_add, (1, 2), timeout=5)
    finally:
        sys.path.remove(str(tmp_path))


def test_check_answer_raises_when_no_worker_can_start(tmp_path):
    script = textwrap.dedent("""
        import sys
        from stepforge._pool import WorkerStartError
        from stepforge.verifiers.math import check_answer
        print(check_answer("1", "1").verdict)  # decided in process: no worker needed
        sys.executable = "/nonexistent/python3"
        try:
            check_answer(r"\\frac{\\pi}{2}", r"\\arccos(0) + \\Gamma(1) - 1")
        except WorkerStartError as exc:
            print("error:", type(exc).__name__)
    """)
    assert _lines(_run(["-c", script], cwd=tmp_path)) == ["equal", "error: WorkerStartError"]


def test_functions_from_main_are_refused_with_a_clear_message():
    fn = _add
    fn.__module__ = "__main__"
    try:
        with DeadlinePool(1) as pool, pytest.raises(TypeError, match="importable modules"):
            pool.call(fn, (1, 2), timeout=5)
    finally:
        fn.__module__ = __name__
