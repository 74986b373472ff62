"""Split a model's answer into steps, robustly, and say how: numbered steps, a separator, paragraphs or lines.

Each step keeps its character span in the raw text so labels can point back at it. Fenced code blocks are
never cut; in the code domain the last python block becomes the final step's ``code``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from stepforge.verifiers.math.extract import last_boxed as _verifier_last_boxed

# leading blanks and marks are possessive: a long blank line fails in linear time (two overlapping runs were quadratic)
_NUMBERED = re.compile(
    r"^[ \t]*+(?:[#>*_ \t]*+)(?:\*\*)?(?:step|Step|STEP)[ \t]*(\d+)[ \t]*(?:\*\*)?[ \t]*[:.)\-—]*(?:\*\*)?[ \t]*"
    r"|^[ \t]*(\d+)[.)][ \t]+",
    re.MULTILINE,
)
_FENCE = re.compile(r"```[^\n]*\n.*?(?:```|\Z)", re.DOTALL)
_CODE = re.compile(r"```[ \t]*+(?:python|py|Python)?[ \t]*+\n(.*?)(?:```|\Z)", re.DOTALL)


@dataclass
class ParsedStep:
    text: str
    span: tuple[int, int]
    code: str | None = None


@dataclass
class Parsed:
    steps: list[ParsedStep]
    method: str
    separator: str | None = None
    code: str | None = None
    notes: list[str] = field(default_factory=list)


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    """``_FENCE.finditer``'s spans, in order. A fence needs a newline after its backticks, so none starts after the
    text's last newline: the search stops there (each start on a long last line scanned to its end: quadratic)."""
    out = []
    last_nl = text.rfind("\n")
    pos = 0
    while 0 <= (i := text.find("```", pos)) <= last_nl - 3:
        m = _FENCE.match(text, i)
        assert m is not None  # a newline follows: the fence matches
        out.append(m.span())
        pos = m.end()
    return out


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` is strictly inside one of ``ranges`` (sorted, disjoint): a binary search (a scan of every
    fence for every line was quadratic on a reply of many fences)."""
    k = bisect.bisect_left(ranges, (pos,))
    return k > 0 and pos < ranges[k - 1][1]


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _cut(text: str, cuts: list[int], marks: list[int] | None = None) -> list[ParsedStep]:
    """Steps between consecutive cut points; ``marks[i]`` is where step i's own text starts (after its label)."""
    steps = []
    bounds = [*cuts, len(text)]
    for i in range(len(cuts)):
        start = marks[i] if marks else bounds[i]
        a, b = _trimmed(text, start, bounds[i + 1])
        if b > a:
            steps.append(ParsedStep(text[a:b], (a, b)))
    return steps


def split_steps(text: str, separator: str | None = None) -> Parsed:
    """Numbered steps when there are at least two, else ``separator`` if given and present, else paragraphs, else
    lines; a single step when nothing splits."""
    fences = _fenced_ranges(text)
    if separator and separator in text:
        cuts, marks, pos = [0], [0], 0
        while (i := text.find(separator, pos)) >= 0:
            if not _inside(i, fences):
                cuts.append(i)
                marks.append(i + len(separator))
            pos = i + len(separator)
        return Parsed(_cut(text, cuts, marks), "separator", separator)
    numbered = [m for m in _NUMBERED.finditer(text) if not _inside(m.start(), fences)]
    if len(numbered) >= 2:
        cuts, marks = [], []
        first = numbered[0].start()
        if text[:first].strip():  # a preamble before "Step 1" is a step of its own
            cuts.append(0)
            marks.append(0)
        for m in numbered:
            cuts.append(m.start())
            marks.append(m.end())
        return Parsed(_cut(text, cuts, marks), "numbered")
    blank = [m for m in re.finditer(r"\n[ \t]*\n", text) if not _inside(m.start(), fences)]
    if blank:
        return Parsed(_cut(text, [0, *[m.end() for m in blank]]), "paragraphs", "\n\n")
    lines = [m for m in re.finditer(r"\n", text) if not _inside(m.start(), fences)]
    if lines:
        return Parsed(_cut(text, [0, *[m.end() for m in lines]]), "lines", "\n")
    return Parsed(_cut(text, [0]), "whole")


def parse_solution(text: str, domain: str, separator: str | None = None) -> Parsed:
    """Steps of a solution; for code, the last python block is pulled out as the final step's code."""
    parsed = split_steps(text, separator)
    if domain != "code":
        return parsed
    blocks = list(_CODE.finditer(text))
    if not blocks:
        parsed.notes.append("no code block")
        return parsed
    block = blocks[-1]
    parsed.code = block.group(1)
    a, b = block.span()
    kept = [s for s in parsed.steps if s.span[1] <= a or s.span[0] >= b]
    inside = [s for s in parsed.steps if not (s.span[1] <= a or s.span[0] >= b)]
    if inside:  # steps holding the block: their prose before and after the fence stay steps
        head_a, head_b = _trimmed(text, inside[0].span[0], a)
        if head_b > head_a:
            kept.append(ParsedStep(text[head_a:head_b], (head_a, head_b)))
        tail_a, tail_b = _trimmed(text, b, inside[-1].span[1])
        if tail_b > tail_a:
            kept.append(ParsedStep(text[tail_a:tail_b], (tail_a, tail_b)))
    kept.append(ParsedStep(text[a:b].strip(), _trimmed(text, a, b), code=parsed.code))
    kept.sort(key=lambda s: s.span)
    parsed.steps = kept
    return parsed


def last_boxed(text: str) -> str | None:
    """The final boxed answer (``\\boxed``/``\\fbox``; boxes joined by "and"/"or" are one list), as the math
    verifier's one extractor reads it: the trace's final answer is the answer the verifier judges."""
    return _verifier_last_boxed(text)
