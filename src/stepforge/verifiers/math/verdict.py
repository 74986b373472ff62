"""The verdict record: what was decided, by which rule, on which extracted answers, with versions."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["equal", "not_equal", "ambiguous", "unparseable", "timeout"]


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of the code that decided (evidence kept with every verdict)."""
    from importlib.metadata import PackageNotFoundError, version

    import stepforge

    out = {"stepforge": stepforge.__version__}
    for dist in ("sympy", "latex2sympy2_extended"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:  # pragma: no cover - declared dependencies
            out[dist] = "unknown"
    return out


class MathVerdict(BaseModel):
    """One answer judgement; ``rule`` names the rule that decided, ``detail`` says why in words.

    ``ambiguous``: the text commits to no single answer (a retraction or an alternative after it);
    ``unparseable``: no answer, or one that does not read whole; ``timeout``: killed at the hard limit (rule
    ``hard_timeout``) or past ``judge``'s in-process budget (rule ``time_budget``).
    ``where`` is ``in_process`` (the bounded exact path) or ``pool`` (a hard-limited worker)."""

    verdict: Verdict
    rule: str
    seconds: float
    gold: str | None
    pred: str | None
    detail: str = ""
    where: str = "in_process"
    versions: dict[str, str] = Field(default_factory=versions)

    @property
    def equal(self) -> bool:
        return self.verdict == "equal"
