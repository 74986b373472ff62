"""Flatten one level of nesting."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="flatten_once",
    entry_point="flatten",
    names=('flatten', 'flatten_one_level', 'concat_lists'),
    description="Write `flatten(rows)` that takes a list of lists of integers and returns one list with all their elements, row by row.",
    plan=["Start with an empty result list.",
          "For each row, extend the result with the row's elements in order.",
          "Return the result."],
    code="def flatten(rows):\n    out = []\n    for row in rows:\n        out.extend(row)\n    return out\n",
    inputs=lambda r, p: [([[1, 2], [3]],), ([],), ([[], [4]],)] + [([ints(r, 0, 4) for _ in range(r.randint(1, 4))],) for _ in range(8)],
    bugs=[Bug("wrong_operation", 1, "For each row, append the row itself to the result.", "out.extend(row)", "out.append(row)"),
          Bug("wrong_order", None, None, "out.extend(row)", "out[:0] = row", "puts later rows first")],
))
