"""Metamorphic variants of the math golden suite: each variant's expectation follows from its transformation.

A plan is drawn with hypothesis for each golden case (default policy, conclusive expectation): at most one near
miss (the answer's value changes: ``sign``, ``off_by_one``, ``swapped_tuple``, ``wrong_unit``), then notation
rewrites that keep the value (``decimal``, ``fraction``, ``percent``, ``dfrac``, ``left_right``, ``spacing``,
``reorder_set``), then at most one wrapper (``boxed``, ``sentence``). A variant is ``not_equal`` when a near miss
was applied, else it keeps the source's expectation. Values are read here by a small exact parser (plain
integers, decimals and fractions), never by the verifier under test. ``apply_plan`` re-derives a shipped
variant from its source and plan, so the file can be checked line by line.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from fractions import Fraction
from typing import Any

NEAR_MISSES = ("sign", "off_by_one", "swapped_tuple", "wrong_unit")
REWRITES = ("decimal", "fraction", "percent", "dfrac", "left_right", "spacing", "reorder_set")
WRAPPERS = ("boxed", "sentence")
VALUE_REWRITES = ("decimal", "fraction", "percent")  # need an ``equal`` source and a plain rational answer
SENTENCES = (
    "The answer is $\\boxed{%s}$.",
    "Therefore, the final answer is $%s$.",
    "Putting everything together we get \\[ \\boxed{%s} \\] as required.",
    "Final Answer: The final answer is $%s$. I hope it is correct.",
)

_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?\d*\.\d+$")
_FRAC = re.compile(r"^([+-]?)\\[dt]?frac\{([+-]?\d+)\}\{(\d+)\}$")
_SLASH = re.compile(r"^([+-]?\d+)/(\d+)$")


def rational(text: str) -> Fraction | None:
    """The exact value of a plain integer, decimal or fraction (``\\frac{a}{b}``, ``a/b``), else None."""
    t = text.strip()
    try:
        if _INT.match(t) or _DEC.match(t):
            return Fraction(t)
        m = _FRAC.match(t)
        if m and int(m.group(3)) != 0:
            v = Fraction(int(m.group(2)), int(m.group(3)))
            return -v if m.group(1) == "-" else v
        m = _SLASH.match(t)
        if m and int(m.group(2)) != 0:
            return Fraction(int(m.group(1)), int(m.group(2)))
    except (ValueError, ZeroDivisionError):
        return None
    return None


def _decimal(v: Fraction) -> str | None:
    """``v`` as a terminating decimal (exact), or None."""
    d = v.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    k = 0
    while (v * 10**k).denominator != 1:
        k += 1
    n = v * 10**k
    sign = "-" if n < 0 else ""
    digits = str(abs(n.numerator)).rjust(k + 1, "0")
    return sign + (digits[:-k] + "." + digits[-k:] if k else digits)


def _frac_tex(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    sign = "-" if v < 0 else ""
    return f"{sign}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def _bare(text: str) -> bool:
    """A bare answer: no math delimiters, boxes, text commands or sentence words."""
    return (bool(text.strip()) and "$" not in text and "\\boxed" not in text and "\\(" not in text
            and "\\[" not in text and "\n" not in text and "answer" not in text.lower() and len(text) < 120
            and not re.search(r"[\u3000-\u9fff]", text))


def _split_top(inner: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts]


def _tuple_parts(pred: str) -> list[str] | None:
    t = pred.strip()
    if not (t.startswith("(") and t.endswith(")")) or t.startswith("(\\"):
        return None
    inner = t[1:-1]
    depth = 0
    for ch in inner:  # "(1)(2)" is not one tuple
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return None
    parts = _split_top(inner)
    return parts if len(parts) >= 2 and all(parts) else None


def _set_parts(pred: str) -> list[str] | None:
    t = pred.strip()
    if not (t.startswith("\\{") and t.endswith("\\}")):
        return None
    parts = _split_top(t[2:-2])
    return parts if len(parts) >= 2 and all(parts) and "\\{" not in t[2:-2] else None


# -- the transformations: (source case, pred, parameter) -> new pred, or None when it does not apply ----------
def _t_sign(case: dict[str, Any], pred: str, k: int) -> str | None:
    v = rational(pred)
    if v is None or v == 0:
        return None
    return pred.strip()[1:].lstrip() if pred.strip().startswith("-") else "-" + pred.strip().lstrip("+")


def _t_off_by_one(case: dict[str, Any], pred: str, k: int) -> str | None:
    t = pred.strip()
    if not _INT.match(t):
        return None
    return str(int(t) + (1 if k % 2 == 0 else -1))


def _t_swapped_tuple(case: dict[str, Any], pred: str, k: int) -> str | None:
    parts = _tuple_parts(pred)
    if parts is None or case.get("form") not in ("tuple", "labelled_tuple", "vector"):
        return None
    i, j = 0, 1 + k % (len(parts) - 1)
    a, b = parts[i], parts[j]
    va, vb = rational(a), rational(b)
    if a == b or (va is not None and va == vb) or va is None or vb is None:
        return None  # the swap must change the tuple, provably
    parts = list(parts)
    parts[i], parts[j] = b, a
    return "(" + ", ".join(parts) + ")"


def _t_wrong_unit(case: dict[str, Any], pred: str, k: int) -> str | None:
    v = rational(pred)
    if v is None or v == 0 or "%" in pred:
        return None
    d = _decimal(v / 100)
    return None if d is None else f"{d}\\%"  # a percent-scale slip: wrong under every reading of %


def _same_value(case: dict[str, Any], pred: str) -> Fraction | None:
    """The pred's exact value when it is exactly the gold's (a rounded decimal is not rewritten as exact)."""
    v, g = rational(pred), rational(case["gold"])
    return v if v is not None and v == g else None


def _t_decimal(case: dict[str, Any], pred: str, k: int) -> str | None:
    v = _same_value(case, pred)
    d = None if v is None else _decimal(v)
    return d if d is not None and d != pred.strip() else None


def _t_fraction(case: dict[str, Any], pred: str, k: int) -> str | None:
    v = _same_value(case, pred)
    if v is None or v.denominator == 1 or "frac" in pred or "/" in pred:
        return None
    return _frac_tex(v)


def _t_percent(case: dict[str, Any], pred: str, k: int) -> str | None:
    v = _same_value(case, pred)
    if v is None or not (0 < abs(v) <= 1) or "%" in pred:
        return None
    d = _decimal(v * 100)
    return None if d is None else f"{d}\\%"


def _t_dfrac(case: dict[str, Any], pred: str, k: int) -> str | None:
    if "\\frac" not in pred:
        return None
    return pred.replace("\\frac", "\\dfrac" if k % 2 == 0 else "\\tfrac")


def _t_left_right(case: dict[str, Any], pred: str, k: int) -> str | None:
    if "\\left" in pred or "\\right" in pred or "\\sqrt[" in pred or "\\text" in pred:
        return None
    opens, closes = pred.count("(") + pred.count("["), pred.count(")") + pred.count("]")
    if opens == 0 or opens != closes:
        return None
    out = []
    for ch in pred:
        out.append({"(": "\\left(", "[": "\\left[", ")": "\\right)", "]": "\\right]"}.get(ch, ch))
    return "".join(out)


def _t_spacing(case: dict[str, Any], pred: str, k: int) -> str | None:
    if "\\text" in pred or "\\mathrm" in pred or re.search(r"\de[+-]", pred, re.I):
        return None
    thousands = re.search(r"\d,\d{3}(?!\d)|\{,\}|\\!|\d\\,", pred)
    ops = "=+," if pred.lstrip().startswith(("(", "[", "\\{")) and not thousands else "=+"
    out = re.sub(rf"\s*(?<!\\)([{ops}])\s*", r" \1 ", pred).strip()
    out = re.sub(r" , ", ", ", out) if k % 2 else out
    return out if out != pred else None


def _t_reorder_set(case: dict[str, Any], pred: str, k: int) -> str | None:
    parts = _set_parts(pred)
    if parts is None or len(set(parts)) < 2:
        return None
    perms = [p for p in itertools.permutations(parts) if list(p) != parts][:24]
    return "\\{" + ", ".join(perms[k % len(perms)]) + "\\}"


def _t_boxed(case: dict[str, Any], pred: str, k: int) -> str | None:
    return f"\\boxed{{{pred}}}" if _bare(pred) else None


def _t_sentence(case: dict[str, Any], pred: str, k: int) -> str | None:
    return SENTENCES[k % len(SENTENCES)] % pred if _bare(pred) else None


TRANSFORMS = {
    "sign": _t_sign, "off_by_one": _t_off_by_one, "swapped_tuple": _t_swapped_tuple, "wrong_unit": _t_wrong_unit,
    "decimal": _t_decimal, "fraction": _t_fraction, "percent": _t_percent, "dfrac": _t_dfrac,
    "left_right": _t_left_right, "spacing": _t_spacing, "reorder_set": _t_reorder_set,
    "boxed": _t_boxed, "sentence": _t_sentence,
}


def apply_plan(case: dict[str, Any], plan: list[list[Any]]) -> tuple[str, str] | None:
    """(pred, expected) of ``case`` under ``plan`` ([name, k] steps), or None when a step does not apply."""
    pred = case["pred"]
    expected = case["expected"]
    if expected not in ("equal", "not_equal"):
        return None
    near = 0
    for name, k in plan:
        if name in NEAR_MISSES:
            if near or expected != "equal" or rational(case["gold"]) is None and name != "swapped_tuple":
                return None
            near += 1
        if name in VALUE_REWRITES and (expected != "equal" or (near and name == "percent")):
            return None
        new = TRANSFORMS[name](case, pred, int(k))
        if new is None:
            return None
        pred = new
    return pred, ("not_equal" if near else expected)


def _plans():  # noqa: ANN202 - a hypothesis strategy of plans
    from hypothesis import strategies as st

    step = st.tuples(st.sampled_from(NEAR_MISSES), st.integers(0, 23))
    rewrite = st.tuples(st.sampled_from(REWRITES), st.integers(0, 23))
    wrap = st.tuples(st.sampled_from(WRAPPERS), st.integers(0, 23))
    return st.tuples(st.lists(step, max_size=1), st.lists(rewrite, min_size=0, max_size=2),
                     st.lists(wrap, max_size=1)).map(lambda t: [list(x) for x in t[0] + t[1] + t[2]]).filter(bool)


def _category(plan: list[list[Any]]) -> str:
    kinds = [n for n, _ in plan]
    near = next((n for n in kinds if n in NEAR_MISSES), None)
    return f"near_miss:{near}" if near else "rewrite:" + "+".join(kinds)


def draw_variants(case: dict[str, Any], per_case: int = 3, examples: int = 80) -> list[tuple[list[list[Any]], str, str]]:
    """Up to ``per_case`` applicable plans for one case, drawn by hypothesis (derandomised), chosen to differ:
    a near miss first, then value-keeping rewrites, then wrappers, one per category."""
    from hypothesis import HealthCheck, given, settings

    found: dict[str, tuple[list[list[Any]], str, str]] = {}

    @settings(max_examples=examples, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=["generate"])
    @given(_plans())
    def collect(plan: list[list[Any]]) -> None:
        got = apply_plan(case, plan)
        if got is not None and got[0] != case["pred"] and got[0] not in found:
            found[got[0]] = (plan, *got)

    collect()
    by_cat: dict[str, tuple[list[list[Any]], str, str]] = {}
    for v in found.values():
        by_cat.setdefault(_category(v[0]), v)

    def rank(cat: str) -> tuple[int, str]:  # ties broken by a hash, so every rewrite gets its turn
        tie = hashlib.sha256(f"{case.get('source')}|{cat}".encode()).hexdigest()
        return (0 if cat.startswith("near_miss") else 2 if cat in ("rewrite:boxed", "rewrite:sentence") else 1, tie)

    return [by_cat[c] for c in sorted(by_cat, key=rank)[:per_case]]


def build(golden: list[dict[str, Any]], per_case: int = 3) -> list[dict[str, Any]]:
    """Variant rows (JSONL-ready) from golden rows that carry their ``source`` id."""
    rows = []
    for case in golden:
        if case.get("policy") or case["expected"] not in ("equal", "not_equal"):
            continue
        for plan, pred, expected in draw_variants(case, per_case):
            category = _category(plan)
            rows.append({"source": case["source"], "plan": plan, "gold": case["gold"], "pred": pred,
                         "expected": expected, "category": category, "form": case.get("form", "")})
    return rows


def main() -> None:  # pragma: no cover - regenerates the shipped file
    import sys

    from stepforge.regress.suites.math import golden_rows

    rows = build(golden_rows())
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} variants", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    main()
