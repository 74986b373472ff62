"""Verdict integrity under attacks written against the sandbox's design (issue 13), on both backends.

Candidate pairs (A plants or leaks, B benefits) and channel takeovers run three ways: one after the
other on a one-slot backend, queued together on it (``check_codes``: jobs wait in the slot's queue),
and all in one parallel batch. Probes try what the sandbox must forbid. After each verdict nothing of
the candidate may be left (processes, containers, memory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from targeted import CORRECT, PAIRS, PROBES, SHIFTS, SINGLES, WRONG_REPLAY

from stepforge.sandbox import Limits, make_backend
from stepforge.verifiers.code import CodeTask, check_code, check_codes

TASK = CodeTask(
    task_id="integrity",
    entry_point="solve",
    prompt="def solve(x: int) -> int:\n    '''Return 2 * x + 1.'''\n",
    io_tests=[{"args": [1], "expected": 3}, {"args": [2], "expected": 5}],
    hidden_io_tests=[{"args": [10], "expected": 21}, {"args": [-7], "expected": -13},
                     {"args": [123], "expected": 247}],
    timeout_s=2.0,
    memory_mb=256,
)
SLOW = TASK.model_copy(update={"timeout_s": 1.5})
ROOT = Path(__file__).resolve().parents[2]


def _backend(name: str, slots: int):
    return make_backend(name, slots)


def _leftovers(backend) -> list[str]:
    """Processes or containers of the backend that are not its idle serving processes."""
    if backend.name == "docker":
        from stepforge.sandbox.docker import LABEL

        mine = {"label": [LABEL, f"{LABEL}.owner={os.getpid()}"]}  # other processes share the engine
        return [c.name for c in backend.client.containers.list(all=True, filters=mine)]
    left = []
    for slot in list(backend._idle.queue):
        if slot.proc is None:
            continue
        tree = _descendants(slot.proc.pid)
        serving = _serving_chain(slot.proc.pid, tree)
        left += [f"{pid}:{_cmd(pid)}" for pid in tree if pid not in serving and _state(pid) not in "ZX"]
    return left


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(p))
    return kids


def _descendants(pid: int) -> list[int]:
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def _cmd(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")[:80].decode()
    except OSError:
        return "?"


def _state(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def _serving_chain(top: int, tree: list[int]) -> set[int]:
    """The slot's own processes: from the process we started down to the first serving driver."""
    kids = _children()
    chain, p = {top}, top
    for _ in range(6):
        if "_driver.py" in _cmd(p):
            return chain
        nxt = [k for k in kids.get(p, []) if k in tree]
        if not nxt:
            return chain
        p = nxt[0] if len(nxt) == 1 else min(nxt)
        chain.add(p)
    return chain


def _shmem_kib() -> int:
    for line in open("/proc/meminfo"):
        if line.startswith("Shmem:"):
            return int(line.split()[1])
    return 0


# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["local", "docker"])
def runs(request):
    """Every pair and shift, run one after the other, queued on one slot, and in one batch."""
    name = request.param
    one = _backend(name, 1)
    out: dict[str, dict] = {"sequential": {}, "queued": {}, "batch": {}, "left": {}}
    try:
        for pair, (a, b) in PAIRS.items():
            va = check_code(TASK, a, one)
            out["left"][pair] = _leftovers(one)  # right when the planter's verdict is out
            out["sequential"][pair] = [va, check_code(TASK, b, one)]
        for shift, x in SHIFTS.items():
            out["sequential"][shift] = [check_code(TASK, s, one) for s in (x, CORRECT, WRONG_REPLAY)]
            time.sleep(0.3)
            out["sequential"][shift].append(check_code(TASK, CORRECT, one))
        if name == "local":  # the queue ahead of a warm zygote (docker has none)
            for pair, (a, b) in PAIRS.items():
                out["queued"][pair] = check_codes([(TASK, a), (TASK, b)], backend=one)
            for shift, x in SHIFTS.items():
                vs = check_codes([(TASK, s) for s in (x, CORRECT, WRONG_REPLAY, CORRECT)], backend=one)
                out["queued"][shift] = vs
    finally:
        one.close()
    two = _backend(name, 2)
    try:
        items, keys = [], []
        for pair, (a, b) in PAIRS.items():
            items += [(TASK, a), (TASK, b)]
            keys.append((pair, 2))
        for shift, x in SHIFTS.items():
            items += [(TASK, x), (TASK, CORRECT), (TASK, WRONG_REPLAY), (TASK, CORRECT)]
            keys.append((shift, 4))
        vs = check_codes(items, backend=two)
        i = 0
        for key, n in keys:
            out["batch"][key] = vs[i:i + n]
            i += n
    finally:
        two.close()
    return name, out


