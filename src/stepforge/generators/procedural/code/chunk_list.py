"""Split a list into chunks of size k."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, ints, register

register(CodeTemplate(
    name="chunk_list",
    entry_point="chunks",
    names=('chunks', 'split_chunks', 'batched'),
    axes={"k": (2, 3, 4, 5, 6)},
    description="Write `chunks(xs)` splitting `xs` into consecutive lists of $k elements; the last chunk may be shorter.",
    plan=["Walk the start index i from 0 to len(xs) in steps of $k.",
          "For each start, take the slice xs[i:i + $k].",
          "Return the list of slices."],
    code="def chunks(xs):\n    return [xs[i:i + $k] for i in range(0, len(xs), $k)]\n",
    inputs=lambda r, p: [(list(range(7)),), ([],), ([1],)] + [(ints(r, 1, 11),) for _ in range(8)],
    bugs=[Bug("off_by_one", 1, "For each start, take the slice xs[i:i + $k - 1].", "xs[i:i + $k]", "xs[i:i + $k - 1]"),
          Bug("missing_edge_case", 0, "Walk the start index i in steps of $k while a whole chunk still fits.", "range(0, len(xs), $k)", "range(0, len(xs) - $k + 1, $k)")],
))
