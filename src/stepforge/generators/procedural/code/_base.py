"""Function-task templates: a reference solution written as plan steps then code, with bugs to inject.

A template is parameterised (``params(rng)``), so one template gives many distinct tasks. A bug edits
one plan step (a reasoning error the code then follows) or only the code; the index of the edited
step is the first wrong step *by construction*. The reference runs in the trusted parent only.
"""

from __future__ import annotations

import random
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
    params: Callable[[random.Random], dict[str, Any]] = lambda r: {}
    strategy: Callable[[dict[str, Any]], Any] | None = None
    visible: int = 3
    tol: float | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


TEMPLATES: Registry[CodeTemplate] = Registry("code template")


def register(t: CodeTemplate) -> CodeTemplate:
    return TEMPLATES.register(t.name, t)


def fill(text: str, params: dict[str, Any]) -> str:
    """``$name`` placeholders; values are written with ``repr`` (so strings stay valid code)."""
    return Template(text).substitute({k: (v if isinstance(v, str) and k.endswith("_txt") else repr(v))
                                      for k, v in params.items()})


# -- input helpers (deterministic under the rng) --------------------------------------------------------
def ints(r: random.Random, lo_n: int = 0, hi_n: int = 8, lo: int = -10, hi: int = 10) -> list[int]:
    return [r.randint(lo, hi) for _ in range(r.randint(lo_n, hi_n))]


def word(r: random.Random, lo: int = 1, hi: int = 7, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def sentence(r: random.Random, lo: int = 0, hi: int = 6) -> str:
    return " ".join(word(r) for _ in range(r.randint(lo, hi)))
