"""Number of set bits."""
from hypothesis import strategies as st

from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register

register(CodeTemplate(
    name="count_bits",
    entry_point="count_bits",
    names=('count_bits', 'popcount', 'ones_in_binary'),
    description="Write `count_bits(n)` returning how many 1 bits the binary representation of the non-negative integer n has.",
    plan=["Start a counter at 0.",
          "While n is positive, add its lowest bit (n & 1) to the counter and shift n right by one.",
          "Return the counter."],
    code="def count_bits(n):\n    count = 0\n    while n > 0:\n        count += n & 1\n        n >>= 1\n    return count\n",
    inputs=lambda r, p: [(0,), (7,), (8,)] + [(r.randint(0, 10**6),) for _ in range(8)],
    bugs=[Bug("wrong_operation", 1, "While n is positive, add 1 to the counter and shift n right by one.", "count += n & 1", "count += 1"),
          Bug("wrong_shift", None, None, "n >>= 1", "n >>= 2", "skips every other bit")],
    strategy=lambda p: st.tuples(st.integers(0, 2**40)),
))
