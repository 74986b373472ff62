"""A template's problem space and the run's walk through it.

A problem is a point of a finite space: the function's name, the template's parameters (``axes``) and
which inputs the prompt shows as examples. The run's k-th item of a template takes point
``permute(k)`` of a bijection of the space seeded by (run seed, template), so N items are N different
problems until the space is used up; after that the walk starts again under a new permutation (cycle
1, 2, ...), and the record says so. The point depends only on (run seed, template, k): not on workers,
batches or timing.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass
from typing import Any


def _round(key: bytes, rnd: int, value: int, mask: int) -> int:
    h = hashlib.blake2b(key + bytes([rnd]) + value.to_bytes(8, "little"), digest_size=8).digest()
    return int.from_bytes(h, "little") & mask


def permute(i: int, size: int, key: bytes) -> int:
    """Position of ``i`` under a keyed bijection of ``range(size)``: a 4-round Feistel network on the
    smallest even number of bits covering ``size``, walked until it lands inside the range."""
    if not 0 <= i < size:
        raise ValueError(f"{i} is outside range({size})")
    if size == 1:
        return 0
    bits = max(2, (size - 1).bit_length())
    bits += bits % 2
    half, mask = bits // 2, (1 << (bits // 2)) - 1
    x = i
    while True:
        left, right = x >> half, x & mask
        for rnd in range(4):
            left, right = right, left ^ _round(key, rnd, right, mask)
        x = (left << half) | right
        if x < size:
            return x


@dataclass(frozen=True)
class Point:
    """One problem of a template: its function name, parameters, and the example inputs' indexes."""

    name: str
    params: dict[str, Any]
    examples: tuple[int, ...]
    position: int


def combinations(pool: int, k: int) -> int:
    return math.comb(pool, k) if pool >= k else 1


def nth_combination(pool: int, k: int, index: int) -> tuple[int, ...]:
    """The ``index``-th k-subset of ``range(pool)`` in lexicographic order."""
    if pool <= k:
        return tuple(range(pool))
    out, start = [], 0
    for slot in range(k, 0, -1):
        for c in range(start, pool):
            n = math.comb(pool - c - 1, slot - 1)
            if index < n:
                out.append(c)
                start = c + 1
                break
            index -= n
    return tuple(out)


def size(names: tuple[str, ...], axes: dict[str, tuple[Any, ...]], pool: int, shown: int) -> int:
    return len(names) * math.prod(len(v) for v in axes.values()) * combinations(pool, shown)


def point(names: tuple[str, ...], axes: dict[str, tuple[Any, ...]], pool: int, shown: int, position: int) -> Point:
    """Mixed-radix decoding of ``position``: name, then each axis, then the example subset."""
    rest = position
    rest, name_i = divmod(rest, len(names))
    params: dict[str, Any] = {}
    for axis, values in axes.items():
        rest, j = divmod(rest, len(values))
        value = values[j]
        if isinstance(value, dict):
            params.update(value)
        else:
            params[axis] = value
    examples = nth_combination(pool, shown, rest % combinations(pool, shown))
    return Point(names[name_i], params, examples, position)


def all_points(names: tuple[str, ...], axes: dict[str, tuple[Any, ...]], pool: int, shown: int) -> itertools.chain:
    return itertools.chain(point(names, axes, pool, shown, p) for p in range(size(names, axes, pool, shown)))
