"""Rotate a list to the right by k."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="rotate_list",
    entry_point="rotate",
    names=('rotate', 'rotate_right', 'shift_right'),
    axes={"k": tuple(range(1, 10))},
    description="Write `rotate(xs)` returning `xs` rotated to the right by $k positions (the last $k elements move to the front, wrapping around for short lists).",
    plan=["An empty list stays empty.",
          "Reduce the shift to s = $k % len(xs).",
          "Return the last s elements followed by the first len(xs) - s elements."],
    code="def rotate(xs):\n    if not xs:\n        return []\n    s = $k % len(xs)\n    return xs[len(xs) - s:] + xs[:len(xs) - s]\n",
    inputs=lambda r, p: [([1, 2, 3, 4, 5, 6, 7],), ([],), ([9],), ([1, 2],), ([1, 2, 3],)] + [(ints(r, 1, 9),) for _ in range(8)],
    bugs=[Bug("wrong_direction", 2, "Return the elements from index s on, followed by the first s elements.", "xs[len(xs) - s:] + xs[:len(xs) - s]", "xs[s:] + xs[:s]"),
          Bug("missing_edge_case", 1, "Use the shift $k as it is.", "s = $k % len(xs)", "s = $k")],
))
