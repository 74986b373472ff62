"""What curation removes and how it splits (``CurateOptions``), the decontamination presets, and the split rule.
Pydantic and the standard library only: the CLI and a run's configuration read them without the ``data`` extra."""

from __future__ import annotations

import bisect
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stepforge.errors import UserError


class Preset(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ngram: int
    min_overlap: float | None  # None: any shared n-gram flags the row


PRESETS: dict[str, Preset] = {
    "stepforge": Preset(ngram=8, min_overlap=0.5),
    "gpt3": Preset(ngram=13, min_overlap=None),
    "open-r1": Preset(ngram=8, min_overlap=None),
}


def describe_preset(name: str, preset: Preset) -> str:
    rule = "any shared n-gram" if preset.min_overlap is None else f"≥ {preset.min_overlap:.0%} of an item's n-grams"
    return f"{name}: {preset.ngram}-grams, {rule}"


class CurateOptions(BaseModel):
    """What to remove and how to split. ``preset`` picks the decontamination rule; ``ngram`` and
    ``min_overlap`` override it (``min_overlap`` None with ``any_hit``: one shared n-gram flags)."""

    model_config = ConfigDict(extra="forbid")

    exact: bool = True
    near: bool = True
    near_threshold: float = Field(0.8, gt=0.0, le=1.0)
    shingle: int = Field(5, ge=1)
    num_perm: int = Field(128, ge=8)
    bands: int = Field(16, ge=1)
    benchmarks: list[str] = Field(default_factory=list)
    preset: Literal["stepforge", "gpt3", "open-r1"] = "stepforge"
    ngram: int | None = Field(None, ge=1)
    min_overlap: float | None = Field(None, gt=0.0, le=1.0)
    any_hit: bool = False
    split: dict[str, float] | None = None
    split_seed: int = 0
    group_by: Literal["problem", "task_id"] = "problem"
    workers: int | None = Field(None, ge=1)  # None: one per core (at most 4) for inputs over 64 MB

    @field_validator("split")
    @classmethod
    def _fractions(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        if not v or any(f <= 0 for f in v.values()):
            raise ValueError("split fractions must be positive")
        if abs(sum(v.values()) - 1.0) > 1e-6:
            raise ValueError(f"split fractions add up to {sum(v.values()):g}, not 1")
        for name in v:
            if not name.replace("_", "").isalnum() or not name.isascii():
                raise ValueError(f"split name {name!r}: use letters, digits and underscores")
        return v

    def decontamination(self) -> Preset:
        base = PRESETS[self.preset]
        overlap = None if self.any_hit else (self.min_overlap if self.min_overlap is not None else base.min_overlap)
        return Preset(ngram=self.ngram or base.ngram, min_overlap=overlap)


def parse_split(text: str) -> dict[str, float]:
    """``train=0.9,test=0.1`` as a dict; a bad spec is a one-line error."""
    out: dict[str, float] = {}
    for part in text.split(","):
        name, eq, frac = part.strip().partition("=")
        if not eq or not name.strip():
            raise UserError(f"--split {text!r}: write NAME=FRACTION,NAME=FRACTION (e.g. train=0.9,test=0.1)")
        try:
            out[name.strip()] = float(frac)
        except ValueError:
            raise UserError(f"--split {text!r}: {frac!r} is not a number") from None
    return out


class Splits:
    """A row's split from its group's place in [0, 1) (``keys.split_unit``: a hash of the split seed and the
    group): the same group always lands in the same split, whatever the order or number of rows, so no problem
    is on both sides. ``groups`` (8-byte prefixes per split) is kept only when ``count_groups``."""

    def __init__(self, split: dict[str, float] | None, *, count_groups: bool = True) -> None:
        self.names = list(split) if split else ["train"]
        bounds, acc = [], 0.0
        for name in self.names:
            acc += split[name] if split else 1.0
            bounds.append(acc)
        bounds[-1] = 1.0
        self.bounds = bounds
        self.count_groups = count_groups
        self.groups: dict[str, set[bytes]] = {n: set() for n in self.names}

    def __call__(self, unit: float, group: bytes) -> str:
        name = self.names[min(bisect.bisect_right(self.bounds, unit), len(self.names) - 1)]
        if self.count_groups:
            self.groups[name].add(group[:8])
        return name
