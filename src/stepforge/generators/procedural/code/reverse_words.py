"""Reverse the order of words."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, sentence

register(CodeTemplate(
    name="reverse_words",
    entry_point="reverse_words",
    names=('reverse_words', 'words_reversed', 'flip_words'),
    description="Write `reverse_words(s)` that returns the words of `s` (separated by single spaces) in reverse order, joined by single spaces.",
    plan=["Split s on spaces into a list of words.",
          "Reverse the list of words.",
          "Join the words back with single spaces and return the result."],
    code="def reverse_words(s):\n    words = s.split(' ')\n    words = words[::-1]\n    return ' '.join(words)\n",
    inputs=lambda r, p: [("hello big world",), ("one",), ("a b",)] + [(sentence(r, 1, 6),) for _ in range(8)],
    bugs=[Bug("wrong_operation", 1, "Sort the list of words.", "words = words[::-1]", "words = sorted(words)"),
          Bug("off_by_one", None, None, "words = words[::-1]", "words = words[-2::-1]", "drops the last word")],
))
