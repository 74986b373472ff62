"""Text as curation sees it: word tokens hashed to 64-bit integers for shingles (near duplicates) and n-grams (decontamination), computed for a whole batch of
texts at once with numpy instead of one Python object per word.

Words: NFKC, lower case, runs of letters, digits and ``_`` (any non-ASCII byte counts as a letter);
punctuation separates words, as in GPT-3's and open-r1's decontamination.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepforge.datasets.keys import normalise

_B = np.uint64(0x100000001B3)  # FNV prime: odd, so invertible modulo 2**64
_B_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_P = np.uint64(0x9E3779B97F4A7C15)  # n-gram combination multiplier
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


class _Powers:
    """B**k and B**-k modulo 2**64 for k < n, grown on demand (shared by every batch)."""

    def __init__(self) -> None:
        self.pow = np.ones(0, dtype=np.uint64)
        self.inv = np.ones(0, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.pow) < n:
            size = max(n, 2 * len(self.pow), 1 << 20)
            with np.errstate(over="ignore"):
                self.pow = np.empty(size, dtype=np.uint64)  # [1, B, B**2, ...]
                self.pow[0] = 1
                self.pow[1:] = np.cumprod(np.full(size - 1, _B, dtype=np.uint64))
                self.inv = np.empty(size, dtype=np.uint64)
                self.inv[0] = 1
                self.inv[1:] = np.cumprod(np.full(size - 1, _B_INV, dtype=np.uint64))
        return self.pow[:n], self.inv[:n]


_POWERS = _Powers()


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


@dataclass
class Tokens:
    """Word hashes of a batch of texts: ``hashes[offsets[i]:offsets[i + 1]]`` are text i's words."""

    hashes: np.ndarray  # uint64
    offsets: np.ndarray  # int64, len(texts) + 1

    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


def tokenize(texts: list[str]) -> Tokens:
    """Hash the words of every text (vectorised over the batch)."""
    data = [normalise(t).encode("utf-8", "surrogatepass") for t in texts]
    buf = np.frombuffer(b" ".join(data) + b" ", dtype=np.uint8)
    starts_of_text = np.zeros(len(data) + 1, dtype=np.int64)
    if data:
        starts_of_text[1:] = np.cumsum(np.fromiter((len(d) + 1 for d in data), dtype=np.int64, count=len(data)))
    with np.errstate(over="ignore"):  # uint8 wrap-around makes each range test one comparison
        word = (buf >= 0x80) | ((buf - np.uint8(48)) < 10) | ((buf - np.uint8(97)) < 26) | (buf == 95)
    word[-1] = False  # the buffer ends in a space: every word ends
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1
    if word[0]:
        edges = np.concatenate([[0], edges])
    begins, ends = edges[0::2], edges[1::2]  # words and gaps alternate
    pw, inv = _POWERS.get(len(buf) + 1)
    with np.errstate(over="ignore"):  # a word's hash: sum of byte * B**k over its bytes (no byte is 0)
        prefix = np.zeros(len(buf) + 1, dtype=np.uint64)
        np.cumsum(buf.astype(np.uint64) * pw[: len(buf)], out=prefix[1:])
        hashes = _mix((prefix[ends] - prefix[begins]) * inv[begins])
    offsets = np.searchsorted(begins, starts_of_text).astype(np.int64)
    return Tokens(hashes, offsets)


def grams(tokens: Tokens, n: int, *, short_whole: bool) -> Tokens:
    """Hashes of every run of ``n`` consecutive words of each text. A text with fewer than ``n`` words
    gets one hash of all its words when ``short_whole`` (shingles: short texts still compare), none
    otherwise (n-grams: a benchmark phrase of n words cannot be in it)."""
    h, off = tokens.hashes, tokens.offsets
    counts = np.diff(off)
    total = len(h)
    if n <= 1:
        return Tokens(h.copy(), off.copy())
    with np.errstate(over="ignore"):
        acc = h.copy()
        for j in range(1, n):
            acc[: total - j] = acc[: total - j] * _P + h[j:]
        acc = _mix(acc)
    per_text = np.maximum(counts - n + 1, 0)
    n_regular = int(per_text.sum())
    row = np.repeat(np.arange(len(counts)), per_text)
    pos = np.arange(n_regular) - np.repeat(np.cumsum(per_text) - per_text, per_text)
    out_counts = per_text.copy()
    extra_rows = np.flatnonzero((counts > 0) & (counts < n)) if short_whole else np.zeros(0, dtype=np.int64)
    out_counts[extra_rows] = 1
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(out_counts, out=offsets[1:])
    result = np.empty(int(offsets[-1]), dtype=np.uint64)
    result[offsets[:-1][row] + pos] = acc[off[:-1][row] + pos]
    if len(extra_rows):
        with np.errstate(over="ignore"):
            whole = np.zeros(len(extra_rows), dtype=np.uint64)
            for k in range(n - 1):
                take = counts[extra_rows] > k
                whole[take] = whole[take] * _P + h[off[extra_rows][take] + k]
            result[offsets[extra_rows]] = _mix(whole ^ np.uint64(0x5851F42D4C957F2D))
    return Tokens(result, offsets)
