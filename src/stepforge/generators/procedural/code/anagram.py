"""Anagram test."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, word


def _pair(r):
    w = word(r, 1, 7, "abcd")
    return (w, "".join(r.sample(w, len(w)))) if r.random() < 0.5 else (w, word(r, 1, 7, "abcd"))


register(CodeTemplate(
    name="anagram",
    entry_point="is_anagram",
    names=('is_anagram', 'are_anagrams', 'same_letters'),
    description="Write `is_anagram(a, b)` returning True when the strings `a` and `b` contain exactly the same characters with the same counts.",
    plan=["Count the characters of a.",
          "Count the characters of b.",
          "They are anagrams exactly when the two counts are equal."],
    code="def is_anagram(a, b):\n    return sorted(a) == sorted(b)\n",
    inputs=lambda r, p: [("listen", "silent"), ("aab", "abb"), ("", ""), ("ab", "abc")] + [_pair(r) for _ in range(8)],
    bugs=[Bug("wrong_comparison", 2, "They are anagrams when they use the same set of characters.", "sorted(a) == sorted(b)", "set(a) == set(b)")],
))
