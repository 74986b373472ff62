"""Sum of decimal digits."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="digit_sum",
    entry_point="digit_sum",
    names=('digit_sum', 'sum_digits', 'digits_total'),
    description="Write `digit_sum(n)` returning the sum of the decimal digits of the integer n (ignore the sign).",
    plan=["Replace n by its absolute value.",
          "While n is positive, add n % 10 to the total and drop the last digit with n //= 10.",
          "Return the total."],
    code="def digit_sum(n):\n    n = abs(n)\n    total = 0\n    while n > 0:\n        total += n % 10\n        n //= 10\n    return total\n",
    inputs=lambda r, p: [(123,), (0,), (-45,)] + [(r.randint(-10**6, 10**6),) for _ in range(8)],
    bugs=[Bug("missing_edge_case", 0, "Use n as given.", "    n = abs(n)\n", ""),
          Bug("wrong_operation", 1, "While n is positive, add n % 10 to the total and drop the last digit with n /= 10.", "n //= 10", "n = n // 100")],
    strategy=lambda p: st.tuples(st.integers(-10**9, 10**9)),
))
