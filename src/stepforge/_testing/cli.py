"""Helpers for tests that run stepforge as a user does: the console entry point in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SRC = str(Path(__file__).resolve().parents[2])
VOLATILE = {"seconds", "wall_s", "created_at", "command"}


def run_cli(*args: str, timeout: float = 300, env: dict[str, str] | None = None, **kw: Any) -> subprocess.CompletedProcess:
    """``python -m stepforge ARGS`` with this checkout on the path and no API key in the environment."""
    full = {**os.environ, "PYTHONPATH": SRC, **(env or {})}
    full.pop("OPENAI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True,
                          timeout=timeout, env=full, **kw)


def content_key(path: Path) -> list[Any]:
    """What must not change between runs of the same seed: ids, prompts, steps, labels."""
    out = []
    for r in records(path):
        out.append((r["id"], r["task"]["prompt"], [(s["text"], s["label"]) for s in r["steps"]],
                    r["first_error_index"], r["outcome"]["correct"]))
    return out


def stable(x: Any) -> Any:
    """A record without what may differ between two runs of the same seed (timings, creation time)."""
    if isinstance(x, dict):
        return {k: stable(v) for k, v in x.items() if k not in VOLATILE}
    if isinstance(x, list):
        return [stable(v) for v in x]
    return x


def records(path: Path) -> list[dict[str, Any]]:
    """A run file's records as nested dicts (trace lines hold their free-form parts as JSON text)."""
    from stepforge.schema import json_from_wire

    return [json_from_wire(json.loads(line)) for line in path.read_text().splitlines()] if path.exists() else []