def _modes(name: str) -> list[str]:
    return ["sequential", "queued", "batch"] if name == "local" else ["sequential", "batch"]


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_nothing_crosses_from_one_candidate_to_the_next(runs, pair):
    name, out = runs
    for mode in _modes(name):
        planter, reader = out[mode][pair]
        assert planter.passed, (name, mode, pair, "the planter must run and pass", planter)
        assert not reader.passed, (name, mode, pair, "the reader found what the planter left", reader)
        assert reader.hidden_passed == 0, (name, mode, pair, reader)


def test_nothing_of_a_planter_left_when_its_verdict_returns(runs):
    name, out = runs
    assert all(v == [] for v in out["left"].values()), (name, out["left"])


@pytest.mark.parametrize("shift", sorted(SHIFTS))
def test_no_candidate_takes_over_a_channel_or_the_server(runs, shift):
    name, out = runs
    for mode in _modes(name):
        attacker, good, wrong, good_again = out[mode][shift]
        assert not wrong.passed, (name, mode, shift, "a wrong candidate passed after the attack", wrong)
        assert good.passed and good_again.passed, (name, mode, shift, "an honest verdict changed",
                                                    good, good_again)
        assert good.seconds < TASK.timeout_s + 1 and good_again.seconds < TASK.timeout_s + 1


@pytest.fixture(scope="module", params=["local", "docker"])
def backend(request):
    be = _backend(request.param, 2)
    yield be
    be.close()


@pytest.mark.parametrize("single", sorted(SINGLES))
def test_too_slow_never_passes(backend, single):
    t0 = time.monotonic()
    v = check_code(SLOW, SINGLES[single], backend)
    assert not v.passed, (backend.name, single, v)
    assert v.status == "timeout", (backend.name, single, v.status, v.rule)
    assert time.monotonic() - t0 < SLOW.timeout_s + (20 if backend.name == "docker" else 4)
    assert check_code(TASK, CORRECT, backend).passed  # the slot serves honestly afterwards


def _probe(backend, source: str, limits: Limits | None = None) -> object:
    job = dict(TASK.job(), source=source)
    job["calls"] = job["calls"][:1]
    rep = backend.run(job, limits or Limits(wall_s=6, cpu_s=6, memory_mb=256))
    assert not rep.infra_error, rep
    recs = [json.loads(r) for r in rep.records]
    assert recs and recs[0].get("k") == "r", (rep.records[:3], rep.signal)
    v = recs[0]["v"]
    return [x[1] if x[0] == "s" else int(x[1]) for x in v[1]]


@pytest.mark.parametrize("probe", ["proc_mem_write", "ptrace_attach", "signal_reach", "foreign_channels",
                                   "writable_outside_work", "new_user_namespace"])
def test_forbidden_reach(backend, probe):
    got = _probe(backend, PROBES[probe])
    assert got == [], (backend.name, probe, got)
    assert not _leftovers(backend)


def test_memory_is_limited_per_candidate_not_per_process(backend):
    held = _probe(backend, PROBES["memory_many_processes"])
    assert held[0] <= 256, (backend.name, f"{held[0]} MiB held at once against a 256 MiB limit")
    isolation = backend.isolation
    assert not isolation.endswith("-rlimit"), f"{isolation}: this machine offers cgroups to root"


