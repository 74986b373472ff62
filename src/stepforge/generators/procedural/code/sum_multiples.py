"""Sum the elements that are multiples of k."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="sum_multiples",
    entry_point="sum_multiples",
    names=('sum_multiples', 'sum_divisible', 'multiples_total'),
    axes={"k": tuple(range(2, 10))},
    description="Write `sum_multiples(xs)` that returns the sum of the integers in `xs` that are divisible by $k (0 for none).",
    plan=["Start a running total at 0.",
          "Go through each element x of xs.",
          "When x % $k == 0, add x to the total.",
          "Return the total."],
    code="def sum_multiples(xs):\n    total = 0\n    for x in xs:\n        if x % $k == 0:\n            total += x\n    return total\n",
    inputs=lambda r, p: [([p["k"], p["k"] + 1, 2 * p["k"]],), ([],), ([1],)] + [(ints(r, 1, 9, -20, 20),) for _ in range(8)],
    bugs=[Bug("wrong_condition", 2, "When x % $k != 0, add x to the total.", "x % $k == 0", "x % $k != 0"),
          Bug("wrong_accumulator", None, None, "total += x", "total += 1", "adds 1 instead of the element")],
    strategy=lambda p: st.tuples(st.lists(st.integers(-50, 50), max_size=12)),
))
