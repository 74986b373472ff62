"""The default backend: a warm, namespaced zygote per slot that forks one child per candidate.

Levels (strongest available is used, and named in every result): ``bwrap`` (bubblewrap: all namespaces,
no network, read-only system, tmpfs work folders), ``unshare`` (util-linux, as root: net/pid/ipc/uts/mount
namespaces), ``process`` (dedicated uid + rlimits only). Each slot runs under its own uid when we are root,
so RLIMIT_NPROC bounds a fork bomb to that slot. The wall-clock deadline is enforced twice: by the
zygote (SIGKILL of the child's session, then of every process of the sandbox) and by the parent, which
kills the whole slot (its pid namespace) if the zygote does not answer in time.
"""

from __future__ import annotations

import collections
import os
import pickle
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import json
from pathlib import Path
from typing import Any

from stepforge.sandbox.base import RunReport
from stepforge.sandbox.limits import Limits
from stepforge.sandbox.runtime import driver_dir, runtime, world_reachable

_LEVELS = ("bwrap", "unshare", "process")
_RECYCLE_AFTER = 2000
_PIPELINE_MAX = 48 * 1024  # below the 64 KiB pipe buffer
_probe_lock = threading.Lock()
_instances = iter(range(1 << 30))


def uid_range(pid: int | None = None) -> range:
    """The dedicated uids the local backends of process ``pid`` may use (64 per backend, 64 backends)."""
    start = 200_000 + ((os.getpid() if pid is None else pid) % 50_000) * 4096
    return range(start, start + 4096)

_probed: dict[tuple[str, int], str] = {}


def _site_packages() -> str:
    import pytest  # pytest-file mode needs pytest inside the sandbox (read-only)

    path = str(Path(pytest.__file__).resolve().parent.parent)
    if not world_reachable(path):
        raise ImportError("pytest is not readable by the sandbox uid")
    return path


