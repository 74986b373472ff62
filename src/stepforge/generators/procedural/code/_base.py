"""Function-task templates: a reference solution written as plan steps then code, with bugs to inject.

A template spans a finite space of problems (``_space``): the function's name (``names``), the
template's parameters (``axes``: each a finite tuple of values; a dict value sets several parameters),
a list argument's name when the code has one (``xs``), and which ``visible`` of a fixed ``pool`` of
inputs the prompt shows. A bug edits one plan step (a reasoning error the code then follows) or only
the code; the index of the edited step is the first wrong step *by construction*. The reference runs
in the trusted parent only.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from string import Template
from typing import Any

from stepforge._registry import Registry

Args = tuple[Any, ...]


@dataclass(frozen=True)
class Bug:
    """``step``: index of the plan step it breaks, or ``None`` for a code-only slip (the code step).
    ``plan``: the wrong plan text for that step; ``find``/``replace``: the edit to the code."""

    kind: str
    step: int | None
    plan: str | None
    find: str
    replace: str
    description: str = ""


@dataclass(frozen=True)
class CodeTemplate:
    name: str
    entry_point: str
    description: str
    plan: list[str]
    code: str
    inputs: Callable[[random.Random, dict[str, Any]], list[Args]]
    bugs: list[Bug]
    names: tuple[str, ...] = ()  # other names the function may have (``entry_point`` is the first)
    axes: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    strategy: Callable[[dict[str, Any]], Any] | None = None
    visible: int = 3
    pool: int = 10  # inputs the prompt's examples are chosen from
    tol: float | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.entry_point, *[n for n in self.names if n != self.entry_point])

    @property
    def list_names(self) -> tuple[str, ...]:
        """Names of the list argument ``xs`` (one, when the code has no ``xs``)."""
        return LIST_NAMES if re.search(r"\bxs\b", self.code) else ("xs",)

    def space_axes(self) -> dict[str, tuple[Any, ...]]:
        return {**self.axes, "xs": self.list_names} if len(self.list_names) > 1 else dict(self.axes)


LIST_NAMES = ("xs", "nums", "items")


def rename(text: str, entry: str, name: str, xs: str) -> str:
    """``text`` with the function called ``name`` and the list argument called ``xs``."""
    if name != entry:
        text = re.sub(rf"\b{re.escape(entry)}\(", f"{name}(", text)
    if xs != "xs":
        text = re.sub(r"\bxs\b", xs, text)
    return text


TEMPLATES: Registry[CodeTemplate] = Registry("code template")


def register(t: CodeTemplate) -> CodeTemplate:
    return TEMPLATES.register(t.name, t)


def fill(text: str, params: dict[str, Any]) -> str:
    """``$name`` placeholders; values are written with ``repr`` (so strings stay valid code)."""
    return Template(text).substitute({k: (v if isinstance(v, str) and k.endswith("_txt") else repr(v))
                                      for k, v in params.items() if k != "xs"})


# -- input helpers (deterministic under the rng) --------------------------------------------------------
def ints(r: random.Random, lo_n: int = 0, hi_n: int = 8, lo: int = -10, hi: int = 10) -> list[int]:
    return [r.randint(lo, hi) for _ in range(r.randint(lo_n, hi_n))]


def word(r: random.Random, lo: int = 1, hi: int = 7, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def sentence(r: random.Random, lo: int = 0, hi: int = 6) -> str:
    return " ".join(word(r) for _ in range(r.randint(lo, hi)))
