"""Where a wrong answer's error is, when a checker refuted no step before the answer line.

A wrong final answer alone says the trace is wrong, not which step is. The answer line is the located first
error only when it contradicts what the steps derived: the value the solution last derived before its
final-answer statement (the right-hand side of its last equation, in math or in plain text; the answer step's own
text before its box or "the answer is" included) is the reference answer, yet the answer line says otherwise.
That value must be a result: stated outside any supposition or test ("Consider Choice D: if y = 35" is not; then
nothing is located, no earlier value stands in) and by a claim the checker found true. Any other wrong answer
with no refuted step is *not located*: a reasoning error with true arithmetic ("$3 + 8 = 11$" where 3 x 8 was
meant) leaves every claim true, and putting the error on the answer line would label the wrong step +1. The
comparison uses the answer verifier, so a derived value and an answer share one number policy.

A refuted step is where the error started unless the value it states was carried from earlier steps: when the
refuted claim's stated side equals an earlier step's result, or the sum of a run of consecutive earlier results
("Add the results: d/dx(2x^6 + ...) = 6x^5 + ..." after a step that differentiated x^6 for 2x^6), the step
combined earlier values faithfully and the error is upstream, in a step whose own claims hold: not located.

A refuted step is kept as the first error only when the slip, redone right and carried through the later steps
(their computations, and the equations in unknowns it reaches, solved right by :mod:`._unknowns`), gives the
reference (``explains_outcome``).
"""

from __future__ import annotations

import re
import time
import zlib
from functools import lru_cache
from typing import Any

import sympy as sp

from stepforge.labeling import _unknowns
from stepforge.verifiers.math import judge
from stepforge.verifiers.math._spans import sub_spans
from stepforge.verifiers.math.parse import parse_math
from stepforge.verifiers.math.plain_words import EQUALS_AHEAD
from stepforge.verifiers.math.points import risky
from stepforge.verifiers.math.relations import STEP_POLICY
from stepforge.verifiers.math.steps import StepContext, check_steps, math_segments

NOT_LOCATED = "error_not_located"
CARRIED = "refuted_value_carried_from_earlier_steps"
_MAX_VALUES = 40
ANSWER_CONTRADICTS_STEPS = "answer_contradicts_steps"
_MATHY = re.compile(r"[\d\\^_=+*/]|^\s*-?[A-Za-z]\s*$")  # a value, not a word ("correct", "yes")
_FORM_ONLY = "not_a_final_answer"  # the verifier's rule for a right value in a form that is not final ("(9)(7)")

_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
# "= 24", "= $24", "= -3.5": the value a plain-text equation states (not "<=", ">=", "==", "!="; not the first
# number of an expression, "= -2 + 2", "= 2x")
_PLAIN_EQ = re.compile(r"(?<![<>!=])=(?!=)\s*(?:\\?\$\s*)?(-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)(?![\d.,]*\d)"
                       r"(?!\s*[-+*/^\u00d7\u00f7\u2212]|[A-Za-z(])")
_REL = re.compile(r"\\(?:le|ge|leq|geq|lt|gt|ne|neq|approx|sim|equiv|leqslant|geqslant)(?![a-zA-Z])|[<>]")


def _last_member(tex: str) -> str | None:
    """The right-most member of a top-level ``=`` chain (``a = b = c`` -> ``c``); None without one."""
    depth, last = 0, None
    for i, ch in enumerate(tex):
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == "=" and depth == 0 and tex[i - 1:i] not in ("<", ">", "!", ":") and tex[i + 1:i + 2] != "=":
            last = i
    if last is None:
        return None
    member = tex[last + 1:].strip().rstrip(".,;")
    if not member or _REL.search(member):
        return None
    return member


def _derivations(text: str) -> list[tuple[int, str]]:
    """Every value ``text`` states as the result of an equation, in order: (its offset in ``text``, the value). In
    math the last member of an ``=`` chain, in plain text the number after an ``=``."""
    out: list[tuple[int, str]] = []
    pos = 0
    for is_math, chunk in math_segments(text):  # the step checker's reading: a currency "$" opens no math
        at = text.find(chunk, pos)
        at = pos if at < 0 else at
        if is_math:
            member = _last_member(chunk)
            if member is not None:
                out.append((at + len(chunk), member))
        else:
            out.extend((at + m.end(), m.group(1).replace(",", "")) for m in _PLAIN_EQ.finditer(chunk))
        pos = at + len(chunk) if at >= pos else pos
    return out


def derived_value(text: str) -> str | None:
    """The value ``text`` last states as the result of an equation: the last member of its last ``=`` chain in
    math, or the number after the last ``=`` in plain text, whichever comes later."""
    found = _derivations(text)
    return found[-1][1] if found else None


# words that put a value under test rather than derive it ("Consider Choice D: If y = 35", "Suppose x = 4",
# "Let's try n = 5", "Checking: 24 / 3 = 8"); "let's"/"let us" + verb is not a supposition, "let y = 35" is
_SUPPOSED = re.compile(r"\b(?:if|suppose[sd]?|supposing|assum(?:e|es|ed|ing)|consider(?:ing)?|tr(?:y|ying|ied)|"
                       r"test(?:ing|ed)?|guess(?:ing)?|plug(?:ging|ged)?|check(?:ing)?|verify(?:ing)?|cases?|"
                       r"choices?|options?|let(?!['\u2019]s|\s+us\b))\b", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence holding offset ``at`` of ``text`` starts (a line break alone does not end one)."""
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, at):
        start = m.end()
    return start


def supposed(text: str, at: int) -> str | None:
    """The supposition the value stated at offset ``at`` of the step ``text`` is under, or None: a supposition
    word in its sentence before it, or in the step's first sentence ("Suppose y = 35. Then y + 14 = 49.")."""
    first = _SENTENCE_END.search(text)
    for span in (text[_sentence_start(text, at):at], text[:first.end() if first else len(text)]):
        m = _SUPPOSED.search(sub_spans(_MATH_SPANS, " ", span))
        if m:
            return m.group(0)
    return None


_MATH_SPANS = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)

