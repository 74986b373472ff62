"""Primality by trial division."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="is_prime",
    entry_point="is_prime",
    names=('is_prime', 'prime', 'check_prime'),
    description="Write `is_prime(n)` that returns True exactly when the integer n is a prime number.",
    plan=["Numbers below 2 are not prime.",
          "Try every divisor d from 2 while d * d <= n; if d divides n, n is not prime.",
          "If no divisor was found, n is prime."],
    code="def is_prime(n):\n    if n < 2:\n        return False\n    d = 2\n    while d * d <= n:\n        if n % d == 0:\n            return False\n        d += 1\n    return True\n",
    inputs=lambda r, p: [(2,), (1,), (9,), (0,), (-7,), (25,), (49,)] + [(r.randint(2, 400),) for _ in range(8)],
    bugs=[Bug("off_by_one", 1, "Try every divisor d from 2 while d * d < n; if d divides n, n is not prime.", "d * d <= n", "d * d < n"),
          Bug("missing_edge_case", 0, "Every number starts as a prime candidate.", "if n < 2:", "if n < 0:")],
    strategy=lambda p: st.tuples(st.integers(-5, 300)),
))
