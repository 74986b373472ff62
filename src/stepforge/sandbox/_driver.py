"""The in-sandbox driver (standalone, stdlib only; runs as ``python -I -S -B _driver.py MODE``).

Nothing here is trusted by the parent: it runs candidate code on test *inputs*, and the candidate's
process writes plain tagged JSON records straight to the parent. Expected outputs never enter the
sandbox; the parent parses and compares.

``zygote`` mode is a forker. It receives only "fork now" requests on a control socket (a sequence
number, a deadline and three files it never reads: the job, the output, the report), forks one child
per job, enforces the deadline from outside the child's reach, and answers once the child and
everything it started are dead and reaped, and the work folders are emptied. Where it holds
CAP_SYS_ADMIN in its user namespace (bwrap), every child is the init of a fresh pid namespace and
drops every capability before the candidate runs; a seccomp filter (set once, inherited) refuses the
keyrings, SysV/POSIX IPC objects and user namespaces. ``once`` mode (docker) runs one job given as
base64 argv chunks, as root in a throw-away container, the candidate as another uid.
"""

import base64
import json
import os
import pickle
import resource
import select
import shutil
import signal
import socket
import struct
import sys
import time

_MAX_DEPTH = 64
_MAX_ITEMS = 200_000
_WORK = "/work"
_WIPE = ["/tmp", "/dev/shm"]
_KILL_ALL = True

CLONE_NEWPID = 0x20000000
CLONE_NEWUSER = 0x10000000
_SETUP_FAILED = 70  # a child whose sandbox could not be set up exits with this before any candidate code


class _Unencodable(Exception):
    pass


class _TestTimeout(BaseException):
    """Raised in the candidate's frame when one test call outlives its own time limit."""


_armed = [False]


def _on_alarm(signum, frame):
    # Only a call in progress is interrupted; an alarm that lands in the driver's own code is ignored.
    if _armed[0]:
        _armed[0] = False
        raise _TestTimeout()


