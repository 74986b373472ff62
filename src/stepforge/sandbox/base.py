"""What every backend returns, and the isolation levels it may report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from stepforge.sandbox.limits import Limits

#: From strongest to weakest. Every result names the level it really ran under.
ISOLATION_LEVELS = (
    "docker",  # container: no network, read-only root, tmpfs, caps dropped, non-root, cgroup limits
    "bwrap",  # per candidate: fresh pid namespace, no caps, tmpfs emptied between; slot: no network,
    #           read-only root and system, dedicated uid, seccomp (no keyrings, no IPC objects); cgroup
    "unshare",  # net/pid/ipc/uts namespaces, dedicated uid, rlimits; host files readable, no tmpfs
    "process",  # dedicated uid (when root) + rlimits + fresh work dir; network open
)
#: Appended to a local level when no cgroup bounds the slot: memory is then limited per process only.
NO_CGROUP_SUFFIX = "-rlimit"


@dataclass
class RunReport:
    """Raw result of one job: the candidate's records (untrusted text) plus what the driver observed.

    Nothing here is a verdict: the verifier parses ``records`` and compares in the parent.
    """

    isolation: str
    records: list[str] = field(default_factory=list)
    timeout: bool = False
    channel_over: bool = False
    signal: int = 0
    exit: int | None = None
    out_size: int = 0
    out_head: str = ""
    seconds: float = 0.0
    clean: bool = True
    infra_error: str = ""
    oom: bool = False  # the kernel killed a process of this candidate for exceeding its memory limit

    @classmethod
    def from_driver(cls, isolation: str, rep: Any, wall: float) -> RunReport:
        """Build from the driver's JSON report, trusting nothing about its shape."""
        if not isinstance(rep, dict):
            return cls(isolation, infra_error="malformed driver report", seconds=wall)
        if "driver_error" in rep:
            return cls(isolation, infra_error=str(rep["driver_error"])[:300], seconds=wall)
        recs = rep.get("records")
        if not isinstance(recs, list) or not all(isinstance(r, str) for r in recs):
            return cls(isolation, infra_error="malformed driver report", seconds=wall)

        def num(key: str, kind: type, default: Any) -> Any:
            v = rep.get(key, default)
            return v if type(v) is kind else default

        ex = rep.get("exit")
        return cls(
            isolation,
            records=recs,
            timeout=num("timeout", bool, False),
            channel_over=num("channel_over", bool, False),
            signal=num("signal", int, 0),
            exit=ex if type(ex) is int else None,
            out_size=num("out_size", int, 0),
            out_head=num("out_head", str, "")[:2048],
            seconds=wall,
            clean=num("clean", bool, False),
        )


class Backend(Protocol):
    """A sandbox backend: runs jobs (source + test inputs) under ``limits``; thread-safe."""

    name: str

    @property
    def isolation(self) -> str: ...

    def run(self, job: dict[str, Any], limits: Limits) -> RunReport: ...

    def close(self) -> None: ...
