"""Power-of-two test."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="power_of_two",
    entry_point="is_power_of_two",
    names=('is_power_of_two', 'power_of_two', 'is_pow2'),
    description="Write `is_power_of_two(n)` returning True when the integer n is 1, 2, 4, 8, ... and False otherwise (including 0 and negatives).",
    plan=["Numbers below 1 are not powers of two.",
          "While n is even, halve it.",
          "n was a power of two exactly when 1 is left."],
    code="def is_power_of_two(n):\n    if n < 1:\n        return False\n    while n % 2 == 0:\n        n //= 2\n    return n == 1\n",
    inputs=lambda r, p: [(1,), (0,), (6,), (-4,), (1024,)] + [(r.choice([2 ** r.randint(0, 20), r.randint(-5, 3000)]),) for _ in range(8)],
    bugs=[Bug("missing_edge_case", 0, "Every number is a candidate.", "if n < 1:", "if n < 0:"),
          Bug("wrong_return", 2, "n was a power of two exactly when what is left is odd.", "return n == 1", "return n % 2 == 1")],
    strategy=lambda p: st.tuples(st.integers(-10, 5000)),
))
