"""Transpose a rectangular matrix."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register


def _m(r):
    rows, cols = r.randint(1, 4), r.randint(1, 4)
    return [[r.randint(-9, 9) for _ in range(cols)] for _ in range(rows)]


register(CodeTemplate(
    name="transpose",
    entry_point="transpose",
    names=('transpose', 'transposed', 'flip_matrix'),
    description="Write `transpose(m)` returning the transpose of the rectangular matrix `m` (a list of equal-length rows); an empty matrix gives [].",
    plan=["An empty matrix transposes to [].",
          "The result has one row per column c of m.",
          "Row c of the result lists m[r][c] for every row r, top to bottom."],
    code="def transpose(m):\n    if not m:\n        return []\n    return [[m[r][c] for r in range(len(m))] for c in range(len(m[0]))]\n",
    inputs=lambda r, p: [([[1, 2, 3], [4, 5, 6]],), ([],), ([[7]],)] + [(_m(r),) for _ in range(8)],
    bugs=[Bug("wrong_order", 2, "Row c of the result lists m[r][c] for every row r, bottom to top.", "for r in range(len(m))", "for r in reversed(range(len(m)))"),
          Bug("missing_edge_case", 0, "No special case for an empty matrix.", "    if not m:\n        return []\n", "")],
))
