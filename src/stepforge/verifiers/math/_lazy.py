"""``sympy`` imported on first use: importing the step checker (and so the pipeline and the CLI) stays fast."""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A module proxy that imports the module on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._mod: Any = None

    def __getattr__(self, attr: str) -> Any:
        mod = self.__dict__["_mod"]
        if mod is None:
            mod = self.__dict__["_mod"] = importlib.import_module(self.__dict__["_name"])
        return getattr(mod, attr)


sympy: Any = LazyModule("sympy")
