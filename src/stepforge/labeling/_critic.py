"""The critic protocol (ProcessBench's): the problem and the solution as indexed paragraphs, one per step
(prose, plan steps and code blocks alike); the critic's reply ends with ``\\boxed{k}``, k the first wrong
paragraph or -1. A reply without a readable index in range is recorded as such, never read as a vote."""

from __future__ import annotations

import re
from collections import Counter

from stepforge.generators.llm.parse import last_boxed

_WHAT = {"math": "math problem", "code": "programming task"}


def critique_prompt(problem: str, steps: list[str], domain: str, hints: list[str] | None = None) -> str:
    paragraphs = "\n\n".join(f"<paragraph_{i}>\n{s}\n</paragraph_{i}>" for i, s in enumerate(steps))
    text = (
        f"The following is a {_WHAT.get(domain, 'problem')} and a solution (split into paragraphs, enclosed with "
        f"tags and indexed from 0):\n\n[Problem]\n\n{problem}\n\n[Solution]\n\n{paragraphs}\n\n"
        "Your task is to review and critique the solution paragraph by paragraph. Once you identify an error in a "
        "paragraph, return the index of the paragraph where the earliest error occurs. Otherwise, return the index "
        "of -1 (which typically denotes \"not found\").\n\n"
    )
    if hints:
        text += ("Automatic checks found the following (they may be incomplete; judge for yourself):\n"
                 + "\n".join(f"- {h}" for h in hints) + "\n\n")
    return text + "Please put your final answer (i.e., the index) in \\boxed{}."


def read_index(reply: str, n: int) -> int | None:
    """The first wrong paragraph the reply names (-1: none), or None when it names no index in range."""
    box = last_boxed(reply or "")
    if box is None:
        return None
    m = re.fullmatch(r"\s*+(?:\\text\{)?\s*+(-?\d+)\s*+\}?\s*+", box)  # possessive: a box of blanks fails in linear time
    if not m:
        return None
    k = int(m.group(1))
    return k if -1 <= k < n else None


def majority(votes: list[int], n: int) -> int | None:
    """The most voted index; a tie goes to the earlier step (-1, no error, counts as after the last step)."""
    if not votes:
        return None
    counts = Counter(votes)
    top = max(counts.values())
    return min((v for v, c in counts.items() if c == top), key=lambda v: n if v == -1 else v)
