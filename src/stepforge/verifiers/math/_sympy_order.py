"""sympy's assumption queries asked in one fixed order, in every process.

To answer ``e.is_even`` sympy walks the facts that may decide it in an order it takes from a hash-ordered set and
then shuffles with a generator seeded from the OS at import (``sympy.core.random._assumptions_rng``). Its handlers
are not all consistent on a tree kept as written (``\\frac{1}{2}|0(9-0) + 6(0-5) + 12(5-9)|``, unevaluated): there
the answer (``True``, ``None``, or InconsistentAssumptions) depended on PYTHONHASHSEED and on the process's draw, so
a claim could be checked one way here and another way in a different process. Sorting the facts instead of
shuffling them makes the walk the same everywhere; a query whose handlers agree gets the same answer as before."""

from __future__ import annotations

from typing import Any


def _in_order(facts: list[Any]) -> None:
    facts.sort()


def fix() -> None:
    """Make sympy's assumption walk canonical (idempotent; called where the verifier imports sympy)."""
    import importlib

    # the module itself: ``sympy.core.assumptions`` as an attribute is a function of the same name
    importlib.import_module("sympy.core.assumptions").shuffle = _in_order
