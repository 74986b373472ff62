"""Capitalise each word."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, sentence

register(CodeTemplate(
    name="title_case",
    entry_point="title",
    names=('title', 'title_case', 'capitalize_words'),
    description="Write `title(s)` returning `s` with the first letter of every space-separated word upper-cased and the rest lower-cased.",
    plan=["Split s on single spaces.",
          "For each word, upper-case its first character and lower-case the rest (empty words stay empty).",
          "Join the words with single spaces."],
    code="def title(s):\n    words = s.split(' ')\n    words = [w[:1].upper() + w[1:].lower() for w in words]\n    return ' '.join(words)\n",
    inputs=lambda r, p: [("hello WORLD",), ("",), ("a  b",)] + [(sentence(r, 1, 5).upper() if r.random() < 0.3 else sentence(r, 1, 5),) for _ in range(8)],
    bugs=[Bug("missing_step", 1, "For each word, upper-case its first character and keep the rest.", "w[1:].lower()", "w[1:]"),
          Bug("wrong_index", None, None, "w[:1].upper() + w[1:]", "w[:2].upper() + w[2:]", "upper-cases two letters")],
))
