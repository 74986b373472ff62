"""Local backend lifecycle: levels, slot recovery, and nothing survives a killed parent."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from stepforge.sandbox import Limits, make_backend
from stepforge.sandbox.local import LocalBackend, uid_range


def _job(src: str, n: int = 1) -> dict:
    return {"source": src, "entry_point": "f", "calls": [pickle.dumps((i,)) for i in range(n)]}


@pytest.mark.parametrize("level", ["bwrap", "unshare", "process"])
def test_every_level_runs_and_says_so(level):
    be = LocalBackend(1, level=level)
    try:
        rep = be.run(_job("def f(x):\n    return x + 1\n", 3), Limits(wall_s=5))
        assert rep.isolation == level and not rep.infra_error
        assert rep.records[-1] == '{"k":"done","n":3}'
        rep = be.run(_job("def f(x):\n    while True: pass\n"), Limits(wall_s=0.5))
        assert rep.timeout and rep.seconds < 3
        rep = be.run(_job("def f(x):\n    return x\n"), Limits(wall_s=5))
        assert rep.records[-1] == '{"k":"done","n":1}'
    finally:
        be.close()


def test_auto_level_is_bwrap_here():
    assert make_backend("local", 1).isolation == "bwrap"


def test_slot_recovers_after_the_zygote_is_killed():
    """A candidate cannot reach the zygote (parent, -1, its process group); if the zygote dies anyway
    (killed from outside) the job in flight is an infrastructure error and the next job gets a new slot."""
    be = LocalBackend(1)
    try:
        src = ("import os, signal\nfor p in (os.getppid(), -1, 0):\n    try:\n        os.kill(p, 9)\n"
               "    except OSError:\n        pass\ndef f(x):\n    return x\n")
        rep = be.run(_job(src), Limits(wall_s=3))
        assert rep.records[-1] == '{"k":"done","n":1}', rep
        slot = be._idle.queue[0]
        zygote = int(open(f"/proc/{slot.proc.pid}/task/{slot.proc.pid}/children").read().split()[0])
        os.kill(zygote, signal.SIGKILL)
        rep = be.run(_job("def f(x):\n    return x * 3\n"), Limits(wall_s=5))
        if rep.infra_error:  # the job that met the dead zygote
            rep = be.run(_job("def f(x):\n    return x * 3\n"), Limits(wall_s=5))
        assert rep.records[0] == '{"k":"r","i":0,"v":["i","0"]}', rep
    finally:
        be.close()


def test_nothing_survives_a_killed_parent():
    """SIGKILL the verifier process mid-job: its slots (and the spinning candidate) must go away."""
    code = textwrap.dedent("""
        import pickle, sys
        sys.path.insert(0, "src")
        from stepforge.sandbox.local import LocalBackend, uid_range
        from stepforge.sandbox import Limits
        be = LocalBackend(2)
        be.run({"source": "def f(x):\\n    return x\\n", "entry_point": "f", "calls": [pickle.dumps((1,))]})
        print("ready", flush=True)
        be.run({"source": "import os\\nos.fork()\\ndef f(x):\\n    while True: pass\\n", "entry_point": "f",
                "calls": [pickle.dumps((1,))]}, Limits(wall_s=2))
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=os.getcwd())
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(0.3)
    uids = set(uid_range(proc.pid))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    def alive() -> list[str]:
        out = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    if os.stat(f"/proc/{pid}").st_uid in uids:
                        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
                        if state not in ("Z", "X"):
                            out.append(pid)
                except (OSError, IndexError):
                    pass
        return out

    deadline = time.monotonic() + 8
    while alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive() == []


def test_nothing_a_candidate_writes_reaches_the_next_one():
    """Files left in the work folder root, the job folder, /tmp and /dev/shm (even with modes that
    block deletion) are gone before the next candidate of the same slot runs."""
    be = LocalBackend(1)
    try:
        writer = ("import os\n"
                  "for d in ('/work', '.', '/tmp', '/dev/shm'):\n"
                  "    try:\n"
                  "        os.makedirs(d + '/keep/inner', exist_ok=True)\n"
                  "        open(d + '/keep/inner/note', 'w').write('hidden outputs')\n"
                  "        open(d + '/note', 'w').write('hidden outputs')\n"
                  "        os.chmod(d + '/keep/inner', 0)\n"
                  "        os.chmod(d + '/keep', 0o500)\n"
                  "    except OSError:\n"
                  "        pass\n"
                  "def f(x):\n    return x\n")
        rep = be.run(_job(writer), Limits(wall_s=5))
        assert rep.records[-1] == '{"k":"done","n":1}'
        reader = ("import os\n"
                  "def f(x):\n"
                  "    seen = []\n"
                  "    for d in ('/work', '.', '/tmp', '/dev/shm'):\n"
                  "        for root, dirs, files in os.walk(d):\n"
                  "            seen += [os.path.join(root, n) for n in dirs + files if n != '.out']\n"
                  "    return seen\n")
        rep = be.run(_job(reader), Limits(wall_s=5))
        seen = json.loads(rep.records[0])["v"]
        assert seen == ["l", []] or all("keep" not in str(x) and "note" not in str(x) for x in seen), seen
    finally:
        be.close()


def test_without_a_cgroup_the_weaker_limit_is_named():
    """No cgroup (here: refused; elsewhere: not root or no controller): the backend still runs, limits
    memory per process only, and says so in ``isolation`` and in every report."""
    be = LocalBackend(1, cgroup=False)
    try:
        assert be.isolation == be.level + "-rlimit"
        rep = be.run(_job("def f(x):\n    return x + 1\n"), Limits(wall_s=5))
        assert rep.isolation == be.isolation and rep.records[-1] == '{"k":"done","n":1}'
        big = "def f(x):\n    return len(bytearray(600 << 20))\n"
        rep = be.run(_job(big), Limits(wall_s=5, memory_mb=256))
        assert json.loads(rep.records[0])["t"] == "MemoryError"  # RLIMIT_AS still holds per process
    finally:
        be.close()


def test_a_cgroup_bounds_the_slot_and_goes_away_with_it():
    be = LocalBackend(1)
    try:
        assert be.isolation == be.level, "root on this machine: a cgroup per slot"
        rep = be.run(_job("def f(x):\n    return x\n"), Limits(wall_s=5, memory_mb=300, processes=30))
        assert rep.records[-1] == '{"k":"done","n":1}'
        slot = be._idle.queue[0]
        mem = slot.cgroup.dirs["memory"]
        limit_file = "memory.max" if slot.cgroup.version == "v2" else "memory.limit_in_bytes"
        limit = int(open(f"{mem}/{limit_file}").read())
        assert (300 << 20) < limit <= (300 << 20) + slot.base + (16 << 20) + 4096
        assert int(open(f"{slot.cgroup.dirs['pids']}/pids.max").read()) == 32
        dirs = list(slot.cgroup.dirs.values())
    finally:
        be.close()
    assert not any(os.path.exists(d) for d in dirs)
