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

__all__ = ["BACKENDS", "ISOLATION_LEVELS", "Backend", "Limits", "RunReport", "get_backend", "make_backend"]

# name -> "module:class", imported only when used (the docker SDK is slow to import)
BACKENDS: dict[str, str] = {
    "local": "stepforge.sandbox.local:LocalBackend",
    "docker": "stepforge.sandbox.docker:DockerBackend",
}

_shared: dict[tuple[str, int | None], Any] = {}
_lock = threading.Lock()


def make_backend(name: str, slots: int | None = None, **kwargs: Any) -> Backend:
    """A new backend (the caller closes it), by its name in ``BACKENDS``."""
    if name not in BACKENDS:
        raise ValueError(f"unknown sandbox backend {name!r} (known: {', '.join(sorted(BACKENDS))})")
    import importlib

    module, cls = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), cls)(slots, **kwargs)  # type: ignore[no-any-return]


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
