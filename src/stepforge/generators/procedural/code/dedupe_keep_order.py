"""Remove duplicates, keeping first occurrences in order."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="dedupe_keep_order",
    entry_point="dedupe",
    names=('dedupe', 'unique_in_order', 'remove_repeats'),
    description="Write `dedupe(xs)` returning the elements of `xs` without repeats, each kept at its first occurrence, in the original order.",
    plan=["Keep a set of values already seen and an empty result list.",
          "For each x in xs, if x has not been seen, append it to the result and mark it as seen.",
          "Return the result."],
    code="def dedupe(xs):\n    seen = set()\n    out = []\n    for x in xs:\n        if x not in seen:\n            out.append(x)\n            seen.add(x)\n    return out\n",
    inputs=lambda r, p: [([3, 1, 3, 2, 1],), ([],), ([4, 4, 4],)] + [(ints(r, 1, 10, 0, 5),) for _ in range(8)],
    bugs=[Bug("wrong_operation", 2, "Return the result sorted.", "    return out\n", "    return sorted(out)\n"),
          Bug("missing_update", None, None, "            seen.add(x)\n", "", "never records seen values")],
))
