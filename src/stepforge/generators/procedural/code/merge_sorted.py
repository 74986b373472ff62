"""Merge two sorted lists."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="merge_sorted",
    entry_point="merge",
    names=('merge', 'merge_sorted', 'combine_sorted'),
    description="Write `merge(a, b)` that merges two sorted lists of integers into one sorted list, without calling sort().",
    plan=["Keep an index into each list and an empty result.",
          "While both lists have elements left, take the smaller front element (from a on ties) and advance that index.",
          "Append whatever remains of a and of b.",
          "Return the result."],
    code="def merge(a, b):\n    i = j = 0\n    out = []\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i])\n            i += 1\n        else:\n            out.append(b[j])\n            j += 1\n    out.extend(a[i:])\n    out.extend(b[j:])\n    return out\n",
    inputs=lambda r, p: [([1, 4], [2, 3, 5]), ([], [1]), ([2], [])] + [(sorted(ints(r, 0, 6)), sorted(ints(r, 0, 6))) for _ in range(8)],
    bugs=[Bug("missing_edge_case", 2, "Append whatever remains of a.", "    out.extend(b[j:])\n", ""),
          Bug("wrong_comparison", 1, "While both lists have elements left, take the larger front element and advance that index.", "a[i] <= b[j]", "a[i] >= b[j]")],
))
