"""What a procedural math family is, how errors are injected, and the family registry.

A family is a finite, indexable parameter space (:class:`ParamSpace`) and a builder that turns one
point of it into a problem: the prompt, its exact reference answer (computed independently of the
written steps), the premises a step checker may use, and a worked solution. The solution is written
by code that asks a :class:`Fault` for each value (or operation, formula, case) it writes; a fault at
one step returns a wrong one there and the rest of the solution follows from it, as a real wrong
solution would. Error kinds are of two classes (:data:`KINDS`): ``calculation`` slips state a false
claim a calculator can refute; ``reasoning`` errors (wrong operation with true arithmetic, misread or
swapped quantity, wrong formula, dropped case or condition, unit slip) do not, and are known only by
construction.

A run draws a family's items without repetition: item ``k`` of a family is point
``permute(size, key(run seed, family), k)`` of its space (a keyed Feistel permutation), so N items
hold N distinct problems until the space is exhausted.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sympy as sp

from stepforge._registry import Registry
from stepforge._seeding import derive_seed

# kind -> (class, what it is). "calculation": the written claim is false; "reasoning": it is not.
KINDS: dict[str, tuple[str, str]] = {
    "arithmetic_slip": ("calculation", "a calculation written with a wrong result"),
    "sign_slip": ("calculation", "a sign lost or flipped in a claim that is false as written"),
    "dropped_term": ("calculation", "a term left out of a claimed identity"),
    "wrong_rule": ("calculation", "a rule misapplied in a claim that is false as written"),
    "wrong_operation": ("reasoning", "the right numbers combined with the wrong operation; the arithmetic is true"),
    "misread_quantity": ("reasoning", "a quantity of the problem read or copied wrongly"),
    "swapped_quantity": ("reasoning", "two quantities of the problem used in each other's place"),
    "wrong_formula": ("reasoning", "a formula for another quantity (area for perimeter)"),
    "dropped_case": ("reasoning", "a case of the solution left out (one root of two)"),
    "dropped_condition": ("reasoning", "a condition of the problem ignored"),
    "unit_slip": ("reasoning", "a unit not converted, or converted wrongly"),
}
CALCULATION_KINDS = frozenset(k for k, (cls, _) in KINDS.items() if cls == "calculation")
REASONING_KINDS = frozenset(k for k, (cls, _) in KINDS.items() if cls == "reasoning")


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
    point: int | None = None  # the point of the family's parameter space


class Fault:
    """Decides what is written at each step: the correct choice, or a wrong one at the chosen point.

    In survey mode it only records every (step, kind) where an error could be injected.
    """

    def __init__(self, target: tuple[int, str] | None = None) -> None:
        self.target = target
        self.points: list[tuple[int, str]] = []
        self.applied: tuple[int, str, str] | None = None

    def at(self, step: int, correct: Any, **wrong: tuple[Any, str]) -> Any:
        """``wrong`` maps an error kind to (wrong choice, description); a choice equal to the correct
        one is not offered. Choices are values, operations, formulas or flags, whatever the step writes."""
        for kind, (value, desc) in wrong.items():
            if kind not in KINDS:
                raise ValueError(f"unknown error kind {kind!r}")
            if value is None or _same(value, correct):
                continue
            if self.target is None:
                self.points.append((step, kind))
            elif self.target == (step, kind) and self.applied is None:
                self.applied = (step, kind, desc)
                return value
        return correct


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
        return a == b
    try:
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
        d = sp.sympify(a) - sp.sympify(b)
        return bool(d == 0 or (not d.is_Rational and sp.expand(d) == 0))
    except (TypeError, sp.SympifyError):
        return a == b


class ParamSpace:
    """A family's problems as a finite space: named axes (ranges or sequences of values), decoded in
    mixed radix. ``size`` is the number of distinct problems the family can pose."""

    def __init__(self, **axes: Sequence[Any]) -> None:
        self.axes = {k: v if isinstance(v, range) else tuple(v) for k, v in axes.items()}
        if any(len(v) == 0 for v in self.axes.values()):
            raise ValueError("an axis of a parameter space is empty")
        self.size = math.prod(len(v) for v in self.axes.values())

    def point(self, n: int) -> dict[str, Any]:
        if not 0 <= n < self.size:
            raise IndexError(f"point {n} outside a space of {self.size}")
        out = {}
        for name, values in self.axes.items():
            n, r = divmod(n, len(values))
            out[name] = values[r]
        return out


def permute(n: int, key: int, i: int) -> int:
    """A keyed permutation of ``range(n)`` (4-round Feistel network with cycle walking): distinct ``i``
    give distinct results, and the order looks random."""
    if not 0 <= i < n:
        raise IndexError(f"{i} outside range({n})")
    if n == 1:
        return 0
    bits = max(2, (n - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    mask = (1 << half) - 1
    kb = key.to_bytes(8, "big", signed=False)
    x = i
    while True:
        left, right = x >> half, x & mask
        for rnd in range(4):
            h = hashlib.blake2b(kb + bytes((rnd,)) + right.to_bytes(16, "big"), digest_size=16).digest()
            left, right = right, left ^ (int.from_bytes(h, "big") & mask)
        x = (left << half) | right
        if x < n:
            return x


Builder = Callable[[dict[str, Any], random.Random, Fault], MathProblem]


@dataclass(frozen=True)
class Family:
    name: str
    build: Builder
    description: str
    space: ParamSpace

    @property
    def size(self) -> int:
        """How many distinct problems the family can pose."""
        return self.space.size


FAMILIES: Registry[Family] = Registry("math family")


def family(name: str, description: str, space: ParamSpace) -> Callable[[Builder], Builder]:
    """Register a builder ``(params, rng, fault) -> MathProblem`` over ``space`` as a family."""

    def deco(fn: Builder) -> Builder:
        FAMILIES.register(name, Family(name, fn, description, space))
        return fn

    return deco


def run_point(fam: Family, run_seed: int, ordinal: int) -> int:
    """The point of ``fam``'s space for the run's ``ordinal``-th item of that family: a permutation
    keyed by (run seed, family), fresh for each pass once the space is exhausted."""
    lap, k = divmod(ordinal, fam.size)
    return permute(fam.size, derive_seed(run_seed, "math-space", fam.name, lap), k)


def build_problem(fam: Family, seed: int, want_error: bool, *, point: int | None = None,
                  kinds: frozenset[str] | None = None) -> MathProblem | None:
    """Build a family's problem at ``point`` (default: a point drawn from ``seed``); ``seed`` decides the
    solution's own choices. With ``want_error``, one injected error (of ``kinds``, default any) whose
    final answer differs from the reference: the step is drawn uniformly among the steps that can
    carry one, then the kind. ``None`` when no injection point changes the answer."""
    if point is None:
        point = derive_seed(seed, "point") % fam.size
    params = fam.space.point(point)
    correct = fam.build(params, random.Random(seed), (survey := Fault()))
    correct.point = point
    if not want_error:
        return correct
    by_step: dict[int, dict[str, list[str]]] = {}
    for step, kind in sorted(set(survey.points)):
        if kinds is None or kind in kinds:
            by_step.setdefault(step, {}).setdefault(KINDS[kind][0], []).append(kind)
    rng = random.Random(derive_seed(seed, "fault"))
    order = sorted(by_step)
    rng.shuffle(order)  # the step first, uniformly: first errors spread over the whole solution
    for step in order:
        classes = sorted(by_step[step])
        rng.shuffle(classes)  # then reasoning error or calculation slip, evenly where a step offers both
        for cls in classes:
            options = by_step[step][cls]
            rng.shuffle(options)
            for kind in options:
                fault = Fault((step, kind))
                wrong = fam.build(params, random.Random(seed), fault)
                if fault.applied is None or _same(wrong.final_value, correct.final_value):
                    continue
                wrong.error = fault.applied
                wrong.point = point
                return wrong
    return None


# --- helpers families share -------------------------------------------------------------------

X, Y = sp.symbols("x y")


def slip(correct: int, *salt: object, ok: Callable[[int], bool] | None = None) -> int | None:
    """A wrong result as a person writes it: off by one, off by ten (a carry), or two digits swapped;
    never of another sign or number of digits' class, and only values ``ok`` accepts (e.g. still
    divisible where the next step divides). Deterministic in (value, salt); ``None`` when none fits."""
    c = int(correct)
    options = {c + 1, c - 1}
    if abs(c) >= 20:
        options |= {c + 10, c - 10}
    s = str(abs(c))
    if len(s) >= 2 and s[-1] != s[-2] and not (len(s) == 2 and s[-1] == "0"):
        options.add(int(s[:-2] + s[-1] + s[-2]) * (1 if c >= 0 else -1))
    fits = sorted(v for v in options if v != c and (v > 0) == (c > 0) and (v != 0 or c == 0) and (ok is None or ok(v)))
    if not fits:
        return None
    return fits[derive_seed(c, *salt) % len(fits)]


def misread(value: int) -> int | None:
    """An earlier result copied with two digits swapped (72 -> 27): the arithmetic done with it stays
    true, so only the reasoning is wrong. ``None`` when the swap is not a different number of the
    same length."""
    s = str(abs(int(value)))
    if len(s) < 2 or s[-1] == s[-2] or (len(s) == 2 and s[-1] == "0"):
        return None
    return int(s[:-2] + s[-1] + s[-2]) * (1 if value >= 0 else -1)


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


def nonzero_range(lo: int, hi: int) -> tuple[int, ...]:
    return tuple(v for v in range(lo, hi + 1) if v != 0)


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
