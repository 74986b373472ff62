"""Step labels: worked solutions with a known first error (-1: none), for PRMs and step verifiers.

Built from the procedural math families (``data/steps_procedural.jsonl``): a correct solution has no wrong
step; a wrong one has exactly one injected error at a known step, everything before it correct.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from typing import Any

from stepforge.regress.cases import Case, Suite
from stepforge.regress.suites import SUITES

STEPS_VERSION = "1"


def _steps() -> Suite:
    text = (resources.files("stepforge.regress") / "data" / "steps_procedural.jsonl").read_text(encoding="utf-8")
    cases = [Case.model_validate(json.loads(line)) for line in text.splitlines() if line.strip()]
    return Suite(name="steps", version=f"steps/{STEPS_VERSION}", cases=cases)


SUITES.register("steps", _steps)


def build(run_seed: int = 1, per_family: int = 3) -> list[dict[str, Any]]:
    from stepforge.generators.procedural.math import FAMILIES, candidate

    rows = []
    for family in FAMILIES.names():
        for want_error in (False, True):
            index, made = 0, 0
            while made < per_family and index < 50:
                cand = candidate(run_seed, family, index, want_error)
                index += 1
                if cand is None:
                    continue
                made += 1
                inj = cand.generation.injected_error
                first = inj.step_index if inj is not None else -1
                meta = cand.task.metadata
                rows.append(Case(
                    id=f"steps/{family}/{index - 1}/{'error' if want_error else 'correct'}", domain="steps",
                    category=f"{family}:{inj.kind if inj else 'correct'}",
                    expected="reject" if inj else "accept", first_error=first, steps=list(cand.steps),
                    prompt=cand.task.prompt, gold=cand.task.reference.answer, pred="\n\n".join(cand.steps),
                    context={"premises": meta.get("premises") or [], "unknowns": meta.get("unknowns") or [],
                             "variables": meta.get("variables") or [], "gold": cand.task.reference.answer},
                ).model_dump(exclude_defaults=True))
    return rows


def main() -> None:  # pragma: no cover - regenerates the shipped file
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        for r in build():
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()
