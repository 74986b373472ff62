"""Math-Shepherd rows into traces. ``input`` is cut at each ``ки`` tag; the prompt ends where
"Step 1:" starts (else after the first "?", as TRL's converter does; else the prompt is empty).
The characters around each step ("Step k: " prefixes, spaces before the tag, the text after the last
tag) are kept as layout only when they differ from the exporter's default frame. ``+`` is rating +1
and ``-`` rating -1 with ``semantics: value`` (Math-Shepherd labels a step's potential to reach the
answer, estimated by Monte-Carlo completions). ``task`` is the task source. A ``label`` that is not
``input`` with each tag replaced by ``+``/``-`` is refused (TRL's converter drops such rows too).
"""

from __future__ import annotations

import re
from typing import Any

from stepforge.datasets.exporters.math_shepherd import DEFAULT_TAIL, TAG, default_gap
from stepforge.datasets.importers import IMPORTERS, ImportFormatError, ImportOptions
from stepforge.datasets.importers import _common as c
from stepforge.schema import Reference, Task, Trace

KEYS = ["input", "label", "task"]
SEP = "\n"
_STEP1 = re.compile(r"(?<!\s)\s*[Ss]tep 1:\s*")  # from a blank run's start: linear
_QMARK = re.compile(r"\?\s*")
_GAP = re.compile(r"\s*(?:[Ss]tep \d+:\s*)?")
_TAIL = re.compile(r"(?<!\s)\s*\Z")


def _split_first(seg: str) -> tuple[str, str, str]:
    m = _STEP1.search(seg) or _QMARK.search(seg)
    if m is None:
        return "", "", seg
    if m.re is _QMARK:
        return seg[: m.start() + 1], m.group()[1:], seg[m.end():]
    return seg[: m.start()], m.group(), seg[m.end():]


class _MathShepherd:
    name = "math_shepherd"
    summary = "Math-Shepherd rows (input with 'ки' tags, label with +/-, task)"

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace:
        c.need(row, ["input", "label"])
        src, lab = row["input"], row["label"]
        segs = src.split(TAG)
        if len(segs) < 2:
            raise ImportFormatError(f"input has no {TAG!r} step tag")
        body, end = segs[:-1], segs[-1]
        marks, pos = [], 0
        for seg in body:
            pos += len(seg)
            marks.append(lab[pos: pos + 1])
            pos += 1
        if any(m not in ("+", "-") for m in marks) or \
                "".join(s + m for s, m in zip(body, marks)) + end != lab:
            raise ImportFormatError("label is not input with each step tag replaced by '+' or '-'")
        prompt, gap0, first = _split_first(body[0])
        gaps, texts, tails = [gap0], [], []
        for i, seg in enumerate(body):
            if i == 0:
                rest = first
            else:
                g = _GAP.match(seg).group()  # type: ignore[union-attr]
                gaps.append(g)
                rest = seg[len(g):]
            t = _TAIL.search(rest).group()  # type: ignore[union-attr]
            texts.append(rest[: len(rest) - len(t)])
            tails.append(t)
        ratings = [1 if m == "+" else -1 for m in marks]
        labels = [c.label(r, "math_shepherd:mc_hard", options, semantics="value") for r in ratings]
        fei = c.first_error(ratings)
        extras: dict[str, Any] = {k: v for k, v in row.items() if k not in KEYS}
        layout: dict[str, Any] = {}
        if gaps != [default_gap(i) for i in range(len(texts))]:
            layout["gaps"] = gaps
        if tails != [DEFAULT_TAIL] * len(texts):
            layout["tails"] = tails
        if end:
            layout["end"] = end
        if c.key_order(row, KEYS):
            layout["keys"] = list(row)
        if layout:
            extras["_layout"] = layout
        task = row.get("task")
        return Trace(
            id="math_shepherd-" + c.digest(row),
            domain="math",
            task=Task(task_id="math_shepherd/" + c.digest(prompt), prompt=prompt, source=task, reference=Reference()),
            generation=c.generation("math_shepherd", texts, SEP),
            segmentation=c.segmentation(SEP),
            steps=c.steps(texts, SEP, labels),
            final_answer=None,
            outcome=c.outcome("math_shepherd", None, "none"),
            first_error_index=fei,
            error_indices=[i for i, r in enumerate(ratings) if r == -1],
            finish_reason="found_error" if fei >= 0 else "solution",
            labeling=c.labeling("mc_hard", options),
            provenance=c.provenance("math_shepherd", options),
            extras={"math_shepherd": extras} if extras else {},
        )


IMPORTERS.register("math_shepherd", _MathShepherd())
