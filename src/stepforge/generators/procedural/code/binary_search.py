"""Index of a value in a sorted list."""
from stepforge.generators.procedural.code._base import Bug, CodeTemplate, register


def _inputs(r, p):
    out = [([1, 3, 5, 7], 7), ([1, 3, 5, 7], 1), ([], 3), ([2, 4], 3)]
    for _ in range(8):
        xs = sorted(r.sample(range(-50, 50), r.randint(1, 12)))
        out.append((xs, r.choice(xs) if r.random() < 0.7 else r.randint(-50, 50)))
    return out


register(CodeTemplate(
    name="binary_search",
    entry_point="find_index",
    names=('find_index', 'search_sorted', 'index_of'),
    description="Write `find_index(xs, target)` that returns the index of `target` in the sorted list of distinct integers `xs`, or -1 if absent, using binary search.",
    plan=["Search the index range lo = 0 to hi = len(xs) - 1.",
          "While lo <= hi, look at the middle index mid = (lo + hi) // 2.",
          "If xs[mid] equals target return mid; if it is smaller move lo to mid + 1, else move hi to mid - 1.",
          "Return -1 when the range is empty."],
    code="def find_index(xs, target):\n    lo, hi = 0, len(xs) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n        if xs[mid] == target:\n            return mid\n        if xs[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid - 1\n    return -1\n",
    inputs=_inputs,
    bugs=[Bug("off_by_one", 1, "While lo < hi, look at the middle index mid = (lo + hi) // 2.", "while lo <= hi:", "while lo < hi:"),
          Bug("wrong_initial_value", 0, "Search the index range lo = 0 to hi = len(xs) - 2.", "len(xs) - 1", "len(xs) - 2")],
))
