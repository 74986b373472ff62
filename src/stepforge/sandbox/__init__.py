"""Running untrusted code, and nothing else: isolation backends behind one interface.

``get_backend("local")`` (namespaced warm workers, no daemon needed) or ``get_backend("docker")``
(one hardened container per candidate). Both run the same in-sandbox driver, which sends back plain
tagged values only; verdicts are decided by the caller, in the trusted parent.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from stepforge.sandbox.base import ISOLATION_LEVELS, Backend, RunReport
from stepforge.sandbox.limits import Limits

__all__ = ["ISOLATION_LEVELS", "Backend", "Limits", "RunReport", "get_backend", "make_backend"]

_shared: dict[tuple[str, int | None], Any] = {}
_lock = threading.Lock()


def make_backend(name: str, slots: int | None = None, **kwargs: Any) -> Backend:
    """A new backend (the caller closes it): ``local`` or ``docker``."""
    if name == "local":
        from stepforge.sandbox.local import LocalBackend

        return LocalBackend(slots, **kwargs)
    if name == "docker":
        from stepforge.sandbox.docker import DockerBackend

        return DockerBackend(slots, **kwargs)
    raise ValueError(f"unknown sandbox backend {name!r} (known: local, docker)")


def get_backend(name: str = "local", slots: int | None = None) -> Backend:
    """A process-wide backend by name and slot count, made on first use, closed at exit."""
    key = (name, slots)
    with _lock:
        if key not in _shared:
            _shared[key] = make_backend(name, slots)
        return _shared[key]


@atexit.register
def _close_all() -> None:
    for backend in list(_shared.values()):
        try:
            backend.close()
        except Exception:
            pass