def _enc(v, depth, budget):
    """Tag a value with its exact type; subclasses and custom objects are refused."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise _Unencodable("value too large or too deep")
    t = type(v)
    if v is None:
        return ["n"]
    if t is bool:
        return ["B", v]
    if t is int:
        return ["i", str(v)]
    if t is float:
        return ["f", repr(v)]
    if t is str:
        return ["s", v]
    if t is list or t is tuple or t is set or t is frozenset:
        tag = {list: "l", tuple: "t", set: "S", frozenset: "F"}[t]
        items = list(v) if t is list or t is tuple else sorted(v, key=repr)
        return [tag, [_enc(x, depth + 1, budget) for x in items]]
    if t is dict:
        return ["d", [[_enc(k, depth + 1, budget), _enc(x, depth + 1, budget)] for k, x in v.items()]]
    if t is bytes:
        return ["b", v.hex()]
    if t is complex:
        return ["c", repr(v.real), repr(v.imag)]
    raise _Unencodable("unsupported type " + t.__name__[:60])


_CHANNEL = 3
_pending = []  # records of the candidate's channel not written yet
_pending_size = [0]


def _emit(fd, rec):
    """Write one record. On the candidate's channel, records are batched (one write, one wake-up of
    the reader, instead of one per test); ``_flush`` writes them at the end, or every 64 KiB."""
    data = (json.dumps(rec, separators=(",", ":")) + "\n").encode()
    if fd == _CHANNEL:
        _pending.append(data)
        _pending_size[0] += len(data)
        if _pending_size[0] < 65536 and rec.get("k") != "done":
            return
        data = b"".join(_pending)
        del _pending[:]
        _pending_size[0] = 0
    _write(fd, data)


def _flush(fd):
    if _pending:
        data = b"".join(_pending)
        del _pending[:]
        _pending_size[0] = 0
        _write(fd, data)


def _write(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _limit(name, value):
    if value is None:
        return
    try:
        resource.setrlimit(name, (value, value))
    except (ValueError, OSError):
        pass


_libc = []


def _c():
    """libc through ctypes (imported once, in the zygote, before any fork)."""
    if not _libc:
        import ctypes

        _libc.append(ctypes.CDLL(None, use_errno=True))
    return _libc[0]


def _check(result, what):
    if result != 0:
        import ctypes

        err = ctypes.get_errno()
        raise OSError(err, what + ": " + os.strerror(err))


# Syscall numbers for the seccomp filter: (audit arch, numbers, has the x32 ABI to refuse).
_SECCOMP_ARCH = {
    "x86_64": (0xC000003E, {"add_key": 248, "request_key": 249, "keyctl": 250, "shmget": 29, "semget": 64,
                            "msgget": 68, "mq_open": 240, "unshare": 272, "clone": 56, "clone3": 435}, True),
    "aarch64": (0xC00000B7, {"add_key": 217, "request_key": 218, "keyctl": 219, "shmget": 194, "semget": 190,
                             "msgget": 186, "mq_open": 180, "unshare": 97, "clone": 220, "clone3": 435}, False),
}
_REFUSED = ("add_key", "request_key", "keyctl", "shmget", "semget", "msgget", "mq_open")


def _seccomp_program():
    """A classic-BPF filter. Refused with EPERM: the kernel keyrings (shared by every process of a uid,
    as docker's default profile refuses them), creating SysV shared memory, semaphores and message
    queues and POSIX message queues (objects that outlive their creator: none can ever exist in a
    slot, so none can reach the next candidate), and new user namespaces. clone3, whose flags a filter
    cannot read, answers ENOSYS so the C library falls back to clone; a syscall of another ABI kills
    the process. None on architectures we have no numbers for."""
    spec = _SECCOMP_ARCH.get(os.uname().machine)
    if spec is None:
        return None
    arch, nr, x32 = spec
    ops = [("", "ld", 4, None, None), ("", "jeq", arch, None, "kill"), ("", "ld", 0, None, None)]
    if x32:
        ops.append(("", "jge", 0x40000000, "eperm", None))
    for name in _REFUSED:
        ops.append(("", "jeq", nr[name], "eperm", None))
    ops += [("", "jeq", nr["clone3"], "enosys", None), ("", "jeq", nr["unshare"], "flags", None),
            ("", "jeq", nr["clone"], "flags", None), ("", "ret", 0x7FFF0000, None, None),
            ("flags", "ld", 16, None, None), ("", "jset", CLONE_NEWUSER, "eperm", None),
            ("", "ret", 0x7FFF0000, None, None), ("eperm", "ret", 0x00050000 | 1, None, None),
            ("enosys", "ret", 0x00050000 | 38, None, None), ("kill", "ret", 0x80000000, None, None)]
    where = {label: i for i, (label, *_rest) in enumerate(ops) if label}
    codes = {"ld": 0x20, "jeq": 0x15, "jge": 0x35, "jset": 0x45, "ret": 0x06}
    out = b""
    for i, (_label, op, k, jt, jf) in enumerate(ops):
        t = where[jt] - i - 1 if jt else 0
        f = where[jf] - i - 1 if jf else 0
        out += struct.pack("<HBBI", codes[op], t, f, k)
    return out


def _install_seccomp():
    """Load the filter on this process (inherited by every child). True when it is in force."""
    prog = _seccomp_program()
    if prog is None:
        return False
    import ctypes

    class _Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = _Fprog(len(prog) // 8, ctypes.addressof(buf))
    libc = _c()
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    return libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER


_NO_CAPS = []


def _prepare_caps():
    """Build the capset arguments once, in the zygote (a ctypes array type costs ~0.1 ms to make)."""
    import ctypes

    _NO_CAPS[:] = [(ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)()]


def _drop_caps():
    """Empty every capability set (no_new_privs is already set: nothing can bring them back)."""
    if not _NO_CAPS:
        _prepare_caps()
    _check(_c().capset(_NO_CAPS[0], _NO_CAPS[1]), "capset")


def _read_all(fd):
    size = os.fstat(fd).st_size
    data = os.pread(fd, size, 0) if size else b""
    while len(data) < size:
        chunk = os.pread(fd, size - len(data), len(data))
        if not chunk:
            break
        data += chunk
    return data


def _candidate(job, outfd, repfd, jobdir):
    """The candidate's process from here on: own session, hard rlimits, stdout/stderr into the capped
    output file, the report pipe as fd 3, nothing else open; run the tests, report, exit."""
    os.setsid()
    lim = job["limits"]
    _limit(resource.RLIMIT_CPU, lim["cpu_s"])
    _limit(resource.RLIMIT_AS, lim["memory_mb"] * 1024 * 1024)
    _limit(resource.RLIMIT_FSIZE, lim["file_mb"] * 1024 * 1024)
    _limit(resource.RLIMIT_NOFILE, lim["open_files"])
    _limit(resource.RLIMIT_CORE, 0)
    os.chdir(jobdir)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(outfd, 1)
    os.dup2(outfd, 2)
    os.dup2(repfd, 3)
    os.closerange(4, 65536)
    # sys.stdin/stdout/stderr keep wrapping fds 0/1/2, which now point at /dev/null and the capped
    # output file; the zygote never buffers anything in them (it uses raw fds), so nothing leaks.
    fd = _CHANNEL
    try:
        if job.get("mode") == "pytest":
            _run_pytest(job, fd, jobdir)
        else:
            _run_calls(job, fd)
    except BaseException as exc:  # the candidate broke the driver itself; the parent sees no "done"
        try:
            _emit(fd, {"k": "crash", "t": type(exc).__name__[:80]})
        except BaseException:
            pass
    try:
        _flush(fd)
    except BaseException:
        pass
    os._exit(0)


def _zchild(fds, ns, go):
    """A zygote's child: read its own job (the zygote never does), drop its capabilities, wait for
    "go" (the previous candidate is gone by then, its files too), become the candidate."""
    jobfd, outfd, repfd = fds
    try:
        job = pickle.loads(_read_all(jobfd))
        os.close(jobfd)
        if ns:
            jobdir = _WORK  # emptied and checked by the zygote before this child may start
        else:
            jobdir = os.path.join(_WORK, "j%d" % os.getpid())
            os.mkdir(jobdir, 0o700)
        try:  # the candidate, not the zygote, is what an out-of-memory kill should pick
            adj = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
            os.write(adj, b"1000")
            os.close(adj)
        except OSError:
            pass
        if ns:
            _drop_caps()
    except BaseException as exc:
        try:
            _emit(repfd, {"k": "setup", "m": (type(exc).__name__ + ": " + str(exc))[:200]})
        except BaseException:
            pass
        os._exit(_SETUP_FAILED)
    if go is not None:
        if os.read(go, 1) != b"g":  # the zygote is gone or gave up on us
            os._exit(_SETUP_FAILED)
        os.close(go)
    _candidate(job, outfd, repfd, jobdir)


def _run_calls(job, fd):
    g = {"__name__": job.get("module_name", "__candidate__"), "__builtins__": __builtins__}
    try:
        code = compile(job["source"], "candidate.py", "exec")
        exec(code, g)
    except BaseException as exc:
        _emit(fd, {"k": "load", "t": type(exc).__name__[:80], "m": str(exc)[:300]})
        _emit(fd, {"k": "done", "n": 0})
        return
    entry = job["entry_point"]
    fn = g.get(entry)
    if not callable(fn):
        _emit(fd, {"k": "load", "t": "MissingEntryPoint", "m": "no callable named " + entry[:80]})
        _emit(fd, {"k": "done", "n": 0})
        return
    n = 0
    per_test = job.get("test_timeout_s")
    if per_test:
        signal.signal(signal.SIGALRM, _on_alarm)
    for i, blob in enumerate(job["calls"]):
        try:
            args = pickle.loads(blob)
            if per_test:
                _armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, per_test)
            try:
                value = fn(*args)
            finally:
                _armed[0] = False
                if per_test:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            try:
                rec = {"k": "r", "i": i, "v": _enc(value, 0, [_MAX_ITEMS])}
            except _Unencodable as exc:
                rec = {"k": "x", "i": i, "t": "Unencodable", "m": str(exc)[:200]}
            except BaseException as exc:  # e.g. int too large to convert to str
                rec = {"k": "x", "i": i, "t": "Unencodable", "m": type(exc).__name__[:80]}
        except _TestTimeout:
            rec = {"k": "x", "i": i, "t": "TestTimeout", "m": ""}
        except MemoryError:
            rec = {"k": "x", "i": i, "t": "MemoryError", "m": ""}
        except RecursionError:
            rec = {"k": "x", "i": i, "t": "RecursionError", "m": ""}
        except BaseException as exc:
            rec = {"k": "x", "i": i, "t": type(exc).__name__[:80], "m": str(exc)[:200]}
        _emit(fd, rec)
        n += 1
    check = job.get("check")
    if check:
        # Cooperative assert-style tests: they run next to the candidate (weaker guarantee, documented).
        try:
            exec(compile(check, "check.py", "exec"), g)
            g["check"](fn)
            _emit(fd, {"k": "a", "ok": True})
        except MemoryError:
            _emit(fd, {"k": "a", "ok": False, "t": "MemoryError"})
        except BaseException as exc:
            _emit(fd, {"k": "a", "ok": False, "t": type(exc).__name__[:80], "m": str(exc)[:200]})
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    _emit(fd, {"k": "done", "n": n})


def _run_pytest(job, fd, jobdir):
    """pytest-file mode: cooperative; results come from a hook registered before collection."""
    sys.path[:0] = [p for p in job.get("pytest_path", []) if p]
    mod = job.get("module_name") or "solution"
    with open(os.path.join(jobdir, mod + ".py"), "w") as f:
        f.write(job["source"])
    with open(os.path.join(jobdir, "test_candidate.py"), "w") as f:
        f.write(job["test_file"])
    sys.path.insert(0, jobdir)
    import pytest

    seen = []

    class _Reporter:
        # The call outcome is taken from the call itself, not from a TestReport the candidate may patch.
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_call(self, item):
            outcome = yield
            seen.append(1)
            ok = outcome.excinfo is None
            _emit(fd, {"k": "p", "id": item.nodeid[-200:], "o": "passed" if ok else "failed"})

        def pytest_runtest_logreport(self, report):
            if report.when == "setup" and report.outcome != "passed":
                seen.append(1)
                _emit(fd, {"k": "p", "id": report.nodeid[-200:], "o": "failed"})

        def pytest_collectreport(self, report):
            if report.outcome != "passed":
                _emit(fd, {"k": "p", "id": "collect", "o": "error"})

    rc = pytest.main(
        ["-q", "-p", "no:cacheprovider", "--noconftest", "-o", "addopts=", "--rootdir", jobdir,
         "-p", "no:randomly", os.path.join(jobdir, "test_candidate.py")],
        plugins=[_Reporter()],
    )
    _emit(fd, {"k": "done", "n": len(seen), "rc": int(rc) if isinstance(rc, int) else -1})


def _harmless(pid):
    """True when process ``pid`` can never run user code again: a zombie, exiting, or SIGKILL pending."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        if fields[0] in (b"Z", b"X") or int(fields[6]) & 0x4:  # PF_EXITING
            return True
        with open("/proc/%d/status" % pid, "rb") as f:
            for line in f:
                if line.startswith((b"SigPnd:", b"ShdPnd:")) and int(line.split()[1], 16) & (1 << 8):
                    return True
    except (OSError, IndexError, ValueError):
        return True  # already gone
    return False


def _reap_all():
    """Make every other process of this sandbox (but its init) unable to run: SIGKILL them all, until
    each one left is dead, exiting or has the kill pending. Dying ones are reaped later, off the
    critical path. Returns False if that cannot be reached (then the slot is replaced)."""
    me = os.getpid()
    uid = os.getuid()
    for _ in range(2000):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return True  # nothing of ours is left to signal
        except PermissionError:
            pass
        while True:
            try:
                pid, _st = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        alive = False
        for p in os.listdir("/proc"):
            if p.isdigit() and int(p) not in (1, me):
                try:
                    if os.stat("/proc/" + p).st_uid != uid:
                        continue
                except OSError:
                    continue
                if not _harmless(int(p)):
                    alive = True
                    break
        if not alive:
            return True
    return False


def _wipe(path):
    """Empty ``path`` (whatever modes the candidate set); True when nothing is left."""

    def onerror(func, p, exc):
        try:
            os.chmod(os.path.dirname(p) or p, 0o700)
            os.chmod(p, 0o700)
        except OSError:
            pass
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)
        except OSError:
            pass

    try:
        os.chmod(path, os.stat(path).st_mode | 0o700)
    except OSError:
        pass
    try:
        for name in os.listdir(path):
            p = os.path.join(path, name)
            if os.path.isdir(p) and not os.path.islink(p):
                try:
                    os.chmod(p, 0o700)
                except OSError:
                    pass
                shutil.rmtree(p, onerror=onerror)
            else:
                try:
                    os.unlink(p)
                except OSError:
                    pass
        return not os.listdir(path)
    except OSError:
        return False


