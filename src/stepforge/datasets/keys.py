"""What counts as the same problem and the same trace: keys of normalised text (NFKC, lower case, no whitespace),
so ``x = 1`` is ``x=1`` but ``x + 1`` is not ``x - 1``. Shared by curation, a run's curation and the card; the
standard library only, so a card counts duplicates without the ``data`` extra."""

from __future__ import annotations

import hashlib
import unicodedata

_SPACE = b" \t\n\r\x0b\x0c"


def normalise(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _norm(text: str) -> bytes:
    return normalise(text).encode("utf-8", "surrogatepass").translate(None, _SPACE)


def keys(problem: str, solution: str) -> tuple[bytes, bytes]:
    """(problem key, problem-and-solution key), 16 bytes each."""
    h = hashlib.blake2b(_norm(problem) + b"\x1e", digest_size=16)
    group = h.digest()
    h.update(_norm(solution))
    return group, h.digest()


def task_key(task_id: str) -> bytes:
    """A problem group by task id (16 bytes), for splits that keep a task's rows together."""
    return hashlib.blake2b(str(task_id).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def split_unit(split_seed: int, group: bytes) -> float:
    """A problem group's place in [0, 1) under a split seed: the same group lands in the same split whatever the
    order or number of rows."""
    seed = split_seed.to_bytes(8, "little", signed=True)
    return int.from_bytes(hashlib.blake2b(seed + group, digest_size=8).digest(), "big") / 2**64


def solution_text(steps: list[str]) -> str:
    """The text of a trace's solution as curation reads it: its steps, one a line."""
    return "\n".join(steps)
