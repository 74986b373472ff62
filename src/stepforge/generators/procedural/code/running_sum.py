"""Prefix sums."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="running_sum",
    entry_point="running_sum",
    names=('running_sum', 'prefix_sums', 'cumulative_sum'),
    description="Write `running_sum(xs)` returning a list whose i-th element is the sum of xs[0] through xs[i].",
    plan=["Start a running total at 0 and an empty result list.",
          "For each x in xs, add x to the total, then append the total to the result.",
          "Return the result list."],
    code="def running_sum(xs):\n    total = 0\n    out = []\n    for x in xs:\n        total += x\n        out.append(total)\n    return out\n",
    inputs=lambda r, p: [([1, 2, 3],), ([],), ([5],)] + [(ints(r, 1, 9),) for _ in range(8)],
    bugs=[Bug("wrong_order", 1, "For each x in xs, append the total to the result, then add x to the total.",
              "        total += x\n        out.append(total)\n", "        out.append(total)\n        total += x\n"),
          Bug("wrong_accumulator", None, None, "total += x", "total = x", "overwrites the total instead of adding")],
    strategy=lambda p: st.tuples(st.lists(st.integers(-30, 30), max_size=10)),
))