_WARM_SOURCE = """
from typing import List, Optional
import math, re, collections

def f(xs: List[int], k: Optional[int] = None) -> list:
    out = []
    for i, x in enumerate(sorted(xs, key=lambda v: (-v, str(v)))):
        if x % 2 == 0 and i < (k or 3):
            out.append({"x": x, "r": math.sqrt(abs(x)), "s": f"{x:>3}"})
    words = re.findall(r"[a-z]+", " ".join(map(str, xs)) + " ab cd")
    return [out, collections.Counter(words).most_common(1), tuple(x * 1.5 for x in xs), set(xs) - {1}]
"""
_WARM_CHECK = "def check(candidate):\n    assert candidate([3, 2, 4]) is not None\n"


def _preload():
    """Do once, in the zygote, what every child would otherwise pay for again: import the modules
    most candidates use, and run a built-in job through the whole child path (the compiler's lazily
    built state, the adaptive interpreter's specialisation of the driver's code, the encoders).
    Then freeze the heap so the children's garbage collector never touches the zygote's pages."""
    for name in ("typing", "math", "collections", "itertools", "functools", "string", "re", "heapq",
                 "bisect"):
        try:
            __import__(name)
        except ImportError:
            pass
    global _CHANNEL
    null = os.open(os.devnull, os.O_WRONLY)
    channel, _CHANNEL = _CHANNEL, null  # the records take the batched path, as in a child
    try:
        calls = [pickle.dumps(([3, 2, 4, -8, 10], 2)), pickle.dumps(([],)), pickle.dumps(("x",))]
        job = pickle.dumps({"source": _WARM_SOURCE, "entry_point": "f", "calls": calls, "check": _WARM_CHECK,
                            "limits": {}}, protocol=5)
        mem = os.memfd_create("warm", os.MFD_CLOEXEC)
        os.write(mem, job)
        for _ in range(16):
            _run_calls(pickle.loads(_read_all(mem)), null)
            _flush(null)
        os.close(mem)
    except BaseException:
        pass
    finally:
        _CHANNEL = channel
        os.close(null)
    import gc

    gc.collect()
    gc.freeze()


