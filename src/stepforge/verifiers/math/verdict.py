"""The verdict record: what was decided, by which rule, on which extracted answers, with versions."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["equal", "not_equal", "unparseable", "timeout"]


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of the code that decided (evidence kept with every verdict)."""
    from importlib.metadata import PackageNotFoundError, version

    import sympy

    import stepforge

    try:
        l2s = version("latex2sympy2_extended")
    except PackageNotFoundError:  # pragma: no cover - declared dependency
        l2s = "unknown"
    return {"stepforge": stepforge.__version__, "sympy": sympy.__version__, "latex2sympy2_extended": l2s}


class MathVerdict(BaseModel):
    """One answer judgement; ``rule`` names the rule that decided, ``detail`` says why in words."""

    verdict: Verdict
    rule: str
    seconds: float
    gold: str | None
    pred: str | None
    detail: str = ""
    versions: dict[str, str] = Field(default_factory=versions)

    @property
    def equal(self) -> bool:
        return self.verdict == "equal"
