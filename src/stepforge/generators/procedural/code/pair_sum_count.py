"""Count index pairs summing to a target."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="pair_sum_count",
    entry_point="count_pairs",
    names=('count_pairs', 'pairs_with_sum', 'pair_count'),
    axes={"t": tuple(range(-2, 11))},
    description="Write `count_pairs(xs)` returning how many index pairs i < j have xs[i] + xs[j] == $t.",
    plan=["Start a counter at 0.",
          "For every i, and every j with j > i, check whether xs[i] + xs[j] == $t.",
          "Add 1 to the counter for each such pair and return it."],
    code="def count_pairs(xs):\n    count = 0\n    for i in range(len(xs)):\n        for j in range(i + 1, len(xs)):\n            if xs[i] + xs[j] == $t:\n                count += 1\n    return count\n",
    inputs=lambda r, p: [([p["t"] // 2, p["t"] - p["t"] // 2, 0, p["t"]],), ([],), ([p["t"]],)] + [(ints(r, 2, 9, -3, 12),) for _ in range(8)],
    bugs=[Bug("off_by_one", 1, "For every i, and every j with j >= i, check whether xs[i] + xs[j] == $t.", "range(i + 1, len(xs))", "range(i, len(xs))"),
          Bug("wrong_range", None, None, "range(i + 1, len(xs))", "range(len(xs))", "counts ordered pairs and self-pairs")],
))
