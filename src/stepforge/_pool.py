"""A pool of worker processes with a hard wall-clock limit per call.

Signal alarms cannot interrupt C-level work (sympy's big-integer arithmetic) and only work in the
main thread, so every call that may spin runs in a worker process that is SIGKILLed and replaced
when its deadline passes. Callable from any thread; results keep the caller's order in ``map``.

Workers are started with ``subprocess`` running ``python -c`` on this module, never through
multiprocessing's spawn or forkserver: those re-run the caller's ``__main__`` in every worker, which
breaks a plain script without an ``if __name__ == "__main__"`` guard, a script piped to ``python -`` and
some notebooks. A worker imports only this package and the pool's preload modules; the functions it runs
travel by reference, so they must live in an importable module (not in ``__main__``). A worker that
cannot start raises :class:`WorkerStartError` with its own error output: an infrastructure failure is
an error, never a result.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

_START_TIMEOUT = 120.0  # seconds a new worker may take to start and import its preload list
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class WorkerStartError(RuntimeError):
    """A worker process could not be started (or died before it was ready)."""


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


def _worker_entry() -> None:
    """``python -c`` entry point of a worker: argv holds the socket fd, memory cap and preload list."""
    global _IN_WORKER
    _IN_WORKER = True
    fd, memory_mb, preload = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    paths = json.loads(os.environ.pop("STEPFORGE_POOL_SYS_PATH", "[]"))
    sys.path[:] = [p for p in dict.fromkeys([*paths, *sys.path]) if p != ""]  # the caller's module search path
    conn = Connection(fd)
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import importlib

    for name in preload:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a failed preload only costs speed; say so on stderr
            print(f"stepforge worker: preload {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        except Exception as exc:  # noqa: BLE001 - a message that does not unpickle here
            conn.send(("error", f"cannot receive the call: {type(exc).__name__}: {exc}"[:2000], 0.0))
            continue
        if msg is None:
            return
        fn, args = msg
        start = time.perf_counter()
        try:
            out: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            out = ("error", "MemoryError")
        except BaseException as exc:  # the caller gets the error as data, the worker lives on
            out = ("error", f"{type(exc).__name__}: {exc}"[:2000])
        ran = time.perf_counter() - start  # the call's own time: the caller holds it to the deadline
        try:
            conn.send((*out, ran))
        except Exception as exc:  # unpicklable result
            conn.send(("error", f"result not transferable: {type(exc).__name__}: {exc}"[:2000], ran))


def _env() -> dict[str, str]:
    """Workers import this very stepforge (a checkout run from its own ``src/``, a worktree)."""
    env = dict(os.environ)
    current = env.get("PYTHONPATH", "")
    if _ROOT not in current.split(os.pathsep):
        env["PYTHONPATH"] = _ROOT + (os.pathsep + current if current else "")
    env["STEPFORGE_POOL_SYS_PATH"] = json.dumps([_ROOT, *[p for p in sys.path if isinstance(p, str) and p]])
    return env


class _Worker:
    def __init__(self, memory_mb: int | None, preload: tuple[str, ...] = ()) -> None:
        exe = sys.executable
        if not exe:
            raise WorkerStartError("no Python executable to start a worker with (sys.executable is empty)")
        ours, theirs = socket.socketpair()
        self.errors = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                [exe, "-c", "from stepforge._pool import _worker_entry; _worker_entry()",
                 str(theirs.fileno()), str(memory_mb or 0), json.dumps(list(preload))],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self.errors, env=_env(), close_fds=True,
            )
        except OSError as exc:
            ours.close()
            theirs.close()
            raise WorkerStartError(f"cannot start a worker process: {exc}") from None
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def error_output(self) -> str:
        try:
            self.errors.seek(0)
            text = self.errors.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return text[-2000:]

    def wait_ready(self, timeout: float = _START_TIMEOUT) -> None:
        """Start-up (imports) is not part of any call's deadline: wait for the worker's hello first."""
        if self.ready:
            return
        try:
            if not self.conn.poll(timeout):
                raise WorkerStartError(f"a worker process did not start within {timeout:g}s")
            tag, _ = self.conn.recv()
        except (EOFError, OSError):
            self.proc.wait(timeout=5)
            out = self.error_output()
            raise WorkerStartError(
                f"a worker process exited before it was ready (exit code {self.proc.returncode})"
                + (f": {out}" if out else "")
            ) from None
        if tag != "ready":
            raise WorkerStartError(f"unexpected hello from a worker: {tag!r}")
        self.ready = True

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
            pass
        self.conn.close()
        self.errors.close()


class DeadlinePool:
    """``workers`` long-lived processes, started on first use; ``call`` runs one function with a hard deadline."""

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

    def _acquire(self) -> _Worker:
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("pool is closed")
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    if self._started < self.size:
                        self._started += 1
                        try:
                            return _Worker(self._memory_mb, self._preload)
                        except BaseException:
                            self._started -= 1
                            raise
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue  # a slot may have been freed by a worker that could not be replaced

    def prestart(self) -> None:
        """Launch the missing workers now without waiting for them: they boot while the caller keeps working."""
        with self._lock:
            while not self._closed and self._started < self.size:
                self._idle.put(_Worker(self._memory_mb, self._preload))
                self._started += 1

    def _release(self, worker: _Worker, dead: bool = False) -> None:
        """Return a worker to the pool; a dead (killed) one is replaced at once, booting in the background."""
        if dead:
            worker.kill()
        with self._lock:
            if self._closed:
                if not dead:
                    worker.kill()
                return
            if dead:
                try:
                    worker = _Worker(self._memory_mb, self._preload)
                except WorkerStartError:
                    self._started -= 1  # the next caller starts one and sees the error
                    return
        self._idle.put(worker)

    def _forget(self, worker: _Worker) -> None:
        """A worker that failed to start leaves the pool (its slot can be tried again)."""
        worker.kill()
        with self._lock:
            self._started -= 1

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> CallResult:
        """Run ``fn(*args)`` in a worker; kill and replace the worker if ``timeout`` seconds pass.

        Raises WorkerStartError when no worker can be started (never a result that looks like one)."""
        if getattr(fn, "__module__", None) == "__main__":
            raise TypeError(f"{getattr(fn, '__qualname__', fn)!r} is defined in __main__: a DeadlinePool runs "
                            "functions from importable modules only")
        worker = self._acquire()
        try:
            worker.wait_ready()
        except WorkerStartError:
            self._forget(worker)
            raise
        start = time.perf_counter()
        try:
            worker.conn.send((fn, args))
            if worker.conn.poll(timeout):
                status, value, ran = worker.conn.recv()
                secs = time.perf_counter() - start
                self._release(worker)
                if ran > timeout:
                    # finished, but past its deadline: a caller slow to look (a busy machine) must not turn a late
                    # call into a result, so the verdict does not depend on when this thread got to run
                    return CallResult("timeout", error=f"ran {ran:.3g}s, past its {timeout:g}s deadline", seconds=secs)
                if status == "ok":
                    return CallResult("ok", value, seconds=secs)
                return CallResult("error", error=value, seconds=secs)
            self._release(worker, dead=True)
            return CallResult("timeout", error=f"killed after {timeout:g}s", seconds=time.perf_counter() - start)
        except (EOFError, OSError, BrokenPipeError) as exc:
            detail = worker.error_output()
            self._release(worker, dead=True)
            return CallResult("crashed", error=f"worker died: {type(exc).__name__}" + (f": {detail}" if detail else ""),
                              seconds=time.perf_counter() - start)

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
    """A process-wide pool by name, made on first use (its workers on first call) and closed at exit."""
    with _shared_lock:
        pool = _shared.get(name)
        if pool is None:
            pool = _shared[name] = DeadlinePool(workers, **kwargs)
        return pool


@atexit.register
def _close_all() -> None:
    for pool in list(_shared.values()):
        pool.close()
