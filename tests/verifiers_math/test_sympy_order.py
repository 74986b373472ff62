"""sympy answers the checker's assumption queries the same way in every process. sympy walks the facts that may
decide ``e.is_even`` in an order taken from a hash-ordered set and shuffled by a generator seeded from the OS; on a
tree the reader keeps as written (``\\frac{1}{2}|0(9-0) + 6(0-5) + 12(5-9)|``) its handlers disagree, so
``is_integer`` was ``True`` in one process and ``None`` in another, ``is_even`` ``None`` or InconsistentAssumptions
(PYTHONHASHSEED 3 with sympy's generator seeded 1, against every other pair tried): any check asking them could
label a step one way here and another way where a held-out set is labelled. ``_sympy_order`` makes the walk
canonical. Each (hash seed, generator seed) runs in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
PROBE = r"""
import json, sys
from sympy.core.random import _assumptions_rng
_assumptions_rng.seed(int(sys.argv[1]))  # the process's draw, fixed so the test is reproducible
from stepforge.verifiers.math import steps
out = []
for tex in (r"\frac{1}{2} \left| 0(9-0) + 6(0-5) + 12(5-9) \right|", r"0(9-0) + 6(0-5) + 12(5-9)"):
    e = steps._parse(tex)  # the checker's reading of a side (sympy imported through it)
    for fact in ("is_even", "is_zero", "is_positive", "is_integer", "is_odd", "is_nonnegative"):
        try:
            out.append(str(getattr(e, fact)))
        except Exception as exc:
            out.append(type(exc).__name__)
print(json.dumps(out))
"""


def _answers(hash_seed: int, order_seed: int) -> tuple[str, ...]:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed),
           "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", PROBE, str(order_seed)], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return tuple(json.loads(out.strip().splitlines()[-1]))


def test_assumption_answers_are_the_same_in_every_process() -> None:
    got = {(h, o): _answers(h, o) for h in (0, 3, 5) for o in (1, 2)}
    assert len(set(got.values())) == 1, got  # before: (3, 1) answered is_even with InconsistentAssumptions


def test_the_verifiers_entry_points_fix_the_order() -> None:
    from stepforge.verifiers.math import judge
    from stepforge.verifiers.math._sympy_order import _in_order

    judge("39", r"\frac{1}{2} \left| 0(9-0) + 6(0-5) + 12(5-9) \right|")
    assert sys.modules["sympy.core.assumptions"].shuffle is _in_order
