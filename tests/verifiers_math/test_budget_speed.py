"""The in-process budget arms SIGALRM without ``signal.signal``'s enum round trip (thousands of budgets a second in
the step checker), and still interrupts, restores the previous handler and leaves no timer behind."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from stepforge.verifiers.math.budget import Budget, OutOfTime

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")


def test_budget_in_the_main_thread_skips_the_signal_wrapper(monkeypatch: pytest.MonkeyPatch) -> None:
    assert threading.current_thread() is threading.main_thread()

    def wrapper(*_a: object) -> None:
        raise AssertionError("signal.signal's Python wrapper called for a budget")

    monkeypatch.setattr(signal, "signal", wrapper)
    with Budget(5.0):
        pass


def test_budget_interrupts_and_restores_the_previous_handler() -> None:
    rang: list[int] = []

    def mine(signum: int, frame: object) -> None:
        rang.append(signum)

    old = signal.signal(signal.SIGALRM, mine)
    try:
        t0 = time.perf_counter()
        with pytest.raises(OutOfTime):
            with Budget(0.05):
                while time.perf_counter() - t0 < 5:
                    pass
        assert time.perf_counter() - t0 < 2
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
        assert signal.getsignal(signal.SIGALRM) is mine
        with Budget(1.0):  # an enclosing budget's timer is never replaced by an inner one
            armed = signal.getitimer(signal.ITIMER_REAL)[0]
            with Budget(0.01):
                assert signal.getitimer(signal.ITIMER_REAL)[0] <= armed
                time.sleep(0.03)  # the inner budget armed nothing: no OutOfTime here
        assert signal.getsignal(signal.SIGALRM) is mine and not rang
    finally:
        signal.signal(signal.SIGALRM, old)
