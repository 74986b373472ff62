"""PRMBench rows into traces: the trace is ``modified_process`` answering ``modified_question``.

Steps listed in ``error_steps`` (1-indexed) are rated -1, all others +1 (PRMBench scores every other
step as correct; source ``prmbench:error_steps``). ``error_indices`` keep the source's order;
``first_error_index`` is the smallest. ``classification`` and ``reason`` become the injected error
(kind, description) at the first error, since PRMBench errors are inserted on purpose. ``idx`` is the
task id. ``original_question``, ``original_process``, ``modified_steps`` and ``question`` stay in
``extras.prmbench``. ``error_steps`` naming a step the process does not have (PRMBench's own files
have some) are left out of the labels and the list is kept verbatim in ``extras.prmbench``. Outcome ``correct`` is null (PRMBench grades steps, not the answer).

PRMBench's files hold their line breaks escaped: a step reads ``# Answer\\n\\n90`` (a backslash and an ``n``, from
PRM800K's ``# Answer`` line) or ``we get:\\nx = 56``. A text with no real line break has them decoded
(:func:`decode_newlines`), except where ``\\n`` starts a LaTeX command (``\\neq``, ``\\nabla``, ``\\newline``); the
decoded texts are listed in ``extras.prmbench._layout.escaped_newlines`` and the exporter escapes them again.
"""

from __future__ import annotations

import re
from typing import Any

from stepforge.datasets.importers import IMPORTERS, ImportFormatError, ImportOptions
from stepforge.datasets.importers import _common as c
from stepforge.schema import InjectedError, Reference, Task, Trace

KEYS = ["original_question", "modified_question", "original_process", "modified_process", "modified_steps",
        "error_steps", "reason", "idx", "question", "classification"]
_MAPPED = {"modified_question", "modified_process", "error_steps", "idx"}
SEP = "\n"

# LaTeX commands that start with ``\n``: ``\neq`` is not a line break before "eq"
_N_COMMANDS = frozenset("""
ne neq neg not notin ni nu nabla natural nearrow nwarrow newline newpage newcommand nexists ngeq nleq ngtr nless
ngeqslant nleqslant nmid nparallel nsubseteq nsupseteq nsubset nsupset nsim ncong nprec nsucc npreceq nsucceq
nleftarrow nrightarrow nleftrightarrow nLeftarrow nRightarrow nLeftrightarrow nvdash nvDash nVdash ntriangleleft
ntriangleright nshortmid nshortparallel nolimits nonumber noindent normalsize nobreak nonscript numberwithin
""".split())
# a backslash run ending in ``\n``, and the letters after it; a ``# Answer`` header is always followed by line breaks
# (a match starts only where a backslash run starts: a long run is scanned once)
_ESCAPED_RE = re.compile(r"(?<!\\)(\\++)n([A-Za-z]*)")
_ANSWER_HEADER_RE = re.compile(r"#[ \t]*(?:Final[ \t]+)?Answer[ \t]*:?[ \t]*(?:\\n[ \t]*)*$", re.I)


def decode_newlines(text: str) -> str:
    """``\\n`` written as two characters, as a line break, in a text that has no real one (PRMBench's escaping).

    An odd backslash run before ``n`` ends in the escape (``\\\\`` before it is a LaTeX row break); ``\\n`` followed by
    letters that name a LaTeX command (``\\neq``, ``\\nabla``, ``\\newline``) is that command, except right after a
    ``# Answer`` header (PRM800K's ``# Answer\\n\\ne^{23}``). A text with a real line break is not escaped: unchanged."""
    if "\n" in text or "\\n" not in text:
        return text
    out: list[str] = []
    pos = 0
    for m in _ESCAPED_RE.finditer(text):
        run, letters = m.group(1), m.group(2)
        if len(run) % 2 == 0:
            continue  # ``\\\\n``: a row break, then the letter n
        if letters and "n" + letters in _N_COMMANDS and not (
                len(run) == 1 and _ANSWER_HEADER_RE.search(text, max(0, m.start() - 200), m.start())):
            continue
        out.append(text[pos:m.start()] + run[:-1] + "\n")
        pos = m.start() + len(run) + 1  # the letters stay: they start the next line
    out.append(text[pos:])
    return "".join(out)


def escape_newlines(text: str) -> str:
    """The inverse of :func:`decode_newlines` on a text it decoded (that text had no real line break)."""
    return text.replace("\n", "\\n")


def decode_steps(texts: list[str]) -> list[str]:
    """Each text decoded (:func:`decode_newlines`)."""
    return [decode_newlines(t) for t in texts]


class _PrmBench:
    name = "prmbench"
    summary = "PRMBench rows (1-indexed error_steps)"

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace:
        c.need(row, ["modified_question", "modified_process", "error_steps", "idx"])
        texts = row["modified_process"]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ImportFormatError("modified_process must be a list of strings")
        if not isinstance(row["error_steps"], list) or not all(
                isinstance(e, int) and not isinstance(e, bool) for e in row["error_steps"]):
            raise ImportFormatError("error_steps must be a list of step numbers")
        raw = texts
        texts = decode_steps(raw)
        prompt = decode_newlines(row["modified_question"]) if isinstance(row["modified_question"], str) else row["modified_question"]
        errors = [e - 1 for e in row["error_steps"] if 1 <= e <= len(texts)]
        bad = set(errors)
        labels = [c.label(-1 if i in bad else 1, "prmbench:error_steps", options) for i in range(len(texts))]
        fei = min(errors) if errors else -1
        extras = {k: v for k, v in row.items() if k not in _MAPPED}
        if len(errors) != len(row["error_steps"]):
            extras["error_steps"] = row["error_steps"]  # names steps the process does not have: kept verbatim
        injected = None
        if errors and isinstance(row.get("classification"), str) and isinstance(row.get("reason"), str):
            injected = InjectedError(kind=extras.pop("classification"), step_index=fei, description=extras.pop("reason"))
        layout: dict[str, Any] = {}
        order = c.key_order(row, KEYS)
        if order is not None:
            layout["keys"] = order
        escaped = [i for i, (a, b) in enumerate(zip(raw, texts)) if a != b]
        if escaped:
            layout["escaped_newlines"] = escaped
        if prompt != row["modified_question"]:
            layout["escaped_question"] = True
        if layout:
            extras["_layout"] = layout
        return Trace(
            id="prmbench-" + c.digest(row),
            domain="math",
            task=Task(task_id=str(row["idx"]), prompt=prompt, source="prmbench", reference=Reference()),
            generation=c.generation("prmbench", texts, SEP, injected_error=injected),
            segmentation=c.segmentation(SEP),
            steps=c.steps(texts, SEP, labels),
            final_answer=None,
            outcome=c.outcome("prmbench", None, "none", {"note": "PRMBench labels steps; the final answer is not graded"}),
            first_error_index=fei,
            error_indices=errors,
            finish_reason="found_error" if errors else "solution",
            labeling=c.labeling("injection", options),
            provenance=c.provenance("prmbench", options),
            extras={"prmbench": extras},
        )


IMPORTERS.register("prmbench", _PrmBench())