def test_processes_are_limited_per_candidate(backend):
    n = _probe(backend, PROBES["many_processes"], Limits(wall_s=6, cpu_s=6, memory_mb=256, processes=40))
    assert n[0] <= 40, (backend.name, n)
    assert not _leftovers(backend)


def test_nothing_is_held_after_the_verdict(backend):
    before = _shmem_kib()
    held = _probe(backend, PROBES["held_memory_after_verdict"], Limits(wall_s=8, cpu_s=8, memory_mb=512))
    assert not _leftovers(backend)
    time.sleep(0.5)
    after = min(_shmem_kib() for _ in range(3) if not time.sleep(0.2))
    assert after - before < 100 * 1024, (backend.name, f"held {held} MiB; {after - before} KiB still held")


def test_no_survivor_when_the_verdict_returns(backend):
    src = PAIRS["daemon_socket"][0]
    v = check_code(TASK, src, backend)
    assert v.passed
    assert not _leftovers(backend), (backend.name, _leftovers(backend))


# ------------------------------------------------------------------------------------------------
_AS_USER = textwrap.dedent("""
    import json, sys
    sys.path[:0] = [{src!r}, {tests!r}]
    from targeted import CORRECT, PAIRS, SHIFTS, SINGLES, WRONG_REPLAY, PROBES
    from test_integrity import SLOW, TASK, _probe
    from stepforge.sandbox import make_backend
    from stepforge.verifiers.code import check_codes
    be = make_backend("local", 1)
    out = {{"isolation": be.isolation, "pairs": {{}}, "shifts": {{}}, "probes": {{}}, "slow": {{}}}}
    for name, (a, b) in PAIRS.items():
        out["pairs"][name] = [v.passed for v in check_codes([(TASK, a), (TASK, b)], backend=be)]
    for name, x in SHIFTS.items():
        vs = check_codes([(TASK, s) for s in (x, CORRECT, WRONG_REPLAY, CORRECT)], backend=be)
        out["shifts"][name] = [v.passed for v in vs]
    for name in ("proc_mem_write", "ptrace_attach", "signal_reach", "foreign_channels"):
        out["probes"][name] = _probe(be, PROBES[name])
    for name, src in SINGLES.items():
        v = check_codes([(SLOW, src)], backend=be)[0]
        out["slow"][name] = [v.passed, v.status]
    be.close()
    print(json.dumps(out))
""")


def test_same_guarantees_as_a_non_root_user(tmp_path):
    """The local backend run by an unprivileged user (no dedicated uids, no cgroup): still no crossing,
    no takeover, nothing reachable; the weaker memory guarantee is named in ``isolation``."""
    if os.geteuid() != 0:
        pytest.fail("this test switches to an unprivileged user and needs root to do so")
    from stepforge.sandbox.runtime import runtime

    py, _, env = runtime()
    site = next(p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p))
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, 64001, 64001)
    os.chmod(tmp_path, 0o755)
    code = _AS_USER.format(src=str(ROOT / "src"), tests=str(ROOT / "tests" / "sandbox"))
    proc = subprocess.run(
        [py, "-I", "-c", f"import sys; sys.path.append({site!r}); exec(sys.stdin.read())"],
        input=code, capture_output=True, text=True, timeout=300, user=64001, group=64001, extra_groups=[],
        env={"PATH": "/usr/bin:/bin", "HOME": str(home), **env}, cwd=str(home),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["isolation"].startswith("bwrap"), out
    for name, (planter, reader) in out["pairs"].items():
        assert planter and not reader, (name, out["pairs"][name])
    for name, (_, good, wrong, good_again) in out["shifts"].items():
        assert good and good_again and not wrong, (name, out["shifts"][name])
    assert all(v == [] for v in out["probes"].values()), out["probes"]
    assert all(v == [False, "timeout"] for v in out["slow"].values()), out["slow"]
