"""Duplicate indexes, first occurrence wins: exact (normalised problem and solution text) and near
(MinHash over word shingles, LSH candidates, kept only when the estimated Jaccard similarity reaches
the threshold). MinHash signatures and the LSH index are rensa's (Rust); rows are compared with kept
rows only, so every duplicate points at a row that is in the output.
"""

from __future__ import annotations

import sys
from typing import Any

from stepforge.datasets.curate.text import Tokens
from stepforge.errors import UserError


class Exact:
    """Kept rows by the 16-byte key of their normalised text."""

    def __init__(self) -> None:
        self.first: dict[bytes, int] = {}  # key -> kept row number

    @property
    def nbytes(self) -> int:
        return sys.getsizeof(self.first) + len(self.first) * (33 + 16 + 28)


_NEEDS_RENSA = "near-duplicate detection needs the data extra (rensa is missing): pip install 'stepforge[data]'"


def signatures(shingles: Tokens, num_perm: int, seed: int) -> list[Any]:
    """One rensa MinHash per row of a batch (its shingle hashes as 8-byte tokens)."""
    try:
        import rensa
    except ImportError:
        raise UserError(_NEEDS_RENSA) from None
    flat = shingles.hashes.view("V8").tolist()
    off = shingles.offsets.tolist()
    return rensa.RMinHash.from_token_sets([flat[off[i]:off[i + 1]] for i in range(len(off) - 1)], num_perm=num_perm,
                                          seed=seed)


class Near:
    """MinHash LSH over shingle hashes (``num_perm`` permutations in ``bands`` bands)."""

    def __init__(self, threshold: float, num_perm: int = 128, bands: int = 16, seed: int = 42) -> None:
        try:
            import rensa
        except ImportError:
            raise UserError(_NEEDS_RENSA) from None
        if num_perm % bands:
            raise UserError(f"--bands {bands} must divide --num-perm {num_perm}")
        self.threshold, self.num_perm, self.bands, self.seed = threshold, num_perm, bands, seed
        self.lsh = rensa.RMinHashLSH(threshold, num_perm, bands)
        self.kept: dict[int, Any] = {}

    def signatures(self, shingles: Tokens) -> list[Any]:
        return signatures(shingles, self.num_perm, self.seed)

    def check_add(self, mh: Any, row: int) -> tuple[int, float] | None:
        """(kept row, estimated similarity) of the most similar earlier kept row at or above the
        threshold, or None (then ``row`` joins the index)."""
        best: tuple[int, float] | None = None
        for cand in self.lsh.query(mh):
            sim = mh.jaccard(self.kept[cand])
            if sim >= self.threshold and (best is None or sim > best[1] or (sim == best[1] and cand < best[0])):
                best = (cand, sim)
        if best is None:
            self.lsh.insert(row, mh)
            self.kept[row] = mh
        return best

    @property
    def nbytes(self) -> int:
        """Estimated index size: each kept signature (num_perm u32 + object) and its band entries."""
        return len(self.kept) * (self.num_perm * 4 + 64 + self.bands * 24 + 100)