def _wipe_all():
    """Empty the work folder and the wiped folders; True when all of them are empty now."""
    clean = True
    for path in [_WORK, *_WIPE]:
        try:
            if os.listdir(path) and not _wipe(path):
                clean = False
        except BaseException:  # e.g. a tree too deep to walk: the slot is replaced
            clean = False
    return clean


def _cleanup_flat(pid):
    """Without namespaces of our own (levels unshare/process): after a job, kill whatever of it is left
    (every process of our uid, or the child's session when we share the uid) and empty the folders."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass
    clean = _reap_all() if _KILL_ALL else True
    shutil.rmtree(os.path.join(_WORK, "j%d" % pid), ignore_errors=True)
    return _wipe_all() and clean


def _recv(ctl):
    """One control message: ("F", seq, wall_s, fds) or None when the parent is gone."""
    try:
        msg, fds, _flags, _addr = socket.recv_fds(ctl, 64, 4)
    except OSError:
        return None
    if not msg:
        return None
    if msg[:1] == b"F" and len(fds) == 3:
        seq, wall = struct.unpack("<Qd", msg[1:17])
        return ("F", seq, wall, fds)
    for fd in fds:
        os.close(fd)
    return ("?",)


_END = "<Qiddb?"  # the end of a job: seq, wait status, seconds, cpu seconds, why, clean
_WHY = ("", "deadline", "parent")
_XBUF = bytearray(b"X" + bytes(struct.calcsize(_END)))
_XZERO = bytes(struct.calcsize(_END))


def _send(ctl, tag, obj):
    ctl.sendall(tag + json.dumps(obj, separators=(",", ":")).encode())


class _Child:
    """A forked child: its request, its pid (and pidfd), its start time once started."""

    __slots__ = ("seq", "wall", "pid", "pidfd", "go", "t0", "status", "usage", "why")

    def __init__(self, seq, wall, pid, go):
        self.seq, self.wall, self.pid, self.go = seq, wall, pid, go
        self.pidfd = os.pidfd_open(pid)
        self.t0 = None
        self.status = self.usage = None
        self.why = ""

    def kill(self, why):
        # Init of its pid namespace: killing it kills every process it started, setsid or not.
        if self.status is None:
            self.why = self.why or why
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def reap(self):
        """Wait until it and everything it started are gone (wait4 returns only then)."""
        if self.status is None:
            _, self.status, self.usage = os.wait4(self.pid, 0)
            os.close(self.pidfd)


class _Zygote:
    """Fork one child per request; never read a job, an output or a report.

    With namespaces, the next child is forked while the current one runs: it reads its job and drops
    its capabilities, then waits for a "go" byte that is written only once the current child and all
    it started are dead and reaped and the folders emptied (so its code never runs beside another
    candidate's). It is init of its own pid namespace: the running candidate cannot signal or trace it."""

    def __init__(self, ctl, ns):
        self.ctl = ctl
        self.pidns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC) if ns else None
        self.queue = []
        self.running = None
        self.spare = None
        self.alive = True

    def serve(self):
        while self.alive:
            if self.spare is None and self.queue and (self.running is None or self.pidns is not None):
                self.spare = self.fork(*self.queue.pop(0)[1:])
            if self.running is None and self.spare is not None:
                self.start()
                continue
            if self.running is None:
                self.handle(_recv(self.ctl))
                continue
            self.wait()
        for child in (self.running, self.spare):
            if child is not None:
                child.kill("parent")
                child.reap()

    def handle(self, msg):
        if msg is None:
            self.alive = False
        elif msg[0] == "F":
            self.queue.append(msg)

    def fork(self, seq, wall, fds):
        libc = _c()
        go_r, go_w = os.pipe() if self.pidns is not None else (None, None)
        if self.pidns is not None:
            _check(libc.unshare(CLONE_NEWPID), "unshare pid")  # the next child is init of a new one
        try:
            pid = os.fork()
        except BaseException:
            if self.pidns is not None:
                _check(libc.setns(self.pidns, CLONE_NEWPID), "setns pid")
            raise
        if pid == 0:
            try:
                _zchild(fds, self.pidns is not None, go_r)
            finally:
                os._exit(_SETUP_FAILED)
        if self.pidns is not None:  # back to our own namespace for children: the next one is fresh
            _check(libc.setns(self.pidns, CLONE_NEWPID), "setns pid")
            os.close(go_r)
        for fd in fds:
            os.close(fd)
        return _Child(seq, wall, pid, go_w)

    def start(self):
        child, self.spare = self.spare, None
        child.t0 = time.monotonic()
        if child.go is not None:
            try:
                os.write(child.go, b"g")
            except OSError:
                pass  # it died during its setup: it is reaped and reported below
            os.close(child.go)
        self.running = child

    def wait(self):
        child = self.running
        left = child.t0 + child.wall - time.monotonic()
        if left <= 0:
            child.kill("deadline")
        else:
            waits = [child.pidfd, self.ctl]
            ready, _, _ = select.select(waits, [], [], left)
            if self.ctl in ready:
                self.handle(_recv(self.ctl))
                if not self.alive:
                    child.kill("parent")
            if child.pidfd not in ready and child.why == "":
                return
        child.reap()
        self.running = None
        seconds = time.monotonic() - child.t0
        # Its processes are all gone; its files go too, checked, before the next child may start.
        clean = _wipe_all() if self.pidns is not None else _cleanup_flat(child.pid)
        if self.alive:
            # Built in one buffer, zeroed once sent: no copy of a child's end (its exit status could
            # carry a few bits from a candidate) stays in the memory later children are forked from.
            struct.pack_into(_END, _XBUF, 1, child.seq, child.status, seconds,
                             child.usage.ru_utime + child.usage.ru_stime, _WHY.index(child.why), clean)
            try:
                self.ctl.sendall(_XBUF)
            finally:
                _XBUF[1:] = _XZERO


