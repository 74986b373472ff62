"""``stepforge list``: what is registered (domains, families, labelling strategies)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="list domains, problem families and labelling strategies")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stepforge.generators.procedural.math import FAMILIES
    from stepforge.labeling import STRATEGIES
    from stepforge.pipeline.domains import DOMAINS, load

    load()
    print("domains:", ", ".join(DOMAINS.names()))
    print("math families (distinct problems each can pose):")
    for name in FAMILIES.names():
        fam = FAMILIES.get(name)
        print(f"  {name:22} {fam.size:>11,}  {fam.description}")
    from stepforge.generators.procedural.code import TEMPLATES, load_templates, space_size

    load_templates()
    print("code templates:")
    for name in TEMPLATES.names():
        t = TEMPLATES.get(name)
        print(f"  {name:22} {t.entry_point}(), {len(t.bugs)} injectable bug(s), {space_size(name):,} problems")
    print("labelling strategies:")
    for name in STRATEGIES.names():
        print(f"  {name:22} domains: {', '.join(STRATEGIES.get(name).domains)}")
    from stepforge.datasets import exporters, importers

    print("export formats:", ", ".join(exporters.formats()))
    print("import formats:", ", ".join(importers.formats()))
    return 0
