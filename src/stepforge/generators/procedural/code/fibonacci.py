"""n-th Fibonacci number."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="fibonacci",
    entry_point="fib",
    names=('fib', 'fibonacci', 'nth_fibonacci'),
    description="Write `fib(n)` returning the n-th Fibonacci number, with fib(0) == 0 and fib(1) == 1.",
    plan=["Keep two values a = 0 and b = 1 (fib(0) and fib(1)).",
          "Repeat n times: replace (a, b) by (b, a + b).",
          "Return a."],
    code="def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
    inputs=lambda r, p: [(0,), (1,), (10,)] + [(r.randint(2, 60),) for _ in range(8)],
    bugs=[Bug("wrong_initial_value", 0, "Keep two values a = 1 and b = 1.", "a, b = 0, 1", "a, b = 1, 1"),
          Bug("off_by_one", 1, "Repeat n - 1 times: replace (a, b) by (b, a + b).", "range(n)", "range(n - 1)"),
          Bug("wrong_return", 2, "Return b.", "    return a\n", "    return b\n")],
))
