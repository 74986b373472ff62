"""Why an answer could not be judged here: it does not parse whole, a guard refused it, or it needs the pool."""

from __future__ import annotations

from contextvars import ContextVar


class ParseError(ValueError):
    """The text does not parse as a whole into a math object (a prefix is never used instead)."""


class GuardError(ParseError):
    """A static guard refused the input before sympy could spin on it (towers, huge factorials, depth)."""


class NeedsGeneral(Exception):
    """The bounded fast path cannot decide: the pair goes to the hard-limited pool (sympy, latex2sympy)."""


FAST_ONLY: ContextVar[bool] = ContextVar("stepforge_math_fast_only", default=False)


def need_general(reason: str) -> None:
    """Called before anything unbounded (sympy, latex2sympy): in the fast path it hands the pair on."""
    if FAST_ONLY.get():
        raise NeedsGeneral(reason)
