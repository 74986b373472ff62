"""Run-length encoding."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register, word

register(CodeTemplate(
    name="run_length",
    entry_point="rle",
    names=('rle', 'run_lengths', 'encode_runs'),
    description="Write `rle(s)` returning a list of [character, count] pairs for the runs of equal characters in `s`.",
    plan=["Start with an empty list of runs.",
          "For each character c: if the last run has character c, increase its count; otherwise start a new run [c, 1].",
          "Return the runs."],
    code="def rle(s):\n    runs = []\n    for c in s:\n        if runs and runs[-1][0] == c:\n            runs[-1][1] += 1\n        else:\n            runs.append([c, 1])\n    return runs\n",
    inputs=lambda r, p: [("aaabcc",), ("",), ("z",)] + [("".join(r.choice("ab") * r.randint(1, 3) for _ in range(r.randint(1, 5))),) for _ in range(8)],
    bugs=[Bug("wrong_initial_value", 1, "For each character c: if the last run has character c, increase its count; otherwise start a new run [c, 0].", "runs.append([c, 1])", "runs.append([c, 0])"),
          Bug("wrong_condition", None, None, "runs[-1][0] == c", "runs[-1][0] != c", "merges different characters")],
))
