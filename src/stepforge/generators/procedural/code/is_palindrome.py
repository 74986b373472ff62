"""Palindrome check ignoring case."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, word

register(CodeTemplate(
    name="is_palindrome",
    entry_point="is_palindrome",
    names=('is_palindrome', 'palindrome', 'reads_same_backwards'),
    description="Write `is_palindrome(s)` that returns True when the string `s` reads the same forwards and backwards, ignoring upper/lower case.",
    plan=["Convert s to lower case.",
          "Compare the lowered string with its reverse.",
          "Return whether they are equal."],
    code="def is_palindrome(s):\n    t = s.lower()\n    return t == t[::-1]\n",
    inputs=lambda r, p: [("Level",), ("abc",), ("",)] + [((lambda w: w + w[::-1].upper())(word(r, 1, 4)),) for _ in range(4)] + [(word(r, 2, 6),) for _ in range(5)],
    bugs=[Bug("missing_edge_case", 0, "Keep s as it is.", "t = s.lower()", "t = s"),
          Bug("off_by_one", None, None, "t[::-1]", "t[-2::-1]", "the reversed copy misses a character")],
))
