"""Character counts as a dict."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, word

register(CodeTemplate(
    name="char_frequency",
    entry_point="char_counts",
    names=('char_counts', 'letter_counts', 'count_chars'),
    description="Write `char_counts(s)` returning a dict mapping each character of `s` to the number of times it occurs.",
    plan=["Start with an empty dict.",
          "For each character c of s, set counts[c] to its current count (0 if missing) plus 1.",
          "Return the dict."],
    code="def char_counts(s):\n    counts = {}\n    for c in s:\n        counts[c] = counts.get(c, 0) + 1\n    return counts\n",
    inputs=lambda r, p: [("banana",), ("",), ("aaa",)] + [(word(r, 1, 10, "abcde"),) for _ in range(8)],
    bugs=[Bug("wrong_default", 1, "For each character c of s, set counts[c] to its current count (1 if missing) plus 1.", "counts.get(c, 0)", "counts.get(c, 1)"),
          Bug("wrong_accumulator", None, None, "counts.get(c, 0) + 1", "1", "resets the count instead of incrementing")],
))
