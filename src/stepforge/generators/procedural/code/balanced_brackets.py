"""Balanced round brackets."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register


def _s(r):
    return "".join(r.choice("()") for _ in range(r.randint(0, 8)))


register(CodeTemplate(
    name="balanced_brackets",
    entry_point="balanced",
    names=('balanced', 'is_balanced', 'brackets_ok'),
    description="Write `balanced(s)` returning True when the round brackets in `s` are balanced (every ')' closes an earlier '(' and none stay open).",
    plan=["Keep a depth counter starting at 0.",
          "Add 1 for '(' and subtract 1 for ')'.",
          "If the depth ever drops below 0, return False.",
          "At the end, the string is balanced exactly when the depth is 0."],
    code="def balanced(s):\n    depth = 0\n    for c in s:\n        if c == '(':\n            depth += 1\n        elif c == ')':\n            depth -= 1\n        if depth < 0:\n            return False\n    return depth == 0\n",
    inputs=lambda r, p: [("(()())",), (")(",), ("",), ("(()",), ("())(",)] + [(_s(r),) for _ in range(8)],
    bugs=[Bug("missing_check", 2, "Keep going even if the depth drops below 0.", "        if depth < 0:\n            return False\n", ""),
          Bug("wrong_return", 3, "At the end, the string is balanced when the depth is not negative.", "return depth == 0", "return depth >= 0")],
))
