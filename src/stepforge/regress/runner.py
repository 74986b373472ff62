"""Running a suite against a verifier: worker processes, a hard wall-clock limit per call, a thread phase.

Each worker is a ``python -m stepforge.regress._child`` process in its own process group, holding the loaded
verifier. A call that passes its deadline gets the whole group SIGKILLed (the verifier's own children too) and
the worker replaced; start-up (imports) is outside every deadline. No signal is used in the verifier's process.
"""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from stepforge.errors import UserError
from stepforge.regress.cases import Case

_START_S = 180.0


class Worker:
    """One worker process; ``call`` sends a message and waits at most ``timeout`` seconds for the answer."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.proc: subprocess.Popen[bytes] | None = None
        self._buf = b""
        self._n = 0
        self._err = tempfile.TemporaryFile()

    def _start(self) -> None:
        env = dict(os.environ)
        env["STEPFORGE_REGRESS_PATH"] = json.dumps([os.getcwd(), *sys.path])
        src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self._err.seek(0)
        self._err.truncate()
        self.proc = subprocess.Popen([sys.executable, "-m", "stepforge.regress._child", json.dumps(self.spec)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err,
                                     start_new_session=True, env=env)
        self._buf = b""
        hello = self._read(_START_S)
        if hello is None or not hello.get("ready"):
            err = (hello or {}).get("error") or self._stderr_tail() or "no answer"
            self.kill()
            raise UserError(f"the verifier could not be loaded: {err}")

    def _stderr_tail(self) -> str:
        try:
            self._err.seek(0)
            lines = self._err.read().decode(errors="replace").strip().splitlines()
            return lines[-1][:300] if lines else ""
        except OSError:
            return ""

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("worker exited")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def kill(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None

    def call(self, msg: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The answer, or ``{"outcome": "hang"|"crash", ...}`` (the worker is then replaced on next use)."""
        if self.proc is None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        self._n += 1
        msg = {**msg, "i": self._n}
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
            got = self._read(timeout)
        except (EOFError, BrokenPipeError, OSError, ValueError) as exc:
            tail = self._stderr_tail()
            self.kill()
            return {"outcome": "crash", "detail": f"worker died ({type(exc).__name__}) {tail}"[:300],
                    "seconds": time.perf_counter() - t0}
        if got is None:
            self.kill()
            return {"outcome": "hang", "detail": f"killed after {timeout:g}s", "seconds": time.perf_counter() - t0}
        if got.get("i") != self._n:
            self.kill()
            return {"outcome": "crash", "detail": "garbled answer on the worker channel",
                    "seconds": time.perf_counter() - t0}
        return got.get("r") if "r" in got else {"rs": got.get("rs")}

    def close(self) -> None:
        self.kill()
        self._err.close()


def _payload(c: Case) -> dict[str, Any]:
    return c.model_dump(include={"id", "domain", "gold", "pred", "prompt", "policy", "steps", "context"})


def run_cases(spec: dict[str, Any], cases: list[Case], *, workers: int = 2, timeout: float = 10.0,
              progress: Any = None) -> list[dict[str, Any]]:
    """One result per case, in order, each call under ``timeout``, ``workers`` processes in parallel."""
    results: list[dict[str, Any] | None] = [None] * len(cases)
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(cases)):
        todo.put(i)
    first_error: list[BaseException] = []

    def loop() -> None:
        w = Worker(spec)
        try:
            while not first_error:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                results[i] = w.call({"case": _payload(cases[i])}, timeout)
                if progress is not None:
                    progress(1)
        except BaseException as exc:  # noqa: BLE001 - a verifier that cannot load stops the run
            first_error.append(exc)
        finally:
            w.close()

    n = max(1, min(workers, len(cases)))
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if first_error:
        raise first_error[0]
    return results  # type: ignore[return-value]


def thread_phase(spec: dict[str, Any], cases: list[Case], *, threads: int, timeout: float) -> dict[str, Any]:
    """The same cases from ``threads`` threads of one worker process at once; the whole phase is bounded."""
    w = Worker(spec)
    try:
        budget = max(60.0, timeout * len(cases) / max(1, threads) * 2)
        t0 = time.perf_counter()
        got = w.call({"threads": threads, "cases": [_payload(c) for c in cases]}, budget)
        if "rs" not in got:
            return {"error": f"{got.get('outcome')}: {got.get('detail', '')}", "seconds": time.perf_counter() - t0}
        return {"results": got["rs"], "seconds": time.perf_counter() - t0}
    finally:
        w.close()


class _ActorCases:
    """Inside a Ray actor (``--executor ray``): one warm worker process, given a batch of cases at a time."""

    def __init__(self, spec: dict[str, Any], timeout: float) -> None:
        self.timeout = timeout
        self.worker = Worker(spec)
        self.worker._start()  # the verifier loads once, before the first batch (a load failure is one line)

    def __call__(self, cases: list[Case]) -> list[dict[str, Any]]:
        return [self.worker.call({"case": _payload(c)}, self.timeout) for c in cases]

    def close(self) -> None:
        self.worker.close()


def run_cases_ray(spec: dict[str, Any], cases: list[Case], *, address: str | None, timeout: float = 10.0,
                  progress: Any = None, batch: int = 8) -> tuple[list[dict[str, Any]], int]:
    """``run_cases`` on a Ray cluster: a worker process per CPU of every node, batches of cases in order; a lost
    node's batches are run again elsewhere. Returns the results and the number of actors."""
    import functools

    from stepforge._ray import RayMap

    results: list[dict[str, Any]] = []
    with RayMap(address, functools.partial(_ActorCases, spec, timeout), what="regress") as m:
        for got in m.map(cases[i:i + batch] for i in range(0, len(cases), batch)):
            results.extend(got)
            if progress is not None:
                progress(len(got))
        return results, len(m.actors)