def _can_fork_namespaced():
    """True when this process may make each child the init of a fresh pid namespace."""
    libc = _c()
    try:
        fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if libc.unshare(CLONE_NEWPID) != 0:
            return False
        return libc.setns(fd, CLONE_NEWPID) == 0
    finally:
        os.close(fd)


def _setup(argv):
    """argv: NPROC WORKDIR WIPE-LIST KILL; WIPE-LIST: folders emptied after each job when children
    share our namespaces (comma separated); KILL "all": every process of our uid but us dies after each
    job (we own the uid or a pid namespace), "pg": only the child's session (we share the uid)."""
    global _WORK, _WIPE, _KILL_ALL
    _WORK = argv[1]
    _WIPE = [p for p in argv[2].split(",") if p]
    _KILL_ALL = argv[3] == "all"
    return int(argv[0])


def _zygote(argv):
    """argv: CTL-FD NPROC WORKDIR WIPE-LIST KILL. Requests come on the control socket (SEQPACKET)."""
    ctl = socket.socket(fileno=int(argv[0]))
    nproc = _setup(argv[1:])
    if nproc:
        _limit(resource.RLIMIT_NPROC, nproc)
    _limit(resource.RLIMIT_CORE, 0)
    _nondumpable()
    ns = _can_fork_namespaced()
    if ns:
        _prepare_caps()
    seccomp = _install_seccomp()
    _preload()
    if not ns:
        os.makedirs(_WORK, exist_ok=True)
    _send(ctl, b"H", {"hello": 1, "ns": ns, "seccomp": seccomp, "uid": os.getuid(),
                      "py": sys.version.split()[0]})
    _Zygote(ctl, ns).serve()
    if not ns and _KILL_ALL:
        _reap_all()


