"""Count the elements above a threshold."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="count_above",
    entry_point="count_above",
    names=('count_above', 'count_greater', 'above_threshold'),
    axes={"k": tuple(range(-5, 11))},
    description="Write `count_above(xs)` that returns how many integers in the list `xs` are strictly greater than $k.",
    plan=["Start a counter at 0.",
          "Look at each element x of xs in turn.",
          "If x is strictly greater than $k, add 1 to the counter.",
          "Return the counter."],
    code="def count_above(xs):\n    count = 0\n    for x in xs:\n        if x > $k:\n            count += 1\n    return count\n",
    inputs=lambda r, p: [([p["k"] - 1, p["k"], p["k"] + 1],), ([],), ([p["k"]] * 3,)] + [(ints(r, 1, 9, -8, 12),) for _ in range(8)],
    bugs=[Bug("wrong_comparison", 2, "If x is greater than or equal to $k, add 1 to the counter.", "x > $k", "x >= $k"),
          Bug("wrong_accumulator", 0, "Start a counter at 1.", "count = 0", "count = 1")],
    strategy=lambda p: st.tuples(st.lists(st.integers(-20, 20), max_size=10)),
))
