"""Arithmetic mean with a default."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="mean_or_zero",
    entry_point="mean",
    names=('mean', 'average', 'mean_value'),
    description="Write `mean(xs)` returning the arithmetic mean of the numbers in `xs` as a float, or 0.0 for an empty list.",
    plan=["An empty list has mean 0.0.",
          "Add up all the elements.",
          "Divide the sum by the number of elements (true division) and return it."],
    code="def mean(xs):\n    if not xs:\n        return 0.0\n    total = sum(xs)\n    return total / len(xs)\n",
    inputs=lambda r, p: [([1, 2],), ([],), ([3],)] + [(ints(r, 1, 8, -20, 20),) for _ in range(8)],
    bugs=[Bug("wrong_operation", 2, "Divide the sum by the number of elements with floor division and return it.", "total / len(xs)", "total // len(xs)"),
          Bug("off_by_one", None, None, "total / len(xs)", "total / (len(xs) + 1)", "divides by one too many")],
    tol=1e-9,
))
