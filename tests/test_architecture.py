"""Data flows one way: schema <- verifiers, sandbox <- generators <- labeling <- pipeline <- cli.

``rewards`` (RL reward adapters over the verifiers) sits at the labelling level, ``regress`` (verifier
regression tests) at the pipeline level.

A module may import stepforge modules of its own layer or a layer to its left, never to its right.
Leftmost utilities (errors, _seeding, _registry, _pool, _ray, _testing) and datasets (record I/O: schema only)
sit before the chain.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "stepforge"

LAYER = {
    "errors": 0, "_seeding": 0, "_registry": 0, "_pool": 0, "_ray": 0, "__init__": 0, "__main__": 8,
    "schema": 1, "candidate": 1, "datasets": 2,
    "verifiers": 3, "sandbox": 3,
    "generators": 4,
    "labeling": 5, "rewards": 5,
    "pipeline": 6, "regress": 6,
    "cli": 7,
}


def _layer(parts: list[str]) -> int | None:
    head = parts[0]
    if head.endswith(".py"):
        head = head[:-3]
    return LAYER.get(head)


def test_imports_point_left_only():
    bad = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).parts
        own = _layer(list(rel))
        if own is None:
            continue  # a module outside the chain (e.g. a private testing helper) is checked by its importers
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if not name.startswith("stepforge."):
                    continue
                target = _layer(name.split(".")[1:])
                if target is not None and target > own:
                    bad.append(f"{'/'.join(rel)} imports {name}")
    assert not bad, "imports pointing right:\n" + "\n".join(bad)


def test_no_top_level_datasets_or_verifiers_package():
    top = {p.name for p in SRC.parent.iterdir()}
    assert "datasets" not in top and "verifiers" not in top
