"""A cgroup per local sandbox slot: memory and process limits for everything the slot runs together.

cgroup v2 (a ``stepforge`` subtree under the root with the memory and pids controllers enabled) or v1
(the memory and pids hierarchies, each under our own cgroup, so an outer limit still holds). A slot's
zygote and its one running candidate share the cgroup, so a candidate's processes together cannot pass
``memory.max`` / ``pids.max`` (RLIMIT_AS only bounds each process). Needs root; where no controller can
be written, ``open_tree`` returns None and the backend reports the weaker isolation.
"""

from __future__ import annotations

import os
import re
import signal
import time

_ROOT = "/sys/fs/cgroup"
_NAME = re.compile(r"^stepforge-(\d+)-\d+$")


def _own(controller: str) -> str | None:
    """Our cgroup path in the hierarchy of ``controller`` ("" for the v2 unified one)."""
    try:
        lines = open("/proc/self/cgroup").read().splitlines()
    except OSError:
        return None
    for line in lines:
        _, ctrls, path = line.split(":", 2)
        if (controller == "" and ctrls == "" and line.startswith("0::")) or controller in ctrls.split(","):
            return path
    return None


def _write(path: str, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def detect() -> tuple[str, dict[str, str]] | None:
    """("v2"|"v1", controller -> parent folder) when this process may make slot cgroups, else None."""
    if os.geteuid() != 0:
        return None
    try:
        if os.path.exists(f"{_ROOT}/cgroup.controllers"):
            if {"memory", "pids"} <= set(_read(f"{_ROOT}/cgroup.controllers").split()):
                return "v2", {"memory": f"{_ROOT}/stepforge", "pids": f"{_ROOT}/stepforge"}
            return None
        mem, pids = _own("memory"), _own("pids")
        if mem is not None and pids is not None and os.path.exists(f"{_ROOT}/memory/cgroup.procs") \
                and os.path.exists(f"{_ROOT}/pids/cgroup.procs"):
            return "v1", {"memory": f"{_ROOT}/memory{mem.rstrip('/')}", "pids": f"{_ROOT}/pids{pids.rstrip('/')}"}
    except OSError:
        return None
    return None


def _rmtree(path: str) -> None:
    """Remove a cgroup folder and its sub-cgroups (killing what still runs in them)."""
    for root, dirs, _files in os.walk(path, topdown=False):
        for d in dirs:
            _kill_and_rmdir(os.path.join(root, d))
    _kill_and_rmdir(path)


def _kill_and_rmdir(path: str) -> None:
    end = time.monotonic() + 5
    while True:
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > end:
                return
        _kill_members(path)
        time.sleep(0.01)


def _kill_members(path: str) -> bool:
    """SIGKILL every process in the cgroup at ``path``; True when none is left."""
    try:
        pids = [int(p) for p in _read(f"{path}/cgroup.procs").split()]
    except (OSError, ValueError):
        return True
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return not pids


class SlotCgroup:
    """One slot's cgroup (one folder per controller in v1, one folder in v2)."""

    def __init__(self, version: str, dirs: dict[str, str]) -> None:
        self.version = version
        self.dirs = dirs
        self._memory: int | None = None
        self._pids: int | None = None
        for d in set(dirs.values()):
            os.makedirs(d, exist_ok=True)
        if version == "v2" and os.path.exists(f"{dirs['memory']}/memory.swap.max"):
            _write(f"{dirs['memory']}/memory.swap.max", "0")

    def procs_files(self) -> list[str]:
        return sorted({f"{d}/cgroup.procs" for d in self.dirs.values()})

    def set_memory(self, nbytes: int) -> None:
        """The slot's memory limit (swap included where it is accounted); written only when it changes."""
        if nbytes == self._memory:
            return
        mem = self.dirs["memory"]
        try:
            if self.version == "v2":
                _write(f"{mem}/memory.max", str(nbytes))
            else:
                files = [f"{mem}/memory.limit_in_bytes"]
                if os.path.exists(f"{mem}/memory.memsw.limit_in_bytes"):  # memsw >= mem at every step
                    sw = f"{mem}/memory.memsw.limit_in_bytes"
                    lower = nbytes < int(_read(files[0]))
                    files = [files[0], sw] if lower else [sw, files[0]]
                for f in files:
                    _write(f, str(nbytes))
            self._memory = nbytes
        except OSError:
            pass  # below what is in use now: keep the old limit for this job

    def set_pids(self, n: int) -> None:
        if n != self._pids:
            _write(f"{self.dirs['pids']}/pids.max", str(n))
            self._pids = n

    def usage(self) -> int:
        name = "memory.current" if self.version == "v2" else "memory.usage_in_bytes"
        try:
            return int(_read(f"{self.dirs['memory']}/{name}"))
        except (OSError, ValueError):
            return 0

    def oom_kills(self) -> int:
        """How many processes the kernel killed here for want of memory, so far."""
        name = "memory.events" if self.version == "v2" else "memory.oom_control"
        try:
            for line in _read(f"{self.dirs['memory']}/{name}").splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill(self) -> None:
        """SIGKILL everything in the slot's cgroup (cgroup.kill where the kernel has it)."""
        for d in set(self.dirs.values()):
            if self.version == "v2" and os.path.exists(f"{d}/cgroup.kill"):
                try:
                    _write(f"{d}/cgroup.kill", "1")
                except OSError:
                    pass
            end = time.monotonic() + 2
            while not _kill_members(d) and time.monotonic() < end:
                time.sleep(0.005)

    def remove(self) -> None:
        for d in set(self.dirs.values()):
            _rmtree(d)


class CgroupTree:
    """The cgroups of one backend: ``<parent>/stepforge-<pid>-<n>/slot<i>``."""

    def __init__(self, version: str, parents: dict[str, str], instance: int) -> None:
        self.version = version
        self.dirs: dict[str, str] = {}
        if version == "v2":
            base = parents["memory"]
            _enable(_ROOT)
            os.makedirs(base, exist_ok=True)
            _enable(base)
        _collect_leftovers(set(parents.values()))
        for ctrl, parent in parents.items():
            self.dirs[ctrl] = f"{parent}/stepforge-{os.getpid()}-{instance}"
        for d in set(self.dirs.values()):
            os.makedirs(d, exist_ok=True)
            if version == "v2":
                _enable(d)

    def slot(self, index: int) -> SlotCgroup:
        return SlotCgroup(self.version, {c: f"{d}/slot{index}" for c, d in self.dirs.items()})

    def close(self) -> None:
        for d in set(self.dirs.values()):
            _rmtree(d)


def _enable(path: str) -> None:
    """Let sub-cgroups of ``path`` use the memory and pids controllers (v2)."""
    have = set(_read(f"{path}/cgroup.subtree_control").split())
    if not {"memory", "pids"} <= have:
        _write(f"{path}/cgroup.subtree_control", "+memory +pids")


def _collect_leftovers(parents: set[str]) -> None:
    """Remove the cgroups of stepforge processes that died without closing their backends."""
    for parent in parents:
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            m = _NAME.match(name)
            if m and not os.path.exists(f"/proc/{m.group(1)}"):
                _rmtree(f"{parent}/{name}")


def open_tree(instance: int) -> CgroupTree | None:
    """The backend's cgroup tree, or None where cgroups cannot be used (not root, no controllers)."""
    found = detect()
    if found is None:
        return None
    try:
        return CgroupTree(found[0], found[1], instance)
    except OSError:
        return None
