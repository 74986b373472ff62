"""The request journal: every answered request, keyed by the hash of its body, appended as one JSON line.

It is the response cache that makes ``--resume`` exact: a request whose key is in the journal is never sent
again. Lines are written with one ``write`` on an ``O_APPEND`` descriptor, so a SIGKILL leaves at most one
partial last line, which loading drops.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any


def request_key(body: dict[str, Any]) -> str:
    """sha256 of the request body as sorted-key compact JSON: the identity of a request."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Journal:
    """An append-only JSONL file of ``{"key", "request", "response", "status", ...}`` entries."""

    def __init__(self, path: str | Path, *, resume: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        if resume and self.path.exists():
            self._load()
        elif self.path.exists():
            self.path.unlink()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def _load(self) -> None:
        raw = self.path.read_bytes()
        good = 0
        for line in raw.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                entry = json.loads(line)
            except ValueError:
                break
            self._entries[entry["key"]] = entry
            good += len(line)
        if good < len(raw):  # a partial last line from a kill: drop it so appends stay line-aligned
            with open(self.path, "r+b") as f:
                f.truncate(good)

    def get(self, key: str) -> dict[str, Any] | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[str]:
        return list(self._entries)

    def entries(self) -> list[dict[str, Any]]:
        return list(self._entries.values())

    def put(self, key: str, entry: dict[str, Any]) -> dict[str, Any]:
        entry = {"key": key, **entry}
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._lock:
            if key in self._entries:
                return self._entries[key]
            os.write(self._fd, line)
            self._entries[key] = entry
        return entry

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
