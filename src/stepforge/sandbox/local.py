"""The default backend: a warm forker (zygote) per slot that forks one child per candidate.

Levels (strongest available is used, and named in every result): ``bwrap`` (bubblewrap: all namespaces,
no network, read-only system and root), ``unshare`` (util-linux, as root: net/pid/ipc/uts/mount
namespaces), ``process`` (dedicated uid + rlimits only). A ``-rlimit`` suffix says that no cgroup
limits the slot (not root, or no memory/pids controller): memory is then bounded per process only.

Jobs never pass through the zygote. For each job this process makes three memfds (the job, the
candidate's output, its report) and sends them to the zygote with "fork now"; the child reads its
job and writes its records to the report file, which we read once it is dead. The zygote never reads
any of them, so no candidate inherits another's inputs or results. At the bwrap level each child is
init of its own pid namespace, without capabilities: it can neither signal nor trace the zygote
(which enforces its deadline) nor reach our channels, and when it ends everything it started ends with
it, before we return its verdict and before the next candidate starts.
"""

from __future__ import annotations

import collections
import json
import os
import pickle
import queue
import select
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from stepforge.sandbox.base import NO_CGROUP_SUFFIX, RunReport
from stepforge.sandbox.cgroup import CgroupTree, SlotCgroup, open_tree
from stepforge.sandbox.limits import Limits
from stepforge.sandbox.runtime import driver_dir, runtime, world_reachable

_LEVELS = ("bwrap", "unshare", "process")
_RECYCLE_AFTER = 20000
_GRACE_S = 3.0  # the zygote kills at the deadline; we give up on a slot that is silent this much later
_SLACK = 16 << 20  # cgroup memory beyond the zygote's own and the candidate's limit (kernel objects)
_SETUP_FAILED = 70
_END = "<Qiddb?"  # the zygote's word that a job's processes are all gone: seq, wait status, seconds,
_END_SIZE = struct.calcsize(_END)  # cpu seconds, why it was killed (1: deadline), its folders cleaned
_DEADLINE = 1
_SLOT_PROCESSES = 2  # in a slot's cgroup besides the candidate's: bwrap's monitor and the zygote
_DEVICES = ("null", "zero", "full", "random", "urandom")
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


class _Job:
    """A job handed to the zygote: what we keep to read its result."""

    __slots__ = ("seq", "limits", "out", "rep", "sent")

    def __init__(self, seq: int, limits: Limits, out: int, rep: int) -> None:
        self.seq, self.limits, self.out, self.rep = seq, limits, out, rep
        self.sent = time.monotonic()

    def close(self) -> None:
        for fd in (self.out, self.rep):
            try:
                os.close(fd)
            except OSError:
                pass


