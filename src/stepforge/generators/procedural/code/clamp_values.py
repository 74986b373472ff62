"""Clamp every element into [lo, hi]."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="clamp_values",
    entry_point="clamp_all",
    names=('clamp_all', 'clip_all', 'bound_values'),
    axes={"bounds": tuple({"lo": lo, "hi": lo + w} for lo in range(-5, 4) for w in range(2, 9))},
    description="Write `clamp_all(xs)` returning a new list where each element of `xs` below $lo becomes $lo and each element above $hi becomes $hi.",
    plan=["Build a new list by looking at each element x.",
          "If x < $lo, use $lo instead.",
          "Else if x > $hi, use $hi instead; otherwise keep x.",
          "Return the new list."],
    code="def clamp_all(xs):\n    out = []\n    for x in xs:\n        if x < $lo:\n            x = $lo\n        elif x > $hi:\n            x = $hi\n        out.append(x)\n    return out\n",
    inputs=lambda r, p: [([p["lo"] - 1, p["hi"] + 1, p["lo"]],), ([],)] + [(ints(r, 1, 8, -15, 15),) for _ in range(8)],
    bugs=[Bug("swapped_bounds", 2, "Else if x > $hi, use $lo instead; otherwise keep x.", "            x = $hi\n", "            x = $lo\n"),
          Bug("off_by_one", 1, "If x < $lo - 1, use $lo instead.", "if x < $lo:", "if x < $lo - 1:")],
))
