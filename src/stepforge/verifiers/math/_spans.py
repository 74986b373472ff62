"""Substitution over math spans (``$...$``, ``\\(...\\)``, ``\\[...\\]``) in linear time on untrusted text.

A lazy ``\\(.*?\\)`` tried at an opener with no closer after it scans to the end of the text, and it is tried at
every such opener: a run of unclosed openers (a degenerate model output) took seconds to minutes. An opener after
the last closer of its kind can open nothing, so it is hidden before the substitution and restored after: the
result is exactly the plain ``rx.sub``.
"""
from __future__ import annotations

import re
from collections.abc import Callable

_PAIRS = (("\\(", "\\)"), ("\\[", "\\]"))


def _hidden(text: str) -> tuple[str, str | None]:
    """``text`` with each opener that has no closer after it hidden behind a private-use mark (same length, so
    positions hold), and the mark; None when nothing was hidden."""
    cuts = [(op, text.rfind(cl) + 1) for op, cl in _PAIRS]
    if all(text.find(op, cut) < 0 for op, cut in cuts):
        return text, None
    mark = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)  # a private-use char the text lacks
    for op, cut in cuts:
        text = text[:cut] + text[cut:].replace(op, mark + op[1])
    return text, mark


def sub_spans(rx: re.Pattern, repl: str | Callable[[re.Match], str], text: str) -> str:
    """``rx.sub(repl, text)`` for a pattern whose ``\\(`` and ``\\[`` alternatives end at ``\\)`` and ``\\]``."""
    text, mark = _hidden(text)
    return rx.sub(repl, text) if mark is None else rx.sub(repl, text).replace(mark, "\\")


def span_groups(rx: re.Pattern, text: str) -> list[tuple[str | None, ...]]:
    """The groups of each match of ``rx.finditer(text)``, for such a pattern, in linear time (as ``sub_spans``)."""
    text, mark = _hidden(text)
    return [m.groups() if mark is None else tuple(None if g is None else g.replace(mark, "\\") for g in m.groups())
            for m in rx.finditer(text)]


def split_top(tex: str, sep: str) -> list[str]:
    """Split on ``sep`` outside braces, brackets and parentheses."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(tex):
        ch = tex[i]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        if depth == 0 and tex.startswith(sep, i):
            out.append("".join(cur))
            cur, i = [], i + len(sep)
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out
