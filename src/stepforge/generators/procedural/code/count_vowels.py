"""Count vowels in a string."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, sentence

register(CodeTemplate(
    name="count_vowels",
    entry_point="count_vowels",
    names=('count_vowels', 'vowel_count', 'num_vowels'),
    description="Write `count_vowels(s)` returning how many characters of `s` are vowels (a, e, i, o, u), upper or lower case.",
    plan=["Lower-case the string.",
          "Count the characters that are one of 'aeiou'.",
          "Return the count."],
    code="def count_vowels(s):\n    s = s.lower()\n    return sum(1 for c in s if c in 'aeiou')\n",
    inputs=lambda r, p: [("Hello World",), ("",), ("AEIOU",), ("xyz",)] + [(sentence(r, 1, 5),) for _ in range(8)],
    bugs=[Bug("missing_edge_case", 0, "Use the string as it is.", "    s = s.lower()\n", ""),
          Bug("wrong_set", 1, "Count the characters that are one of 'aeio'.", "'aeiou'", "'aeio'")],
))