class _Slot:
    def __init__(self, backend: LocalBackend, index: int) -> None:
        self.backend = backend
        self.index = index
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctl: socket.socket | None = None
        self.cgroup: SlotCgroup | None = None
        self.inflight: collections.deque[_Job] = collections.deque()
        self.jobs = 0
        self.seq = 0
        self.last_end = 0.0
        self.base = 0
        self.ooms = 0
        self.workdir: str | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd, user, workdir = self.backend._command(self.index, theirs.fileno())
        self.workdir = workdir
        tree = self.backend._cgroups
        self.cgroup = tree.slot(self.index) if tree is not None else None
        kwargs: dict[str, Any] = {}
        joins: list[int] = []
        if self.cgroup is not None:
            self.cgroup.set_pids(self.backend.default_limits.processes + _SLOT_PROCESSES)
            joins = [os.open(p, os.O_WRONLY | os.O_CLOEXEC) for p in self.cgroup.procs_files()]
            kwargs["preexec_fn"] = _joiner(joins, user)  # as root: join the cgroup, then become the slot uid
        elif user is not None:
            kwargs.update(user=user, group=user, extra_groups=[])
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),), start_new_session=True, close_fds=True,
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **self.backend._env}, **kwargs)
        finally:
            theirs.close()
            for fd in joins:
                os.close(fd)
        self.ctl = ours
        self.jobs = self.seq = 0
        self.inflight.clear()
        msg = self._recv(time.monotonic() + 20)
        info = json.loads(msg[1:]) if msg and msg[:1] == b"H" else None
        if not isinstance(info, dict) or info.get("hello") != 1:
            self.kill()
            raise RuntimeError(f"sandbox slot did not start ({self.backend.level})")
        if self.backend.level == "bwrap" and not (info.get("ns") and info.get("seccomp")):
            self.kill()
            raise RuntimeError("sandbox slot cannot make per-candidate namespaces")
        if self.cgroup is not None:
            self.base = self.cgroup.usage()
            self.ooms = self.cgroup.oom_kills()
        self.last_end = time.monotonic()

    def kill(self) -> None:
        """End the slot: its zygote (init of the slot's pid namespace: all dies with it), its cgroup."""
        if self.proc is not None:
            for pid in _children(self.proc.pid) + [self.proc.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
        if self.ctl is not None:
            self.ctl.close()
            self.ctl = None
        if self.cgroup is not None:
            self.cgroup.kill()
        elif self.proc is not None and self.backend._root and self.backend.level != "bwrap":
            _kill_uid(self.backend._uid_base + self.index)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        while self.inflight:
            self.inflight.popleft().close()
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    # -- io -----------------------------------------------------------------------------------------
    def _recv(self, deadline: float) -> bytes | None:
        assert self.ctl is not None
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self.ctl], [], [], left)[0]:
            return None
        try:
            return self.ctl.recv(65536) or None
        except OSError:
            return None

    def run(self, job: dict[str, Any], limits: Limits) -> RunReport:
        if not self.send(job, limits):
            return RunReport(self.backend.isolation, infra_error="sandbox slot died")
        report, unclean = self.receive()
        if unclean:  # the slot could not be cleaned after the job: a fresh slot for the next one
            self.kill()
        return report

    def send(self, job: dict[str, Any], limits: Limits) -> bool:
        """Queue one job on the zygote (it runs jobs one after another, in order)."""
        if self.proc is None or self.proc.poll() is not None or self.jobs >= _RECYCLE_AFTER:
            if self.inflight:
                return False
            self.kill()
            self.start()
        assert self.ctl is not None
        body = _body(job, limits)
        if self.cgroup is not None:  # the limits of the jobs queued here (usually all the same)
            queued = [limits] + [j.limits for j in self.inflight]
            self.cgroup.set_memory(self.base + (max(q.memory_mb for q in queued) << 20) + _SLACK)
            self.cgroup.set_pids(max(q.processes for q in queued) + _SLOT_PROCESSES)
        # Three files of our own per job: the job, the candidate's output, its records. The child
        # writes its records to a file, not a pipe: we read them once it is dead, with no wake-up per
        # record, and nothing written after the deadline can be read (the deadline kills first).
        jobfd = os.memfd_create("stepforge-job", os.MFD_CLOEXEC)
        out = os.memfd_create("stepforge-out", os.MFD_CLOEXEC)
        rep = os.memfd_create("stepforge-report", os.MFD_CLOEXEC)
        try:
            _write_all(jobfd, body)
            self.seq += 1
            socket.send_fds(self.ctl, [b"F" + struct.pack("<Qd", self.seq, limits.wall_s)], [jobfd, out, rep])
        except OSError:
            for fd in (out, rep):
                os.close(fd)
            self.kill()
            return False
        finally:
            os.close(jobfd)
        self.inflight.append(_Job(self.seq, limits, out, rep))
        self.jobs += 1
        return True

    def receive(self) -> tuple[RunReport, bool]:
        """The report of the oldest queued job, once its child and all it started are dead and
        reaped (the zygote says so): (report, unclean). Its records are read only then, up to the cap."""
        job = self.inflight[0]
        level = self.backend.isolation
        start = max(job.sent, self.last_end)
        msg = self._recv(start + job.limits.wall_s + _GRACE_S) if self.ctl is not None else None
        end = struct.unpack(_END, msg[1:]) if msg is not None and len(msg) == _END_SIZE + 1 else None
        self.inflight.popleft()
        now = time.monotonic()
        if end is None or msg[:1] != b"X" or end[0] != job.seq:
            # The zygote did not answer in time, or died: nothing of this job counts.
            job.close()
            rc = self.proc.poll() if self.proc is not None else None
            self.kill()
            why = "slot died" if msg is not None or rc is not None else "no answer by the deadline"
            return RunReport(level, timeout=now - start >= job.limits.wall_s, seconds=now - start,
                             clean=True, infra_error=f"sandbox slot killed ({why}, rc={rc})"), False
        self.last_end = now
        cap = job.limits.channel_kb * 1024
        size = os.fstat(job.rep).st_size
        buf = os.pread(job.rep, min(size, cap), 0) if size else b""
        out_size = os.fstat(job.out).st_size
        head = os.pread(job.out, 2048, 0).decode("utf-8", "replace") if out_size else ""
        job.close()
        _seq, status, seconds, _cpu, why, clean = end
        oom = False
        if self.cgroup is not None and (status or b'"k":"done"' not in buf[-200:]):
            n = self.cgroup.oom_kills()  # read only when the job did not end well (it costs a file read)
            oom, self.ooms = n > self.ooms, n
        records = buf.decode("utf-8", "replace").splitlines()
        report = RunReport(
            level, records=records, timeout=why == _DEADLINE, channel_over=size > cap,
            signal=os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
            exit=os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            out_size=out_size, out_head=head, seconds=seconds, clean=True, oom=oom)
        if report.exit == _SETUP_FAILED and records[:1] and records[0].startswith('{"k":"setup"'):
            report = RunReport(level, infra_error="sandbox setup failed: " + records[0][:200],
                               seconds=report.seconds)
        return report, not clean


