"""Reference answers (and solutions) by problem, for labelled rows that carry none of their own (ProcessBench,
PRMBench, Math-Shepherd rows): a user's file (JSONL, JSON or parquet), or the sets stepforge ships — GSM8K's test
and train problems and MATH's 5,000 test problems (``reference_answers/``, MIT licensed, built by
``scripts/build_references.py``). Most public PRM data is written on those problems, so a row whose problem text is
one of theirs (layout ignored: whitespace, math delimiters, thin spaces) is graded against the official answer, and
the row says where its reference came from."""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from stepforge.errors import UserError
from stepforge.schema import Trace

_DATA = Path(__file__).resolve().parent / "reference_answers"

#: the shipped sets by name: what ``--references`` accepts besides a file
BUILTIN = {"gsm8k": ("gsm8k-test", "gsm8k-train"), "math": ("math-test",)}
#: what ``--references`` means when it is not given
DEFAULT = "builtin"

_PREAMBLE = "Return your final response within \\boxed{}."


class Ref(NamedTuple):
    answer: str
    solution: str | None
    origin: str  # "builtin:math-test" or the file's path


References = dict[str, Ref]


#: what may differ between two copies of one problem's text: whitespace, math delimiters (``$``, ``$$``, ``\(``, ``\)``,
#: ``\[``, ``\]``), an escaped dollar, LaTeX's spacing (``\!``, ``\,``, ``\;``, ``\:``, ``\ ``, ``~``, ``\quad``,
#: ``\qquad``), row breaks and alignment (``\\``, ``&``, an ``align*`` environment around equations), bracket sizing
#: (``\left``, ``\right``); none changes what the problem asks
_ENVS = r"(?:align|aligned|eqnarray|gather|split)\*?"
_LAYOUT = re.compile(r"\\\\|\\(?:begin|end)\{" + _ENVS + r"\}|\\(?:left|right|quad|qquad)(?![A-Za-z])|\\[ ()\[\]!,;:]"
                     r"|\\?\$|[\s~&]")
#: one meaning written two ways: display fractions and binomials, the long and short relation names, the dots, a
#: percent sign escaped or not, double quotes for single ones
_SPELLINGS = [(re.compile(r"\\[dt](frac|binom)(?![A-Za-z])"), r"\\\1"),
              (re.compile(r"\\(le|ge|ne)q(?![A-Za-z])"), r"\\\1"),
              (re.compile(r"\\[lc]?dots(?![A-Za-z])|\.\.\."), r"\\dots"),
              (re.compile(r"\\%"), "%"), (re.compile('"'), "'")]
#: a group of one letter or digit is that character in TeX (``\frac58`` is ``\frac{5}{8}``, ``x^{2}`` is ``x^2``)
_ONE_CHAR_GROUP = re.compile(r"(?<!\\)\{([A-Za-z0-9])\}")


def problem_key(text: str) -> str:
    """A problem's text with its layout (and a common instruction preamble, a closing period) ignored: how rows and
    references meet. Copies of MATH's problems differ in it (``$\\$1.24$`` and ``$1.24``, ``x=\\!\\sqrt{…}``,
    ``\\(x\\)``, ``\\[…\\]`` or ``$$…$$``, ``\\frac{x}{4}`` or ``\\frac{x}4``, ``50\\%`` or ``50%``, an
    ``align*`` or its lines one after another); on the built-in sets no two problems share a key."""
    key = text.replace(_PREAMBLE, "")
    for rx, to in _SPELLINGS:
        key = rx.sub(to, key)
    key = _LAYOUT.sub("", key)
    while (shorter := _ONE_CHAR_GROUP.sub(r"\1", key)) != key:
        key = shorter
    return key.rstrip(".")


def _row_ref(row: dict, origin: str) -> tuple[str, Ref]:
    answer, solution = str(row["answer"]), row.get("solution")
    if "####" in answer:  # GSM8K: the worked solution, then "#### 18"
        solution, answer = answer.rsplit("####", 1)
        answer = answer.strip().replace(",", "")
    problem = row.get("problem") or row["question"]
    return problem_key(str(problem)), Ref(answer, str(solution) if isinstance(solution, str) and solution.strip()
                                          else None, origin)