class _Slot:
    def __init__(self, backend: LocalBackend, index: int) -> None:
        self.backend = backend
        self.index = index
        self.proc: subprocess.Popen[bytes] | None = None
        self.buf = b""
        self.jobs = 0
        self.workdir: str | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        cmd, fds, user, workdir = self.backend._command(self.index)
        self.workdir = workdir
        kwargs: dict[str, Any] = {}
        if user is not None:
            kwargs.update(user=user, group=user, extra_groups=[])
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            pass_fds=fds,
            start_new_session=True,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **self.backend._env},
            close_fds=True,
            **kwargs,
        )
        self.buf = b""
        self.jobs = 0
        hello = self._read_line(time.monotonic() + 20, 4096)
        if hello is None:
            self.kill()
            raise RuntimeError(f"sandbox slot did not start ({self.backend.level})")
        info = json.loads(hello)
        if not isinstance(info, dict) or info.get("hello") != 1:
            self.kill()
            raise RuntimeError("sandbox slot sent a bad greeting")

    def kill(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.kill()
            except OSError:
                pass
            for f in (self.proc.stdin, self.proc.stdout):
                try:
                    if f:
                        f.close()
                except OSError:
                    pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- io -----------------------------------------------------------------------------------------
    def _read_line(self, deadline: float, cap: int) -> bytes | None:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            if len(self.buf) > cap:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line

    def run(self, job: dict[str, Any], limits: Limits) -> RunReport:
        report, unclean = self._run_once(job, limits)
        if unclean:  # an earlier job's processes could not be killed: fresh slot, same job, once
            self.kill()
            report, _ = self._run_once(job, limits)
        return report

    def _run_once(self, job: dict[str, Any], limits: Limits) -> tuple[RunReport, bool]:
        if not self.send(job, limits):
            return RunReport(self.backend.level, infra_error="sandbox slot died"), False
        return self.receive(limits)

    @staticmethod
    def body(job: dict[str, Any], limits: Limits) -> bytes:
        return pickle.dumps(dict(job, limits=limits.as_job()), protocol=5)

    def send(self, job: dict[str, Any], limits: Limits, body: bytes | None = None) -> bool:
        """Queue one job on the zygote (it runs jobs one after another, in order)."""
        if self.proc is None or self.proc.poll() is not None or self.jobs >= _RECYCLE_AFTER:
            self.kill()
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        if body is None:
            body = self.body(job, limits)
        try:
            self.proc.stdin.write(len(body).to_bytes(4, "big") + body)
            self.proc.stdin.flush()
        except OSError:
            self.kill()
            return False
        self.jobs += 1
        return True

    def receive(self, limits: Limits) -> tuple[RunReport, bool]:
        """The report of the oldest queued job: (report, unclean). A slot that does not answer within
        the job's deadline is killed (pid namespace and all); queued jobs behind it are lost."""
        t0 = time.monotonic()
        if self.proc is None:
            return RunReport(self.backend.level, infra_error="sandbox slot died"), False
        line = self._read_line(t0 + limits.wall_s + 3.0, limits.channel_kb * 1024 * 2 + (1 << 16))
        wall = time.monotonic() - t0
        if line is None:
            rc = self.proc.poll()
            self.kill()
            why = "slot exited" if rc is not None else ("deadline" if wall >= limits.wall_s else "flood")
            return RunReport(self.backend.level, timeout=wall >= limits.wall_s, seconds=wall,
                             infra_error=f"no report from the sandbox ({why}, rc={rc}); slot killed",
                             clean=True), False
        try:
            rep = json.loads(line)
        except (ValueError, RecursionError):
            rep = None
        report = RunReport.from_driver(self.backend.level, rep, wall)
        if isinstance(rep, dict) and type(rep.get("seconds")) is float:
            report.seconds = min(wall, rep["seconds"]) if wall > 0 else rep["seconds"]
        if report.infra_error or not report.clean:
            self.kill()
        return report, isinstance(rep, dict) and rep.get("unclean") is True


class LocalBackend:
    """Namespaced warm workers, one per slot (default: one per core); ``run`` is thread-safe."""

    name = "local"

    def __init__(self, slots: int | None = None, *, level: str = "auto", limits: Limits | None = None) -> None:
        # One slot per core by default: jobs are queued ahead on each zygote, so a slot never waits on
        # us, and more zygotes than cores only add switching (measured: 2 slots 280/s, 4 slots 225/s).
        self.slots = min(64, max(1, slots or (os.cpu_count() or 1)))  # 64 dedicated uids per backend
        self.default_limits = limits or Limits()
        self.level = self._choose_level(level)
        self._py, self._prefix, self._env = runtime()
        self._driver = driver_dir()
        self._root = os.geteuid() == 0
        self._idle: queue.LifoQueue[_Slot] = queue.LifoQueue()
        for i in range(self.slots):
            self._idle.put(_Slot(self, i))
        self._fds: dict[str, int] = {}
        self._closed = False
        self._uid_base = uid_range().start + (next(_instances) % 63 + 1) * 64

    @property
    def isolation(self) -> str:
        return self.level

    # -- command construction -------------------------------------------------------------------------
    def _fd(self, path: str) -> int:
        if path not in self._fds:
            self._fds[path] = os.open(path, os.O_PATH | os.O_CLOEXEC)
        return self._fds[path]

    def _nproc(self, limits: Limits) -> int:
        if self._root:
            return limits.processes
        # Not root: the limit counts every process of our own uid, so leave room for the ones running.
        uid = os.getuid()
        mine = 0
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    if os.stat(f"/proc/{p}").st_uid == uid:
                        mine += 1
                except OSError:
                    pass
        return mine + limits.processes

    def _command(self, index: int) -> tuple[list[str], list[int], int | None, str | None]:
        lim = self.default_limits
        user = (self._uid_base + index) if self._root else None
        nproc = str(self._nproc(lim))
        size = str(lim.disk_mb * 1024 * 1024)
        py = self._py
        if self.level == "bwrap":
            fds: list[int] = []
            # No --die-with-parent: its PDEATHSIG fires when the *thread* that spawned the slot exits.
            # A dead parent closes the zygote's stdin instead, and the zygote then exits (taking the
            # pid namespace with it) after at most one job's deadline.
            cmd = ["bwrap", "--unshare-all", "--new-session", "--cap-drop", "ALL",
                   "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/work",
                   "--setenv", "LANG", "C.UTF-8", "--hostname", "sandbox",
                   "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/bin", "/bin",
                   "--symlink", "usr/sbin", "/sbin"]
            if os.path.isdir("/usr/lib64"):
                cmd += ["--symlink", "usr/lib64", "/lib64"]
            for k, v in self._env.items():
                cmd += ["--setenv", k, v]
            if not self._prefix.startswith("/usr/"):
                cmd += ["--ro-bind", self._prefix, self._prefix]
            cmd += ["--ro-bind", self._driver, "/opt/stepforge"]
            try:
                cmd += ["--ro-bind", _site_packages(), "/opt/site"]
            except ImportError:
                pass
            cmd += ["--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm",
                    "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", "/work", "--chdir", "/work",
                    py, "-I", "-S", "-B", "/opt/stepforge/_driver.py", "zygote", nproc, "/work", "/tmp,/dev/shm", "all"]
            return cmd, fds, user, None
        workdir = tempfile.mkdtemp(prefix="stepforge-slot-")
        if user is not None:
            os.chown(workdir, user, user)
        os.chmod(workdir, 0o700)
        driver = os.path.join(self._driver, "_driver.py")
        tail = [py, "-I", "-S", "-B", driver, "zygote", nproc, workdir, "", "all" if user is not None else "pg"]
        if self.level == "unshare":
            cmd = ["unshare", "--net", "--pid", "--ipc", "--uts", "--mount", "--mount-proc", "--fork",
                   "--kill-child"]
            if user is not None:
                cmd += ["--setuid", str(user), "--setgid", str(user)]
            return cmd + tail, [], None, workdir
        return tail, [], user, workdir

    def _choose_level(self, wanted: str) -> str:
        if wanted != "auto":
            if wanted not in _LEVELS:
                raise ValueError(f"unknown isolation level {wanted!r} (known: {', '.join(_LEVELS)})")
            return wanted
        key = ("auto", os.geteuid())
        with _probe_lock:
            if key not in _probed:
                _probed[key] = self._probe()
            return _probed[key]

    def _probe(self) -> str:
        """The strongest level that really starts here (a test slot must greet us)."""
        candidates = []
        if shutil.which("bwrap"):
            candidates.append("bwrap")
        if os.geteuid() == 0 and shutil.which("unshare"):
            candidates.append("unshare")
        for level in candidates:
            self.level = level
            self._py, self._prefix, self._env = runtime()
            self._driver = driver_dir()
            self._root = os.geteuid() == 0
            self._fds = {}
            self._uid_base = uid_range().start
            slot = _Slot(self, 63)
            try:
                slot.start()
                return level
            except Exception:
                continue
            finally:
                slot.kill()
                for fd in self._fds.values():
                    os.close(fd)
                self._fds = {}
        return "process"

    # -- running -------------------------------------------------------------------------------------
    def run(self, job: dict[str, Any], limits: Limits | None = None) -> RunReport:
        """Run one job (source + test inputs) in a free slot; blocks while every slot is busy."""
        if self._closed:
            raise RuntimeError("backend is closed")
        slot = self._idle.get()
        try:
            try:
                return slot.run(job, limits or self.default_limits)
            except Exception as exc:  # the infrastructure failed, never the verdict's business
                slot.kill()
                return RunReport(self.level, infra_error=f"{type(exc).__name__}: {exc}"[:300])
        finally:
            self._idle.put(slot)

    def run_many(self, jobs: list[tuple[dict[str, Any], Limits]], window: int = 2) -> list[RunReport]:
        """Run many jobs over every slot, keeping ``window`` jobs queued per zygote so that no slot
        waits on this process between candidates. Reports in input order."""
        n = len(jobs)
        results: list[RunReport | None] = [None] * n
        todo: collections.deque[tuple[int, int]] = collections.deque((i, 0) for i in range(n))
        lock = threading.Lock()

        def take() -> tuple[int, int] | None:
            with lock:
                return todo.popleft() if todo else None

        def requeue(items: list[tuple[int, int]]) -> None:
            with lock:
                todo.extendleft(reversed(items))

        def worker(slot: _Slot) -> None:
            inflight: collections.deque[tuple[int, int]] = collections.deque()
            try:
                while True:
                    while len(inflight) < window:
                        item = take()
                        if item is None:
                            break
                        i, tries = item
                        body = _Slot.body(*jobs[i])
                        if inflight and len(body) > _PIPELINE_MAX:
                            # A queued job must fit the pipe: the zygote may be writing a big report
                            # while we write, and neither side would read. Big jobs go one at a time.
                            requeue([item])
                            break
                        if slot.send(*jobs[i], body=body):
                            inflight.append(item)
                        elif tries < 1:
                            requeue([(i, tries + 1)])
                        else:
                            results[i] = RunReport(self.level, infra_error="sandbox slot died")
                    if not inflight:
                        return
                    i, tries = inflight.popleft()
                    report, unclean = slot.receive(jobs[i][1])
                    if unclean and tries < 1:
                        requeue([(i, tries + 1)])
                    else:
                        results[i] = report
                    if slot.proc is None and inflight:  # the slot was killed: its queue is gone
                        requeue(list(inflight))
                        inflight.clear()
            except Exception as exc:
                slot.kill()
                for i, _ in inflight:
                    results[i] = RunReport(self.level, infra_error=f"{type(exc).__name__}: {exc}"[:300])

        if self._closed:
            raise RuntimeError("backend is closed")
        slots = [self._idle.get()]
        while len(slots) < min(self.slots, n):
            try:
                slots.append(self._idle.get_nowait())
            except queue.Empty:
                break
        try:
            while todo:  # jobs requeued by a worker after the others had finished get another round
                threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in slots]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
        finally:
            for s in slots:
                self._idle.put(s)
        return [r if r is not None else RunReport(self.level, infra_error="not run") for r in results]

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                slot = self._idle.get_nowait()
            except queue.Empty:
                break
            slot.kill()
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = {}

    def __enter__(self) -> LocalBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
