"""A real Ray cluster on this machine for tests and benchmarks: a head node and worker nodes started with
``ray start`` (each node a raylet of its own, with the CPUs it is given), on loopback, with free ports and a
temporary folder of its own (so it never meets another cluster on the machine). A node can be killed with
SIGKILL, as a machine that dies."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

_RAY = str(Path(sys.executable).with_name("ray"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Node:
    proc: subprocess.Popen
    cpus: int
    log: Path

    def kill(self) -> None:
        """SIGKILL the node's whole process group (its raylet, object store and workers): a node lost."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)


@dataclass
class RayCluster:
    """``with RayCluster(head_cpus=1, workers=[1]) as c:`` then ``--ray-address c.address``."""

    head_cpus: int = 1
    workers: list[int] = field(default_factory=lambda: [1])
    temp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sf-ray-", dir="/tmp")))
    port: int = field(default_factory=_free_port)
    nodes: list[Node] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        # a loopback cluster of tests: no usage reports, no token (newer Ray turns token auth on for `ray start`)
        return {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_ADDRESS": "", "RAY_AUTH_MODE": "disabled"}

    def _node(self, args: list[str], cpus: int) -> Node:
        log = self.temp / f"node-{len(self.nodes)}.log"
        with log.open("w") as fh:
            proc = subprocess.Popen([_RAY, "start", "--block", "--node-ip-address=127.0.0.1", f"--num-cpus={cpus}",
                                     "--dashboard-agent-listen-port", str(_free_port()), *args],
                                    stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, env=self.env())
        node = Node(proc, cpus, log)
        self.nodes.append(node)
        return node

    def start(self) -> RayCluster:
        self._node(["--head", f"--port={self.port}", "--include-dashboard=false", f"--temp-dir={self.temp}"], self.head_cpus)
        self.wait_nodes(1)
        for cpus in self.workers:
            self.add_worker(cpus)
        return self

    def add_worker(self, cpus: int = 1) -> Node:
        before = self.alive_nodes()
        node = self._node([f"--address={self.address}"], cpus)
        self.wait_nodes(before + 1)
        return node

    def alive_nodes(self) -> int:
        """Nodes the cluster counts as alive (asked in a fresh interpreter: this process stays no Ray driver)."""
        try:  # before the head listens, Ray's own connect would retry for minutes
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
        except OSError:
            return 0
        code = ("import ray; ray.init(address=%r, logging_level='ERROR', log_to_driver=False); "
                "print(sum(1 for n in ray.nodes() if n['Alive']))" % self.address)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=self.env())
        try:
            return int(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return 0

    def wait_nodes(self, n: int, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.nodes:
                if node.proc.poll() is not None:
                    raise RuntimeError(f"a Ray node exited: {node.log.read_text()[-2000:]}")
            if self.alive_nodes() >= n:
                return
            time.sleep(1)
        raise RuntimeError(f"the Ray cluster did not reach {n} nodes in {timeout:g}s")

    def stop(self) -> None:
        for node in reversed(self.nodes):
            if node.proc.poll() is None:
                try:
                    os.killpg(node.proc.pid, signal.SIGTERM)
                    node.proc.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    node.kill()
        self.nodes.clear()
        shutil.rmtree(self.temp, ignore_errors=True)

    def __enter__(self) -> RayCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
