"""Largest element without max()."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="max_element",
    entry_point="largest",
    names=('largest', 'max_value', 'biggest'),
    description="Write `largest(xs)` that returns the largest integer in `xs` without calling max(); return None for an empty list.",
    plan=["If xs is empty, return None.",
          "Take the first element as the best so far.",
          "For every other element x, if x is greater than the best, make x the best.",
          "Return the best."],
    code="def largest(xs):\n    if not xs:\n        return None\n    best = xs[0]\n    for x in xs[1:]:\n        if x > best:\n            best = x\n    return best\n",
    inputs=lambda r, p: [([3, 9, 2],), ([],), ([-5, -2, -9],)] + [(ints(r, 1, 9, -30, 30),) for _ in range(8)],
    bugs=[Bug("wrong_initial_value", 1, "Start with 0 as the best so far.", "best = xs[0]", "best = 0"),
          Bug("wrong_comparison", 2, "For every other element x, if x is smaller than the best, make x the best.", "x > best", "x < best"),
          Bug("missing_edge_case", 0, "No special case is needed for an empty list.", "    if not xs:\n        return None\n", "")],
    strategy=lambda p: st.tuples(st.lists(st.integers(-100, 100), max_size=10)),
))
