"""The in-sandbox driver (standalone, stdlib only; runs as ``python -I -S -B _driver.py MODE``).

Nothing here is trusted by the parent: it only runs candidate code on test *inputs* and reports what
came back as plain tagged JSON records. Expected outputs never enter the sandbox; the parent parses and
compares. ``zygote`` mode serves jobs from stdin, forking one child per job (a fresh directory, hard
rlimits, its own session) and killing every other process of the sandbox after each job; ``once``
mode serves one job given as base64 argv chunks (the docker backend).
"""

import base64
import json
import os
import pickle
import resource
import select
import shutil
import signal
import sys
import time

_MAX_DEPTH = 64
_MAX_ITEMS = 200_000
_WORK = "/work"
_WIPE = ["/tmp", "/dev/shm"]
_KILL_ALL = True


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


def _emit(fd, rec):
    data = (json.dumps(rec, separators=(",", ":")) + "\n").encode()
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


def _child(job, wfd, jobdir):
    """Runs in the forked child: set limits, load the candidate, call it on every input, report."""
    os.setsid()
    lim = job["limits"]
    _limit(resource.RLIMIT_CPU, lim["cpu_s"])
    _limit(resource.RLIMIT_AS, lim["memory_mb"] * 1024 * 1024)
    _limit(resource.RLIMIT_FSIZE, lim["file_mb"] * 1024 * 1024)
    _limit(resource.RLIMIT_NOFILE, lim["open_files"])
    _limit(resource.RLIMIT_CORE, 0)
    os.chdir(jobdir)
    null = os.open("/dev/null", os.O_RDONLY)
    out = os.open(os.path.join(jobdir, ".out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.dup2(wfd, 3)
    os.closerange(4, 65536)
    # sys.stdin/stdout/stderr keep wrapping fds 0/1/2, which now point at /dev/null and the capped
    # output file; the zygote never buffers anything in them (it uses raw fds), so nothing leaks.
    fd = 3
    mode = job.get("mode", "io")
    try:
        if mode == "pytest":
            _run_pytest(job, fd, jobdir)
        else:
            _run_calls(job, fd)
    except BaseException as exc:  # the candidate broke the driver itself; the parent sees no "done"
        try:
            _emit(fd, {"k": "crash", "t": type(exc).__name__[:80]})
        except BaseException:
            pass
    os._exit(0)


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


_pending = []  # (pid, jobdir, reaped) of finished jobs whose teardown is deferred off the critical path


def _cleanup(kill_all):
    """Before the next job: no process of an earlier job can run any more, their folders are gone."""
    for pid, jobdir, reaped in _pending:
        if reaped:  # its pid may belong to someone else by now: never signal it again
            shutil.rmtree(jobdir, ignore_errors=True)
            continue
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if not kill_all:  # without a private pid namespace or uid we can only wait for our child
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        shutil.rmtree(jobdir, ignore_errors=True)
    had = bool(_pending)
    del _pending[:]
    clean = _reap_all() if (kill_all and had) else True
    if had:
        # Nothing a candidate wrote may reach the next one: its folder, the whole work folder,
        # /tmp and /dev/shm are emptied (a folder that cannot be emptied makes the slot unclean).
        for path in [_WORK, *_WIPE]:
            if not _wipe(path):
                clean = False
    return clean


def _serve(job, seq, kill_all):
    """Fork a child for one job, collect its records with caps and a deadline, report as one dict."""
    if not _cleanup(kill_all):
        return {"driver_error": "processes of an earlier job could not be killed", "unclean": True}
    lim = job["limits"]
    jobdir = os.path.join(_WORK, "j%d" % seq)
    os.mkdir(jobdir, 0o700)
    r, w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            _child(job, w, jobdir)
        finally:
            os._exit(0)
    os.close(w)
    deadline = t0 + lim["wall_s"]
    cap = lim["channel_kb"] * 1024
    buf = bytearray()
    timed_out = over = done = False
    status = None
    eof = False
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
            eof = True
            break
        buf += chunk
        if len(buf) > cap:
            over = True
            break
        if buf.endswith(b"\n") and b'"k":"done"' in buf[-200:]:
            done = True
            break
    elapsed = time.monotonic() - t0
    os.close(r)
    if done:
        # Evidence is complete: kill now, reap later (the teardown overlaps the parent's judging).
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
        status = 0
    else:
        if eof:
            # the child closed the channel without "done": collect its real status (signal, exit)
            end = min(deadline, time.monotonic() + 0.2)
            while True:
                wp, st = os.waitpid(pid, os.WNOHANG)
                if wp:
                    status = st
                    break
                if time.monotonic() >= end:
                    break
                time.sleep(0.0001)
        if status is None:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                status = 0
    _pending.append((pid, jobdir, not done))
    out_path = os.path.join(jobdir, ".out")
    out_size = 0
    head = ""
    try:
        ofd = os.open(out_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            st = os.fstat(ofd)
            if st.st_mode & 0o170000 == 0o100000:  # a regular file, not a planted fifo or device
                out_size = st.st_size
                if out_size:
                    head = os.read(ofd, 2048).decode("utf-8", "replace")
        finally:
            os.close(ofd)
    except OSError:
        pass
    if not done:
        clean = _cleanup(kill_all)  # a job that went wrong is cleaned up at once
    else:
        clean = True
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    return {
        "records": buf[:cap].decode("utf-8", "replace").splitlines(),
        "timeout": timed_out,
        "channel_over": over,
        "signal": sig,
        "exit": code,
        "out_size": out_size,
        "out_head": head,
        "seconds": elapsed,
        "clean": clean,
    }


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
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        calls = [pickle.dumps(([3, 2, 4, -8, 10], 2)), pickle.dumps(([],)), pickle.dumps(("x",))]
        for _ in range(16):
            _run_calls({"source": _WARM_SOURCE, "entry_point": "f", "calls": calls, "check": _WARM_CHECK}, null)
    except BaseException:
        pass
    finally:
        os.close(null)
    import gc

    gc.collect()
    gc.freeze()


def _setup(argv):
    """argv: NPROC WORKDIR WIPE-LIST KILL; WIPE-LIST: folders emptied after each job (comma separated);
    KILL "all": every process of our uid but us dies after each job (we own the uid or a pid namespace),
    "pg": only the child's session (we share the uid with others)."""
    global _WORK, _WIPE, _KILL_ALL
    _WORK = argv[1]
    _WIPE = [p for p in argv[2].split(",") if p]
    _KILL_ALL = argv[3] == "all"
    return int(argv[0])


def _zygote(argv):
    """Serve jobs: 4-byte length + pickle on stdin, one JSON line per report on stdout."""
    nproc = _setup(argv)
    if nproc:
        _limit(resource.RLIMIT_NPROC, nproc)
    _limit(resource.RLIMIT_CORE, 0)
    _nondumpable()
    _preload()
    os.makedirs(_WORK, exist_ok=True)
    inp = os.fdopen(0, "rb", buffering=0)
    outfd = 1
    _emit(outfd, {"hello": 1, "pid": os.getpid(), "uid": os.getuid(), "py": sys.version.split()[0]})
    seq = 0
    while True:
        head = _read_exact(inp, 4)
        if head is None:
            _cleanup(_KILL_ALL)
            return
        size = int.from_bytes(head, "big")
        body = _read_exact(inp, size)
        if body is None:
            return
        job = pickle.loads(body)
        seq += 1
        try:
            rep = _serve(job, seq, kill_all=_KILL_ALL)
        except BaseException as exc:
            rep = {"driver_error": type(exc).__name__ + ": " + str(exc)[:200]}
        _emit(outfd, rep)


def _nondumpable():
    """PR_SET_DUMPABLE 0: same-uid candidates can neither ptrace us nor open our /proc fds."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)
    except Exception:
        pass


def _read_exact(f, n):
    data = b""
    while len(data) < n:
        chunk = f.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _once(argv):
    """One job from base64 argv chunks; the report is the last line on stdout (docker backend)."""
    nproc = _setup(argv)
    job = pickle.loads(base64.b64decode("".join(argv[4:])))
    if nproc:
        _limit(resource.RLIMIT_NPROC, nproc)
    _nondumpable()
    os.makedirs(_WORK, exist_ok=True)
    try:
        rep = _serve(job, 1, kill_all=_KILL_ALL)
    except BaseException as exc:
        rep = {"driver_error": type(exc).__name__ + ": " + str(exc)[:200]}
    sys.stdout.write("\n" + json.dumps(rep, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        _zygote(sys.argv[2:])
    elif sys.argv[1] == "once":
        _once(sys.argv[2:])
