"""A time budget for in-process checking that also holds in threads, where no alarm can be set.

In the main thread a SIGALRM interrupts (never over someone else's timer), set for the nearest deadline of the
budgets open there, so a budget inside another holds too (a segment's inside a row's). In any other thread one shared
watchdog thread raises ``OutOfTime`` in the checking thread at its deadline, as an asynchronous exception. Either way
it is raised again every half second until the budget's block is left (sympy swallows exceptions in places). Either way the interruption
lands between two Python bytecodes: a single C call holding the GIL (an exact big-integer power) is not stopped,
which is why the verifier sizes such values before computing them (``points``, ``symbolic.pow_guard``).
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import signal as _signal_mod
import threading
import time
from typing import Any

try:  # the C functions under ``signal.signal``: its wrapper turns handlers into enums (an exception for a function),
    import _signal as _sig  # microseconds on every budget, and the step checker arms thousands a second
except ImportError:  # pragma: no cover - not CPython
    _sig = _signal_mod
_HAS_ITIMER = hasattr(_signal_mod, "setitimer")


class OutOfTime(BaseException):
    """The budget of a piece of checking was spent. A BaseException: sympy's and the verifier's ``except Exception``
    (which turn a failure into "no proof", "not equal") never swallow it."""


_REFIRE_S = 0.5


class _Watchdog:
    """One daemon thread for every armed budget: a heap of (deadline, id) and the live budgets by id."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int]] = []
        self.live: dict[int, int] = {}  # budget id -> thread ident
        self.fired: set[int] = set()  # threads an OutOfTime was set for since their last disarm
        self.ids = itertools.count()
        self.thread: threading.Thread | None = None

    def arm(self, bid: int, seconds: float) -> None:
        with self.cond:
            self.live[bid] = threading.get_ident()
            heapq.heappush(self.heap, (time.monotonic() + seconds, bid))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="stepforge-math-budget", daemon=True)
                self.thread.start()
            self.cond.notify()

    def disarm(self, bid: int) -> None:
        with self.cond:
            tid = self.live.pop(bid, None)
            if tid is not None and tid in self.fired:  # an exception set but maybe not yet raised: none reaches
                self.fired.discard(tid)  # code after the block
                _clear_async(tid)

    def _run(self) -> None:
        with self.cond:
            while True:
                while self.heap and self.heap[0][1] not in self.live:
                    heapq.heappop(self.heap)
                if not self.heap:
                    self.cond.wait()
                    continue
                due, bid = self.heap[0]
                now = time.monotonic()
                if due > now:
                    self.cond.wait(due - now)
                    continue
                heapq.heappop(self.heap)
                self.fired.add(self.live[bid])
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.live[bid]), ctypes.py_object(OutOfTime))
                heapq.heappush(self.heap, (now + _REFIRE_S, bid))


class _Cleared(BaseException):
    """Set in place of a pending OutOfTime and raised at once where it is caught: how a thread's asynchronous
    exception is cleared."""


def _no_op() -> None:
    pass


def _clear_async(tid: int) -> None:
    """Clear the asynchronous exception set for thread ``tid`` and not yet raised. ``PyThreadState_SetAsyncExc(tid,
    NULL)`` clears it but leaves the interpreter's pending-async-exception flag set (CPython 3.11: only raising one
    resets it), and with the flag stuck a frame entered under ``sys.settrace`` spins forever at its first
    instruction: every traced call hangs afterwards (hypothesis traces a test once it has failed, coverage and
    debuggers always). So in the checking thread itself one exception is set in its place and raised here."""
    if tid == threading.get_ident():
        try:  # raised as soon as the setting call returns, or at a later call's entry
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(_Cleared))
            for _ in range(8):
                _no_op()
        except _Cleared:
            return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)


_WATCHDOG = _Watchdog()


class _Alarm:
    """The main thread's budgets: one SIGALRM timer set for the nearest of their deadlines, and re-set every half
    second past it until that budget's block is left. Budgets open inside others each hold (a single timer for the
    outermost alone let a row's budget switch off every segment's own); the one that rings is the nearest due, and
    the blocks tell whose it is by their own clocks (``steps._enclosing``, ``answer.judge``)."""

    def __init__(self) -> None:
        self.open: dict[int, float] = {}  # budget id -> deadline (time.monotonic)
        self.old: Any = None
        self.installed = False

    def enter(self, bid: int, seconds: float) -> bool:
        if not _HAS_ITIMER:
            return False
        if not self.installed:
            if _sig.getitimer(_sig.ITIMER_REAL)[0] != 0:  # someone else's timer: never over it
                return False
            self.old = _sig.signal(_sig.SIGALRM, self._ring)
            self.installed = True
        self.open[bid] = time.monotonic() + seconds
        self._set()
        return True

    def leave(self, bid: int) -> None:
        """Leave a budget (again, harmlessly: also after an interruption part way through the last leave)."""
        self.open.pop(bid, None)  # first: a ring from here on sees this budget gone
        if self.open:
            self._set()
        elif self.installed:
            _sig.setitimer(_sig.ITIMER_REAL, 0)
            _sig.signal(_sig.SIGALRM, self.old if self.old is not None else _sig.SIG_DFL)
            self.installed, self.old = False, None

    def _set(self) -> None:
        due = min(self.open.values()) - time.monotonic()
        _sig.setitimer(_sig.ITIMER_REAL, max(due, 1e-4), _REFIRE_S)

    def _ring(self, signum: int, frame: Any) -> None:
        # a ring for a budget just left (the timer fired while leaving) is not anyone's: only a due budget raises
        if self.open and min(self.open.values()) <= time.monotonic() + 1e-3:
            raise OutOfTime


_ALARM = _Alarm()


class Budget:
    """``with Budget(seconds):`` raises OutOfTime inside the block once ``seconds`` have passed (0: no budget)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.main = -1
        self.bid: int | None = None

    def __enter__(self) -> Budget:
        if self.seconds <= 0:
            return self
        if threading.current_thread() is threading.main_thread():
            self.main = next(_WATCHDOG.ids)  # known before it is armed, as below
            try:
                self.armed = _ALARM.enter(self.main, self.seconds)
                return self
            except BaseException:
                _ALARM.leave(self.main)
                raise
        self.bid = next(_WATCHDOG.ids)  # known before it is armed: an enclosing budget's OutOfTime while arming
        try:  # (no __exit__ then) must not leave it armed
            _WATCHDOG.arm(self.bid, self.seconds)
            return self
        except BaseException:
            self._disarm()
            raise

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            try:
                _ALARM.leave(self.main)
            except OutOfTime:  # an enclosing budget rang while leaving: left all the same, and it is due
                _ALARM.leave(self.main)
                raise
            finally:
                self.armed = False
        self._disarm()

    def _disarm(self) -> None:
        bid = self.bid
        if bid is None:
            return
        try:
            _WATCHDOG.disarm(bid)
        except OutOfTime:  # raised while leaving: disarm again (the next one is half a second away)
            _WATCHDOG.disarm(bid)
        self.bid = None
