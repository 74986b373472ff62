"""Caesar cipher on lower-case letters."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, sentence

register(CodeTemplate(
    name="caesar_shift",
    entry_point="encode",
    names=('encode', 'caesar', 'shift_letters'),
    axes={"k": tuple(range(1, 26))},
    description="Write `encode(s)` shifting every lower-case letter of `s` forward by $k places in the alphabet (wrapping from z to a); other characters stay.",
    plan=["Build the output character by character.",
          "For a lower-case letter c, its new position is (ord(c) - ord('a') + $k) % 26.",
          "Other characters are copied unchanged.",
          "Join and return the characters."],
    code="def encode(s):\n    out = []\n    for c in s:\n        if 'a' <= c <= 'z':\n            out.append(chr((ord(c) - ord('a') + $k) % 26 + ord('a')))\n        else:\n            out.append(c)\n    return ''.join(out)\n",
    inputs=lambda r, p: [("xyz abc",), ("",), ("Hello, World!",)] + [(sentence(r, 1, 4),) for _ in range(8)],
    bugs=[Bug("missing_wraparound", 1, "For a lower-case letter c, its new position is ord(c) - ord('a') + $k.", "(ord(c) - ord('a') + $k) % 26", "(ord(c) - ord('a') + $k)"),
          Bug("wrong_branch", 2, "Other characters are dropped.", "        else:\n            out.append(c)\n", "")],
))
