"""``Budget`` in the main thread (a run's checker worker calls there): a budget inside another holds, and a budget
whose interruption was swallowed is raised again. Before, the main thread's one SIGALRM timer served the outermost
budget alone (an inner one was not armed: a row's budget around the checks would have switched off every segment's
own), and rang once (a conclusions' budget of 2 s ran 2.97 s at load ~8). What is asserted is the work done
(counted short sleeps), not the seconds."""

from __future__ import annotations

import signal
import threading
import time

from stepforge.verifiers.math.budget import Budget, OutOfTime


def _spin(count: list[int], limit: int = 300) -> None:
    for _ in range(limit):
        count.append(1)
        time.sleep(0.01)


def test_a_budget_inside_another_holds_in_the_main_thread() -> None:
    assert threading.current_thread() is threading.main_thread()
    inner: list[int] = []
    outer: list[int] = []
    try:
        with Budget(5.0):
            try:
                with Budget(0.2):
                    _spin(inner)
            except OutOfTime:
                pass
            _spin(outer, 30)
    except OutOfTime:
        raise AssertionError("the outer budget rang for the inner one") from None
    assert len(inner) < 250  # before: the inner block ran its whole 3 s
    assert len(outer) == 30  # the outer block goes on: its own budget is not spent
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # left: no timer running


def test_the_outer_budget_rings_inside_an_inner_one() -> None:
    count: list[int] = []
    try:
        with Budget(0.2):
            with Budget(5.0):
                _spin(count)
        raised = False
    except OutOfTime:
        raised = True
    assert raised and len(count) < 250


def test_a_swallowed_interruption_is_raised_again() -> None:
    count: list[int] = []
    swallowed: list[int] = []
    try:
        with Budget(0.2):
            while len(count) < 300:
                try:
                    _spin(count)
                except OutOfTime:  # as sympy's bare excepts do
                    swallowed.append(1)
                    if len(swallowed) > 1:
                        raise
        raised = False
    except OutOfTime:
        raised = True
    assert raised and len(swallowed) == 2  # before: rang once, then the block ran to its end
    assert len(count) < 250
