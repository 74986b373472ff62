"""Math answer equivalence: the verifier's golden suite (read from the installed package) and its metamorphic
variants (``data/math_variants.jsonl``, built by ``stepforge.regress.variants``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from stepforge.regress.cases import Case, Suite
from stepforge.regress.suites import SUITES

VARIANTS_VERSION = "1"
_EXPECT = {"equal": "accept", "not_equal": "reject", "unparseable": "no_accept", "ambiguous": "no_accept"}


def golden_rows() -> list[dict[str, Any]]:
    """Every row of ``stepforge/verifiers/math/golden/*.jsonl``, with ``source`` = ``file:line``."""
    root = resources.files("stepforge.verifiers.math") / "golden"
    rows = []
    for f in sorted(root.iterdir(), key=lambda p: p.name):
        if f.name.endswith(".jsonl"):
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
                if line.strip():
                    rows.append({**json.loads(line), "source": f"{f.name[:-6]}:{i + 1}"})
    return rows


def variant_rows() -> list[dict[str, Any]]:
    text = (resources.files("stepforge.regress") / "data" / "math_variants.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _golden() -> list[Case]:
    return [Case(id=f"golden/{r['source']}", domain="math", category=r.get("form", "other"),
                 expected=_EXPECT[r["expected"]], gold=r["gold"], pred=r["pred"], policy=r.get("policy"),
                 prompt=r.get("problem") or "", note=r.get("note", "")) for r in golden_rows()]


def _variants() -> list[Case]:
    out = []
    origin = {r["source"]: r for r in golden_rows()}
    for r in variant_rows():
        plan = "+".join(f"{n}{k}" for n, k in r["plan"])
        src = origin.get(r["source"], {})  # a variant is judged under its source case's policy and problem
        out.append(Case(id=f"variant/{r['source']}/{plan}", domain="math", category=r["category"],
                        expected=_EXPECT[r["expected"]], gold=r["gold"], pred=r["pred"], policy=src.get("policy"),
                        prompt=src.get("problem") or "",
                        tags=[f"form:{r.get('form', '')}"], note=f"from golden/{r['source']} by {plan}"))
    return out


def _golden_version() -> str:
    import hashlib

    h = hashlib.sha256(json.dumps(golden_rows(), sort_keys=True).encode()).hexdigest()[:12]
    return f"golden@{h}"


SUITES.register("math-golden", lambda: Suite(name="math-golden", version=_golden_version(), cases=_golden()))
SUITES.register("math-variants", lambda: Suite(name="math-variants", version=f"variants/{VARIANTS_VERSION}",
                                               cases=_variants()))
SUITES.register("math", lambda: Suite(name="math", version=f"{_golden_version()}+variants/{VARIANTS_VERSION}",
                                      cases=_golden() + _variants()))
