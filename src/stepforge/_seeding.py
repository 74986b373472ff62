"""Seeds derived by hashing, never by addition: streams of different runs or families never overlap."""

from __future__ import annotations

import hashlib


def derive_seed(*parts: object) -> int:
    """A 63-bit seed from the blake2b hash of the parts (run seed, kind, family, index, ...)."""
    text = "\x1f".join(repr(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") >> 1


def derive_id(prefix: str, *parts: object) -> str:
    """A stable record id from the same parts: ``prefix-<16 hex digits>``."""
    text = "\x1f".join(repr(p) for p in parts).encode()
    return f"{prefix}-{hashlib.blake2b(text, digest_size=8).hexdigest()}"
