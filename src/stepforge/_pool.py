"""A pool of worker processes with a hard wall-clock limit per call.

Signal alarms cannot interrupt C-level work (sympy's big-integer arithmetic) and only work in the
main thread, so every call that may spin runs in a worker process that is SIGKILLed and replaced
when its deadline passes. Callable from any thread; results keep the caller's order in ``map``.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import multiprocessing.spawn  # noqa: F401 - patched below
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

_CTX = mp.get_context("forkserver")
_START_TIMEOUT = 120.0  # seconds a new worker may take to start and import its preload list

# Workers run only stepforge's own functions, so they never need the caller's ``__main__``. multiprocessing would
# re-import it in every worker (and, by default, in the forkserver): a plain script without an
# ``if __name__ == "__main__"`` guard would then run again in each worker. The forkserver preloads no ``__main__``,
# and our workers' preparation data leaves it out (only for processes started here, flagged per thread).
_CTX.set_forkserver_preload([])
_starting = threading.local()
_prepare = mp.spawn.get_preparation_data


def _preparation_without_main(name: str) -> dict[str, Any]:
    data = _prepare(name)
    if getattr(_starting, "ours", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


mp.spawn.get_preparation_data = _preparation_without_main


def _export_package_root() -> None:
    """Workers import this very stepforge: Python 3.11's forkserver ignores the parent's sys.path, so a
    checkout run from its own ``src/`` (tests, worktrees) would otherwise get whichever stepforge is installed."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    current = os.environ.get("PYTHONPATH", "")
    if root not in current.split(os.pathsep):
        os.environ["PYTHONPATH"] = root + (os.pathsep + current if current else "")


_export_package_root()


_PRELOAD: list[str] = []
_PRELOAD_LOCK = threading.Lock()


def register_preload(*modules: str) -> None:
    """Modules the forkserver imports once, before it forks any worker (lists from every pool add up).

    Effective when called before the first worker of the process starts; later, workers still import
    their pool's list themselves before they report ready, outside any call's deadline."""
    with _PRELOAD_LOCK:
        for name in modules:
            if name not in _PRELOAD:
                _PRELOAD.append(name)
        _CTX.set_forkserver_preload(list(_PRELOAD))


@dataclass(frozen=True)
class CallResult:
    """``status`` is ok, error (the function raised), timeout (killed at the deadline) or crashed."""

    status: str
    value: Any = None
    error: str = ""
    seconds: float = 0.0


_IN_WORKER = False


def in_worker() -> bool:
    """True inside a pool's worker process: work here is already under a hard deadline (no nested pools)."""
    return _IN_WORKER


def _worker_main(conn: Any, memory_mb: int | None, preload: tuple[str, ...] = ()) -> None:
    global _IN_WORKER
    _IN_WORKER = True
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import importlib

    for name in preload:  # the forkserver may predate this pool's preload list: import here, before "ready"
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a failed preload only costs speed
            pass
    conn.send(("ready", None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args = msg
        try:
            out: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            out = ("error", "MemoryError")
        except BaseException as exc:  # the caller gets the error as data, the worker lives on
            out = ("error", f"{type(exc).__name__}: {exc}"[:2000])
        try:
            conn.send(out)
        except Exception as exc:  # unpicklable result
            conn.send(("error", f"result not transferable: {type(exc).__name__}: {exc}"[:2000]))


class _Worker:
    def __init__(self, memory_mb: int | None, preload: tuple[str, ...] = ()) -> None:
        parent, child = _CTX.Pipe()
        self.conn = parent
        self.ready = False
        self.proc = _CTX.Process(target=_worker_main, args=(child, memory_mb, preload), daemon=True)
        _starting.ours = True
        try:
            self.proc.start()
        finally:
            _starting.ours = False
        child.close()

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> bool:
        """Start-up (imports) is not part of any call's deadline: wait for the worker's hello first."""
        if not self.ready:
            if not self.conn.poll(timeout):
                return False
            self.conn.recv()
            self.ready = True
        return True

    def kill(self) -> None:
        try:
            if self.proc.pid is not None:
                os.kill(self.proc.pid, 9)
        except ProcessLookupError:
            pass
        self.proc.join(timeout=5)
        self.conn.close()


class DeadlinePool:
    """``workers`` long-lived processes; ``call`` runs one function with a hard deadline."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        memory_mb: int | None = None,
        preload: Sequence[str] = (),
    ) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self._memory_mb = memory_mb
        self._preload = tuple(preload)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0
        self._closed = False
        if self._preload:
            register_preload(*self._preload)

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("pool is closed")
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                if self._started < self.size:
                    self._started += 1
                    return _Worker(self._memory_mb, self._preload)
        while True:  # wait for a worker, but never past close(): a caller blocked here would hang the exit
            try:
                return self._idle.get(timeout=0.2)
            except queue.Empty:
                if self._closed:
                    raise RuntimeError("pool is closed") from None

    def _release(self, worker: _Worker, dead: bool = False) -> None:
        """Return a worker to the pool; a dead (killed) one is replaced so that waiters never starve."""
        if dead:
            worker.kill()
        with self._lock:
            if self._closed:
                if not dead:
                    worker.kill()
                return
            if dead:
                worker = _Worker(self._memory_mb, self._preload)
        self._idle.put(worker)

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> CallResult:
        """Run ``fn(*args)`` in a worker; kill and replace the worker if ``timeout`` seconds pass."""
        worker = self._acquire()
        try:
            started = worker.wait_ready()
        except (EOFError, OSError):
            started = False
        if not started:
            self._release(worker, dead=True)
            return CallResult("crashed", error="worker did not start")
        start = time.perf_counter()
        try:
            worker.conn.send((fn, args))
            if worker.conn.poll(timeout):
                status, value = worker.conn.recv()
                secs = time.perf_counter() - start
                self._release(worker)
                if status == "ok":
                    return CallResult("ok", value, seconds=secs)
                return CallResult("error", error=value, seconds=secs)
            self._release(worker, dead=True)
            return CallResult("timeout", error=f"killed after {timeout:g}s", seconds=time.perf_counter() - start)
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._release(worker, dead=True)
            return CallResult("crashed", error=f"worker died: {type(exc).__name__}", seconds=time.perf_counter() - start)

    def map(self, fn: Callable[..., Any], items: Iterable[tuple[Any, ...]], timeout: float) -> list[CallResult]:
        """``call`` over many argument tuples in parallel, results in input order."""
        items = list(items)
        if not items:
            return []
        with ThreadPoolExecutor(max_workers=min(self.size, len(items))) as ex:
            return list(ex.map(lambda a: self.call(fn, a, timeout), items))

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.kill()

    def __enter__(self) -> DeadlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: dict[str, DeadlinePool] = {}
_shared_lock = threading.Lock()


def shared_pool(name: str, workers: int | None = None, **kwargs: Any) -> DeadlinePool:
    """A process-wide pool by name, made on first use and closed at exit."""
    with _shared_lock:
        pool = _shared.get(name)
        if pool is None:
            pool = _shared[name] = DeadlinePool(workers, **kwargs)
        return pool


@atexit.register
def _close_all() -> None:
    for pool in list(_shared.values()):
        pool.close()