def _nondumpable():
    """PR_SET_DUMPABLE 0: same-uid processes can neither ptrace us nor open our /proc files."""
    try:
        _c().prctl(4, 0, 0, 0, 0)
    except Exception:
        pass


def _once(argv):
    """Docker: one job from base64 argv chunks, run as root (CAP_SETUID/SETGID/KILL only) with the
    candidate as uid CANDIDATE-UID, which can neither signal nor trace us nor reach our stdout. We
    enforce the deadline, kill every process of the candidate's uid and print the report as the last
    line on stdout. argv: NPROC CANDIDATE-UID CHUNK..."""
    nproc, uid = int(argv[0]), int(argv[1])
    job = pickle.loads(base64.b64decode("".join(argv[2:])))
    _nondumpable()
    os.makedirs(_WORK, exist_ok=True)
    lim = job["limits"]
    r, w = os.pipe()
    out = os.memfd_create("out", 0)
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)  # every capability is gone with root
            if nproc:
                _limit(resource.RLIMIT_NPROC, nproc)
            _candidate(job, out, w, _WORK)
        finally:
            os._exit(_SETUP_FAILED)
    os.close(w)
    buf, timed_out, over, done = _collect(r, t0 + lim["wall_s"], lim["channel_kb"] * 1024)
    elapsed = time.monotonic() - t0
    os.close(r)
    status = None
    if not done and not timed_out and not over:  # the channel closed: the child's own end
        end = min(t0 + lim["wall_s"], time.monotonic() + 0.2)
        while status is None and time.monotonic() < end:
            wp, st = os.waitpid(pid, os.WNOHANG)
            if wp:
                status = st
            else:
                time.sleep(0.0005)
    _kill_uid(uid)
    if status is None:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 0
        if done:
            status = 0
    size = os.fstat(out).st_size
    head = os.pread(out, 2048, 0).decode("utf-8", "replace") if size else ""
    rep = {"records": buf[:lim["channel_kb"] * 1024].decode("utf-8", "replace").splitlines(),
           "timeout": timed_out, "channel_over": over,
           "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
           "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
           "out_size": size, "out_head": head, "seconds": elapsed, "clean": True}
    sys.stdout.write("\n" + json.dumps(rep, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    os._exit(0)


def _collect(r, deadline, cap):
    """Read records until "done", end of channel, the cap or the deadline."""
    buf = bytearray()
    timed_out = over = done = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            timed_out = True
            break
        chunk = os.read(r, 65536)
        if not chunk:
            break
        buf += chunk
        if len(buf) > cap:
            over = True
            break
        if buf.endswith(b"\n") and b'"k":"done"' in buf[-200:]:
            done = True
            break
    return buf, timed_out, over, done


def _kill_uid(uid):
    """As root: SIGKILL every process of ``uid`` until none is left able to run, reaping ours."""
    for _ in range(2000):
        alive = False
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    if os.stat("/proc/" + p).st_uid != uid:
                        continue
                    os.kill(int(p), signal.SIGKILL)
                except OSError:
                    continue
                if not _harmless(int(p)):
                    alive = True
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if not alive:
            return


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        _zygote(sys.argv[2:])
    elif sys.argv[1] == "once":
        _once(sys.argv[2:])
