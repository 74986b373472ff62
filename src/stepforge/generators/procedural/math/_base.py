"""What a procedural math family is, how errors are injected, and the family registry.

A family builds a problem from a seed: the prompt, its exact reference answer (computed by sympy,
independently of the written steps), the premises a step checker may use, and a worked solution
whose every step states a checkable claim in ``$...$``. The solution is written by code that asks a
:class:`Fault` for each value it writes; a fault at one step returns a wrong value there and the
rest of the solution follows from it, as a real wrong solution would.
"""

from __future__ import annotations

import random
from functools import lru_cache
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from stepforge._registry import Registry
from stepforge._seeding import derive_seed


@dataclass
class MathProblem:
    """One generated problem with its written solution (correct, or with one injected error)."""

    family: str
    prompt: str
    answer: str
    answer_value: Any
    steps: list[str]
    final_answer: str
    final_value: Any
    premises: list[str] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # free variables: claims in them are identities
    params: dict[str, Any] = field(default_factory=dict)
    difficulty: int = 1
    error: tuple[int, str, str] | None = None  # (step index, kind, description)


class Fault:
    """Decides the value written at each step: the correct one, or a wrong one at the chosen point.

    In survey mode it only records every (step, kind) where an error could be injected.
    """

    def __init__(self, target: tuple[int, str] | None = None) -> None:
        self.target = target
        self.points: list[tuple[int, str]] = []
        self.applied: tuple[int, str, str] | None = None

    def at(self, step: int, correct: Any, **wrong: tuple[Any, str]) -> Any:
        """``wrong`` maps an error kind to (wrong value, description); kinds whose value equals the
        correct one are not offered."""
        for kind, (value, desc) in wrong.items():
            if _same(value, correct):
                continue
            if self.target is None:
                self.points.append((step, kind))
            elif self.target == (step, kind) and self.applied is None:
                self.applied = (step, kind, desc)
                return value
        return correct


def _same(a: Any, b: Any) -> bool:
    try:
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
        d = sp.sympify(a) - sp.sympify(b)
        return bool(d == 0 or (not d.is_Rational and sp.expand(d) == 0))
    except (TypeError, sp.SympifyError):
        return a == b


Builder = Callable[[random.Random, Fault], MathProblem]


@dataclass(frozen=True)
class Family:
    name: str
    build: Builder
    description: str


FAMILIES: Registry[Family] = Registry("math family")


def family(name: str, description: str) -> Callable[[Builder], Builder]:
    """Register a builder ``(rng, fault) -> MathProblem`` as a family."""

    def deco(fn: Builder) -> Builder:
        FAMILIES.register(name, Family(name, fn, description))
        return fn

    return deco


def build_problem(fam: Family, seed: int, want_error: bool) -> MathProblem | None:
    """Build a family's problem from ``seed``; with ``want_error``, one injected error whose final
    answer differs from the reference. ``None`` when no injection point changes the answer."""
    correct = fam.build(random.Random(seed), (survey := Fault()))
    if not want_error:
        return correct
    points = sorted(set(survey.points))
    random.Random(derive_seed(seed, "fault")).shuffle(points)
    for point in points:
        fault = Fault(point)
        wrong = fam.build(random.Random(seed), fault)
        if fault.applied is None or _same(wrong.final_value, correct.final_value):
            continue
        wrong.error = fault.applied
        return wrong
    return None


# --- helpers families share -------------------------------------------------------------------

X, Y = sp.symbols("x y")


def tex(expr: Any) -> str:
    """LaTeX for a sympy value (cached: a wrong solution re-renders most of the right one)."""
    return _tex(sp.sympify(expr))


@lru_cache(maxsize=8192)
def _tex(expr: sp.Basic) -> str:
    return sp.latex(expr)


def frac(n: int, d: int) -> str:
    """An unreduced fraction as written by a person: ``\\frac{n}{d}``."""
    if d < 0:
        n, d = -n, -d
    return f"\\frac{{{n}}}{{{d}}}"


def par(v: Any) -> str:
    """A value in parentheses when negative, for products like ``3 \\cdot (-2)``."""
    s = tex(v)
    return f"\\left({s}\\right)" if s.startswith("-") else s


def boxed_step(value_tex: str) -> str:
    return f"The answer is $\\boxed{{{value_tex}}}$."


def nonzero(rng: random.Random, lo: int, hi: int) -> int:
    while True:
        v = rng.randint(lo, hi)
        if v != 0:
            return v


def terms_tex(terms: list[Any]) -> str:
    """A sum written term by term, as a person writes it before combining like terms."""
    out = ""
    for i, term in enumerate(terms):
        t = tex(term)
        if i == 0:
            out = t
        elif t.startswith("-"):
            out += f" - {t[1:].lstrip()}"
        else:
            out += f" + {t}"
    return out or "0"
