"""``procedural``: offline problems and worked solutions from the registered math families and code templates.

Item ``i`` draws from ``families[i % F]``; its rank in that family, ``ordinal = i // F``, decides the problem (no
repeat within a family until its space is exhausted) and its polarity (a low-discrepancy sequence per family with
a seeded phase, so every family holds the run's positive fraction and a run can fill both quotas exactly).
Everything is derived from (run seed, domain, family, index): the same seed gives the same data on any executor.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
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


def polarity(seed: int, family: str, ordinal: int, positive_fraction: float) -> bool:
    """True when the ``ordinal``-th item of ``family`` asks for a wrong solution. Balanced per family: among any
    family's first n items, the wrong ones number n * (1 - positive_fraction), rounded up or down (a
    low-discrepancy sequence with a seeded phase)."""
    wrong = 1.0 - positive_fraction
    phase = (derive_seed(seed, "polarity", family) % 1_000_000) / 1_000_000
    return math.floor((ordinal + 1) * wrong + phase) > math.floor(ordinal * wrong + phase)


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
        if settings.positive_fraction is None:
            raise UserError("the procedural source makes right and wrong solutions on request: "
                            "give a positive fraction")
        self.positive_fraction = settings.positive_fraction
        self.limit = settings.count * 20 + 200

    def units(self, start: int) -> Iterator[Unit]:
        n = len(self.families)
        for i in range(start, self.limit):
            family, ordinal = self.families[i % n], i // n
            yield Unit(i, polarity(self.settings.seed, family, ordinal, self.positive_fraction),
                       {"family": family, "ordinal": ordinal})

    def candidates(self, unit: Unit) -> list[Candidate | Rejection]:
        family, seed, want_error = unit.payload["family"], self.settings.seed, bool(unit.want_error)
        if self.settings.domain == "code":
            from stepforge.generators.procedural.code import candidate as code_candidate

            cand, task = code_candidate(seed, family, unit.index, want_error, ordinal=unit.payload["ordinal"])
            return [cand.attach(task)]
        from stepforge.generators.procedural.math import candidate as math_candidate

        made = math_candidate(seed, family, unit.index, want_error, ordinal=unit.payload.get("ordinal"))
        if made is None:
            return [Rejection(id=f"sf-math-none-{unit.index}", index=unit.index, domain="math",
                              reason="no_injectable_error",
                              detail=f"no injection point of this {family} problem changes its answer",
                              candidate={"family": family, "index": unit.index})]
        return [made]

    def card_sections(self, out: Path) -> list[str]:
        """The label-quality table: math solutions have first errors known by construction, scored against what
        the strategy's checks alone located (``stepforge eval-labels`` metrics)."""
        if self.settings.domain != "math":
            return []
        from stepforge.datasets.eval_labels import label_quality_section

        section = label_quality_section(out)
        return [section] if section else []

    def describe(self) -> dict[str, Any]:
        return {"source": "procedural", "families": self.families}

    def exhausted(self, kept: int, count: int) -> str | None:
        return (f"stopped after {self.limit} items with {kept} of {count} traces kept: see rejected.jsonl "
                "for why candidates were dropped")



SOURCES.register(ProceduralSource.name, ProceduralSource)
