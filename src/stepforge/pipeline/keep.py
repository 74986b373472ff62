"""A labelled candidate becomes a record, and the keep rule every domain applies before a trace is kept.

``settle`` is the one path from a verified candidate to a record: the run's strategy labels it; a wrong answer
whose first error the strategy could not locate goes to the run's fallback strategy when it names one
(``options["strategy"]["fallback"]``, ``--fallback-strategy``), else it is rejected as ``error_not_located``.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction as F
from typing import Any

from stepforge import __version__
from stepforge.candidate import Candidate
from stepforge.generators.sources.references import problem_key
from stepforge.labeling.base import StepLabels
from stepforge.labeling.locate import ANSWER_CONTRADICTS_STEPS, DERIVED, same_value, self_declared_error
from stepforge.pipeline.config import RunConfig
from stepforge.schema import Outcome, Provenance, Rejection, Trace
from stepforge.verifiers.math.parse import word_numbers
from stepforge.verifiers.math.steps import math_segments


def provenance(config: RunConfig, versions: dict[str, str] | None = None) -> Provenance:
    digest = config.config_hash()  # a JSON dump and a hash of the whole config: once per trace, not twice
    return Provenance(
        toolkit_version=__version__,
        config_hash=digest,
        run_id=digest[7:23],
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        versions=versions or {},
    )


def build_trace(config: RunConfig, cand: Candidate, outcome: Outcome, labels: StepLabels) -> Trace:
    fei = labels.first_error_index
    return Trace(
        id=cand.id,
        domain=cand.domain,
        task=cand.task.model_copy(update={"metadata": {**cand.task.metadata, "index": cand.index}}),
        generation=cand.generation,
        segmentation=cand.segmentation,
        steps=labels.steps,
        final_answer=cand.final_answer,
        outcome=outcome,
        first_error_index=fei,
        error_indices=labels.error_indices,
        finish_reason="found_error" if fei >= 0 else "solution",
        labeling=labels.labeling,
        verified=outcome.correct is not None,
        provenance=provenance(config, outcome.versions),
        extras=cand.extras,
    )


#: the outcome of a task without a reference answer (imported PRMBench rows): kept only with a located process error
NO_REFERENCE = "no_reference"
#: a refuted step whose prefix holds an unchecked step stating something new: the first error may be there
FIRST_ERROR_UNCERTAIN = "first_error_uncertain"
#: a right answer whose steps the checker could not all account for: the process may still be wrong
PROCESS_UNVERIFIED = "process_unverified"
#: rejection reasons a fallback strategy may settle (a model-based strategy can locate what checks cannot)
ESCALATED = ("error_not_located", FIRST_ERROR_UNCERTAIN, PROCESS_UNVERIFIED, NO_REFERENCE)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: a step's or a list item's own number opening a line ("Step 2:", "## Step 3.", "**Case 1:**", "1. **Cost:**",
#: "2) "): it orders the text, it is no value the solution states
_STEP_NUMBER = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:(?:step|paragraph|part|case)[ \t]*\d+[ \t]*[:.)]?"
                          r"|\d{1,2}[.)](?=[ \t]))", re.I | re.M)


#: a reference to a step by its number inside a sentence ("the sum obtained in step 3", "from steps 1 and 2")
_STEP_REFERENCE = re.compile(r"\bsteps?[ \t]+\d{1,2}(?:[ \t]*(?:,|and|to|-)[ \t]*\d{1,2})*\b(?![.,]\d)", re.I)


def _numbers(text: str) -> set[str]:
    text = _STEP_REFERENCE.sub(" ", _STEP_NUMBER.sub("", text))
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return {n.rstrip("0").rstrip(".") if "." in n else n.lstrip("0") or "0" for n in _NUMBER.findall(text)}


# an answer option's label: "(A)", "\textbf{(B)}" (not "P(A)"), or "C:" / "C." / "C)" opening a line
_OPTION = re.compile(r"(?<![\w\\])\(([A-H])\)|^[ \t]*([A-H])[ \t]*[:.)][ \t]", re.M)


def without_options(prompt: str) -> str:
    """The problem without its answer options: each run of option labels A, B, C, ... in order (two or more),
    from the first label to the end of the last one's line, is cut out. The options are candidates, not premises:
    a step that states one has not taken it from the problem ("Consider Choice D: if y = 35")."""
    runs: list[list[int]] = []
    for m in _OPTION.finditer(prompt):
        letter = m.group(1) or m.group(2)
        if letter == "A":
            runs.append([m.start(), m.end()])
        elif runs and letter == chr(ord("A") + len(runs[-1]) - 1):
            runs[-1].append(m.end())
    spans = []
    for run in runs:
        if len(run) >= 3:  # A and at least B
            end = prompt.find("\n", run[-1])
            spans.append((run[0], len(prompt) if end < 0 else end))
    for a, b in reversed(spans):
        prompt = prompt[:a] + " " + prompt[b:]
    return prompt


def _given(trace: Trace) -> set[str]:
    """The numbers the problem gives, in the forms a solution writes them ("40%" is 0.4 too, "a third" is 1/3,
    "seventy" is 70) (its answer options are not given: they are candidates)."""
    text = _ASY.sub(" ", without_options(trace.task.prompt))
    return _numbers(text) | _forms(text) | {str(v) for v in word_numbers(text)}


#: a figure's drawing code ("[asy] draw((0,0)--(6,0)); [/asy]"): its coordinates are no quantities the problem gives,
#: and with them nearly every small number would be "given"
_ASY = re.compile(r"\[asy\].*?(?:\[/asy\]|$)", re.S | re.I)


_PERCENT = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)\s*(?:\\?%|percent\b)", re.I)  # from a number's first digit: linear
#: quantities written as words, and the numbers a solution writes for them ("half of 50" as 50/2 or 0.5 x 50)
_WORDS = {"half": (F(1, 2), 2), "halves": (F(1, 2), 2), "third": (F(1, 3), 3), "thirds": (F(1, 3), 3),
          "quarter": (F(1, 4), 4), "quarters": (F(1, 4), 4), "fourth": (F(1, 4), 4), "fourths": (F(1, 4), 4),
          "fifth": (F(1, 5), 5), "fifths": (F(1, 5), 5), "sixth": (F(1, 6), 6), "sixths": (F(1, 6), 6),
          "seventh": (F(1, 7), 7), "sevenths": (F(1, 7), 7), "eighth": (F(1, 8), 8), "eighths": (F(1, 8), 8),
          "ninth": (F(1, 9), 9), "ninths": (F(1, 9), 9), "tenth": (F(1, 10), 10), "tenths": (F(1, 10), 10),
          "twice": (F(2), 2), "double": (F(2), 2), "doubles": (F(2), 2), "triple": (F(3), 3), "thrice": (F(3), 3),
          "dozen": (F(12), 12), "dozens": (F(12), 12)}
_QUANTITY_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.I)


def _decimal(x: F) -> str | None:
    """``x`` as ``_numbers`` writes a number (no sign, no trailing zeros), or None when it has no finite decimal."""
    d = x.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1 or x < 0:
        return None
    text = f"{float(x):.12f}".rstrip("0").rstrip(".")
    return text.lstrip("0") if not text.startswith("0.") else text or "0"


def _forms(text: str, *, changes: bool = False) -> set[str]:
    """Other forms of the quantities ``text`` gives: a percentage as a fraction (``40%``: 0.4, and 100 where it is
    written ``40/100``), a quantity in words as its numbers ("half": 0.5, 1 and 2; "dozen": 12); with ``changes``, a percentage's change as a factor too
    ("20% off": 0.8 and 80, "50% more": 1.5 and 150)."""
    out: set[str] = set()
    for m in _PERCENT.finditer(text):
        p = F(m.group(1))
        out |= {v for v in (_decimal(p / 100),) if v}
        if re.search(rf"(?<![\d.]){re.escape(m.group(1))}\s*/\s*100(?![\d.])|\\frac\{{{re.escape(m.group(1))}\}}\{{100\}}", text):
            out.add("100")  # the percentage written as its fraction: "20% of 20 is (20/100) * 20"
        if changes:
            changed = (_decimal(1 - p / 100), _decimal(1 + p / 100), _decimal(100 - p), _decimal(100 + p))
            out |= {v for v in changed if v}
    for m in _QUANTITY_WORD.finditer(text):
        value, parts = _WORDS[m.group(1).lower()]
        out |= {v for v in (_decimal(value), str(parts), "1" if value < 1 else None) if v}
    return out


def unchecked_new_step(trace: Trace) -> int | None:
    """The first step before a checker-located first error that nothing checked (rating 0) yet states a number
    neither the problem nor an earlier step holds (a misread quantity, a value from a reasoning step the checker
    cannot read), or None. Such a step may be the real first error, so the refuted step is not *first* for sure.
    That holds for an answer line that contradicts a derived reference too ("5 * 45 = 225", then an unchecked
    "actually 250", then "the answer is 250"). Procedural traces (their error is known by construction) are exempt;
    so are labels from model-based strategies."""
    fei = _checker_first_error(trace)
    return None if fei is None else _first_unchecked(trace, fei, relations=False)


def unread_before_error(trace: Trace) -> int | None:
    """The first step before a checker-located first error that holds a relation the checker could not read at all
    (unparseable text, a reader's error, no time left), or None. Its content was never seen, so the first error may
    be there (BIG-Bench Mistake: a step whose bracket typo left its chain unread, rated +1 for the claims around
    it, held the annotated mistake). Exempt as :func:`unchecked_new_step`."""
    fei = _checker_first_error(trace)
    return None if fei is None else next((i for i, step in enumerate(trace.steps[:fei]) if _unread(step)), None)


def self_declared_step(trace: Trace) -> tuple[int, str] | None:
    """The first step whose writer says the work is wrong ("I incorrectly add 2 to both sides", "I made an error"),
    with its words, where the checker's labels would otherwise stand: before a checker-located first error (the
    error it names may be earlier than the refuted step: the step that errs "incorrectly" may be true on its
    face), or anywhere in a right answer labelled "no error" (it owns up to an error). None otherwise."""
    stop = _guarded_stop(trace)
    if stop is None:
        return None
    for i, step in enumerate(trace.steps[:stop]):
        said = self_declared_error(step.text, trace.task.prompt)
        if said:
            return i, said
    return None


def _guarded_stop(trace: Trace) -> int | None:
    """How many leading steps the word guards read: all of a right answer the checker alone labelled, those before
    a checker-located first error; None when neither applies."""
    return len(trace.steps) if _right_by_checker_alone(trace) else _checker_first_error(trace)


def _checker_first_error(trace: Trace) -> int | None:
    """A wrong math answer's first error when the checker alone located it after step 0 on a solution stepforge did
    not compute (the traces whose earlier steps the guards look at), else None."""
    fei = trace.first_error_index
    if (trace.domain != "math" or fei is None or fei <= 0 or trace.outcome.correct
            or not _checker_located(trace, fei) or trace.generation.injected_error is not None):
        return None
    return fei


#: a claim's rule when the checker could not read it (what it says was never seen), or read a value it doubts (a
#: variable set again to another value right after it was solved: "-135 = x", then "x = \\frac{-135}{-135}")
_UNREAD_RULES = ("unparseable", "checker_error", "time_budget", "redefines_solved")


def _unread(step: Any) -> bool:
    claims = ((step.evidence or {}).get("symbolic") or {}).get("claims") or []
    return any(c.get("verdict") == "unknown" and str(c.get("rule", "")).split(":")[0] in _UNREAD_RULES
               and _RELATION.search(str(c.get("claim", ""))) for c in claims)


#: numbers everyone knows, each with the words that name it in a step ("each chicken has 2 legs", "7 days in a
#: week"): stated, they are no misread and no reasoning of the writer's (a wrong one, "30 days in a week", still is)
_CONSTANTS = tuple((n, re.compile(a), re.compile(b) if b else None) for n, a, b in (
    ("7", r"\bdays?\b", r"\bweek"), ("24", r"\bhours?\b", r"\bday"), ("60", r"\bminutes?\b", r"\bhour"),
    ("60", r"\bseconds?\b", r"\bminute"), ("3600", r"\bseconds?\b", r"\bhour"), ("12", r"\bmonths?\b", r"\byear"),
    ("52", r"\bweeks?\b", r"\byear"), ("365", r"\bdays?\b", r"\byear"), ("12", r"\bdozens?\b", ""),
    ("12", r"\binch(?:es)?\b", r"\b(?:foot|feet)\b"), ("3", r"\b(?:foot|feet)\b", r"\byards?\b"),
    ("16", r"\bounces?\b", r"\bpounds?\b"), ("100", r"\bcents?\b", r"\bdollars?\b"),
    ("100", r"\bcentimet(?:er|re)s?\b", r"\bmet(?:er|re)s?\b"), ("1000", r"\bmet(?:er|re)s?\b", r"\bkilomet"),
    ("1000", r"\bgrams?\b", r"\bkilogram"), ("1000", r"\bmillilit", r"\blit(?:er|re)s?\b"),
    ("2", r"\blegs?\b", r"\b(?:chickens?|ducks?|birds?|hens?|roosters?|people|persons?|humans?|geese|goose)\b"),
    ("4", r"\blegs?\b", r"\b(?:cows?|dogs?|cats?|horses?|pigs?|sheep|goats?|tables?|chairs?|animals?)\b"),
    ("25", r"\bcents?\b", r"\bquarters?\b"), ("10", r"\bcents?\b", r"\bdimes?\b"),
    ("5", r"\bcents?\b", r"\bnickels?\b"),
    ("4", r"\bquarters?\b", r"\b(?:dollar|year)"), ("2", r"\bpairs?\b", ""), ("4", r"\bwheels?\b", r"\bcars?\b"),
    ("5", r"\bweekdays?\b", ""), ("2", r"\bweekends?\b", ""),
    ("2", r"\bwheels?\b", r"\b(?:bicycles?|bikes?)\b"),
))


def _common_constants(text: str) -> set[str]:
    """The numbers of :data:`_CONSTANTS` whose words ``text`` holds ("7 days a week": 7)."""
    low = text.lower()
    return {n for n, a, b in _CONSTANTS if a.search(low) and (b is None or b.search(low))}


_ONE = re.compile(r"(?<![\d.,])\b1\b(?![.,/]\d)")
_ONE_THING = re.compile(r"1\s+([A-Za-z]{2,})\b")


def _one_of_a_kind(text: str, problem: str) -> set[str]:
    """{"1"} when every 1 of ``text`` counts one thing the problem names singly ("walks his dog for an hour", then
    "1 hour"; "A watermelon costs", then "cost of 1 watermelon"): no quantity read or computed, just "a" written as
    a digit. Else nothing."""
    ones = list(_ONE.finditer(text))
    for m in ones:
        thing = _ONE_THING.match(text, m.start())
        if thing is None or not re.search(rf"\b(?:an?|each|every|per|one)\s+{re.escape(thing.group(1))}\b", problem,
                                          re.I):
            return set()
    return {"1"} if ones else set()


#: a step that recalls a general fact, not this problem's values ("the arithmetic series formula is $S_n =
#: \frac{n}{2}(2a_1 + (n-1)d)$ where ...", "they satisfy the following identities")
_RECALLS = re.compile(r"\b(?:formula|formulas|identit(?:y|ies)|theorem|algorithm)\b", re.I)
_LETTER = re.compile(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])")
_COMMAND_OR_TEXT = re.compile(r"\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{[^{}]*\}|\\[A-Za-z]+")


def _formula_constants(text: str) -> set[str]:
    """In a step that recalls a formula, an identity, a theorem or an algorithm, the numbers inside its formulas in
    letters (the 2 and the 1 of ``S_n = \\frac{n}{2}(2a_1 + (n-1)d)``, the subscripts of ``r_1 + r_2 + r_3``): they
    belong to the general fact, no value of this problem is stated by them. A number outside such a formula (in
    prose, a formula applied to numbers ``S = \\frac{14}{2}(5 + 44)``, a side of numbers) still counts: only the
    members of a relation with letters on two sides or more are general. Else nothing."""
    if not _RECALLS.search(text):
        return set()
    out: set[str] = set()
    for is_math, piece in math_segments(text):
        if not is_math:
            continue
        members = [m for m in _RELATION.split(piece) if _LETTER.search(_COMMAND_OR_TEXT.sub(" ", m))]
        if len(members) >= 2:
            out |= set().union(*map(_numbers, members))
    return out


def _first_unchecked(trace: Trace, stop: int, *, relations: bool) -> int | None:
    """The first of ``trace.steps[:stop]`` that nothing checked (rating 0) yet states a number neither the problem
    nor an earlier step holds, or (``relations``) holds a relation the checker could not decide; or None."""
    known = _given(trace)
    problem = trace.task.prompt
    for i, step in enumerate(trace.steps[:stop]):
        said = _numbers(step.text)
        if step.label is not None and step.label.rating == 0 and (
                ((new := said - known)
                 and new - _common_constants(step.text) - _forms(step.text) - _one_of_a_kind(step.text, problem)
                 - _formula_constants(step.text))
                or (relations and _undecided(step) and not _restates(step.text, trace))):
            return i
        known |= said
    return None


def _undecided(step: Any) -> bool:
    """The step holds a relation the checker could not decide: an undecided claim, or (no claim read at all) an
    equation or inequality in text the checker could not read ("X / 2 = 2" in prose with a letter)."""
    symbolic = (step.evidence or {}).get("symbolic") or {}
    claims = symbolic.get("claims") or []
    if not claims and symbolic.get("rule") == "no_checkable_claim" and _RELATION.search(step.text):
        return True
    return any(c.get("verdict") == "unknown" and str(c.get("rule", "")).split(":")[0] not in _SILENT
               and _RELATION.search(str(c.get("claim", ""))) for c in claims)


# an undecided claim that still says something: a definition ("let u = x^2") or a value the step names is not
_SILENT = ("definition",)
_RELATION = re.compile(r"=|<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|equiv|approx)(?![a-zA-Z])")


def unaccounted_step(trace: Trace) -> int | None:
    """For a right answer the checker alone labelled, the first step that may hide a process error: unchecked
    (rating 0) yet stating a value neither the problem nor an earlier step holds, or holding a relation the checker
    could not decide. A right answer does not prove its steps (a wrong step can be undone later, or not matter):
    such a trace has no honest "no error" label. Procedural solutions (computed by their generator) are exempt."""
    if not _right_by_checker_alone(trace):
        return None
    found = _first_unchecked(trace, len(trace.steps), relations=True)
    if found is None:
        found = unread_reasoning(trace)
    return found if found is not None else verbal_comparison(trace)


#: a number a comparison or a change in words is about: "3 fewer holes", "2 years older", "increases by 3", "lost 28
#: pounds", "a net gain of 5" (the number's own text is group 1 or 2)
_COMPARED = re.compile(
    r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)%?(?:\s+[A-Za-z'-]+){0,3}?\s+(?:more|fewer|less|greater|smaller|larger|higher|"
    r"lower|longer|shorter|older|younger)\b"
    r"|\b(?:increase[sd]?|decrease[sd]?|gain(?:s|ed)?|los(?:es|t)|drop(?:s|ped)?|rises?|rose|falls?|fell)"
    r"(?:\s+(?:by|of))?\s+\$?(\d[\d,]*(?:\.\d+)?)", re.I)
#: where a clause of prose ends
_CLAUSE_END = re.compile(r"\.(?!\d)|[;:\n]|,\s|\bwhich is\b|\bso\b", re.I)


def verbal_comparison(trace: Trace) -> int | None:
    """The first checked (+1) step, in a right answer the checker alone labelled or before a checker-located first
    error, whose prose compares a value the problem does not give, or says which way it changed, in words ("6 - 9 =
    -3 holes/day. This means that the dog digs 3 fewer holes than Nate fills in each day, so ... the number of holes
    increases by 3"): the math is checked, the words are not, and they may be the step's error; or None. A clause
    holding a relation ("which is 20 + 5 = 25 times") is math, and the problem's own comparisons ("6 less than
    Naomi") are no claim."""
    stop = _guarded_stop(trace)
    if stop is None:
        return None
    given = _given(trace)
    for i, step in enumerate(trace.steps[:stop]):
        if step.label is None or step.label.rating != 1:
            continue
        prose = " ".join(piece if not is_math else " ; " for is_math, piece in math_segments(step.text))
        for clause in _CLAUSE_END.split(prose):
            if "=" in clause:
                continue
            for m in _COMPARED.finditer(clause):
                if _numbers(m.group(1) or m.group(2)) - given:
                    return i
    return None


_WORD = re.compile(r"[A-Za-z]{2,}")


def unread_reasoning(trace: Trace) -> int | None:
    """The first step before the answer line that nothing checked (rating 0) and that reasons in words the checker
    cannot read ("Use the formula for an arithmetico-geometric series", "Now subtract 1 instead of adding"), or
    None. A short line (five words or fewer) and a restatement of the problem's own numbers say nothing to check.
    On PRMBench's processes, every right answer kept with such a step and a known wrong step had its error there."""
    return _first_reasoning_step(trace, len(trace.steps) - 1)


def _first_reasoning_step(trace: Trace, stop: int, *, restatements: bool = False) -> int | None:
    """The first of ``trace.steps[:stop]`` that nothing checked (rating 0) and that reasons in words: more than five
    words, and (unless ``restatements``) neither a restatement of the problem (:func:`_restates`) nor the opening
    plan (:func:`_plan`); or None."""
    planned = 0
    known = _given(trace)
    for i, step in enumerate(trace.steps[:stop]):
        before, known = known, known | _numbers(step.text)
        if step.label is None or step.label.rating != 0 or len(_WORD.findall(step.text)) <= 5:
            continue
        if not restatements and _restates(step.text, trace, before):
            continue
        if not restatements and i == planned and _plan(_problem_math_named(step.text, trace), opening=i == 0):
            planned += 1  # the plan: its opening step, and steps that only carry on its list of items
            continue
        if not restatements and _announces(step.text):
            continue
        return i
    return None


#: what opens an announcement of the next piece of work: an ordinal ("First,", "Next,"), then who does it ("let's",
#: "we need to"), then the work ("calculate the total cost")
_ANNOUNCE = re.compile(
    r"(?:(?:first|second|third|next|now|then|finally|lastly|after that|to start|to begin)\b,?\s*)?"
    r"(?:(?:let's|let us|we(?:'ll| will| need to| must| should| can| have to| now| first| then| next)?"
    r"|i(?:'ll| will| need to)?)\s+)?"
    r"(?:calculate|compute|determine|find|identify|add|subtract|multiply|divide|sum up|sum|figure out|work out|"
    r"count|convert|evaluate|simplify|express|set up|write)\b", re.I)
#: words that make an announcement reason (a cause, a consequence, a quantity in words)
_REASONING_WORDS = re.compile(r"\b(?:since|because|so|therefore|thus|hence|which|as|if|when|but|instead|not|only|"
                              r"twice|double|triple|half|third|quarter|dozen)\b", re.I)


def _announces(text: str) -> bool:
    """A step that only names the next piece of work ("**Step 2: Calculate the factory's daily earnings.**", "Next,
    let's find the cost of the apples."): one sentence (a heading and its colon included) that opens as an
    instruction, with no number, no relation, no formula and no word that reasons or counts. It states nothing, so
    it hides no value; the work it names is checked where it is done."""
    body = _STEP_NUMBER.sub("", text).strip()
    body = re.sub(r"^[#*\s]+|[*\s]+$", "", body).replace("**", "")
    if (not body or "\n" in body or _RELATION.search(body) or _NUMBER.search(body) or "$" in body or "\\" in body
            or _REASONING_WORDS.search(body) or _QUANTITY_WORD.search(body)):
        return False
    sentences = [x for x in re.split(r"(?<=[.:!?])\s+", _TITLE.sub(r"\1", body)) if x]
    return len(sentences) == 1 and _ANNOUNCE.match(sentences[0]) is not None


_NAME_GROUP = re.compile(r"\\(?:text|mathrm|textrm|mbox|textbf|mathbf)\s*\{[^{}]*\}")
_BARE_NUMBER = re.compile(r"=?-?\d[\d,]*(?:\.\d+)?\.?")


def _restates(text: str, trace: Trace, known: set[str] | None = None) -> bool:
    """The step only names the problem's own numbers: every number it states is given (or, ``known``, given or stated
    by an earlier step: a recap, "Number of chimichangas on Tuesday: 125"), and every formula in it is one of the
    problem's own, a bare number or a name set to one (``\\text{Chenny's age} = 10 \\text{ years old}``; a price,
    ``$4``, in prose is no formula), so nothing in it is worked out."""
    said, given = _numbers(text), _given(trace)
    if not said or not said <= (given if known is None else known):
        return False
    if known is not None and not said <= given and not _recap(text):
        return False  # "Since each guest needs 2, the 26 hotdogs are not enough ...": an inference, not a recap
    asked = None
    for is_math, piece in math_segments(text):
        bare = re.sub(r"\s+|\\[$,;!% ]", "", _NAME_GROUP.sub("", piece)) if is_math else ""
        if not bare or _BARE_NUMBER.fullmatch(bare):
            continue
        if asked is None:
            asked = {key for _, key in _problem_pieces(trace)}
        if _tex_key(piece) not in asked:
            return False
    return True


#: a recap's line: a label, a colon and the value ("- Number of chimichangas on Friday: 250", "Tuesday: $125"); or a
#: heading with no number
_RECAP_LINE = re.compile(r"[-*#\s]*(?:\d+[.)]\s+)?[^\d:=<>]*[A-Za-z][^\d:=<>]*:\**\s*\\?\$?\s*-?\d[\d,]*(?:\.\d+)?"
                         r"(?:\s*[A-Za-z%][A-Za-z ]{0,20})?\s*[.;]?\s*")


def _recap(text: str) -> bool:
    """Every line of the step that holds a number is a label and its value: a list of values already stated, no
    sentence that infers one ("There are 2 pairs whose product is 6", "so 26 guests did not get one")."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return bool(lines) and all(_RECAP_LINE.fullmatch(ln) or (not _NUMBER.search(_STEP_NUMBER.sub("", ln))
                                                            and not _REASONING_WORDS.search(ln)) for ln in lines)


#: an opening that announces what the solution will work out ("To determine how much Greg spends, we need to follow
#: these steps:", "Let's break down the problem step by step."), and a plan's own items ("1. Calculate the number of
#: trays.")
_PLAN_OPENING = re.compile(
    r"(?:to (?:determine|find|calculate|compute|solve|figure out|work out|answer|get|evaluate|simplify|factor|"
    r"expand|convert|express|rationalize)\b[^.:;\n]*,\s*"
    r"(?:we|i|let's|let us)\b|let's (?:break|solve|think|go|work|start)\b|let us (?:break|solve|think|go|work)\b"
    r"|we (?:need|want|are asked|have) to (?:find|determine|calculate|compute|figure out|work out)\b)", re.I)
_PLAN_ITEM = re.compile(r"(?:calculate|compute|determine|find|identify|add|subtract|multiply|divide|sum|use|"
                        r"solve|figure out|work out|substitute|simplify|evaluate|apply|convert|rewrite|expand|"
                        r"factor|combine|plug)\b", re.I)


def _problem_math_named(text: str, trace: Trace) -> str:
    """The text with each math piece that is one of the problem's own formulas (or a letter the problem names) put
    as a word: "To evaluate \\((x + y)(x - y)\\) when \\(x = 15\\) ..., 1. Substitute the values of \\(x\\)" names
    the problem's expression, it works nothing out, so it may still be a plan. Other math stays as it is."""
    pieces = math_segments(text)
    if not any(is_math for is_math, _ in pieces):
        return text
    asked = {key for _, key in _problem_pieces(trace)}
    letters = {k for k in asked if re.fullmatch(r"[A-Za-z]", k)} | set(re.findall(
        r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", " ".join(p for m, p in math_segments(trace.task.prompt) if m)))
    out = []
    for is_math, piece in pieces:
        key = _tex_key(piece) if is_math else ""
        out.append(piece if not is_math else " it " if key in asked or key in letters or _part_of(key, asked)
                   else f"${piece}$")
    return "".join(out)


def _part_of(key: str, asked: set[str]) -> bool:
    """``key`` is a part of one of the problem's formulas, whole at both ends (``-\\frac{23}{9}`` of
    ``\\lfloor|-\\frac{23}{9}|\\rfloor``), and no relation (``x=1`` is no part of ``x=15``)."""
    if len(key) < 2 or _RELATION.search(key):
        return False
    for whole in asked:
        at = whole.find(key)
        while at >= 0:
            end = at + len(key)
            if (at == 0 or not whole[at - 1].isalnum()) and (end == len(whole) or not whole[end].isalnum()):
                return True
            at = whole.find(key, at + 1)
    return False


def _plan(text: str, *, opening: bool = True) -> bool:
    """A step that only announces the work: it opens as a plan (or, not ``opening``, carries on the plan's list), and
    every further line is an item of the plan (an instruction), with no number and no relation in any of it. A step
    that already reasons ("... so we count them twice") or states a value is not one."""
    if _RELATION.search(text) or _NUMBER.search(_STEP_NUMBER.sub("", text)):
        return False
    lines = [ln.strip(" \t-*#") for ln in _STEP_NUMBER.sub("", text).splitlines() if ln.strip(" \t-*#")]
    if not lines:
        return False
    if not opening:
        return all(_PLAN_ITEM.match(ln) for ln in lines)
    # "To determine what Mrs. Cruz pays, we need to ... . Let's break it down step by step.": each sentence a plan's
    sentences = [x for x in re.split(r"(?<=[.:])\s+", _TITLE.sub(r"\1", lines[0])) if x]
    return (all(_PLAN_OPENING.match(x) for x in sentences) and len(sentences) <= 2
            and all(_PLAN_ITEM.match(ln) for ln in lines[1:]))


_TITLE = re.compile(r"\b(Mrs|Mr|Ms|Dr|Jr|Sr|St)\.")


_BAR = re.compile(r"\\[lr]?vert(?![a-zA-Z])")


def _tex_key(tex: str) -> str:
    """An expression with its layout ignored, as problems meet their references (``problem_key``), and bars and
    product signs written one way."""
    return problem_key(_BAR.sub("|", tex).replace("\\times", "\\cdot")).strip("?.,;:!=")


def _problem_pieces(trace: Trace) -> list[tuple[str, str]]:
    """The problem's math pieces (its answer options left out), each with its layout-free key (:func:`_tex_key`)."""
    return [(piece, _tex_key(piece)) for is_math, piece in math_segments(without_options(trace.task.prompt))
            if is_math]


def evaluates_problem(trace: Trace) -> int | None:
    """For a checker-located first error whose refuted claim evaluates the problem's own expression ("Evaluate
    $\\lfloor|-23/9|\\rfloor$", then "$\\lfloor|-23/9|\\rfloor = -23$"), or a form of it of the same value, the first step before it that reasons in words
    nothing checked, or None. Redone right, such a claim gives the reference whatever the steps before it said, so
    the redo shows nothing about them: the error may be in that reasoning (a notation misread in words, "the floor
    is the smallest integer greater than or equal to it"), and the refuted claim only its result."""
    fei = _checker_first_error(trace)
    if fei is None:
        return None
    claims = ((trace.steps[fei].evidence or {}).get("symbolic") or {}).get("claims") or []
    refuted = next((str(c.get("claim", "")) for c in claims
                    if c.get("verdict") == "false" and " = " in str(c.get("claim", ""))), None)
    if refuted is None:
        return None
    side = refuted.split(" = ", 1)[0]
    lhs = _tex_key(side)
    if not lhs or _NUMBER.fullmatch(lhs.lstrip("-")):
        return None
    pieces = _problem_pieces(trace)
    if lhs not in {key for _, key in pieces} and not any(
            not _NUMBER.fullmatch(key.lstrip("-")) and same_value(side, piece) for piece, key in pieces[:20]):
        return None  # nor the problem's expression in another form ("Simplify $\frac{91}{26}$", then
        # "\frac{91 \times 13}{26 \times 13} = \frac{1183}{392}": multiplied through, its value is the problem's)
    # any words count: a step that only names the problem's numbers can still turn the method ("Now we subtract 1
    # instead of adding.")
    return _first_reasoning_step(trace, fei, restatements=True)


def _right_by_checker_alone(trace: Trace) -> bool:
    """A right math answer with no -1 step, labelled by the checker alone on a solution stepforge did not compute:
    the traces whose "no error" needs more than the checks to be kept."""
    return (trace.domain == "math" and trace.outcome.correct is True and trace.first_error_index == -1
            and not _procedural(trace) and _checker_alone(trace))


def answer_underived(trace: Trace) -> str | None:
    """For a right answer the checker alone labelled, why no checked step produced it (``labeling.locate.
    answer_derived``), or None when one did or the rule does not apply (as :func:`unaccounted_step`). A right answer
    stated after steps that derive something else ("80 - 243 = -163", then "163") shows nothing about the steps."""
    if not _right_by_checker_alone(trace):
        return None
    found = [(s.evidence or {}).get(DERIVED) for s in trace.steps if DERIVED in (s.evidence or {})]
    if not found:
        return "no step was checked against the final answer"
    ev = found[-1] or {}
    return None if ev.get("derived") is True else str(ev.get("why") or "not derived")


def uncorroborated(trace: Trace) -> str | None:
    """For a right answer the checker alone labelled, why its steps are not corroborated by the reference solution,
    or None when they are (or the rule does not apply, as :func:`unaccounted_step`). Checked arithmetic and a right
    answer still let a reasoning error through when a later step undoes it ("at 1:00 PM the candle has burned 1
    hour: 2 * 1 = 2", "5 * 2 = 10", "10 - 2 = 8"): on real model solutions about one right answer in ten whose every
    value was checked had one. So "no error" is kept only when every number the steps state is one the problem or
    a reference solution holds; without a reference solution the trace goes to the fallback strategy."""
    if not _right_by_checker_alone(trace):
        return None
    solution = trace.task.reference.solution
    if not solution:
        return "there is no reference solution to compare the steps with (give one: --references rows with a solution)"
    known = _given(trace) | _numbers(solution) | _forms(trace.task.prompt + "\n" + solution, changes=True)
    for i, step in enumerate(trace.steps):
        extra = _numbers(step.text) - known
        if extra:
            return (f"step {i} states {', '.join(sorted(extra)[:3])}, which neither the problem nor the reference "
                    "solution holds")
    return None


def slip_unexplained(trace: Trace) -> str | None:
    """Why the checker's refuted step is not shown to explain a wrong answer (``labeling.locate.explains_outcome``:
    the slip redone right, carried through the later computations, must give the reference; a slip that cannot be
    redone, such as an algebra slip, shows nothing), or None when it does or the rule does not apply (an injected
    error, known by construction; an answer-line error; model-based labels; a refuted first step, which nothing
    comes before)."""
    fei = trace.first_error_index
    if (trace.domain != "math" or fei is None or fei < 0 or trace.outcome.correct is not False
            or trace.generation.injected_error is not None or not _checker_located(trace, fei)):
        return None
    if trace.labeling.agreement is not None and trace.labeling.agreement.agree:
        return None  # a second strategy put the first error there too: that is the corroboration
    located = (trace.steps[fei].evidence or {}).get("located") or {}
    if not trace.task.reference.answer and not located.get("rule"):
        # graded by the row's own verdict (ProcessBench), with no reference to redo the slip against: nothing
        # shows the refuted step is where the solution went wrong first
        return "no reference answer to redo the slip against; give --references"
    ex = located.get("explains_outcome")
    if located.get("rule") == ANSWER_CONTRADICTS_STEPS or (isinstance(ex, dict) and ex.get("explains") is True):
        return None  # explained; or located another way (the answer line contradicts steps that gave the reference)
    if located.get("rule") != "refuted_claim":
        return f"nothing says where this error was located ({located.get('rule') or 'no evidence'})"
    if fei == 0:
        # the solution's first step: no step comes before it, so no error the checker cannot see can come first, and
        # a slip redone that does not give the reference only shows that more errors follow (a refuted first step was
        # the first error on every labelled set, 17 of 18 by gold, the 18th a gold error, and in 25 of 25 read by hand)
        return None
    if not isinstance(ex, dict) or ex.get("explains") is None:
        # not a computation on numbers that can be redone (an algebra slip, an inequality): nothing shows the slip
        # is where the solution went wrong first. A refuted step alone was the first error in 80% of real GSM8K-level
        # solutions (MR-GSM8K), and in only 70% when every step before it was checked true: below what a kept label
        # promises
        why = ex.get("why") if isinstance(ex, dict) else None
        return f"it cannot be redone against the reference ({why or 'not followed'})"
    return str(ex.get("why") or "not followed")


def _procedural(trace: Trace) -> bool:
    return trace.generation.injected_error is not None or str(trace.generation.generator).startswith("procedural/")


def _checker_alone(trace: Trace) -> bool:
    """The labels are the symbolic checker's alone (no rollout, critic or second strategy confirmed them)."""
    if trace.labeling.agreement is not None:
        return False
    return all(s.label is None or s.label.source in ("symbolic", "construction") or s.label.source.endswith(":symbolic")
               for s in trace.steps)


def _checker_located(trace: Trace, fei: int) -> bool:
    """The first error is the symbolic checker's alone: ``symbolic``, or ``hybrid``'s refuted step where no rollout
    confirmed it (no reference answer to reach: ``first_bad_prefix`` absent)."""
    if trace.labeling.strategy == "symbolic":
        return True
    step = trace.steps[fei]
    source = step.label.source if step.label is not None else ""
    return source.endswith(":symbolic") and "first_bad_prefix" not in (step.evidence or {})


def _uncertain(fei: int, unchecked: int) -> str:
    return (f"step {fei} is refuted, but step {unchecked} before it states a value that neither the problem nor an "
            "earlier step holds and nothing checked it: the first error may be there")


def why_not_kept(trace: Trace) -> tuple[str, str] | None:
    """Why a trace may not be kept, or None. Kept: a conclusive outcome whose labels agree with it
    (a right answer has no -1 step; a wrong one has a located first error; the two strategies of a consensus agree
    on it), and, for an injected error, a first error found exactly where it was put. A strategy labels a step -1
    only where its evidence locates an error (a refuted claim, an answer line that contradicts the steps, an
    injected step, a prefix from which no rollout reaches the reference); a wrong answer with no such step is
    ``error_not_located``. A task without a reference answer (``no_reference``) is kept only with a located error
    in its steps (its answer is not graded)."""
    out = trace.outcome
    fei = trace.first_error_index
    ag = trace.labeling.agreement
    if ag is not None and not ag.agree:
        a, b = ag.strategies
        return "labels_disagree", f"{a} puts the first error at step {ag.first_errors[0]}, {b} at {ag.first_errors[1]}"
    if out.correct is None and out.verdict == NO_REFERENCE:
        if fei is not None and fei >= 0 and ag is not None:  # two strategies agree on where the process went wrong
            return None
        if fei is not None and fei >= 0:
            return NO_REFERENCE, (f"no reference answer or outcome: step {fei} is refuted, but nothing shows the "
                                  "solution went wrong there first (a reasoning error before it leaves every claim "
                                  "true); give reference answers, or label with consensus:A+B")
        return NO_REFERENCE, ("no reference answer, so the outcome cannot be verified, and no step is refuted: "
                              "nothing can be said of the steps")
    if out.correct is None:
        return "inconclusive_outcome", f"{out.verdict} ({out.rule})"
    if out.correct and fei != -1:
        return "labels_disagree", f"correct final answer but step {fei} is labelled wrong"
    unaccounted = unaccounted_step(trace)
    if unaccounted is not None:
        return PROCESS_UNVERIFIED, (f"right final answer, but step {unaccounted} states a value, a relation or "
                                    "reasoning nothing checked: a right answer does not prove the steps, so 'no error' "
                                    "is not shown")
    owned = self_declared_step(trace)
    if owned is not None and out.correct:
        return PROCESS_UNVERIFIED, (f"right final answer, but step {owned[0]} says '{owned[1]}': its writer names an "
                                    "error, so 'no error' is not shown")
    underived = answer_underived(trace)
    if underived is not None:
        return PROCESS_UNVERIFIED, (f"right final answer, but {underived}: the steps are not shown to produce it, "
                                    "so 'no error' is not shown")
    loose = uncorroborated(trace)
    if loose is not None:
        return PROCESS_UNVERIFIED, f"right final answer, but {loose}: its steps are not shown right"
    if not out.correct and fei == -1:
        return "error_not_located", ("wrong final answer, but no step is refuted and the answer line does not "
                                     "contradict the steps: the first error is not located")
    if owned is not None:
        return FIRST_ERROR_UNCERTAIN, (f"step {fei} is refuted, but step {owned[0]} before it says '{owned[1]}': "
                                       "the error its writer names may come first")
    unchecked = unchecked_new_step(trace)
    if unchecked is not None:
        return FIRST_ERROR_UNCERTAIN, _uncertain(fei, unchecked)
    compared = verbal_comparison(trace)
    if compared is not None:
        return FIRST_ERROR_UNCERTAIN, (f"step {fei} is refuted, but step {compared} before it compares a value in "
                                       "words nothing checked (which way, by how much): the first error may be there")
    unread = unread_before_error(trace)
    if unread is not None:
        return FIRST_ERROR_UNCERTAIN, (f"step {fei} is refuted, but step {unread} before it holds a relation the "
                                       "checker could not read or decide: the first error may be there")
    asked = evaluates_problem(trace)
    if asked is not None:
        return FIRST_ERROR_UNCERTAIN, (f"step {fei} evaluates the problem's own expression wrong, so redoing it right "
                                       f"gives the reference whatever came before; step {asked} before it reasons in "
                                       "words nothing checked: the first error may be there")
    unexplained = slip_unexplained(trace)
    if unexplained is not None:
        return FIRST_ERROR_UNCERTAIN, (f"step {fei} is refuted, but redoing it right does not lead to the reference "
                                       f"({unexplained}): an error the checker cannot see may come first")
    inj = trace.generation.injected_error
    if inj is not None and fei != inj.step_index:
        return "first_error_mismatch", f"error injected at step {inj.step_index}, checker found {fei}"
    return None


def reject(*, id: str, index: int | None, domain: str, reason: str, detail: str,
           candidate: dict[str, Any]) -> Rejection:
    return Rejection(id=id, index=index, domain=domain, reason=reason, detail=detail[:2000],  # type: ignore[arg-type]
                     candidate=candidate)


def keep_or_reject(trace: Trace) -> Trace | Rejection:
    """The trace itself when the keep rule holds, else its rejection (with the whole labelled trace in it)."""
    why = why_not_kept(trace)
    return trace if why is None else _rejection(trace, why)


def _escalated(first: StepLabels, second: StepLabels) -> StepLabels:
    """The fallback's labels, each step's evidence with the first strategy's beside it; both costs counted."""
    steps = [s2.model_copy(update={"evidence": {**s1.evidence, **s2.evidence}})
             for s1, s2 in zip(first.steps, second.steps)] + second.steps[len(first.steps):]
    c1, c2 = first.labeling.cost, second.labeling.cost
    cost = c2.model_copy(update={k: getattr(c1, k) + getattr(c2, k) for k in type(c2).model_fields})
    return second.model_copy(update={"steps": steps, "labeling": second.labeling.model_copy(update={"cost": cost})})


def settle(candidate: Candidate, outcome: Outcome, verdict: Any, ctx: Any, **given: Any) -> Trace | Rejection:
    """Label ``candidate`` with the run's strategy and apply the keep rule; a rejection in ``ESCALATED`` is
    labelled again by the run's fallback strategy (``ctx.fallback``), if any, and kept only if that passes the
    same rule. ``ctx`` is the domain's ``RecordContext``; ``given`` goes into the strategy's ``LabelContext``."""
    lctx = ctx.label_context(**given)
    labels = ctx.strategy.label(candidate, verdict, lctx)
    trace = build_trace(ctx.config, candidate, outcome, labels)
    why = why_not_kept(trace)
    fallback = getattr(ctx, "fallback", None)
    if why is None or fallback is None or why[0] not in ESCALATED:
        return trace if why is None else _rejection(trace, why)
    cand = candidate.model_copy(update={"extras": {**candidate.extras, "escalated": {
        "from": ctx.strategy.name, "to": fallback.name, "reason": why[0], "detail": why[1]}}})
    trace = build_trace(ctx.config, cand, outcome, _escalated(labels, fallback.label(candidate, verdict, lctx)))
    why2 = why_not_kept(trace)
    if why2 is None:
        return trace
    return _rejection(trace, (why2[0], f"fallback {fallback.name}: {why2[1]} ({ctx.strategy.name}: {why[1]})"))


def _rejection(trace: Trace, why: tuple[str, str]) -> Rejection:
    return reject(id=trace.id, index=trace.task.metadata.get("index"), domain=trace.domain, reason=why[0],
                  detail=why[1], candidate=trace.model_dump(mode="json"))
