"""Second largest distinct value."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="second_largest",
    entry_point="second_largest",
    names=('second_largest', 'runner_up', 'second_max'),
    description="Write `second_largest(xs)` returning the second largest distinct value in `xs`, or None if there are fewer than two distinct values.",
    plan=["Collect the distinct values of xs.",
          "If there are fewer than two of them, return None.",
          "Sort the distinct values and return the second from the end."],
    code="def second_largest(xs):\n    values = set(xs)\n    if len(values) < 2:\n        return None\n    return sorted(values)[-2]\n",
    inputs=lambda r, p: [([1, 3, 3, 2],), ([5, 5],), ([],), ([7],)] + [(ints(r, 1, 9, -5, 5),) for _ in range(8)],
    bugs=[Bug("missing_dedup", 0, "Keep all values of xs, repeats included.", "values = set(xs)", "values = list(xs)"),
          Bug("off_by_one", 2, "Sort the distinct values and return the last one.", "[-2]", "[-1]")],
))