def _add(refs: References, key: str, ref: Ref, ambiguous: set[str]) -> None:
    """One problem, one answer: a problem two rows of the same source answer differently is left out."""
    have = refs.get(key)
    if have is not None and have.answer.strip() != ref.answer.strip():
        ambiguous.add(key)
    refs.setdefault(key, ref)


def load_file(path: Path) -> References:
    """Reference answers from rows with ``problem`` (or ``question``) and ``answer``: MATH and MATH500 rows
    (``solution`` beside ``answer``), GSM8K rows (``answer`` is the worked solution ending in ``#### N``); as JSONL,
    one JSON list, or parquet (the Hub's GSM8K shards), like every labelled file."""
    from stepforge.datasets.importers import iter_rows

    if not path.exists():
        raise UserError(f"{path} does not exist")
    if path.is_dir():
        raise UserError(f"{path} is a folder: give the file of reference rows")
    refs: References = {}
    ambiguous: set[str] = set()
    for n, row in enumerate(iter_rows(path), 1):
        try:
            _add(refs, *_row_ref(row, str(path)), ambiguous)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise UserError(f"{path}:{n}: not an object with 'problem' (or 'question') and 'answer'") from None
    if not refs:
        raise UserError(f"{path}: no reference answers in it")
    for key in ambiguous:
        del refs[key]
    return refs


@lru_cache(maxsize=None)
def _builtin_set(name: str) -> References:
    refs: References = {}
    ambiguous: set[str] = set()
    with gzip.open(_DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            _add(refs, *_row_ref(json.loads(line), f"builtin:{name}"), ambiguous)
    for key in ambiguous:
        del refs[key]
    return refs


def parse_spec(spec: str | None) -> list[str]:
    """``--references``'s parts: files and built-in names (``gsm8k``, ``math``, ``builtin`` for both), or none for
    ``none``. A file that does not exist and is not a name is a one-line error."""
    spec = DEFAULT if spec is None else spec
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise UserError("--references is empty: give a file, 'gsm8k', 'math', 'builtin' or 'none'")
    if "none" in parts:
        if len(parts) > 1:
            raise UserError("--references none turns the references off: give it alone")
        return []
    out: list[str] = []
    for part in parts:
        if part == "builtin":
            out += [n for n in BUILTIN if n not in out]
        elif part in BUILTIN or Path(part).exists():
            out.append(part if part in BUILTIN else str(Path(part).resolve()))
        else:
            raise UserError(f"--references {part}: no such file, and not a built-in set (gsm8k, math, builtin, none)")
    return out


def load(spec: str | None) -> References | None:
    """The references ``--references`` names (see :func:`parse_spec`), a user's files first: where two sources hold
    the same problem, the first one named gives its answer. None when there are none. The built-in sets are read
    once per process; a file is read at each call (it may have changed)."""
    parts = parse_spec(spec)
    if not parts:
        return None
    refs: References = {}
    for part in parts:
        found = ({k: v for n in BUILTIN[part] for k, v in _builtin_set(n).items()} if part in BUILTIN
                 else load_file(Path(part)))
        for key, ref in found.items():
            refs.setdefault(key, ref)
    return refs


def describe(spec: str | None) -> str:
    """What ``--references`` resolves to, for the card: the files and built-in sets, in the order they are asked."""
    parts = parse_spec(spec)
    if not parts:
        return "none"
    return ", ".join(" + ".join(f"builtin:{n}" for n in BUILTIN[p]) if p in BUILTIN else p for p in parts)


def with_reference(trace: Trace, refs: References) -> Trace:
    """The trace with its problem's reference answer (and solution), when it has none and the references hold one;
    ``task.metadata.reference_from`` names where it came from."""
    if trace.task.reference.answer:
        return trace
    found = refs.get(problem_key(trace.task.prompt))
    if found is None:
        return trace
    ref = trace.task.reference.model_copy(update={"answer": found.answer,
                                                  "solution": trace.task.reference.solution or found.solution})
    task = trace.task.model_copy(update={"reference": ref,
                                         "metadata": {**trace.task.metadata, "reference_from": found.origin}})
    return trace.model_copy(update={"task": task})
