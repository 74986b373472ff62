"""Iterative factorial."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="factorial",
    entry_point="factorial",
    names=('factorial', 'fact', 'product_to_n'),
    description="Write `factorial(n)` that returns n! for an integer n >= 0 (0! is 1), using a loop.",
    plan=["Start the product at 1.",
          "Multiply the product by every integer i from 2 up to and including n.",
          "Return the product."],
    code="def factorial(n):\n    product = 1\n    for i in range(2, n + 1):\n        product *= i\n    return product\n",
    inputs=lambda r, p: [(0,), (1,), (5,)] + [(r.randint(2, 20),) for _ in range(8)],
    bugs=[Bug("off_by_one", 1, "Multiply the product by every integer i from 2 up to n, excluding n.", "range(2, n + 1)", "range(2, n)"),
          Bug("wrong_initial_value", 0, "Start the product at 0.", "product = 1", "product = 0")],
))
