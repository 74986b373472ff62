"""Smallest and largest element as a tuple."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="min_max",
    entry_point="min_max",
    names=('min_max', 'extremes', 'low_high'),
    description="Write `min_max(xs)` returning the tuple (smallest, largest) of the non-empty list `xs`, in one pass.",
    plan=["Start both the smallest and the largest at xs[0].",
          "For each element x, lower the smallest if x is below it.",
          "And raise the largest if x is above it.",
          "Return (smallest, largest) as a tuple."],
    code="def min_max(xs):\n    lo = hi = xs[0]\n    for x in xs:\n        if x < lo:\n            lo = x\n        if x > hi:\n            hi = x\n    return (lo, hi)\n",
    inputs=lambda r, p: [([3, -1, 7],), ([5],), ([2, 2],)] + [(ints(r, 1, 9, -40, 40),) for _ in range(8)],
    bugs=[Bug("wrong_return_type", 3, "Return [smallest, largest] as a list.", "return (lo, hi)", "return [lo, hi]"),
          Bug("wrong_initial_value", 0, "Start the smallest at 0 and the largest at xs[0].", "lo = hi = xs[0]", "lo, hi = 0, xs[0]")],
))
