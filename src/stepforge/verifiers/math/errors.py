"""Why an answer could not be judged: it does not parse whole, or a static guard refused it."""

from __future__ import annotations


class ParseError(ValueError):
    """The text does not parse as a whole into a math object (a prefix is never used instead)."""


class GuardError(ParseError):
    """A static guard refused the input before sympy could spin on it (towers, huge factorials, depth)."""