#: the evidence key of a step whose writer says its work is wrong ("I incorrectly add 2 to both sides", "I made an
#: arithmetic error above", "I miscounted"): adverbs and admissions only, never an adjective ("x = 3 is incorrect"
#: rejects a tried value)
SELF_DECLARED = "self_declared_error"
_SELF_DECLARED = re.compile(
    r"\b(?:incorrectly|mistakenly|erroneously|wrongly|by\s+(?:a\s+)?mistake|in\s+error|"
    r"(?:made|make|making)\s+(?:an?\s+|some\s+)?(?:\w+\s+)?(?:error|mistake|miscalculation)s?|"
    r"miscalculat\w*|misread\w*|miscount\w*|my\s+(?:error|mistake)|oops|whoops|I\s+should\s+have|"
    # a self-correction: "Wait, that's not right", "Actually, there seems to be an error", "my previous
    # calculation was incorrect" (an interjection with its comma, then the admission within the clause)
    r"(?:wait|actually|hmm+|oh|no)\s*[,.!:][^.!?\n]{0,30}?\b(?:not\s+(?:right|correct)|wrong|incorrect|"
    r"an?\s+(?:error|mistake))|"
    r"(?:previous|earlier|above|last)\s+(?:step|calculation|computation|answer|result|work)\s+(?:was|is)\s+"
    r"(?:wrong|incorrect|not\s+(?:right|correct)))\b", re.I)
_CAUTION = re.compile(r"\b(?:not|never|avoid\w*|without|careful)\b[^.!?\n]{0,24}$", re.I)


def self_declared_error(text: str, problem: str = "") -> str | None:
    """The words by which a step says its own work (or an earlier step's) is wrong, or None. Such a step is never
    confirmed, whatever its arithmetic: a true equation reached "incorrectly" is the error its writer names. None
    when the problem uses the same word (a problem about a student's mistake, restated)."""
    words = sub_spans(_MATH_SPANS, " ", text)
    for m in _SELF_DECLARED.finditer(words):
        if _CAUTION.search(words, max(0, m.start() - 40), m.start()):
            continue  # "be careful not to make an error", "to avoid miscounting": a warning, not an admission
        stem = _ERROR_STEM.search(m.group(0))  # "Tom mistakenly added 5": the problem's own mistake, restated
        if stem is None or not re.search(rf"\b{stem.group(0)}", problem, re.I):
            return m.group(0)
    return None


_ERROR_STEM = re.compile(r"incorrect|mistake|erroneous|wrong|error|miscalculat|misread|miscount", re.I)


_NUMBER_WORD = re.compile(r"(?<![\w.])-?\d(?:[\d,]*\d)?(?:\.\d+)?(?:/\d+(?![\d.]))?")  # "8", "1,300", "-1/144"


def _stated_later(text: str, value: str, after: int) -> str | None:
    """A number ``text`` states after offset ``after`` (the end of its last derivation, of ``value``) that is not
    ``value`` ("... = 8. So the total, which is 16, ..."): the derivation is not the solution's last word. None
    when there is none."""
    want = _value(value)
    for m in _NUMBER_WORD.finditer(text, after):
        got = _value(m.group(0).replace(",", ""))
        if got is None or want is None or not _same(got, want):
            return m.group(0)
    return None


def _stated_values(steps: list[str], k: int, answer: str | None) -> list[str]:
    """Every value the steps state as the result of an equation before the final-answer statement (the answer
    step's own text before it included), in order."""
    return [v for j in range(k + 1) for _, v in _derivations(steps[j] if j < k else _before_answer(steps[k], answer))]


def answer_step(steps: list[str]) -> int:
    """The step that states the final answer: the last one with a box, else the last step."""
    for i in range(len(steps) - 1, -1, -1):
        if _BOX.search(steps[i]):
            return i
    return len(steps) - 1


_SIGN_BEFORE = re.compile(r"[-+\u2212]\s*(?:\$|\\\(|\\\[)?\s*$")
_MARKER = re.compile(r"\banswer\b\W{0,3}(?:is\b|:)?|#+\s*answer", re.I)


def _answer_at(text: str, answer: str | None) -> tuple[int, int] | None:
    """Where the answer step states its final answer: its (last) box, else the answer written after the last answer
    marker ("the answer is -2"), else its last place; None when the answer is not found written out."""
    boxes = list(_BOX.finditer(text))
    if boxes:
        return boxes[-1].start(), len(text)  # the box and what follows it in its sentence: the statement
    want = (answer or "").strip()
    if not want:
        return None
    markers = list(_MARKER.finditer(text))
    at = text.find(want, markers[-1].end()) if markers else -1
    at = at if at >= 0 else text.rfind(want)
    return (at, at + len(want)) if at >= 0 else None


def _before_answer(text: str, answer: str | None) -> str:
    """The answer step's own text before its final-answer statement ("A + B = -2 + 0 = -2. So the answer is -2":
    the computation ending on the answer is the solution's last derivation). All of it when the answer is not
    found written out (its own values count)."""
    span = _answer_at(text, answer)
    return text[:span[0]] if span else text


def last_derivation(steps: list[str], k: int, answer: str | None) -> tuple[int, int, str] | None:
    """The solution's last derived value before its final-answer statement: (its step, its offset in that step,
    the value), the answer step's own text before the answer included; None when no step states one."""
    for j in range(k, -1, -1):
        text = steps[j] if j < k else _before_answer(steps[k], answer)
        found = _derivations(text)
        if found:
            return j, found[-1][0], found[-1][1]
    return None


def _checked_true(claims: list[dict[str, Any]], value: str, text: str | None = None) -> dict[str, Any] | None:
    """The last claim of the step, checked true, whose stated side is ``value`` (by value, or written as ``text``,
    default ``value`` itself), or None."""
    want = _value(value)
    text = _squashed(value if text is None else text)
    for c in reversed(claims):
        if c.get("verdict") != "true" or str(c.get("rule", "")).startswith("final_answer:"):
            continue
        side = _stated(str(c.get("claim", "")))
        if side is None:
            continue
        got = _value(side) if want is not None else None
        if got is None and want is not None and len(side) <= 2 * _MAX_VALUE_CHARS and _TRAILING_NAME.search(side):
            got = _value(_TRAILING_NAME.sub("", side))  # "2 \\text{ gallons per person}": the number it names
        if (got is not None and _same(got, want)) or _squashed(side) == text or _percent_of(side, want):
            return c
    return None


#: the words that end a claim's stated side after its number (its unit, in any length)
_TRAILING_NAME = re.compile(r"(?:\s|\\[,;!: ])*(?:\\(?:text|mathrm|textrm|mbox)\s*\{[^{}]*\}(?:\s|\\[,;!: ])*)+\.?\s*$")
#: a percent sign, or the word, ending a claim's stated side ("10\%", "10 \text{ percent}")
_PERCENT_SIDE = re.compile(r"\s*(?:\\?%|\\text\s*\{\s*\\?%\s*\}|(?:\\,)?\s*\\text\s*\{\s*percent\s*\})\s*\.?\s*$")


