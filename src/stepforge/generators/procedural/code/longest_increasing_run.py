"""Length of the longest strictly increasing run."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="longest_increasing_run",
    entry_point="longest_run",
    names=('longest_run', 'longest_increasing', 'max_rising_run'),
    description="Write `longest_run(xs)` returning the length of the longest run of consecutive, strictly increasing elements of `xs` (0 for an empty list).",
    plan=["An empty list has no run: return 0.",
          "Track the current run length (starting at 1) and the best length seen.",
          "For each next element, extend the current run if it is larger than the previous one, else restart the run at 1; update the best.",
          "Return the best length."],
    code="def longest_run(xs):\n    if not xs:\n        return 0\n    best = cur = 1\n    for prev, x in zip(xs, xs[1:]):\n        if x > prev:\n            cur += 1\n        else:\n            cur = 1\n        best = max(best, cur)\n    return best\n",
    inputs=lambda r, p: [([1, 2, 2, 3, 4, 5],), ([],), ([5, 4, 3],)] + [(ints(r, 1, 10, 0, 6),) for _ in range(8)],
    bugs=[Bug("wrong_comparison", 2, "For each next element, extend the current run if it is at least the previous one, else restart the run at 1; update the best.", "if x > prev:", "if x >= prev:"),
          Bug("wrong_reset", None, None, "            cur = 1\n", "            cur = 0\n", "restarts the run at 0"),
          Bug("missing_edge_case", 0, "No special case for an empty list.", "    if not xs:\n        return 0\n", "")],
    strategy=lambda p: st.tuples(st.lists(st.integers(0, 9), max_size=12)),
))
