"""Procedural math families, one module each; importing this package registers them all."""

from stepforge._registry import import_submodules

from ._base import FAMILIES, Family, MathProblem, build_problem

import_submodules(__name__)

__all__ = ["FAMILIES", "Family", "MathProblem", "build_problem"]
