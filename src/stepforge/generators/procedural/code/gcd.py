"""Greatest common divisor by Euclid."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="gcd",
    entry_point="gcd",
    names=('gcd', 'greatest_common_divisor', 'euclid'),
    description="Write `gcd(a, b)` returning the greatest common divisor of two non-negative integers (gcd(0, 0) is 0), with Euclid's algorithm.",
    plan=["While b is not zero, replace (a, b) by (b, a % b).",
          "Return a."],
    code="def gcd(a, b):\n    while b != 0:\n        a, b = b, a % b\n    return a\n",
    inputs=lambda r, p: [(12, 18), (7, 0), (0, 9), (0, 0)] + [(r.randint(0, 500), r.randint(0, 500)) for _ in range(8)],
    bugs=[Bug("wrong_update", 0, "While b is not zero, replace (a, b) by (b, a // b).", "a % b", "a // b"),
          Bug("wrong_return", 1, "Return b.", "    return a\n", "    return b\n")],
))