def _joiner(fds: list[int], user: int | None) -> Any:
    def preexec() -> None:  # runs in the forked child, before exec: only syscalls, no locks
        for fd in fds:
            os.write(fd, b"0")
        if user is not None:
            os.setgroups([])
            os.setgid(user)
            os.setuid(user)

    return preexec


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _body(job: dict[str, Any], limits: Limits) -> bytes:
    return pickle.dumps(dict(job, limits=limits.as_job()), protocol=5)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except (OSError, ValueError):
        return []


def _kill_uid(uid: int) -> None:
    for _ in range(50):
        left = False
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    if os.stat(f"/proc/{p}").st_uid == uid:
                        os.kill(int(p), signal.SIGKILL)
                        left = True
                except OSError:
                    pass
        if not left:
            return
        time.sleep(0.01)


class LocalBackend:
    """Namespaced warm workers, one per slot (default: one per core); ``run`` is thread-safe."""

    name = "local"

    def __init__(self, slots: int | None = None, *, level: str = "auto", limits: Limits | None = None,
                 cgroup: bool = True) -> None:
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
        self._closed = False
        instance = next(_instances)
        self._uid_base = uid_range().start + (instance % 63 + 1) * 64
        self._cgroups: CgroupTree | None = open_tree(instance) if cgroup else None

    @property
    def isolation(self) -> str:
        """The level, with ``-rlimit`` when no cgroup bounds the slot (memory per process only)."""
        return self.level if self._cgroups is not None else self.level + NO_CGROUP_SUFFIX

    # -- command construction -------------------------------------------------------------------------
    def _nproc(self, limits: Limits) -> int:
        if self._root:  # the slot's own uid; with a cgroup, pids.max is the exact limit per job
            return 4096 if self._cgroups is not None else limits.processes + _SLOT_PROCESSES
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

    def _command(self, index: int, ctl: int) -> tuple[list[str], int | None, str | None]:
        lim = self.default_limits
        user = (self._uid_base + index) if self._root else None
        nproc = str(self._nproc(lim))
        size = str(lim.disk_mb << 20)
        py = self._py
        if self.level == "bwrap":
            # The zygote is pid 1 of the slot's namespaces (no bwrap init holding our channel) and keeps
            # CAP_SYS_ADMIN in its own user namespace only, to give each child fresh namespaces; the
            # root is read-only, the writable folders are mounted by each child for itself. No
            # --die-with-parent (its PDEATHSIG fires when the *thread* that spawned the slot exits):
            # a dead parent closes the control socket and the zygote exits at once.
            cmd = ["bwrap", "--unshare-all", "--as-pid-1", "--new-session", "--cap-drop", "ALL",
                   "--cap-add", "CAP_SYS_ADMIN",
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
            cmd += ["--proc", "/proc", "--dir", "/dev"]
            for dev in _DEVICES:
                cmd += ["--dev-bind", f"/dev/{dev}", f"/dev/{dev}"]
            cmd += ["--symlink", "/proc/self/fd", "/dev/fd", "--symlink", "/proc/self/fd/0", "/dev/stdin",
                    "--symlink", "/proc/self/fd/1", "/dev/stdout", "--symlink", "/proc/self/fd/2", "/dev/stderr",
                    "--symlink", "/tmp", "/dev/shm", "--size", size, "--tmpfs", "/tmp", "--size", size,
                    "--tmpfs", "/work", "--chdir", "/", "--remount-ro", "/",
                    py, "-I", "-S", "-B", "/opt/stepforge/_driver.py", "zygote", str(ctl), nproc, "/work",
                    "/tmp", "all"]
            return cmd, user, None
        workdir = tempfile.mkdtemp(prefix="stepforge-slot-")
        if user is not None:
            os.chown(workdir, user, user)
        os.chmod(workdir, 0o700)
        driver = os.path.join(self._driver, "_driver.py")
        tail = [py, "-I", "-S", "-B", driver, "zygote", str(ctl), nproc, workdir, "",
                "all" if user is not None else "pg"]
        if self.level == "unshare":
            cmd = ["unshare", "--net", "--pid", "--ipc", "--uts", "--mount", "--mount-proc", "--fork",
                   "--kill-child"]
            if user is not None:
                cmd += ["--setuid", str(user), "--setgid", str(user)]
            return cmd + tail, None, workdir
        return tail, user, workdir

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
            self._cgroups = None
            self._uid_base = uid_range().start
            slot = _Slot(self, 63)
            try:
                slot.start()
                return level
            except Exception:
                continue
            finally:
                slot.kill()
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
                return RunReport(self.isolation, infra_error=f"{type(exc).__name__}: {exc}"[:300])
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
                        if slot.send(*jobs[i]):
                            inflight.append(item)
                        elif tries < 1:
                            requeue([(i, tries + 1)])
                        else:
                            results[i] = RunReport(self.isolation, infra_error="sandbox slot died")
                    if not inflight:
                        return
                    i, tries = inflight.popleft()
                    report, unclean = slot.receive()
                    results[i] = report
                    if unclean or slot.proc is None:  # the slot was killed: its queue is gone
                        slot.kill()
                        requeue(list(inflight))
                        inflight.clear()
            except Exception as exc:
                slot.kill()
                for i, _ in inflight:
                    results[i] = RunReport(self.isolation, infra_error=f"{type(exc).__name__}: {exc}"[:300])

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
        return [r if r is not None else RunReport(self.isolation, infra_error="not run") for r in results]

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                slot = self._idle.get_nowait()
            except queue.Empty:
                break
            slot.kill()
            if slot.cgroup is not None:
                slot.cgroup.remove()
        if self._cgroups is not None:
            self._cgroups.close()

    def __enter__(self) -> LocalBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
