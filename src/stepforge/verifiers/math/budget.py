"""A time budget for in-process checking that also holds in threads, where no alarm can be set.

In the main thread a SIGALRM interrupts (never over someone else's timer). In any other thread one shared watchdog
thread raises ``OutOfTime`` in the checking thread at its deadline, as an asynchronous exception, and again every
half second until the budget's block is left (sympy swallows exceptions in places). Either way the interruption
lands between two Python bytecodes: a single C call holding the GIL (an exact big-integer power) is not stopped,
which is why the verifier sizes such values before computing them (``points``, ``symbolic.pow_guard``).
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import signal as _signal_mod
import threading
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
        self.ids = itertools.count()
        self.thread: threading.Thread | None = None

    def arm(self, bid: int, seconds: float) -> None:
        import time

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
            if tid is not None:  # clear an exception set but not yet raised: none reaches code after the block
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)

    def _run(self) -> None:
        import time

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
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.live[bid]), ctypes.py_object(OutOfTime))
                heapq.heappush(self.heap, (now + _REFIRE_S, bid))


_WATCHDOG = _Watchdog()


def _ring(signum: int, frame: Any) -> None:
    raise OutOfTime


class Budget:
    """``with Budget(seconds):`` raises OutOfTime inside the block once ``seconds`` have passed (0: no budget)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.bid: int | None = None

    def __enter__(self) -> Budget:
        if self.seconds <= 0:
            return self
        if threading.current_thread() is threading.main_thread():
            if _HAS_ITIMER and _sig.getitimer(_sig.ITIMER_REAL)[0] == 0:  # never over another's
                self.old = _sig.signal(_sig.SIGALRM, _ring)
                _sig.setitimer(_sig.ITIMER_REAL, self.seconds)
                self.armed = True
            return self
        self.bid = next(_WATCHDOG.ids)  # known before it is armed: an enclosing budget's OutOfTime while arming
        try:  # (no __exit__ then) must not leave it armed
            _WATCHDOG.arm(self.bid, self.seconds)
            return self
        except BaseException:
            self._disarm()
            raise

    _ring = staticmethod(_ring)

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            _sig.setitimer(_sig.ITIMER_REAL, 0)
            _sig.signal(_sig.SIGALRM, self.old)
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
