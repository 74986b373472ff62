"""``procedural``: offline problems and worked solutions from the registered math families and code templates.

Item ``i`` draws from ``families[i % F]`` and asks for a wrong solution when ``hash(seed, "polarity", i)`` falls
above the positive fraction, so a run can fill both polarity quotas exactly. Everything is derived from (run
seed, domain, family, index): the same seed gives the same data on any executor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stepforge._seeding import derive_seed
from stepforge.candidate import Candidate
from stepforge.errors import UserError
from stepforge.generators.sources import SOURCES, ProducingSource, SourceSettings, Unit
from stepforge.schema import Rejection


def _registry(domain: str) -> Any:
    if domain == "math":
        from stepforge.generators.procedural.math import FAMILIES

        return FAMILIES, "math families"
    if domain == "code":
        from stepforge.generators.procedural.code import TEMPLATES, load_templates

        load_templates()
        return TEMPLATES, "code templates"
    raise UserError(f"the procedural source has no problems for domain {domain!r} (known: math, code)")


def polarity(seed: int, index: int, positive_fraction: float) -> bool:
    """True when item ``index`` asks for a wrong solution."""
    return (derive_seed(seed, "polarity", index) % 1_000_000) / 1_000_000 >= positive_fraction


class ProceduralSource(ProducingSource):
    name = "procedural"
    chooses_polarity = True

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings
        registry, what = _registry(settings.domain)
        names = settings.families or registry.names()
        unknown = [n for n in names if n not in registry]
        if unknown:
            raise UserError(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(registry.names())})")
        self.families = list(names)
        self.positive_fraction = settings.positive_fraction
        self.limit = settings.count * 20 + 200

    def units(self, start: int) -> Iterator[Unit]:
        for i in range(start, self.limit):
            yield Unit(i, polarity(self.settings.seed, i, self.positive_fraction),
                       {"family": self.families[i % len(self.families)]})

    def candidates(self, unit: Unit) -> list[Candidate | Rejection]:
        family, seed, want_error = unit.payload["family"], self.settings.seed, bool(unit.want_error)
        if self.settings.domain == "code":
            from stepforge.generators.procedural.code import candidate as code_candidate

            cand, task = code_candidate(seed, family, unit.index, want_error)
            return [cand.attach(task)]
        from stepforge.generators.procedural.math import candidate as math_candidate

        made = math_candidate(seed, family, unit.index, want_error)
        if made is None:
            return [Rejection(id=f"sf-math-none-{unit.index}", index=unit.index, domain="math",
                              reason="no_injectable_error",
                              detail=f"no injection point of this {family} problem changes its answer",
                              candidate={"family": family, "index": unit.index})]
        return [made]


    def describe(self) -> dict[str, Any]:
        return {"source": "procedural", "families": self.families}

    def exhausted(self, kept: int, count: int) -> str | None:
        return (f"stopped after {self.limit} items with {kept} of {count} traces kept: see rejected.jsonl "
                "for why candidates were dropped")



SOURCES.register(ProceduralSource.name, ProceduralSource)
