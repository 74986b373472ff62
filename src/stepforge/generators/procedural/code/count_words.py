"""Number of words in a sentence."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, sentence

register(CodeTemplate(
    name="count_words",
    entry_point="count_words",
    names=('count_words', 'word_count', 'num_words'),
    description="Write `count_words(s)` returning the number of words in `s`, where words are separated by runs of whitespace.",
    plan=["Split s on whitespace (runs of spaces count as one separator, empty strings are dropped).",
          "Return the number of pieces."],
    code="def count_words(s):\n    return len(s.split())\n",
    inputs=lambda r, p: [("hello  world",), ("",), ("   ",), (" a b ",)] + [(sentence(r, 0, 6).replace(" ", " " * r.randint(1, 3)),) for _ in range(8)],
    bugs=[Bug("wrong_split", 0, "Split s on single spaces.", "s.split()", "s.split(' ')")],
))
