"""The hostile battery against each backend: no forged pass, no host damage, verifier alive, bounded time.

All attacks of ``hostile.py`` run as one parallel batch per backend (as in a real RL run); the
assertions then look at every verdict, the host canaries, leftover processes and the verifier itself.
"""

from __future__ import annotations

import os
import time

import pytest
from hostile import ATTACKS, render

from stepforge.sandbox import make_backend
from stepforge.verifiers.code import CodeTask, check_code, check_codes

TASK = CodeTask(
    task_id="battery",
    entry_point="solve",
    prompt="def solve(x: int) -> int:\n    '''Return 2 * x + 1.'''\n",
    io_tests=[{"args": [1], "expected": 3}, {"args": [2], "expected": 5}],
    hidden_io_tests=[{"args": [10], "expected": 21}, {"args": [-7], "expected": -13},
                     {"args": [123], "expected": 247}],
    timeout_s=2.0,
    memory_mb=256,
)
CORRECT = "def solve(x):\n    return 2 * x + 1\n"
WRONG = "def solve(x):\n    return 2 * x\n"
BOUND_S = {"local": TASK.timeout_s + 5, "docker": TASK.timeout_s + 25}


def _local_leftovers(backend) -> list[str]:
    """Processes of the slots' dedicated uids that are not a slot's bwrap/zygote chain."""
    uids = {backend._uid_base + i for i in range(64)}
    allowed: set[int] = set()
    for slot in list(backend._idle.queue):
        if slot.proc is not None:
            allowed.add(slot.proc.pid)
    for _ in range(3):  # children and grandchildren of the slot processes (bwrap init, zygote)
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    ppid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if ppid in allowed:
                    allowed.add(int(pid))
    left = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) in allowed:
            continue
        try:
            st = os.stat(f"/proc/{pid}")
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if st.st_uid in uids and state not in ("Z", "X"):
            left.append(pid)
    return left


def _docker_leftovers(backend) -> list[str]:
    """Our containers still there, and processes of the sandbox image outside any other run's
    container (the engine is shared with other processes on this machine)."""
    import re

    from stepforge.sandbox.docker import LABEL

    owner = f"{LABEL}.owner={os.getpid()}"
    left = [c.name for c in backend.client.containers.list(all=True, filters={"label": [LABEL, owner]})]
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
                groups = open(f"/proc/{pid}/cgroup").read()
            except OSError:
                continue
            if not cmd.startswith(b"/opt/py/bin/python3"):  # the image's interpreter, only in containers
                continue
            ids = re.findall(r"[0-9a-f]{64}", groups)
            try:
                labels = backend.client.containers.get(ids[0]).labels if ids else {}
            except Exception:
                labels = {f"{LABEL}.owner": str(os.getpid())}  # its container is gone: an orphan
            if labels.get(f"{LABEL}.owner") == str(os.getpid()):
                left.append(pid)
    return left


@pytest.fixture(scope="module", params=["local", "docker"])
def battery(request, host):
    name = request.param
    backend = make_backend(name, 2)
    sources = {k: render(v, canary=host.canary, port=host.port, site=host.site, home=host.home)
               for k, v in ATTACKS.items()}
    os.environ["STEPFORGE_TEST_SECRET"] = "topsecret-env-42"
    t0 = time.monotonic()
    verdicts = dict(zip(sources, check_codes([(TASK, s) for s in sources.values()], workers=2,
                                             backend=backend)))
    batch_s = time.monotonic() - t0
    time.sleep(2.5)  # let delayed attacks (a setsid survivor sleeps 1.5 s) try their damage
    yield name, backend, verdicts, batch_s
    backend.close()


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_no_forged_pass_and_bounded_time(battery, attack):
    name, _, verdicts, _ = battery
    v = verdicts[attack]
    assert not v.passed, f"{name}: {attack} forged a pass: {v}"
    assert v.status != "passed"
    assert v.seconds < BOUND_S[name], f"{name}: {attack} took {v.seconds:.1f}s"
    assert v.isolation == ("docker" if name == "docker" else v.isolation)


def test_no_host_damage(battery, host):
    name, _, _, _ = battery
    assert host.damage() == [], name


def test_no_leftover_processes(battery):
    name, backend, _, _ = battery
    left = _local_leftovers(backend) if name == "local" else _docker_leftovers(backend)
    assert left == [], f"{name}: leftover processes or containers: {left}"


def test_verifier_alive_and_still_right(battery):
    name, backend, verdicts, batch_s = battery
    assert len(verdicts) == len(ATTACKS)
    good = check_code(TASK, CORRECT, backend)
    assert good.passed and good.status == "passed" and good.tests_passed == 5, good
    bad = check_code(TASK, WRONG, backend)
    assert not bad.passed and bad.status == "failed" and bad.hidden_passed == 0
    assert batch_s < 600


def test_expected_statuses(battery):
    """Resource attacks are named for what they did, not just 'failed'."""
    name, _, v, _ = battery
    shown = {k: (x.status, x.rule, x.failures[:1]) for k, x in v.items()}
    assert v["infinite_loop"].status == "timeout", shown["infinite_loop"]
    assert v["sleep_forever"].status == "timeout"
    assert v["c_level_bigint"].status in ("timeout", "memory")
    assert v["memory_blowup"].status in ("memory", "timeout")  # zero-filling may outlast 2 s under load
    assert v["memory_single_huge"].status == "memory", shown["memory_single_huge"]
    assert v["output_flood_stdout"].status == "output_limit", shown["output_flood_stdout"]
    assert v["output_flood_channel"].status in ("output_limit", "error")
    assert v["sys_exit_at_import"].status == "error", shown["sys_exit_at_import"]
    assert v["always_equal_object"].status == "failed"
    assert v["hardcode_visible_tests"].visible_passed == 2 and v["hardcode_visible_tests"].hidden_passed == 0
    assert "\x1b" not in (v["ansi_log_forgery"].output_head or "")
    isolation = {x.isolation for x in v.values()}
    assert isolation == ({"docker"} if name == "docker" else {"bwrap"}), isolation
