"""Shared fixtures for the sandbox tests: the host canaries the battery must leave intact."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


class Host:
    """Canary files, a loopback listener, site-packages and $HOME snapshots, free disk."""

    def __init__(self) -> None:
        self.canary = tempfile.mkdtemp(prefix="stepforge-canary-")
        os.chmod(self.canary, 0o777)  # world-writable: only isolation can protect it
        for name, text, mode in (("a.txt", "canary", 0o666), ("secret.txt", "topsecret-42", 0o644)):
            p = Path(self.canary, name)
            p.write_text(text)
            os.chmod(p, mode)
        self.site = sysconfig.get_paths()["purelib"]
        self.home = str(Path.home())
        self.site_before = self._listing(self.site)
        self.home_before = self._listing(self.home)
        self.free_before = self._free()
        self.accepted: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.server.settimeout(0.2)
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @staticmethod
    def _listing(path: str) -> dict[str, int]:
        out = {}
        for entry in os.scandir(path):
            try:
                out[entry.name] = entry.stat(follow_symlinks=False).st_mtime_ns
            except OSError:
                pass
        return out

    @staticmethod
    def _free() -> dict[str, int]:
        return {p: shutil.disk_usage(p).free for p in ("/", "/tmp", "/dev/shm") if os.path.exists(p)}

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    self.accepted.append(conn.recv(100) or b"<connected>")
                except OSError:
                    self.accepted.append(b"<connected>")

    def damage(self) -> list[str]:
        """Everything that changed on the host since the start (empty list: no damage)."""
        problems = []
        a = Path(self.canary, "a.txt")
        if not a.exists() or a.read_text() != "canary":
            problems.append("canary file a.txt changed or removed")
        extra = sorted(set(os.listdir(self.canary)) - {"a.txt", "secret.txt"})
        if extra:
            problems.append(f"new files in the canary folder: {extra}")
        if self.accepted:
            problems.append(f"loopback listener got connections: {self.accepted[:3]}")
        if self._listing(self.site) != self.site_before:
            problems.append("site-packages changed")
        home_now = self._listing(self.home)
        new_home = sorted(set(home_now) - set(self.home_before))
        if any(n.endswith(".pth") or n.endswith("customize.py") for n in new_home):
            problems.append(f"new files in $HOME: {new_home}")
        for path, free in self._free().items():
            if self.free_before[path] - free > 200 * 1024 * 1024:
                problems.append(f"{path} lost {(self.free_before[path] - free) >> 20} MiB")
        return problems

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.server.close()
        shutil.rmtree(self.canary, ignore_errors=True)


@pytest.fixture(scope="session")
def host():
    h = Host()
    yield h
    h.close()


def wait_quiet(seconds: float) -> None:
    time.sleep(seconds)
