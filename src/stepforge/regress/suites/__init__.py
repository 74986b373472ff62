"""Shipped regression suites, one module per family of suites, registered by name in ``SUITES``.

A suite name may also be a path: a stepforge run folder (``traces.jsonl``) or a JSONL file of cases with
expectations (see ``user.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stepforge._registry import Registry, import_submodules
from stepforge.errors import UserError
from stepforge.regress.cases import Suite

SUITES: Registry[Callable[[], Suite]] = Registry("regression suite")


def load_suite(name: str) -> Suite:
    """A registered suite by name, or the user's own suite from a path."""
    import_submodules(__name__)
    if name in SUITES.names():
        return SUITES.get(name)()
    if Path(name).exists():
        from stepforge.regress.suites.user import load_path

        return load_path(Path(name))
    raise UserError(f"unknown suite {name!r} (known: {', '.join(SUITES.names())}; or a run folder or JSONL file)")


def suite_names() -> list[str]:
    import_submodules(__name__)
    return SUITES.names()
