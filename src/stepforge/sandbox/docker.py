"""The docker backend: one hardened, throw-away container per candidate, through the Docker SDK.

No network, read-only root, size-capped tmpfs work folders, every capability dropped but the three
the driver needs, no-new-privileges, pids/memory/CPU limits, init reaping. The same driver as the
local backend runs inside, as root; the candidate runs as another uid, so it cannot stop the driver,
which enforces the deadline, nor write to the stdout that carries the report. Our own deadline
(``wait(timeout)`` is only an HTTP timeout) kills a container that overruns, and containers are always
removed, leftovers of dead runs too.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import threading
import time
from typing import Any

from stepforge.sandbox.base import RunReport
from stepforge.sandbox.image import DRIVER, PY_PREFIX, build_image, image_env
from stepforge.sandbox.limits import Limits

LABEL = "stepforge.sandbox"
CANDIDATE_UID = 65534
_DRIVER_MB = 40  # the container's memory beyond the candidate's limit: docker-init and the driver
_ARG_CHUNK = 100_000
_MAX_JOB = 1_500_000


class DockerBackend:
    """Runs each job in a new container; ``slots`` containers at most at a time; thread-safe."""

    name = "docker"
    level = "docker"

    def __init__(self, slots: int | None = None, *, image: str | None = None, limits: Limits | None = None,
                 client: Any = None) -> None:
        import docker

        self._docker = docker
        self.slots = max(1, slots or os.cpu_count() or 1)
        self.default_limits = limits or Limits()
        try:
            self.client = client or docker.from_env(timeout=60)
            self.client.ping()
        except Exception as exc:
            raise RuntimeError(f"no Docker engine answers ({type(exc).__name__}); start dockerd "
                               "(scripts/test.d/10-sandbox.sh does it for the tests)") from None
        self.image = image or build_image(self.client)
        self._sem = threading.BoundedSemaphore(self.slots)
        self._collect_leftovers()

    @property
    def isolation(self) -> str:
        return "docker"

    def _collect_leftovers(self) -> None:
        """Remove containers that earlier, dead stepforge processes left behind."""
        try:
            for c in self.client.containers.list(all=True, filters={"label": LABEL}):
                owner = c.labels.get(f"{LABEL}.owner", "")
                if not owner.isdigit() or not os.path.exists(f"/proc/{owner}"):
                    c.remove(force=True)
        except Exception:
            pass

    def _container_args(self, job: dict[str, Any], limits: Limits) -> dict[str, Any]:
        from docker.types import LogConfig, Ulimit

        blob = base64.b64encode(pickle.dumps(dict(job, limits=limits.as_job()), protocol=5)).decode()
        if len(blob) > _MAX_JOB:
            raise ValueError("job too large for the docker backend")
        chunks = [blob[i:i + _ARG_CHUNK] for i in range(0, len(blob), _ARG_CHUNK)]
        mem = f"{limits.memory_mb + _DRIVER_MB}m"
        return dict(
            image=self.image,
            command=[f"{PY_PREFIX}/bin/python3", "-I", "-S", "-B", DRIVER, "once", str(limits.processes),
                     str(CANDIDATE_UID), *chunks],
            detach=True,
            network_mode="none",
            read_only=True,
            tmpfs={"/tmp": f"size={limits.disk_mb}m,mode=1777,nosuid,nodev",
                   "/work": f"size={limits.disk_mb}m,mode=1777,nosuid,nodev"},
            # The driver (and docker-init) run as root with three capabilities, to switch the candidate
            # to CANDIDATE_UID and kill it: the candidate can then neither signal nor trace them, nor
            # open the container's stdout they hold, which carries the report.
            cap_drop=["ALL"],
            cap_add=["SETUID", "SETGID", "KILL"],
            security_opt=["no-new-privileges"],
            user="0:0",
            pids_limit=limits.processes,
            mem_limit=mem,
            memswap_limit=mem,
            nano_cpus=1_000_000_000,
            ulimits=[Ulimit(name="nofile", soft=256, hard=256), Ulimit(name="core", soft=0, hard=0),
                     Ulimit(name="nproc", soft=limits.processes, hard=limits.processes)],
            ipc_mode="none",
            init=True,
            environment=image_env(),
            working_dir="/work",
            hostname="sandbox",
            labels={LABEL: "1", f"{LABEL}.owner": str(os.getpid())},
            log_config=LogConfig(type="json-file", config={"max-size": f"{limits.channel_kb * 2 + 64}k",
                                                           "max-file": "1"}),
        )

    def run(self, job: dict[str, Any], limits: Limits | None = None) -> RunReport:
        limits = limits or self.default_limits
        try:
            args = self._container_args(job, limits)
        except ValueError as exc:
            return RunReport("docker", infra_error=str(exc))
        with self._sem:
            t0 = time.monotonic()
            container = None
            try:
                container = self.client.containers.create(**args)
                container.start()
                timed_out = False
                try:
                    container.wait(timeout=limits.wall_s + 15)
                except Exception:  # requests ReadTimeout / ConnectionError: our deadline, not docker's
                    timed_out = True
                    try:
                        container.kill()
                    except Exception:
                        pass
                wall = time.monotonic() - t0
                if timed_out:
                    return RunReport("docker", timeout=True, seconds=wall)
                rep = self._report(container)
                if rep is None:
                    return RunReport("docker", infra_error="no report from the container", seconds=wall)
                return RunReport.from_driver("docker", rep, wall)
            except Exception as exc:
                return RunReport("docker", infra_error=f"{type(exc).__name__}: {exc}"[:300],
                                 seconds=time.monotonic() - t0)
            finally:
                if container is not None:
                    try:
                        container.remove(force=True)
                    except Exception:
                        pass

    @staticmethod
    def _report(container: Any) -> Any:
        """The driver's report: the last line of the container's stdout. The log copier may lag
        behind the container's exit on a busy engine, so look again for a short while."""
        end = time.monotonic() + 5.0
        while True:
            logs = container.logs(stdout=True, stderr=False, tail=5).strip()
            line = logs.rsplit(b"\n", 1)[-1] if logs else b""
            try:
                rep = json.loads(line)
                if isinstance(rep, dict):
                    return rep
            except (ValueError, RecursionError):
                pass
            if time.monotonic() >= end:
                return None
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass

    def __enter__(self) -> DockerBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
