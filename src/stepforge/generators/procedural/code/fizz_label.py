"""FizzBuzz-style labels with parameterised divisors."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="fizz_label",
    entry_point="label",
    names=('label', 'fizzbuzz', 'fizz_word'),
    axes={"ab": tuple({"a": a, "b": b} for a in range(2, 6) for b in range(2, 8) if b != a)},
    description="Write `label(n)` returning 'FizzBuzz' if n is divisible by both $a and $b, 'Fizz' if only by $a, 'Buzz' if only by $b, and str(n) otherwise.",
    plan=["If n is divisible by both $a and $b, return 'FizzBuzz'.",
          "Otherwise, if n is divisible by $a, return 'Fizz'.",
          "Otherwise, if n is divisible by $b, return 'Buzz'.",
          "Otherwise return n as a string."],
    code="def label(n):\n    if n % $a == 0 and n % $b == 0:\n        return 'FizzBuzz'\n    if n % $a == 0:\n        return 'Fizz'\n    if n % $b == 0:\n        return 'Buzz'\n    return str(n)\n",
    inputs=lambda r, p: [(p["a"] * p["b"],), (p["a"],), (p["b"],), (1,)] + [(r.randint(1, 100),) for _ in range(10)],
    bugs=[Bug("wrong_condition", 0, "If n is divisible by $a or $b, return 'FizzBuzz'.", "n % $a == 0 and n % $b == 0", "n % $a == 0 or n % $b == 0"),
          Bug("wrong_value", None, None, "return str(n)", "return n", "returns the int instead of a string")],
))