def _percent_of(side: str, want: Any) -> bool:
    """``side`` is a percent whose number is ``want`` ("... \\times 100 = 10\\%" for the answer 10 to "what percent
    more"): the step computed the answer as a percent."""
    if want is None or len(side) > _MAX_VALUE_CHARS or not _PERCENT_SIDE.search(side):
        return False
    got = _value(_PERCENT_SIDE.sub("", side))
    return got is not None and _same(got, want)


_NOT_ASSERTED = ("claim_under_test", "claim_denied")  # the checker's reasons a step does not assert its relation


def locate_answer_line(steps: list[str], gold: str, pred: str | None = None,
                       claims: list[list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Whether the answer line of a wrong solution is its located first error: the solution's last derived value
    before its final-answer statement is the reference answer, stated as a result (not under a supposition) by a
    claim the checker found true (``rule: answer_contradicts_steps``), or not (``rule: error_not_located``).
    ``claims[j]``: step ``j``'s checked claims (``claim``, ``verdict``, ``rule``); checked here when not given."""
    k = answer_step(steps)
    if k < 0:
        return {"rule": NOT_LOCATED, "step": k, "detail": "no steps"}
    own = judge(gold, steps[k], seed=0)
    if own.verdict != "not_equal" or own.rule == _FORM_ONLY or not _MATHY.search(own.pred or ""):
        # "And that is our final answer.", "so our answer is correct", or "(9)(7)" for 63: the line states no
        # value that differs from the reference, so it cannot be where the solution went wrong
        return {"rule": NOT_LOCATED, "step": k, "derived": None, "answer_line": f"{own.verdict} ({own.rule})",
                "detail": "the answer line states no value of its own that differs from the reference"}
    if pred is not None and own.pred != pred:
        return {"rule": NOT_LOCATED, "step": k, "derived": None, "answer_line": own.pred, "final_answer": pred,
                "detail": "the final answer was read from another step than the answer line"}
    span = _answer_at(steps[k], own.pred)
    if span and _SIGN_BEFORE.search(steps[k][:span[0]]):
        # "# Answer\n\n-$\pi/6$": the answer was read without the sign written before it, not a wrong answer line
        return {"rule": NOT_LOCATED, "step": k, "derived": None, "answer_line": own.pred,
                "detail": "a sign is written just before the answer read from the answer line: the answer it states "
                          "may not be the one read"}
    after = _derivations(steps[k][span[1]:]) if span and not _BOX.search(steps[k]) else []
    if after:  # "the answer is 25, since 5 * 5 = 25": the line derives its own answer
        return {"rule": NOT_LOCATED, "step": k, "derived": after[-1][1], "derived_step": k,
                "detail": "the answer line derives a value of its own after the answer: not shown to contradict "
                          "the steps"}
    last = last_derivation(steps, k, own.pred)
    if last is None:
        return {"rule": NOT_LOCATED, "step": k, "derived": None,
                "detail": "no step states a result the answer line could contradict"}
    j, at, value = last
    text = steps[j] if j < k else _before_answer(steps[k], own.pred)
    where = {"step": k, "derived": value, "derived_step": j}
    if (word := supposed(text, at)) is not None:
        # "Consider Choice D: If y = 35, ...": a value under test, not a result; no earlier value stands in for it
        return {"rule": NOT_LOCATED, **where, "supposition": word,
                "detail": f"the last value the steps state ({value}) is under a supposition ('{word}'), not a result"}
    v = judge(gold, f"\\boxed{{{value}}}", seed=0)
    if v.verdict != "equal":
        return {"rule": NOT_LOCATED, **where,
                "detail": f"the steps end on {value}, not the reference answer ({v.verdict}): an earlier step is "
                          "wrong and no check refutes it"}
    prefix = "\n\n".join([*steps[:k], _before_answer(steps[k], own.pred)])
    later = _stated_later(prefix, value, sum(len(t) + 2 for t in steps[:j]) + at)
    if later is not None:
        return {"rule": NOT_LOCATED, **where, "stated_later": later,
                "detail": f"the steps derived {value}, but a later sentence states {later} in words: the answer line "
                          "may follow that, so it is not shown to be where the solution went wrong"}
    answered = _value(own.pred.rsplit("=", 1)[-1])
    if answered is not None and any((got := _value(d)) is not None and _same(got, answered)
                                    for d in _stated_values(steps, k, own.pred)):
        # "x = 8", "18 - 8 = 10", then "the answer is 8": the answer line takes a value the steps derived; which of
        # their values answers the question is reasoning no check sees (the 10 may be another quantity)
        return {"rule": NOT_LOCATED, **where, "answer_line": own.pred,
                "detail": "the answer line states a value the steps derived: which value answers the question is "
                          "not shown wrong by any check"}
    if claims is None:
        claims = [[c.model_dump() for c in ch.claims] for ch in check_steps(steps, StepContext(gold=gold), seed=0)]
    step_claims = claims[j] if j < len(claims) else []
    if any(c.get("rule") in _NOT_ASSERTED for c in step_claims):
        return {"rule": NOT_LOCATED, **where,
                "detail": f"step {j}, which states {value}, tests or denies a relation: not a result"}
    backing = _checked_true(step_claims, value)
    if backing is None:
        return {"rule": NOT_LOCATED, **where,
                "detail": f"no claim of step {j} that states {value} was checked true: not shown to be a result"}
    return {"rule": ANSWER_CONTRADICTS_STEPS, **where, "claim": backing.get("claim"),
            "detail": "the steps derived the reference answer; the answer line states another"}


# a stated side worth carrying is a value, not a series, product or limit to work out (sympy may take minutes on
# one: "\\sum_{k=0}^{1959} \\binom{1959}{k} ..."); a definite integral is a computation a slip may be in (and the
# conclusions' budget bounds it)
_UNEVALUATED = re.compile(r"\\(?:sum|prod|lim)(?![a-zA-Z])")
_MAX_VALUE_CHARS = 200


def _value(tex: str) -> Any:
    if len(tex) > _MAX_VALUE_CHARS or _UNEVALUATED.search(tex):
        return None
    try:
        return _value_of(tex)
    except Exception:  # noqa: BLE001 - any reader failure: no value, never a crash
        return None


@lru_cache(maxsize=4096)
def _value_of(tex: str) -> Any:
    """The sympy value of a stated side, or None when it is not a scalar expression. Remembered: the locating
    checks read the same sides again and again (every earlier value, for each refuted claim); a failure is not
    remembered (a reader's refusal may depend on the stack it ran on)."""
    v = parse_math(tex, STEP_POLICY)
    if not isinstance(v, sp.Expr):
        return None
    if any(max(abs(a.p), a.q).bit_length() > _MAX_VALUE_BITS for a in v.atoms(sp.Rational)):
        return None  # "2^{99999}" read exactly: over Python's 4300 digits it cannot be printed (str raises)
    return v


#: an exact number in a value no wider than this (~2,700 digits): every value here is printed into the evidence
_MAX_VALUE_BITS = 9000


def _stated(claim: str) -> str | None:
    """The stated (right) side of an equation claim ``a = b``."""
    parts = claim.rsplit(" = ", 1)
    return parts[1] if len(parts) == 2 else None


def _same(a: Any, b: Any) -> bool:
    if getattr(a, "is_Rational", False) and getattr(b, "is_Rational", False):  # expand(a - b) is a - b itself
        return bool(a == b)
    try:
        key = (type(a), a, type(b), b)
        hash(key)
    except TypeError:  # a mutable value: not remembered
        key = None
    try:
        return _expands_to_zero(*key) if key is not None else bool(sp.expand(a - b) == 0)
    except Exception:  # noqa: BLE001 - a failure is not remembered (it may depend on the stack it ran on)
        return False


def _point(name: str) -> Any:
    """Where ``_num`` puts a letter: a rational fixed by its name (the same letter at the same value in every value
    compared, process and order; two letters may share one, which only leaves the exact comparison to decide), and
    unlike any a solution's expressions are likely to have a pole at."""
    h = zlib.crc32(name.encode())
    return sp.Rational((-1) ** (h & 1) * (1009 + h % 8999), 1013 + (h >> 13) % 7001)


def _num(v: Any) -> complex | None:
    """``v``'s value (a complex float) with its letters at their fixed points, or None (a risky power, not a
    number, over 1e15 there: near a pole the value is noise)."""
    try:
        if risky(v):  # a variable exponent, a huge degree: no value here (the exact comparison decides, bounded)
            return None
        x = complex(v.evalf(20, subs={s: _point(s.name) for s in v.free_symbols}))  # never an exact huge power
    except Exception:  # noqa: BLE001 - no value: the exact comparison decides
        return None
    return x if x == x and abs(x) < 1e15 else None


def _apart(total: complex | None, r: complex | None, scale: float) -> bool:
    """Two values clearly different at the fixed point, so ``expand`` of their difference is not 0 (an identity
    holds at every point). ``carried`` expanded every run of earlier values against each refuted one: seconds on a
    long solution's symbolic values, past the conclusions' budget under load, so whether a refuted step was located
    depended on the machine's load. False when unsure."""
    return total is not None and r is not None and abs(total - r) > 1e-6 * (1.0 + scale)


@lru_cache(maxsize=4096)
def _expands_to_zero(ta: type, a: Any, tb: type, b: Any) -> bool:
    """``expand(a - b) == 0``, remembered: the locating checks compare the same values again and again (each later
    claim against every fix, the final answer against each); sympy expressions are immutable and compare by
    structure (their types in the key too: ``2 == Integer(2)``)."""
    return bool(sp.expand(a - b) == 0)


# a stated side that is one value: a number or a fraction, with its sign, currency, percent and units
_TEX_WORDS = re.compile(r"\\text\s*\{[^{}]*\}|\\[,;!$% ]|\\(?:left|right|dfrac|tfrac|frac)(?![A-Za-z])|[\s$%]")
_VALUE = re.compile(r"[(\[{]*-?(?:\d[\d,]*(?:\.\d+)?(?:/\d+)?|\{\d+\}\{\d+\})[)\]}]*")
_BARE_NUMBER = re.compile(r"\s*\(?\s*-?\s*\d[\d,]*(?:\.\d+)?\s*\)?\s*")
#: a slip in solving the equation just stated (the checker's rule): what is wrong is the step from that equation, which
#: is itself unrefuted, not a value the claim states, so no value of it is "carried"
_SOLVING_SLIP = "contradicts_solved_equation"


def carried(claims: list[list[dict[str, Any]]], k: int) -> dict[str, Any] | None:
    """Evidence that step ``k``'s refuted claims state a value carried from earlier steps (an earlier result, or
    the sum of a run of consecutive earlier results; a result is what an earlier claim states, checked true or
    not checked), or None; never for a slip in solving (``_SOLVING_SLIP``). ``claims[j]`` are step ``j``'s checked claims
    (``claim``, ``verdict``, ``rule``)."""
    earlier: list[tuple[int, Any]] = []
    named: list[bool] = []  # a value given a name ("n = 4"): carried alone, never summed with its neighbours
    for j in range(k):
        for c in claims[j]:
            # any value an earlier step states, checked or not (only a refuted one is not carried on)
            if c.get("verdict") != "false" and (side := _stated(c.get("claim", ""))) is not None:
                if c.get("rule") == "definition" and not _BARE_NUMBER.fullmatch(side):
                    continue  # "where B = (-2 * -4 - 8 + 2)": a name for a computation not yet done, no result
                v = _value(side)
                if v is not None:
                    earlier.append((j, v))
                    named.append(c.get("rule") == "definition")
    earlier, named = earlier[-_MAX_VALUES:], named[-_MAX_VALUES:]
    if not earlier:
        return None
    nums: list[complex | None] | None = None
    for c in claims[k]:
        if c.get("verdict") != "false" or str(c.get("rule", "")).startswith("final_answer:") or \
                c.get("rule") == _SOLVING_SLIP:
            continue
        side = _stated(c.get("claim", ""))
        r = _value(side) if side is not None else None
        if r is None:
            continue
        nums = nums if nums is not None else [_num(v) for _, v in earlier]
        rn = _num(r)
        bare = _BARE_NUMBER.fullmatch(side) is not None
        plain = _TEX_WORDS.sub("", side)
        numeric = not re.search(r"[A-Za-z]", plain)
        if numeric and not _VALUE.fullmatch(plain):
            continue  # "(-6 - -5 - 6 - -1) = (-6 + 5 + 6 + 1)": a computation of its own, whatever value it has
        for a in range(len(earlier)):
            if named[a] and not bare:
                continue  # "r = 3", then "(4 * 3) / (2 * 2)" refuted: a new computation, not the name's value carried
            tn: complex | None = 0j
            scale = abs(rn) if rn is not None else 0.0
            for b in range(a, len(earlier)):
                if numeric and earlier[b][0] != earlier[-1][0]:
                    continue  # a number is carried from the step just before that states one: else it may be chance
                if b > a and (named[a] or named[b]):
                    break  # "n = 4", "r = 2", then "(4 * 3) / (2 * 2) = 6": parameters, not parts of a total
                tn = None if tn is None or nums[b] is None else tn + nums[b]
                scale += abs(nums[b]) if nums[b] is not None else 0.0
                if _apart(tn, rn, scale):  # not equal: no need to expand the sum
                    continue
                total = sp.Add(*[v for _, v in earlier[a:b + 1]])
                if _same(total, r):
                    return {"rule": NOT_LOCATED, "why": CARRIED, "claim": c.get("claim"),
                            "from_steps": sorted({earlier[i][0] for i in range(a, b + 1)})}
    return None


# a member of a chain that is a computation on numbers alone (no letter, no command but products and fractions)
_NUMBERS_ONLY = re.compile(r"^(?:[\d\s.,+\-*/()\[\]{}^\u2212×÷]|\\(?:cdot|times|div|frac|dfrac|left|right)(?![A-Za-z]))+$")
#: what names a number's unit in a computation ("60 \\text{ dogs}", "60g \\times 0.6"); dropped only where the
#: numbers alone still give the stated value
_UNIT_WORDS = re.compile(r"\\(?:text|mathrm)\{[^{}]*\}|(?<=\d)\s?[A-Za-z]+\b(?![({])")
_NUM_TOKEN = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\d)")
EXPLAINS = "explains_outcome"
_MAX_CARRIED = 60


def _const(tex: str) -> Any:
    v = _value(tex)
    return v if v is not None and not v.free_symbols and v.is_number else None


def _swaps(tex: str, fixes: list[tuple[Any, Any]]) -> list[str]:
    """``tex`` with wrong values replaced by corrected ones: every occurrence at once, and each one alone (a wrong
    value may equal another number of the expression: in "5 - 5" only one 5 may be the carried one)."""
    spots = []
    for m in _NUM_TOKEN.finditer(tex):
        try:
            tok = sp.Rational(m.group(0))  # a decimal token, exactly
        except (TypeError, ValueError):  # over Python's 4300 digits for a string: no value a slip's redo carried
            continue
        spots.extend((m.start(), m.end(), right) for wrong, right in fixes
                     if (tok == wrong if wrong.is_Rational else _same(tok, wrong)))
        sign = _unary_minus(tex, m.start())
        if sign is not None:  # "-10 - (-1)", "-14 + -5": a negative value is written with its own sign
            spots.extend((sign, m.end(), right) for wrong, right in fixes
                         if (-tok == wrong if wrong.is_Rational else _same(-tok, wrong)))
    if not spots:
        return []
    variants = [tex[:a] + f"({sp.latex(r)})" + tex[b:] for a, b, r in spots]
    if len(spots) > 1:
        out, last = [], 0
        for a, b, r in sorted({(a, b): (a, b, r) for a, b, r in spots}.values()):
            if a < last:
                continue  # inside a value already replaced (its sign, or the number of a signed one)
            out.append(tex[last:a] + f"({sp.latex(r)})")
            last = b
        variants.insert(0, "".join(out) + tex[last:])
    return variants[:8]


_BEFORE_SIGN = re.compile(r"(?:[(\[{=+\-*/×÷,]|\\(?:cdot|times|div|left\(|left\[))\s*\Z")


def _unary_minus(tex: str, at: int) -> int | None:
    """Where the minus sign that belongs to the number at ``at`` starts, or None: a minus right before it, at the
    start or after an opening bracket, a relation or an operator ("(-1260)", "= -10", "+ -5"); not a binary minus
    ("14 - 2"). Looks back a few characters only (linear in the text for all its numbers)."""
    i = at
    while i > 0 and tex[i - 1] == " ":
        i -= 1
    if i == 0 or tex[i - 1] not in "-\u2212":
        return None
    sign = i - 1
    head = tex[max(0, sign - 12):sign]
    return sign if not head.strip() and sign - len(head) <= 0 or _BEFORE_SIGN.search(head) else None


# a sum or product counted with the things counted between the numbers ("90 spiders + 30 millipedes + 58 stink bugs =
# 178 bugs"): outside math, in one clause; words of letters only, at most three between two numbers
# (never starting inside a number's digits and commas, and with an "=" ahead: linear)
_COUNTED = re.compile(r"(?<![\w.$,])" + EQUALS_AHEAD + r"\$?\d[\d,]*(?:\.\d+)?(?:[ \t]+[A-Za-z']+){0,3}"
                      r"(?:[ \t]*[-+*×][ \t]*\$?\d[\d,]*(?:\.\d+)?(?:[ \t]+[A-Za-z']+){0,3})+"
                      r"[ \t]*=[ \t]*\$?(\d[\d,]*(?:\.\d+)?)(?![\d.,]*\d)")
_COUNTED_WORD = re.compile(r"[ \t]+[A-Za-z']+")


def counted_sums(text: str) -> list[dict[str, Any]]:
    """Computations a step writes in words the checker does not read, as claims for the redo to follow (never
    checked: a slip's wrong value found on their left side gives their result's right value)."""
    if len(text) > 4000 or "=" not in text:
        return []
    out = []
    for is_math, chunk in math_segments(text):
        if is_math:
            continue
        for m in _COUNTED.finditer(chunk):
            lhs = _COUNTED_WORD.sub(" ", m.group(0)[:m.start(1) - m.start()].rsplit("=", 1)[0]).replace("$", "")
            lhs = lhs.replace(",", "").replace("×", "*")
            if _COUNTED_WORD.search(m.group(0)):  # only where words stood between the numbers (else the checker read it)
                out.append({"claim": f"{lhs.strip()} = {m.group(1).replace(',', '')}", "verdict": "unknown",
                            "rule": "counted_sum"})
    return out


def explains_outcome(claims: list[list[dict[str, Any]]], k: int, gold: str, pred: str | None,
                     steps: list[str] | None = None) -> dict[str, Any]:
    """Whether the slip refuted at step ``k`` explains the wrong answer: its claim redone right, and the wrong value
    carried through the later steps' computations redone with the right one, the final answer becomes the reference.
    An equation in an unknown that a wrong value reaches ("3x = 16 - 5 = 12", then "x = 4"; read from ``steps``, the
    steps' text) is solved right (:mod:`._unknowns`) and the unknown's right value carried on in its place.
    If it does not (or this cannot be followed: symbols, no computation), an error the checker cannot see may come
    first, so the refuted step is not the first error for sure. ``explains``: True, False or None (not followed)."""
    refuted = [c for c in claims[k] if c.get("verdict") == "false" and " = " in str(c.get("claim", ""))]
    if not refuted or pred is None:
        return {"explains": None, "why": "no refuted computation to redo" if not refuted else "no final answer read"}
    lhs, rhs = str(refuted[0]["claim"]).rsplit(" = ", 1)
    right, wrong = _const(lhs), _const(rhs)
    if right is None or wrong is None:
        redo = _solved_again(claims, k, claims[k].index(refuted[0]), lhs, rhs)
        if redo is None:
            return _explains_algebra(claims, k, lhs, rhs, gold, pred)
    else:
        redo = _Redo(_chain_fixes(claims[k], claims[k].index(refuted[0]), wrong, right))
    for j in range(k, len(claims)):
        # the slip's own step: only its equations in unknowns ("3x = 16 - 5 = 12"); its later computations are not
        # carried (on PRMBench that kept a step applying a wrong rule that the prose step before it announced)
        own = [] if j == k else claims[j]
        redo.computations(own + (counted_sums(steps[j]) if j != k and steps is not None and j < len(steps) else []))
        # equations in unknowns: read from the step's text (the checker reads none in plain text), else its claims
        known = len(redo.fixes)
        redo.equations(_unknowns.chains(steps[j]) if steps is not None and j < len(steps) else
                       [str(c.get("claim", "")).rsplit(" = ", 1) for c in own if " = " in str(c.get("claim", ""))],
                       follow=j != k)
        if len(redo.fixes) > known:
            redo.computations(own)  # a computation on an unknown's value stated in this step
    return redo.verdict(gold, pred)


def _chain_fixes(claims: list[dict[str, Any]], at: int, wrong: Any, right: Any) -> list[tuple[Any, Any]]:
    """The wrong values of a refuted claim's chain and what each is when the slip is redone: its stated value, and
    every later member of the same chain ("(150 + 130 + 260) / 3 = 440 / 3 = 140": 440/3 and 140 both name the
    average, so both become 180)."""
    fixes = [(wrong, right)]
    last = str(claims[at].get("claim", "")).rsplit(" = ", 1)[1]
    for c in claims[at + 1:]:
        text = str(c.get("claim", ""))
        if " = " not in text:
            break
        lhs, rhs = text.rsplit(" = ", 1)
        value = _const(rhs)
        if lhs.strip() != last.strip() or value is None:
            break  # the chain ends: a later claim of the step is another computation
        fixes.append((value, right))
        last = rhs
    return fixes


def _solved_again(claims: list[list[dict[str, Any]]], k: int, at: int, lhs: str, rhs: str) -> _Redo | None:
    """A refuted equation in unknowns ("p = 0.30" after "2p = 0.58", refuted against the problem's premises) redone:
    the unknowns solved right from the latest equations in them the solution stated before it (not refuted), and
    the refuted claim's stated value, and what the unknowns were taken to be, replaced by their right values.
    None when it is not such an equation, or no earlier equation gives its unknowns one value."""
    a, b = _value(lhs), _value(rhs)
    if a is None or b is None or not _unknowns.letters_only(a - b):
        return None
    side, stated = (a, b) if not b.free_symbols else (b, a)
    free = side.free_symbols
    if not free or stated.free_symbols or len(free) > 3:
        return None
    unknowns = sorted(free, key=str)
    redo = _Redo([])
    # what the refuted equation takes its one unknown to be: an earlier equation that value satisfies agrees with the
    # slip ("x = 9360 / 14.4", then "x = 650", after "15.6x = 9360"), so it cannot say what the unknown really is
    own = _unknowns.solve([side - stated], unknowns, redo.deadline) if len(unknowns) == 1 else None
    slip = own[0] if own and len(own) == 1 else None
    earlier = []
    for j in range(k, -1, -1):
        for c in reversed(claims[j][:at] if j == k else claims[j]):
            text = str(c.get("claim", ""))
            if c.get("verdict") == "false" or " = " not in text:
                continue
            x, y = (_value(t) for t in text.rsplit(" = ", 1))
            if x is not None and y is not None and (x - y).free_symbols and (x - y).free_symbols <= free:
                if slip is not None and _agrees(x - y, slip):
                    continue
                earlier.append((x - y, text))
    earlier = earlier[:len(free)]
    sols = _unknowns.solve([e for e, _ in earlier], unknowns, redo.deadline)
    if not sols or len(sols) != 1:
        return None
    redo.bound.update(sols[0])
    redo.solved.append({"equation": "; ".join(t for _, t in reversed(earlier)), "unknowns": [str(u) for u in unknowns],
                        "right": {str(u): str(v) for u, v in sols[0].items()}})
    redo._fix(stated, side.xreplace(sols[0]))
    if slip is not None:  # what the refuted equation takes the unknown to be
        redo._fix(slip[unknowns[0]], sols[0][unknowns[0]])
    return redo


def _agrees(expr: Any, values: dict[Any, Any]) -> bool:
    """``expr`` (an equation as an expression equal to zero) holds at ``values``; False when that cannot be told."""
    try:
        v = expr.xreplace(values)
        if v == 0:
            return True
        return bool(v.is_number and sp.count_ops(v) <= 200 and abs(complex(v.evalf(30))) < 1e-12)
    except Exception:  # noqa: BLE001 - an expression that cannot be evaluated there: no agreement shown
        return False


class _Redo:
    """The state of one redo: (wrong, right) value pairs, the unknowns solved right, the equations solved."""

    def __init__(self, fixes: list[tuple[Any, Any]]) -> None:
        self.fixes = fixes
        self.bound: dict[Any, Any] = {}  # an unknown -> its value when the slip is redone
        # equations in unknowns not solved yet: redone right, whether the slip reaches it, its text, as written
        self.pool: list[tuple[Any, bool, str, Any]] = []
        self.solved: list[dict[str, Any]] = []
        self.several: dict[str, Any] | None = None  # an equation the slip reaches with several roots
        self.deadline = time.monotonic() + _unknowns.BUDGET_S

    def _fix(self, was: Any, now: Any) -> None:
        if (len(self.fixes) < _MAX_CARRIED and not _same(was, now)
                and not any(_same(was, w) and _same(now, r) for w, r in self.fixes)):
            self.fixes.append((was, now))

    def computations(self, claims: list[dict[str, Any]]) -> None:
        """Later claims on numbers: each one whose left side holds a wrong value, recomputed with the right one."""
        for c in claims:
            text = str(c.get("claim", ""))
            if " = " not in text:
                continue
            a, b = text.rsplit(" = ", 1)
            was = _const(b)
            if was is None:
                continue
            if (c.get("verdict") == "true" and _const(a) is None and (bare := _UNIT_WORDS.sub("", a)) != a
                    and _same(_const(bare), was)):  # "60 \\text{ dogs} + 120 \\text{ cats} = 180": units only name
                a = bare
            for swapped in _swaps(a, self.fixes):
                now = _const(swapped)
                if now is not None:
                    self._fix(was, now)

    def equations(self, chains: list[list[str]], follow: bool = True) -> None:
        """Equations in unknowns: one the slip reaches (a wrong value in it, or an unknown solved right) is solved
        right; an unknown's stated value ("x = 4") then becomes its right value. With ``follow``, the computation
        on numbers such a chain holds ("A * B * C = (-63) * 6 * (-2) = 756", which the checker does not read in
        plain text) is followed too, as a later claim's."""
        for members in chains:
            if follow:
                self.computations([{"claim": f"{a} = {b}"} for a, b in zip(members, members[1:])
                                   if _NUMBERS_ONLY.match(a) and _NUMBERS_ONLY.match(b)])
            names = set(re.findall(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", " ", " ".join(members))))
            if (len(names) < 2 and not names & {str(u) for u in self.bound}
                    and not _swaps(" = ".join(members), self.fixes)):
                continue  # one unknown the slip does not reach: not solved for it, and no system to join (cheap)
            vals = [_value(m) for m in members]
            if any(v is None or not _unknowns.letters_only(v) for v in vals):
                continue
            letters = [i for i, v in enumerate(vals) if v.free_symbols]
            consts = [i for i, v in enumerate(vals) if not v.free_symbols]
            if not letters or not consts:
                continue
            lt, ct = members[letters[0]], members[consts[-1]]  # the unknown's side, and the value carried on
            variants = _swaps(f"{lt} = {ct}", self.fixes)
            reached = bool(variants) or bool(vals[letters[0]].free_symbols & set(self.bound))
            right = []
            for v in variants or [f"{lt} = {ct}"]:
                a, b = v.rsplit(" = ", 1) if " = " in v else (lt, ct)
                ea, eb = _value(a), _value(b)
                if ea is not None and eb is not None:
                    right.append((ea - eb).xreplace(self.bound))
            if not right:
                continue
            if not right[0].free_symbols:  # every unknown already solved right: a computation on their values
                for v in variants or [f"{lt} = {ct}"]:
                    now = _value(v.rsplit(" = ", 1)[0] if " = " in v else lt)
                    if now is not None and not (now := now.xreplace(self.bound)).free_symbols:
                        self._fix(vals[consts[-1]], now)
                continue
            self._solve(f"{lt} = {ct}", right[0], reached, vals[letters[0]] - vals[consts[-1]])

    def _solve(self, text: str, eq: Any, reached: bool, as_written: Any) -> None:
        """Pool an equation in unknowns not solved yet; once the pool holds as many equations as unknowns in a group
        the slip reaches (one equation in one unknown, or a small linear system), solve the group right and bind
        its unknowns to their right values. A group the slip does not reach is never solved (its values are not
        the slip's doing)."""
        self.pool = [*self.pool, (eq, reached, text, as_written)][-6:]
        group = [self.pool[-1]]
        free = set(eq.free_symbols)
        for item in reversed(self.pool[:-1]):  # the latest open equations that share its unknowns
            if item[0].free_symbols & free and len(free | item[0].free_symbols) <= 3:
                group.append(item)
                free |= item[0].free_symbols
        if not any(g[1] for g in group) or len(group) < len(free):
            return
        group = group[:len(free)]
        unknowns = sorted(free, key=str)
        sols = _unknowns.solve([g[0] for g in group], unknowns, self.deadline)
        entry: dict[str, Any] = {"equation": "; ".join(g[2] for g in reversed(group)),
                                 "unknowns": [str(u) for u in unknowns]}
        self.pool = [p for p in self.pool if not any(p is g for g in group)]
        if not sols:
            self.solved.append({**entry, "solutions": None if sols is None else []})
            return
        if len(sols) > 1:
            own = _unknowns.solve([as_written], unknowns, self.deadline)
            self.several = {**entry, "right": [str(s[unknowns[0]]) for s in sols],
                            "as_written": [str(s[unknowns[0]]) for s in own or []]}
            self.solved.append({**entry, "solutions": self.several["right"]})
            return
        self.bound.update(sols[0])
        self.solved.append({**entry, "right": {str(u): str(v) for u, v in sols[0].items()}})
        own = _unknowns.solve([g[3] for g in group], unknowns, self.deadline) if all(
            g[3].free_symbols <= free for g in group) else None
        if own and len(own) == 1:  # what the equations as written give: the wrong values the unknowns took
            for u in unknowns:
                self._fix(own[0][u], sols[0][u])

    def verdict(self, gold: str, pred: str) -> dict[str, Any]:
        out = _redone(self.fixes, _const(pred.rsplit("=", 1)[-1]), gold, pred)  # "x = 5": the value
        several = self._roots(gold, pred) if out["explains"] is not True else None
        if several is not None:
            out = several
        elif out["explains"] is not True and (members := self._tuple(gold, pred)) is not None:
            out = members
        if self.solved:
            out["solved"] = self.solved[:6]
        if out["explains"] is False and self.several is not None and several is None:
            # the slip reached an equation with several roots and which one the solution went on with is not known
            out = {**out, "explains": None, "why": f"the redone equation {self.several['equation']} has several "
                                                  f"roots ({', '.join(self.several['right'][:4])}); which one the "
                                                  "solution goes on with is not known"}
        return out

    def _tuple(self, gold: str, pred: str) -> dict[str, Any] | None:
        """A final answer that is a tuple or list of values ("(-2, 6)"): the members the slip led to replaced by
        their right values (all of them, and each alone), the redone tuple compared with the reference."""
        body = pred.strip()
        opened, closed = body[:1], body[-1:]
        if opened + closed in ("()", "[]"):
            body = body[1:-1]
        else:
            opened = closed = ""
        texts = _unknowns.split_top(body, ",")
        members = [_const(m) for m in texts]
        if len(members) < 2 or any(m is None for m in members):
            return None
        spots = [(i, r) for i, m in enumerate(members) for w, r in self.fixes if _same(m, w)]
        if not spots:
            return None
        tried = [dict(spots)] + [{i: r} for i, r in spots][:8]
        for swap in tried:
            redone = opened + ", ".join(sp.latex(swap[i]) if i in swap else texts[i].strip()
                                        for i in range(len(texts))) + closed
            if judge(gold, f"\\boxed{{{redone}}}", seed=0).verdict == "equal":
                return {"explains": True, "corrected": [[pred, redone]], "redone_answer": redone,
                        "why": "the slip redone right leads to the reference (a member of the final answer)"}
        return {"explains": False, "corrected": [[pred, redone]], "redone_answer": redone,
                "why": f"the slip redone right leads to {redone}, not the reference"}

    def _roots(self, gold: str, pred: str) -> dict[str, Any] | None:
        """A final answer that is the roots of the equation the slip reached, as written ("2, 4"): those roots
        redone right, compared with the reference as a set."""
        if self.several is None or not self.several["as_written"]:
            return None
        members = [_const(m) for m in _unknowns.split_top(pred.strip().strip("{}()[]"), ",")]
        want = [_value(r) for r in self.several["as_written"]]
        if (any(m is None for m in members) or len(members) != len(want)
                or not all(any(_same(m, w) for w in want if w is not None) for m in members)):
            return None
        redone = ", ".join(sp.latex(sp.sympify(r)) for r in self.several["right"])
        ok = judge(gold, f"\\boxed{{{redone}}}", seed=0).verdict == "equal"
        return {"explains": ok, "corrected": [[", ".join(self.several["as_written"]), redone]],
                "redone_answer": redone, "why": "the roots of the slip's equation redone right " +
                ("are the reference" if ok else "are not the reference")}


_PERCENT_END = re.compile(r"(?:\\?%|\\text\{\s*\\?%\s*\}|percent)\s*$")


def _redone(fixes: list[tuple[Any, Any]], final: Any, gold: str, pred: str) -> dict[str, Any]:
    """``explains_outcome``'s verdict from its (wrong, right) value pairs: the final answer must be a wrong value the
    slip led to (a percentage's number: "... * 100 = 65", then "65%"), and that value redone right must be the
    reference."""
    redone = [r for w, r in fixes if final is not None and _same(final, w)]
    answers = [sp.latex(r) for r in redone]
    if final is not None and _PERCENT_END.search(pred):  # "12/20 = 0.65" or "(12/20) * 100 = 65", then "65%"
        redone += [r for w, r in fixes if _same(final * 100, w)]
        answers = [sp.latex(r * 100) + "\\%" for r in redone[:len(answers)]] + \
                  [sp.latex(r) + "\\%" for r in redone[len(answers):]]
    corrected = [[str(w), str(r)] for w, r in fixes[:10]]
    if not redone:
        return {"explains": False, "corrected": corrected, "why": f"the final answer {pred} is not a value the slip led to"}
    hit = next((a for a in answers if judge(gold, f"\\boxed{{{a}}}", seed=0).verdict == "equal"), None)
    if hit is not None:
        return {"explains": True, "corrected": corrected, "redone_answer": hit,
                "why": "the slip redone right leads to the reference"}
    return {"explains": False, "corrected": corrected, "redone_answer": [str(r) for r in redone[:5]],
            "why": f"the slip redone right leads to {', '.join(str(r) for r in redone[:3])}, not the reference"}


_MAX_OPS = 120  # larger expressions are not followed (sympy's expand on them may take seconds)


def _expr(tex: str) -> Any:
    v = _value(tex)
    return v if v is not None and _count_ops(v) <= _MAX_OPS else None


@lru_cache(maxsize=4096)
def _count_ops(v: Any) -> Any:
    """``sympy.count_ops`` of a value ``_value`` remembers (the same sides are followed for each refuted claim)."""
    return sp.count_ops(v)


def _explains_algebra(claims: list[list[dict[str, Any]]], k: int, lhs: str, rhs: str, gold: str,
                      pred: str) -> dict[str, Any]:
    """``explains_outcome`` for a slip in an expression ("4x(5-9x) + 8(5-9x) = -26x^2 + ...", "d/dx(-5cos x) =
    4 sin x"): the wrong expression is replaced by the right one wherever a later claim goes on from it (the whole
    of its left side, or a term of it written the same way), each result carried on, and the final answer redone.
    An equation in an unknown ("3x - 5 = -34") or anything else it cannot follow: ``explains`` None."""
    right, wrong = _expr(lhs), _expr(rhs)
    if (right is None or wrong is None or not right.free_symbols or right.free_symbols != wrong.free_symbols
            or _same(right, wrong)):  # "2x = 5" is an equation in an unknown, not an expression computed wrong
        return {"explains": None, "why": "the refuted claim is not a computation that can be redone"}
    fixes: list[tuple[Any, Any, str]] = [(wrong, right, _squashed(rhs))]
    for j in range(k + 1, len(claims)):
        for c in claims[j]:
            text = str(c.get("claim", ""))
            if " = " not in text or len(fixes) >= _MAX_CARRIED:
                continue
            a, b = text.rsplit(" = ", 1)
            was, went = _expr(b), _expr(a)
            if was is None or went is None:
                continue
            sa = _squashed(a)
            for w, r, wt in list(fixes):
                if _same(went, w):
                    now = r  # the next step goes on from the wrong result
                elif len(wt) > 2 and wt in sa:
                    now = sp.expand(went - w + r)  # the wrong result as a term of the next computation
                else:
                    continue
                if not _same(was, now) and not any(_same(was, w2) and _same(now, r2) for w2, r2, _ in fixes):
                    fixes.append((was, now, _squashed(b)))
                break
    return _redone([(w, r) for w, r, _ in fixes], _expr(pred.rsplit("=", 1)[-1]), gold, pred)


DERIVED = "derived_answer"


def answer_derived(claims: list[list[dict[str, Any]]], k: int, answer: str | None) -> dict[str, Any]:
    """Whether the final answer is the result of a checked step: a claim of a step up to the answer line, checked
    true, whose stated side is the answer (its value; the same text, for a form with no value: a tuple, an
    interval). A right answer that no checked computation produced ("80 - 243 = -163" then "the answer is 163", or
    a value only an unchecked "X = 4" states) does not show its steps right. ``derived``: True (with the step and
    claim) or False."""
    if answer is None:
        return {"derived": False, "why": "no final answer read"}
    for j in range(min(k, len(claims) - 1), -1, -1):
        # "x = 5": the value 5, or as written; the step's first such claim (the helper looks from the last)
        c = _checked_true(claims[j][::-1], answer.rsplit("=", 1)[-1], answer)
        if c is not None:
            return {"derived": True, "step": j, "claim": c.get("claim")}
    return {"derived": False, "why": f"no checked step states the final answer {answer}"}


def _squashed(tex: str) -> str:
    return re.sub(r"\\[,;!: ]|\\left|\\right|\s+", "", tex)


def same_value(a: str, b: str) -> bool:
    """``a`` and ``b`` are constant expressions of the same value (``\\frac{91 \\times 13}{26 \\times 13}`` and
    ``\\frac{91}{26}``); False when either has no value, holds a letter or cannot be read."""
    va, vb = _value(a), _value(b)
    if va is None or vb is None or getattr(va, "free_symbols", True) or getattr(vb, "free_symbols", True):
        return False
    return _same(va, vb)
