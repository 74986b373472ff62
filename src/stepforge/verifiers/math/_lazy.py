"""``sympy`` imported on first use: importing the step checker (and so the pipeline and the CLI) stays fast."""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A module proxy that imports the module on first attribute access."""

    def __init__(self, name: str, on_load: Any = None) -> None:
        self._name = name
        self._mod: Any = None
        self._on_load = on_load

    def __getattr__(self, attr: str) -> Any:
        mod = self.__dict__["_mod"]
        if mod is None:
            mod = importlib.import_module(self.__dict__["_name"])
            if self.__dict__["_on_load"] is not None:
                self.__dict__["_on_load"]()
            self.__dict__["_mod"] = mod
        return getattr(mod, attr)


def _fix_sympy() -> None:
    from stepforge.verifiers.math._sympy_order import fix

    fix()


sympy: Any = LazyModule("sympy", _fix_sympy)
