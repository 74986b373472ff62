"""The one final-answer extractor: the answer verifier, the step checker and the LLM step parser all use it.

The answer that counts is the last one the text commits to: the last run of boxes (``\\boxed``/``\\fbox``;
boxes joined by "and"/"or"/commas are one list answer), else the last answer marker ("final answer is",
"# Answer", "Answer:", "the answer is", ``<answer>``), else a short text that is itself the answer. A
sentence ("The largest $n$ is 34.") gives what follows its verb. There is no last-number fallback: a long
text without an answer marker has an answer only when its last sentence concludes with one value and nothing
else (:func:`conclusion`: "So there are 4 ways.", "Hence, $a+b=12$."); a condition, a doubt, a check, a
negation or a second value there leaves it without one. A retraction or an alternative after the committed answer
("Wait, no...", "or possibly \\boxed{3}") makes the extraction ``retracted`` or ``hedged``.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal, NamedTuple

from stepforge.verifiers.math._spans import split_top, sub_spans

Status = Literal["ok", "hedged", "retracted", "refused", "none"]

_BOX_RE = re.compile(r"\\(?:boxed|fbox|framebox)\s*")
_THINK_END = "</think>"
_ANSWER_TAG_RE = re.compile(r"<answer>", re.I)
_ANSWER_TAG_END_RE = re.compile(r"</answer>", re.I)
_MINERVA_RE = re.compile(r"final answer is", re.I)
# a match starts only where a whitespace run starts: a long run is scanned once, not from each of its characters
_HOPE_RE = re.compile(r"\.?(?<!\s)\s*+I hope it is correct", re.I)
# blanks are possessive in the markers: blanks then no marker fail in linear time (two [ \t]* around ':?' were quadratic)
_HASH_ANSWER_RE = re.compile(r"^[ \t]*+#+[ \t]*+(?:Final[ \t]+)?Answer[ \t]*+:?[ \t]*+$", re.M | re.I)
_FINAL_ANSWER_HDR_RE = re.compile(r"\*\*[ \t]*+Final Answer[ \t]*+:?[ \t]*+\*\*[ \t]*:?|^[ \t]*+Final Answer[ \t]*+:", re.I | re.M)
_ANSWER_COLON_RE = re.compile(r"\banswer[ \t]*(?:is|:|=)[ \t]*:?|\bresult[ \t]*is[ \t]*:?|答案是|答案[:：]", re.I)
_PARAGRAPH_END_RE = re.compile(r"\n[ \t]*\n")
_DELIM_RE = re.compile(r"\\\$|\$\$|\\\[|\\\]|\\\(|\\\)|\$")
_CLOSER = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}
_PERCENT_AFTER_RE = re.compile(r"[ \t]*+\$?[ \t]*+(?:\\%|%|percent\b)", re.I)  # possessive: blanks then no % fail in linear time
_TAIL = 50_000  # final answers live at the end: only the last this many characters are searched
_JOINER_RE = re.compile(
    r"^\s*(?:,|;|\band\b|\bor\b|,\s*and\b|,\s*or\b|&)?\s*(?:[A-Za-z](?:_\{?\w+\}?)?\s*=\s*)?$", re.I
)
_LABEL_RE = re.compile(r"([A-Za-z](?:_\{?\w+\}?)?)\s*=\s*$")
_PROSE_RE = re.compile(r"\b[A-Za-z]{2,30}[,;:]?\s{1,5}[A-Za-z]{2,30}[,;:]?\s{1,5}[A-Za-z]{2,30}\b")
_RETRACT_RE = re.compile(
    r"\b(?:wait|actually|hmm+|oops|correction|mistake|incorrect|wrong|re-?check|re-?evaluate|reconsider|"
    r"on second thought|let me (?:re|double|check|verify|try|redo|fix)|but (?:wait|actually|that|no)|no,\s|"
    r"not (?:correct|right|done|finished|complete|over|the (?:final )?answer)|not yet (?:done|finished)|"
    r"scratch that|instead)\b|\bno\s*[,.!:;]", re.I)
_HEDGE_RE = re.compile(
    r"\b(?:or (?:possibly|maybe|perhaps|rather|equivalently wrong)|alternatively|or else|might (?:also )?be|"
    r"could (?:also )?be|possibly|perhaps|maybe|probably|likely|not (?:sure|certain)|unsure|either|i guess)\b", re.I)
_REFUSE_RE = re.compile(
    r"\b(?:cannot|can ?not|can't|unable|impossible to (?:determine|tell|say|know)|not (?:possible|enough|determinable)|"
    r"insufficient|do(?:n't| not) know|undetermined|no way to)\b", re.I)
_CORRECTING_RE = re.compile(r"\b(?:correct(?:ing|ed|ion)?|wait|actually|instead|fix(?:ing|ed)?|no,|mistake|error|wrong|rather)\b", re.I)
_COPULA_RE = re.compile(
    r"(?:\b(?:is|are|equals?|was|were|be|gives|gets?|costs?|spends?|earns?|makes?|pays?|needs?|takes?|weighs?|"
    r"has|have|had|receives?|saves?|sells?|buys?|remains?|leaves?)\b|=|:)", re.I)
_TRUNCATED_RE = re.compile(r"(?:step\s*\d+|:)\s*$", re.I)
_BACKSLASH_RUN_RE = re.compile(r"\\+")
_TEXT_RE = re.compile(r"\\(?:text|mbox|textrm|mathrm)\s*\{([^{}]*)\}")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)|\n")
# "!" before an operator, a digit or a closing bracket is a factorial ("5! * 3! = 720"), not the end of a sentence
_FACTORIAL_AFTER_RE = re.compile(r"[ \t]*+(?:[-+*/=<>^)\]},0-9]|\\(?:cdot|times|div|le|ge|ne|approx)\b|\$|$)")
# "my answer is correct": a judgement of an answer given before, not an answer
_JUDGEMENT_RE = re.compile(
    r"[ \t]*+(?:(?:indeed|also|definitely|probably|likely|still|now|not|in|fully|all|both)[ \t]++)*"
    r"(?:correct|incorrect|right|wrong|valid|invalid|reasonable|consistent|verified|confirmed|plausible|accurate|"
    r"inaccurate|the[ \t]++same)\b[ \t]*+(?:[.,;:!?]|$|\b(?:and|but|because|since|as|so|too|with|to)\b)", re.I | re.M)
_INTERJECTION_RE = re.compile(r"^(?:(?:right|yes|ok(?:ay)?|correct|indeed|so|thus|hence|therefore|finally|then|and|great|good)\b[.,!:]?\s*)+", re.I)
# the answer ends at a non-blank (or is one blank): the lazy scan no longer rescans a trailing blank run at each step
_GSM_RE = re.compile(r"^[ \t]*####[ \t]*(.+?(?<![ \t])|[ \t])[ \t]*+$", re.M)
_IS_ANSWER_RE = re.compile(r"\b(?:is|are|was|be)\s+(?:our|the|my)\s+(?:final\s+)?(?:answer|solution)s?\b", re.I)
_COPULA_WORD_RE = re.compile(r"\b(?:is|are|was|were|equals?|costs?|gives?|gets?|has|have|there|spends?|earns?|makes?|pays?|needs?)\b", re.I)
# math spans: substituted through sub_spans, which hides openers that close nothing (linear on unclosed runs)
_ENV_GAPS_RE = re.compile(r"\$\$.+?\$\$|\$.+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
_MATH_SPANS_RE = re.compile(r"\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)


class Extraction(NamedTuple):
    """The committed answer (None when there is none), how it was found, and whether it stands."""

    answer: str | None
    how: str
    status: Status = "ok"
    detail: str = ""


def _squash(s: str) -> str:
    return re.sub(r"\s+|\$|\\[()\[\]]", "", s)


def unescape(text: str) -> str:
    """LaTeX that arrived double-escaped from JSON (``\\\\frac``, ``\\\\left(``): every backslash run halved.

    Only when every run of backslashes has even length and some doubled one starts a command, so a real
    row break ``\\\\`` in single-escaped LaTeX is never touched."""
    if "\\\\" not in text:
        return text
    runs = _BACKSLASH_RUN_RE.findall(text)
    if any(len(r) % 2 for r in runs):
        return text
    if not re.search(r"\\\\(?:[a-zA-Z]{2,}|[()\[\]{}%$,!;])", text):
        return text
    return _BACKSLASH_RUN_RE.sub(lambda m: "\\" * (len(m.group(0)) // 2), text)


def _unbox(content: str) -> str:
    """``\\boxed{\\boxed{8}}`` is 8."""
    inner = _boxes(content.strip())
    if len(inner) == 1 and inner[0][0] == 0 and inner[0][1] == len(content.strip()):
        return inner[0][2]
    return content


def _closers(text: str) -> dict[int, int]:
    """Position of every ``{`` -> its matching ``}`` (escaped braces skipped), in one pass."""
    match: dict[int, int] = {}
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            match[stack.pop()] = i
        i += 1
    return match


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """All ``\\boxed{...}``/``\\fbox{...}`` with brace matching: (start, end, content)."""
    out: list[tuple[int, int, str]] = []
    closers: dict[int, int] | None = None
    for m in _BOX_RE.finditer(text):
        i = m.end()
        if i < len(text) and text[i] == "{":
            if closers is None:
                closers = _closers(text)
            j = closers.get(i)
            if j is None:
                continue  # unbalanced box: not an answer
            if out and m.start() < out[-1][1]:
                continue  # a box nested inside the previous one
            out.append((m.start(), j + 1, _unbox(text[i + 1 : j])))
        elif i < len(text) and m.group(0).endswith(" "):
            tok = re.match(r"[^\s$]+", text[i:])
            if tok:
                out.append((m.start(), i + tok.end(), tok.group(0)))
    return out


def _strip_math(gap: str) -> str:
    return re.sub(r"\\text\{[^}]*\}|\\quad|\\,|[$\\()\[\]]", " ", gap)


_NUMBER_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
                 "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million",
                 "billion"}
_NOT_PROSE = _NUMBER_WORDS | {"and", "or", "cm", "mm", "km", "kg", "mph", "kph", "sq", "ft", "in", "units", "unit", "square", "cubic",
              "feet", "meters", "inches", "degrees", "dollars", "cents", "hours", "minutes", "seconds", "pi", "sqrt",
              "frac", "sin", "cos", "tan", "log", "ln", "exp", "text", "mbox", "yes", "no", "true", "false"}


# a derivative in Leibniz's notation, \frac{dM}{dt}, \frac{d^2 y}{dx^2}: its differentials are no words
_LEIBNIZ_RE = re.compile(r"\\[dt]?frac\s*\{\s*d(?:\^\{?\d\}?)?\s*[A-Za-z]?[^{}]{0,20}\}\s*\{\s*d\s*[A-Za-z][^{}]{0,20}\}")


def _prose(text: str) -> bool:
    """Words of a sentence outside math, text boxes and commands (not units, list words, one noun or the
    differentials of a derivative)."""
    t = _LEIBNIZ_RE.sub(" ", sub_spans(_MATH_SPANS_RE, " ", text))
    t = re.sub(r"\\text\{[^}]*\}|\\[a-zA-Z]+", " ", t)
    if _COPULA_WORD_RE.search(t):
        return True
    words = [w for w in re.findall(r"[A-Za-z]{2,}", t) if w.lower() not in _NOT_PROSE]
    return len(words) >= 2


def _box_run(text: str) -> tuple[str, int, int, Status, str] | None:
    """The last run of boxes joined by list words: (answer, start, end, status, detail)."""
    boxes = _boxes(text)
    if not boxes:
        return None
    run = [boxes[-1]]
    for prev in reversed(boxes[:-1]):
        gap = _strip_math(_TEXT_RE.sub(r" \1 ", text[prev[1] : run[0][0]]))
        if len(gap) <= 24 and _JOINER_RE.match(gap):
            run.insert(0, prev)
        else:
            break
    status: Status = "ok"
    detail = ""
    before = boxes[: len(boxes) - len(run)]
    if before:
        gap = text[before[-1][1] : run[0][0]]
        if _HEDGE_RE.search(gap) and not _CORRECTING_RE.search(gap) and before[-1][2].strip() != run[0][2].strip():
            status, detail = "hedged", f"an alternative answer before the last: {before[-1][2]!r}"
    labels = []
    for k, (start, _, _) in enumerate(run):
        lead = text[max(0, start - 40) : start] if k == 0 else text[run[k - 1][1] : start]
        lead = re.sub(r"[$]|\\\(|\\\[", "", lead)
        m = _LABEL_RE.search(lead)
        labels.append(m.group(1) if m else None)
    contents: list[str] = []
    for (_, end, c), label in zip(run, labels):
        c = c.strip()
        if _PERCENT_AFTER_RE.match(text, end) and not c.endswith("%"):
            c += "\\%"  # \boxed{50}\% : the percent sign written outside the box belongs to the answer
        if len(run) > 1 and all(labels) and not re.search(r"[=<>]", c):
            c = f"{label} = {c}"
        if c not in contents:
            contents.append(c)
    return ", ".join(contents), run[0][0], run[-1][1], status, detail


def last_boxed(text: str) -> str | None:
    """The content of the final box run (``\\boxed``/``\\fbox``; boxes joined by list words form one answer)."""
    if text is None:
        return None
    run = _box_run(unescape(str(text)))
    return run[0] if run else None


def _math_envs(text: str) -> list[tuple[int, int, str]]:
    """``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]`` spans in one linear pass: (start, end, content)."""
    out: list[tuple[int, int, str]] = []
    opener: re.Match | None = None
    for tok in _DELIM_RE.finditer(text):
        t = tok.group(0)
        if t == "\\$":
            continue  # an escaped dollar is text
        if opener is None:
            if t in _CLOSER:
                opener = tok
        elif t == _CLOSER[opener.group(0)]:
            content = text[opener.end() : tok.start()].strip()
            if content:
                out.append((opener.start(), tok.end(), content))
            opener = None
    return out


def _env_run(text: str, envs: list[tuple[int, int, str]]) -> str:
    run = [envs[-1]]
    for prev in reversed(envs[:-1]):
        gap = text[prev[1] : run[0][0]]
        if len(gap) <= 8 and _JOINER_RE.match(gap):
            run.insert(0, prev)
        else:
            break
    out: list[str] = []
    for _, _, p in run:
        if p not in out:
            out.append(p)
    if len(out) == 1 and _SIGN_BEFORE_RE.search(text, 0, run[0][0]) and not out[0].lstrip().startswith(("-", "+")):
        return "-" + out[0]  # "-$\pi/6$": the minus sign written before the math is the answer's
    return ", ".join(out)


_SIGN_BEFORE_RE = re.compile(r"(?:^|(?<=[\s(:]))[-−]$")


# trailing marks (".", ";", "\text{.}", "**", "word!") read on the reversed answer: one anchored pass; the forward
# "(...)+\s*$" was retried from every character of a long run of marks (quadratic)
_TAIL_MARKS_REVERSED_RE = re.compile(r"\s*(?:\}\s*\.\s*\{txet\\|[.。;,]|!(?=[A-Za-z]{3})|\*\*)+")


def _clean_tail(ans: str) -> str:
    ans = ans.strip()
    m = _TAIL_MARKS_REVERSED_RE.match(ans[::-1])
    ans = (ans[: len(ans) - m.end()] if m else ans).strip()
    ans = re.sub(r"^\*\*|\*\*$", "", ans).strip()
    return ans


def _unit_tail(rest: str) -> str:
    """Words right after the answer that name its unit (``$50$ km/h``), up to the sentence end."""
    m = re.match(r"^\s*((?:\\text\{[^{}]*\}|[A-Za-z][A-Za-z/²³^0-9]*)(?:\s+[A-Za-z][A-Za-z/²³^0-9]*)?)\s*(?:[.!;,]\s*)?$", rest)
    return f" {m.group(1)}" if m and not _COPULA_RE.search(m.group(1)) else ""


def _sentence(span: str, strict: bool = False, value_first: bool = True) -> tuple[str | None, Status]:
    """The answer a sentence states: its math, or what follows its verb ("The largest $n$ is 34."), or (``value_first``)
    the value it opens with when only words follow ("50 apartment units remain unoccupied.").

    ``strict`` (no answer marker): one sentence, no hedge, and the answer holds a number or math."""
    if strict:
        span = span.strip()
        # a short interjection first ("Right. So the value is $22$.") is not a second statement
        lead = re.match(r"^(?:[A-Za-z]+(?:\s+[A-Za-z]+){0,2}[.!,]\s+)+", span)
        if lead and not re.search(r"\d|\$", lead.group(0)):
            span = span[lead.end():]
        if _first_sentence_end(span) not in (None, len(span) - 1) or _HEDGE_RE.search(span):
            return None, "none"
        ans, st = _sentence(span, value_first=False)
        if ans is not None and not re.search(r"\d|\\[a-zA-Z]", ans):
            return None, "none"
        return ans, st
    span = _clean_tail(_unjudged(_clean_tail(span.strip())))
    if not span:
        return None, "none"
    envs = _math_envs(span)
    prose = _strip_math(sub_spans(_MATH_SPANS_RE, " ", span))
    if _REFUSE_RE.search(prose):
        return None, "refused"
    if envs and envs[0][0] == 0 and envs[-1][1] == len(span) and len(envs) == 1:
        return envs[0][2], "ok"
    if envs:
        last = envs[-1]
        rest = span[last[1]:]
        if not rest.strip() or not re.search(r"[A-Za-z0-9]", rest) or _unit_tail(rest):
            # the sentence ends on its math (maybe with a unit): that math, joined with a list before it
            return _env_run(span, envs) + _unit_tail(rest), "ok"
    # the words after the last verb outside math
    masked = sub_spans(_MATH_SPANS_RE, lambda m: "\0" * len(m.group(0)), span)
    cop = None
    for cop in _COPULA_RE.finditer(masked):
        pass
    if cop is not None:
        tail = _clean_tail(span[cop.end():])
        first = _opening_value(masked[: cop.start()], tail, envs) if value_first else None
        if first is not None:
            return first, "ok"
        if not tail:
            return None, "none"
        envs = _math_envs(tail)
        if envs:
            return _env_run(tail, envs) + _unit_tail(tail[envs[-1][1]:]), "ok"
        if len(tail) <= 60 and (re.search(r"\d", tail) or len(tail.split()) <= 3):
            return tail, "ok"
        return None, "none"
    if not _PROSE_RE.search(prose):
        return span, "ok"
    return None, "none"


#: a sentence that opens with its value, then names what it counts ("50 apartment units remain", "$55 was")
_OPENING_VALUE_RE = re.compile(r"\s*(\\?\$\s*)?(-?\d[\d,]*(?:\.\d+)?(?:\s?\\?%)?)((?:\s+[A-Za-z][A-Za-z'-]*)*)\s*")


def _opening_value(head: str, tail: str, envs: list[tuple[int, int, str]]) -> str | None:
    """The value a sentence opens with when what follows its last verb holds no number, no math and no negation
    ("50 apartment units remain unoccupied": 50 apartment units, not "unoccupied"; "466.67 pieces are left to be
    placed"; "$\\frac{1}{2}$ of the cake is left"), or None. The value is the sentence's only number or math; up to
    two words after a number name its unit."""
    if re.search(r"[\d$\\]|\0", tail) or _NEGATION_RE.search(tail):
        return None
    if len(envs) == 1 and not head[: envs[0][0]].strip() and not re.search(r"[\d$\\]", head[envs[0][1]:]):
        return envs[0][2]
    m = _OPENING_VALUE_RE.fullmatch(head)
    if m is None:
        return None
    words = []
    for w in m.group(3).split():
        if _COPULA_RE.fullmatch(w) or w.lower() in _BE_WORDS or w.lower() in _DESCRIPTION_WORDS or len(words) == 2:
            break
        words.append(w)
    return " ".join([(m.group(1) or "").strip() + m.group(2), *words])


def _after_status(after: str) -> tuple[Status, str]:
    """What follows the committed answer: a retraction or an alternative voids it."""
    after = _HOPE_RE.sub(" ", after)
    if _RETRACT_RE.search(after):
        return "retracted", f"retracted after the answer: {_RETRACT_RE.search(after).group(0)!r}"  # type: ignore[union-attr]
    if _HEDGE_RE.search(after):
        return "hedged", f"an alternative after the answer: {_HEDGE_RE.search(after).group(0)!r}"  # type: ignore[union-attr]
    if _boxes(after):
        return "hedged", "another box after the answer"
    return "ok", ""


def _last(rx: re.Pattern, text: str) -> re.Match | None:
    m = None
    for m in rx.finditer(text):
        pass
    return m


def _paragraph(rest: str) -> tuple[str, int]:
    """The paragraph at the start of ``rest`` and where it ends."""
    lead = len(rest) - len(rest.lstrip())
    body = rest[lead:]
    end = _PARAGRAPH_END_RE.search(body)
    return (body[: end.start()] if end else body), lead + (end.start() if end else len(body))


def _anchored(text: str, m: re.Match, how: str, stop: re.Pattern | None = None) -> Extraction:
    """The answer in the first sentence after a marker; what follows that sentence may void it."""
    rest = text[m.end():]
    start = len(rest) - len(rest.lstrip())
    hope = stop.search(rest) if stop is not None else None
    if hope is not None:
        end = after = hope.start()
    else:
        _, end = _paragraph(rest)
        after = end
    span = rest[start:end]
    hp = _HOPE_RE.search(span)
    if hp is not None:
        span = span[: hp.start()]
    cut = _first_sentence_end(span)
    if cut is not None:
        after = start + cut
        span = span[:cut]
    run = _box_run(span)
    yes_no = _YES_NO_RE.match(span) if run is None else None
    if run is not None:
        ans: str | None = run[0]
        st: Status = "ok"
    elif yes_no is not None:
        ans, st = _yes_no(yes_no)
        if ans is None:
            return Extraction(None, how, "none", "a yes/no answer its own restatement contradicts")
    else:
        value = _VALUE_START_RE.search(sub_spans(_MATH_SPANS_RE, lambda m: "0" * len(m.group(0)), span))
        negated = _negated_before(span[: value.start()]) if value is not None else None
        if negated is not None:  # "The answer is not $40$.", "Answer: Howard did not save 40 dollars": denied
            return Extraction(None, how, "none", f"a negation before the answer: {negated!r}")
        ans, st = _sentence(span)
    if ans is None:
        return Extraction(None, how, st if st != "ok" else "none")
    hedge = _HEDGE_RE.search(_strip_math(_TEXT_RE.sub(r" \1 ", span)))
    if hedge is not None:
        return Extraction(ans, how, "hedged", f"an alternative in the answer: {hedge.group(0)!r}")
    status, detail = _after_status(rest[after:])
    return Extraction(ans, how, status, detail)


# "the answer is no, $n+2$ cannot be a factor": yes or no, then the sentence that restates it
_YES_NO_RE = re.compile(r"[ \t*]*+(yes|no)\b[ \t*]*+(?:[,.;:!][ \t]*+(.*))?$", re.I | re.S)
_NEGATION_RE = re.compile(r"\b(?:not|no|never|none|neither|nor|cannot|impossible)\b|n't\b", re.I)
#: how far before a box a negation of it is looked for (the sentence's words just before it)
_NEGATION_REACH = 60
# where a stated value starts: a digit, a LaTeX command, or math (masked to digits before the search)
_VALUE_START_RE = re.compile(r"\d|\\[a-zA-Z]")
# a negation, and the words that may stand between it and the value it denies without changing what it denies
_DENIAL_RE = re.compile(r"\b(?:not|never|neither|nor|cannot)\b|n't\b", re.I)  # "no" is a quantifier: "with no waste"
_BE_WORDS = {"be", "been", "equal", "equals", "to", "exactly", "just", "simply", "quite", "really", "actually", "the",
             "a", "an"}
# a verb of being after the negation's own words: the negation is in the subject ("the time it is not full is 8")
_COPULAS = {"is", "are", "was", "were", "equals", "makes", "gives", "becomes"}
# words that make what follows a description, not the value denied ("not divisible by 3", "no more than 5")
_DESCRIPTION_WORDS = {"by", "than", "of", "from", "in", "on", "at", "with", "for", "over", "under", "exceeding",
                      "divisible", "greater", "less", "more", "fewer", "larger", "smaller", "above", "below", "between",
                      "including", "counting", "all", "any", "every", "each", "only", "such", "that", "which"}


def _negated_before(lead: str) -> str | None:
    """The negation that denies the value right after ``lead`` ("is not", "isn't", "never", "did not save"), or
    None. Only the same sentence counts (a "not" in an earlier sentence says nothing of this value), and at most two
    words may stand between (a verb: "not save 40"), none of them making the value part of a description ("not
    divisible by 3", "not more than 5") or a verb of being after them (the negation is in the subject: "the time it
    is not full is 8")."""
    lead = re.sub(r"\$+|\\[(\[]|\\(?:boxed|fbox)\s*\{?|\{|\*+", " ", lead)
    lead = re.split(r"[.!?;]\s|\n", lead)[-1]
    found = None
    for found in _DENIAL_RE.finditer(lead):
        pass
    if found is None:
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z'-]+|[^\sA-Za-z]", lead[found.end():])]
    if any(not w[0].isalpha() and w not in ":=" for w in words):
        return None  # a number or a symbol stands between: the negation is about something else
    rest = [w for w in words if w not in _BE_WORDS and w not in ":="]
    if rest and (len(rest) > 2 or any(w in _DESCRIPTION_WORDS or w in _COPULAS for w in rest)
                 or any(w in ":=" for w in words)):
        return None
    return lead[found.start():].strip()


def _yes_no(m: re.Match) -> tuple[str | None, Status]:
    """The yes/no an answer starts with, when the sentence that restates it says the same: a "No" restating a
    negation, a "Yes" restating none; None when they disagree ("Yes, there is no such $n$" commits to neither)."""
    word, rest = m.group(1).capitalize(), _strip_math(sub_spans(_MATH_SPANS_RE, " ", m.group(2) or ""))
    if rest.strip() and (word == "No") != bool(_NEGATION_RE.search(rest)):
        return None, "none"
    return word, "ok"


def _factorial(text: str, i: int) -> bool:
    """``text[i]`` is a "!" that follows a number or a closing bracket and comes before an operator, a digit or the
    end: a factorial ("5! * 3! = 720", "is 5!."), not the end of a sentence."""
    return (text[i] == "!" and i > 0 and (text[i - 1].isdigit() or text[i - 1] in ")}")
            and _FACTORIAL_AFTER_RE.match(text, i + 1) is not None)


def _first_sentence_end(span: str) -> int | None:
    """Where the first sentence of an answer span ends (outside math), or None."""
    masked = sub_spans(_ENV_GAPS_RE, lambda m: "\0" * len(m.group(0)), span)
    lead = len(masked) - len(masked.lstrip())
    for m in _SENTENCE_END_RE.finditer(masked, lead):
        if masked[m.start() + 1 : m.start() + 2].isdigit() or _factorial(masked, m.start()):
            continue
        if masked[lead : m.start()].strip():
            return m.start()
    return None


_LEAD_RE = re.compile(r"^(?:(?:so|and|thus|hence|therefore|right|then|that means|which means|finally|"
                      r"(?:we|i)[ \t]++(?:get|have|find|obtain|got|found))\b[,.]?[ \t]*+)+",
                      re.I)
_PRONOUN_RE = re.compile(r"(?:^|(?<=[,;])|\b(?:and|so|thus|hence|therefore)\b)[ \t,]*+(?:this|that|it|which|these)[ \t]*+$",
                         re.I)


def _only_math(span: str) -> bool:
    """``span`` is a formula or a number and nothing else (no words around it)."""
    rest = sub_spans(_MATH_SPANS_RE, " ", span)
    return bool(span.strip()) and not re.search(r"[A-Za-z]{2,}", rest) and bool(_math_envs(span) or re.search(r"\d", rest))


def _before_marker(text: str, m: re.Match) -> Extraction | None:
    """``$\\dfrac{5}{9}$ is our answer``: the answer is what the sentence says before the marker."""
    head = text[: m.start()]
    bangs = [m.start() for m in re.finditer(r"! ", head) if not _factorial(head, m.start())]
    cut = max(head.rfind(". "), head.rfind("\n"), bangs[-1] if bangs else -1, head.rfind("? "))
    span = head[cut + 1 :].strip()
    span = _LEAD_RE.sub("", span)
    back = _PRONOUN_RE.search(span)
    if back is not None:  # "..., and that is our final answer": the answer is what "that" points back to
        span = _LEAD_RE.sub("", span[: back.start()].strip(" \t,;"))
        if not span:  # "And that is our final answer.": the sentence before it
            prev = head[: max(cut, 0)].rstrip(" \t.!")
            pcut = max(prev.rfind(". "), prev.rfind("\n"), prev.rfind("? "))
            span = _LEAD_RE.sub("", prev[pcut + 1 :].strip())
        if not _only_math(span):  # a clause in words: what "that" names is not certain
            return None
    if not span or not (_math_envs(span) or re.search(r"\d", span)):
        return None
    ans, st = _sentence(span)
    if ans is None:
        return None
    status, detail = _after_status(text[m.end():])
    return Extraction(ans, "answer_after", status if st == "ok" else st, detail)


_JUDGED_CLAUSE_RE = re.compile(r"[,;]?[ \t]*+\b(?:which|that|this|it)[ \t]++(?:is|was|seems|looks)\b", re.I)


def _unjudged(span: str) -> str:
    """``span`` without a closing clause that judges it ("The answer is 7, which is correct.")."""
    m = _last(_JUDGED_CLAUSE_RE, span)
    if m is not None and (j := _JUDGEMENT_RE.match(span, m.end())) is not None and not span[j.end():].strip(" \t.!"):
        return span[: m.start()]
    return span


def _last_answer_colon(text: str) -> re.Match | None:
    """The last "answer is ..." that states an answer: "I conclude that my answer is correct" judges one."""
    m = None
    for found in _ANSWER_COLON_RE.finditer(text):
        if not _JUDGEMENT_RE.match(text, found.end()):
            m = found
    return m


def _markers(text: str) -> list[tuple[int, int, str, re.Match, re.Pattern | None]]:
    """The last match of each answer marker: (start, rank, how, match, stop); rank breaks overlaps."""
    out = []
    for rank, (rx, how, stop) in enumerate((
        (_GSM_RE, "gsm8k", None), (_MINERVA_RE, "final_answer", _HOPE_RE), (_HASH_ANSWER_RE, "hash_answer", None),
        (_FINAL_ANSWER_HDR_RE, "final_answer", None), (_ANSWER_COLON_RE, "answer_colon", None),
        (_IS_ANSWER_RE, "answer_after", None),
    )):
        m = _last(rx, text) if rx is not _ANSWER_COLON_RE else _last_answer_colon(text)
        if m is not None:
            out.append((m.start(), rank, how, m, stop))
    return out


def _by_markers(text: str) -> Extraction | None:
    """The last answer the text commits to with a marker; a marker inside another's span defers to it."""
    found = _markers(text)
    if not found:
        return None
    latest = max(found, key=lambda t: t[0])
    for start, rank, how, m, stop in sorted(found, key=lambda t: t[1]):
        if start <= latest[0] <= m.end() + 2 or start == latest[0]:
            latest = (start, rank, how, m, stop)
            break
    start, _, how, m, stop = latest
    if how == "answer_after":
        ex = _before_marker(text, m)
        if ex is not None:
            return ex
        rest_found = [f for f in found if f[2] != "answer_after"]
        if not rest_found:
            return None
        start, _, how, m, stop = max(rest_found, key=lambda t: t[0])
    if how == "gsm8k":
        ans = _clean_tail(m.group(1))
        return Extraction(ans or None, how, "ok" if ans else "none")
    if not text[m.end():].strip():
        return None
    return _anchored(text, m, how, stop)


def extract(text: str, problem: str | None = None) -> Extraction:
    """The committed final answer of a solution, how it was found and whether it stands.

    ``problem``: the problem's text, when known: a concluding sentence may then restate its givens ("there are 239
    strings of length 6", see :func:`conclusion`)."""
    if text is None:
        return Extraction(None, "none", "none")
    text = unescape(str(text))
    if _THINK_END in text:
        text = text.rsplit(_THINK_END, 1)[1]
    text = text[-_TAIL:]
    tag = _last(_ANSWER_TAG_RE, text)
    if tag is not None:
        rest = text[tag.end():]
        end = _ANSWER_TAG_END_RE.search(rest)
        inner = (rest[: end.start()] if end else rest).strip()
        run = _box_run(inner)
        if run is not None:
            return Extraction(run[0], "answer_tag", run[3], run[4])
        ans, st = _sentence(inner) if inner else (None, "none")
        return Extraction(ans, "answer_tag", st if ans is not None else "none")
    run = _box_run(text)
    if run is not None:
        ans, begin, end, status, detail = run
        negated = _negated_before(text[max(0, begin - _NEGATION_REACH) : begin])
        if negated is not None:  # "The answer is not $\boxed{40}$.": a value denied, not given
            return Extraction(None, "boxed", "none", f"a negation before the answer: {negated!r}")
        if status == "ok":
            status, detail = _after_status(text[end:])
        if status == "ok":
            later = _by_markers(text[end:])  # "\boxed{3} ... The final answer is 4": which one stands?
            if (later is not None and later.answer is not None and _squash(later.answer) != _squash(ans)
                    and _squash(later.answer) != _squash(ans.rsplit("=", 1)[-1])):
                # "\boxed{\frac{b_1}{b_2}=\frac{3}{2}}", then "# Answer \frac{3}{2}": the value it names, restated
                status, detail = "retracted", f"a different answer after the box: {later.answer!r}"
        return Extraction(ans, "boxed", status, detail)
    ex = _by_markers(text)
    if ex is not None:
        if ex.answer is None and ex.status == "none":
            # a marker before a sentence no reading takes ("The answer is 14 glasses of water."): read only when
            # the sentence restates the result the work derived last (``restated_result``), never a guess
            found = restated_result(text, problem)
            if found is not None:
                return Extraction(found, "conclusion")
        return ex
    stripped = text.strip()
    if not stripped:
        return Extraction(None, "none", "none")
    if _TRUNCATED_RE.search(stripped):
        return Extraction(None, "none", "none", "the text stops before an answer")
    stripped = _currency_dollars(stripped)
    envs = _math_envs(stripped)
    if envs and len(envs) == 1 and envs[0][0] == 0 and envs[0][1] == len(stripped):
        return Extraction(envs[0][2], "bare")
    if len(stripped) > 300 or stripped.count("\n") > 2:
        found = conclusion(stripped, problem)
        if found is not None:
            return Extraction(found, "conclusion")
        return Extraction(None, "none", "none", "no answer marker in a long text")
    if _REFUSE_RE.search(stripped) or _HEDGE_RE.search(_strip_math(stripped)):
        return Extraction(None, "none", "refused" if _REFUSE_RE.search(stripped) else "none")
    body = _INTERJECTION_RE.sub("", stripped, count=1).strip() or stripped
    envs = _math_envs(body)
    if envs and re.fullmatch(r"[\s,;.]*(?:(?:and|or)[\s,;]*)*", sub_spans(_ENV_GAPS_RE, " ", body), re.I):
        return Extraction(_env_run(body, envs), "bare")
    if not _prose(body):
        return Extraction(_clean_tail(body), "bare")
    # a short statement without a marker: its last sentence, which must state a number or math
    last = body
    masked = sub_spans(_ENV_GAPS_RE, lambda m: "\0" * len(m.group(0)), body)
    cuts = [m.start() for m in _SENTENCE_END_RE.finditer(masked)
            if m.start() < len(body.rstrip()) - 1 and not _factorial(masked, m.start())]
    if cuts:
        last = body[cuts[-1] + 1 :].strip()
    last = _INTERJECTION_RE.sub("", last, count=1).strip() or last
    ans, st = _sentence(last, strict=True)
    if ans is not None:
        return Extraction(ans, "math_env" if _math_envs(last) else "sentence", st)
    return Extraction(None, "none", st if st != "ok" else "none")


# a sentence that is not a plain statement of a result: a condition, a supposition, a doubt, a check, a negation
_NOT_CONCLUDED_RE = re.compile(
    r"\b(?:if|unless|suppose[ds]?|assum\w*|let|lets|need\w*|want\w*|try\w*|"
    r"check\w*|verif\w*|test\w*|guess\w*|claim\w*|seem(?:s|ed|ingly)?|appear(?:s|ed)?|expect\w*|estimat\w*|hypothe\w*|speculat\w*|"
    r"not|never|no|none|"
    r"neither|nor|incorrect\w*|error\w*|mistake\w*|wrong\w*|counterfactual|plausibl\w*|contradict\w*|"
    r"initial\w*|first|next|then|also|partial\w*|so far|until|remaining|which|or|"
    r"equivalently|that is|i\.e|e\.g)\b|n't\b|\?", re.I)
_MODAL_RE = re.compile(r"\b(?:should|could|might|may|can|will|shall)\b", re.I)
# a quantifier in a sentence with no conclusion word: a statement about every case, not the result ("Each box has 5.")
_QUANTIFIER_RE = re.compile(r"\b(?:each|every|all|both|any)\b", re.I)
_CONCLUSION_LEAD_RE = re.compile(
    r"^(?:(?:so|thus|hence|therefore|finally|consequently|altogether|overall|in conclusion|in total|in all|"
    r"that means|this means|which means|(?:this|that) gives(?: us)?|(?:we|i) (?:can )?(?:see|find|conclude)(?= that)|"
    r"we (?:get|have|obtain|find|conclude)|"
    r"it follows that)\b[,:]?\s*)+(?:that\b\s*)?", re.I)
# a lead whose own verb states the value that follows ("That gives us 76 numbers", "So we get 12 apples")
_GIVING_LEAD_RE = re.compile(r"\b(?:(?:this|that) gives(?: us)?|we (?:get|have|obtain))\b[,:]?\s*$", re.I)
# the verb a concluding sentence states its result with ("the sum is", "there are", "Jim has")
_RESULT_VERB_RE = re.compile(
    r"\b(?:is|are|was|were|equals?(?:\s+to)?|has|have|had|gives?|makes?|costs?|remains?|needs?|gets?|"
    r"simplifies\s+to)\b|"
    r"\b(?:that|it|this)'s\b|=",  # "is equal to 3": "equal to" is the verb the value follows
    re.I)
_NUMBER_RE = re.compile(r"[-−]?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?(?:\s*(?:\\%|%|percent\b))?")
_UNIT_WORDS_RE = re.compile(r"(?:\s+[A-Za-z][A-Za-z-]*){0,3}")
_FUNCTION_WORDS = {"of", "to", "for", "in", "on", "at", "by", "as", "if", "when", "which", "that", "and", "or", "but",
                   "than", "per", "each", "with", "from", "so", "then", "more", "less", "times", "minus", "plus",
                   "over", "divided", "multiplied", "is", "are", "was", "were", "be", "left", "after", "before"}
# relations other than ``=`` (and ``\approx``) make a math span a condition or a set, not a value
_OTHER_RELATION_RE = re.compile(r"<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|in|notin|to|implies|Rightarrow|iff|subset\w*|"
                                r"mid|pm|mp)(?![A-Za-z])|\\Longrightarrow|\\rightarrow")  # "\\neq2" too
# a letter that is a variable, not a command's, a word's or a function applied ("f(0)", "f^{-1}(6)")
_FREE_VARIABLE_RE = re.compile(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z]|\s*\(|\^\{?-1\}?\s*\()")
# an equation whose left side is an expression in unknowns (not one name given a value: "x = 5")
_UNKNOWNS_EQUATION_RE = re.compile(r"^(?!\s*(?:[A-Za-z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)\s*=)[^=]*[A-Za-z][^=]*=")
_IMPLIES_RE = re.compile(r"\\(?:implies|Rightarrow|Longrightarrow)\b")


_COMPARATIVE_RE = re.compile(r"\b(?:more|less|fewer|greater|smaller|than|times|per|each|other|additional|left|remaining|"
                             r"extra|twice|half|double|triple)\b", re.I)


def _chain_value(math: str) -> str | None:
    """The value a math statement concludes with: the last member of its ``=`` chain (``abc = 3 \\cdot 5 = 15``
    gives 15), the whole of ``x = 5`` (one name set to a value), the span itself when it has no relation; None
    for another relation or a chain whose last member still holds a name."""
    parts = _IMPLIES_RE.split(math)
    if len(parts) > 1:  # "-\frac{a}{8} = 32 \implies a = -256": what the last implication gives one name
        math = parts[-1]
        if not re.fullmatch(r"\s*(?:[A-Za-z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)\s*=[^=]+", math):
            return None
    if _OTHER_RELATION_RE.search(math) or "&" in math or "\\\\" in math:
        return None
    math = re.sub(r"(?:\s|\\[,;!]|\\quad)*[.,;]\s*$", "", math.strip())  # "$\frac{243}{625}.$": the period ends the sentence
    parts = [p.strip() for p in re.split(r"=|\\approx", math)]
    if any(not p for p in parts):
        return None
    if len(parts) == 1:
        return parts[0]
    last = parts[-1]
    if (len(parts) == 2 and last == "0" and _FREE_VARIABLE_RE.search(parts[0]) and re.search(r"\S\s*[-+]", parts[0])
            and re.search(r"\d", parts[0])):
        return None  # "$-3x + 5y - 9z - 4 = 0$": an equation set to zero (a plane, a polynomial), not the value 0
    if len(parts) == 2 and "=" in math and re.fullmatch(r"[A-Za-z](?:_\{?\w+\}?)?|\\[a-zA-Z]+", parts[0]):
        return f"{parts[0]} = {last}"  # "x = 5": the verifier reads a value given to one name
    if re.search(r"(?<!\\)\b[A-Za-z]\b|\\(?!frac|dfrac|tfrac|sqrt|pi|cdot|times|left|right|infty|circ|%|,|!|\s)[a-zA-Z]+", last):
        return None  # the chain ends on an expression in names, not a value
    return last


def conclusion(text: str, problem: str | None = None) -> str | None:
    """The value a solution without an answer marker concludes with (:func:`_conclusion`), else the last result
    its last sentence restates (:func:`restated_result`)."""
    found = _conclusion(text, problem)
    return found if found is not None else restated_result(text, problem)


def _conclusion(text: str, problem: str | None = None) -> str | None:
    """The value a solution without an answer marker concludes with, read from its last sentence when that
    sentence states one result and nothing else: "So there are 4 ways.", "The sum is $-3$.", "Hence, $a+b=12$.",
    "Therefore, $abc = 3 \\cdot 5 = 15$.", "So the smallest value is 1/n." (a plain-text formula), "The minimum is
    2, which occurs when x = 0." (where the value is reached is not a second value). None when the last sentence is
    a condition, a doubt, a check or a negation, states no value, states a value and then goes on ("... is $4$,
    since ..."), or holds more than one value after its verb. Only the last line counts (a trace's last step).

    With the ``problem``'s text, a count may be followed by a description that restates the problem's givens ("there
    are 239 strings of length 6 that ...", each of its numbers the problem's own); without it, a number after the
    count leaves the sentence unread.

    Closing remarks after the answer ("And that's our final answer.", "Right.", "Yay!", "We're done.") are stepped
    over; a value restated ("is $2(382)$, which is $764$", "Which is -6.") is its last member; what "therefore"
    concludes, a statement after its reason or its operation ("Since ..., the gcd is $4$", "If we divide both sides by
    $6$, we get $x=-3.5$") and a word problem's answer sentence ("So, James runs a total of 540 meters a week.") are
    read; a supposition, a check, a bound, a difference or an equation in unknowns is not."""
    lines = [_STEP_LABEL_RE.sub("", ln) for ln in text.rstrip().split("\n") if ln.strip()]
    sents = _last_sentences(lines[-1].strip()) if lines else None
    if not sents:
        return None
    given = _given_numbers(problem)
    dollar_math = _DOLLAR_SPAN_RE.search("\n".join(lines[:-1])[-_TAIL:]) is not None
    if not _CLOSING_RE.fullmatch(sents[-1]):
        return _concluded(sents[-1], given, dollar_math)
    # "... is $12$. And that's our answer." / "... is $12$.\nRight.\nYay!": the closing remarks say nothing of their
    # own; the sentence before them states the answer (a few remarks, over the last lines)
    back: list[str] = []
    for line in reversed(lines[-_CLOSING_LINES:]):
        found = _last_sentences(line.strip())
        if found is None:
            break
        back = found + back
        if len(back) > _CLOSING_SENTENCES or not all(_CLOSING_RE.fullmatch(x) for x in back):
            break
    while back and _CLOSING_RE.fullmatch(back[-1]):
        back.pop()
    return _concluded(back[-1], given, dollar_math) if back else None


def restated_result(text: str, problem: str | None = None) -> str | None:
    """The value a word problem's last sentence restates when it is the result the work computed last: "So, Howard
    has $100 left.", "Therefore, Fred must deliver 20 red roses by 5 pm.", "Marisa puts $20 in her piggy bank if
    she saves for 5 days." after "... = $20". Read only when the sentence's one number that is not the problem's own
    (the others restate its givens: "by 5 pm", "for 5 days") is the value after the last ``=`` before it, so what is
    read is what the steps derived, not a guess at which number answers; a hedge, a possibility, a negation, a
    question, a relation or a second new number leaves it unread."""
    lines = [ln for ln in text.rstrip().split("\n") if ln.strip()]
    if not lines:
        return None
    line = _LIST_NUMBER_RE.sub("", _STEP_LABEL_RE.sub("", lines[-1])).strip()
    if len(line) > 400:
        return None  # as :func:`_last_sentences`: a long line is not one plain sentence
    esc = _CURRENCY_NUMBER_RE.sub(r"\\$", line)
    sents = _last_sentences(esc)
    if not sents:
        return None
    sent = sents[-1]
    derived = _last_derived("\n".join(lines[:-1]) + "\n" + esc[: esc.rfind(sent)])
    if derived is None or len(sent) > 240 or re.search(r"[=<>?()\[\]{}^_|]|\\(?![$%])", sent):
        return None
    spans = list(_DOLLAR_SPAN_RE.finditer(sent))
    if any(_RESTATED_NUMBER_RE.fullmatch(m.group(0)[1:-1].strip()) is None for m in spans) or "$$" in sent:
        return None  # math other than a number alone ("the value of $a+b$ is ...", "$(-1, 0]$")
    plain = _DOLLAR_SPAN_RE.sub(lambda m: m.group(0)[1:-1], sent).replace("\\$", " ").replace("\\%", "%")
    prose = _NAMED_QUANTITY_RE.sub(" quantity ", plain)
    if (_HEDGE_RE.search(prose) or _RETRACT_RE.search(prose) or _REFUSE_RE.search(prose)
            or _POSSIBILITY_RE.search(prose) or _RESTATED_DOUBT_RE.search(prose)):
        return None
    given = {_number_value(g) for g in _given_numbers(problem)}
    found = None
    for m in _RESTATED_NUMBER_RE.finditer(plain):
        value = _number_value(m.group(1))
        negative = _NEGATIVE_BEFORE_RE.search(plain[: m.start()]) is not None  # "The answer is -117 notes ..."
        if value is not None and negative:
            value = -value
        if value == derived and not _SCALED_RE.match(plain[m.end():]) and (
                negative or not plain[: m.start()].rstrip().endswith("-")):
            found = ("-" if negative else "") + m.group(1).replace(",", "") + ("\\%" if m.group(2) else "")
        elif value is None or value not in given or not _CIRCUMSTANCE_BEFORE_RE.search(plain[: m.start()]):
            return None  # a second value, or a given one not stated as a circumstance: which answers is not read
    return found


# a minus sign right against the number, after a blank or the start: a negative value ("is -117"), not a range ("5-10")
_NEGATIVE_BEFORE_RE = re.compile(r"(?:^|(?<=\s))[-\u2212]$")
# a relation in words the work's last result follows ("..., which equals $9.50."): read as its ``=``
_EQUALS_IN_WORDS_RE = re.compile(r"\b(?:equals|is equal to)\b", re.I)
# a given number restated as a circumstance of the result: "by 5 pm", "for 5 days", "in a month with 30 days",
# "to travel the 400 miles", "with a $10 bill", "every 2 days"
_CIRCUMSTANCE_BEFORE_RE = re.compile(
    r"\b(?:in|for|by|at|after|before|within|every|per|of|from|to|over|under|on|with|into|until|during|than|each)"
    r"(?:\s+[A-Za-z'-]+){0,2}\s*$", re.I)
# a list item's own number opening the line ("4. Answer: ...", "5. So the total is ..."): numbering, not content
_LIST_NUMBER_RE = re.compile(r"^\s*\d{1,2}[.)]\s+(?=\D)")
# a dollar before a number that no dollar closes right after it: currency in prose ("Howard has $100 left.")
_CURRENCY_NUMBER_RE = re.compile(r"(?<![\\$])\$(?=\d)(?![\d,.]++\$)")
# a number in a restating sentence: digits with thousands commas, a decimal or a fraction, maybe a percent
_RESTATED_NUMBER_RE = re.compile(r"(?<![\w.,/^_])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:/\d+)?)(?![\w/]|[.,]\d)"
                                 r"(\s*(?:\\%|%|percent\b))?")
# doubt, a negation or an alternative in the sentence: not a plain statement of the result
_RESTATED_DOUBT_RE = re.compile(r"\b(?:not|never|no|none|nor|or|if only|suppose[ds]?|assum\w*|guess\w*|"
                                r"estimat\w*|expect\w*|would|should|instead|check\w*|verif\w*|since|because|though|although|whereas|"
                                r"incorrect\w*|error\w*|mistak\w*|wrong\w*|flaw\w*|claim\w*|confirm\w*|correct\w*|"
                                r"certain\w*|sure|possibl\w*|which|undefined|invalid\w*|actually|but|however|and so)\b|n't\b",
                                re.I)
# the value after the last ``=`` of the work: a number and nothing more of an expression
_LAST_EQUALS_RE = re.compile(r"=\s*(?:\\[(\[]\s*)?(?:\\?\$\s*)?(?:\\[,;!]\s*)?"
                             r"((?>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?))(?![\d,.]*\d)"
                             r"(?![A-Za-z])(?!\s*(?:[-+*/×^(]|x\s*\d|\\(?:times|cdot|div|frac)))")


def _last_derived(head: str) -> Fraction | None:
    """The value the work's last ``=`` gives, when a number alone follows it; None for an expression or no ``=``."""
    tail = _EQUALS_IN_WORDS_RE.sub("=", head[-4000:])
    at = max(tail.rfind("="), -1)
    if at < 0 or tail[max(0, at - 1)] in "<>!\\" or tail[at + 1: at + 2] == "=":
        return None
    m = _LAST_EQUALS_RE.match(tail, at)
    return _number_value(m.group(1)) if m else None


def _number_value(token: str) -> Fraction | None:
    """A number token's exact value (thousands commas dropped, ``a/b`` a fraction), or None."""
    try:
        return Fraction(token.replace(",", ""))
    except (ValueError, ZeroDivisionError):
        return None


#: a closing remark after the answer, content-free: a pointer back to it ("And that's our final answer."), an
#: agreement ("Right.", "I agree.", "That's correct."), relief ("Yay!", "We did it!", "So we are done.", "That was a
#: hard problem."); at most this many of them, over this many last lines, are stepped over
_CLOSING_RE = re.compile(
    r"(?:(?:right|yes|yep|ok(?:ay)?|correct|indeed|exactly|great|good|nice|perfect|awesome|cool|yay|hooray)[.!,]?\s*)*"
    r"(?:(?:and\s+|so\s+)?(?:(?:that|this|which)(?:'s|\s+is|\s+was)|we\s+have)\s+(?:our|the|my)\s+(?:final\s+)?answer"
    r"|(?:and\s+|so\s+)?(?:i\s+think\s+)?we(?:'re|\s+are)\s+(?:all\s+)?(?:done|finished)(?:\s+(?:now|here))?"
    r"|we\s+did\s+it|that\s+was\s+(?:a\s+)?(?:(?:really|very|pretty)\s+)?(?:hard|tough|fun|nice|good|great|tricky|"
    r"difficult|long|interesting)\s+(?:problem|one|question|exercise)"
    r"|i\s+(?:agree|think\s+so(?:\s+too)?)|agreed|you(?:'re|\s+are)\s+right|that(?:'s|\s+is)\s+(?:right|correct)"
    r"|(?:right|yes|yep|ok(?:ay)?|correct|indeed|exactly|great|good|nice|perfect|awesome|cool|yay|hooray))\s*[.!]*",
    re.I)
_CLOSING_SENTENCES, _CLOSING_LINES = 4, 4
# a math span between dollars on one line ("$7$", "$x = 2$"), not an escaped dollar
_DOLLAR_SPAN_RE = re.compile(r"(?<!\\)\$(?!\$)[^$\n]{1,200}?(?<!\\)\$")


_GIVEN_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# LaTeX on numbers alone, no dollars: digits, operators, brackets, commas, and commands that write numbers
_BARE_TEX_RE = re.compile(r"((?:[\d\s.,+\-\u2212*/^()\[\]{}]|\\(?:frac|dfrac|tfrac|sqrt|pi|left|right|cdot|circ|"
                          r"infty)(?![A-Za-z])|\\[,!;])+?)\s*[.!]?")
# a tuple of plain numbers ("the point is (0,5)", "(-1, 2.5)"): one value, written without math
_NUMBER_TUPLE_RE = re.compile(r"\(\s*-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)+\s*\)")
# a step's own label opening its line ("Step 11. And that's our answer.", "**Step 3:**"): numbering, not content
_STEP_LABEL_RE = re.compile(r"^\s*(?:\*\*)?(?:step|paragraph)\s*\d+\s*[:.)](?:\*\*)?\s*", re.I)


def _given_numbers(problem: str | None) -> frozenset[str]:
    """The numbers a problem's text writes (what a concluding sentence may restate)."""
    return frozenset(_GIVEN_NUMBER_RE.findall(problem.replace(",", " "))) if problem else frozenset()


def _restates(rest: str, given: frozenset[str]) -> bool:
    """Every number in ``rest`` (words after a count, math included) is one the problem writes."""
    return all(n in given for n in _GIVEN_NUMBER_RE.findall(rest.replace(",", " ")))


# what a count's description starts with ("strings of length 6 that have ...", "ways such that ...")
_DESCRIPTION_RE = re.compile(
    r"\b(?:that|which|who|whose|where|such that|so that|satisfying|with|using|in which|for which)\b|"
    r"(?<=[A-Za-z]\s)to(?=\s+(?!be\b)[a-z]+\b)", re.I)  # "4 ways to put the balls in the boxes"
# a clause that goes on to another statement after a count ("..., so the total is 12"; "...; then ...")
_GOES_ON_RE = re.compile(r";|,\s*(?:and|so|but|thus|hence|then|therefore|which|giving|for a total)\b", re.I)
# where a stated value is reached: "is 2, which occurs when x = 0", "is 0 when a = b", "is 1, and this is achieved
# when a = b": the condition is not a second value (the last verb is then the condition's "=")
_WHERE_REACHED_RE = re.compile(
    r"(?:,\s*+|(?<!\s)\s++)(?:(?:which|and\s+(?:it|this|that))\s+(?:occurs|happens|holds|is\s+(?:achieved|attained|reached)|"
    r"can\s+be\s+(?:achieved|attained|reached))|(?:achieved|attained|reached|obtained)|(?:which\s+)?(?:occurs|happens))?"
    r"\s*\b(?:when|whenever|if and only if|iff)\b|"
    r"(?:,\s*+|(?<!\s)\s++)(?:(?:which|and\s+(?:it|this|that))\s+(?:occurs|is\s+(?:achieved|attained|reached))|achieved|attained)"
    r"\s+at\b", re.I)  # "at" alone is not one: "intersects every line at least once is $a=2$"
# (a blank run is taken whole from its start: tried from each blank, the two runs of blanks were cubic)
# a formula in plain text after the verb ("1/n", "n!", "(n-1)!/2", "√3 / 3", "n*(n+1)*(2n+1)/6")
_PLAIN_FORMULA_RE = re.compile(r"[-−]?(?:[0-9a-zA-Z√π()+\-−*/^!.]|\s)+")
_EXPRESSION_OF_RE = re.compile(r",?\s+as\s+(?:an?\s+)?(?:expression|function|formula)\s+(?:of|in)\s+[a-z]\s*$", re.I)


def _plain_formula(tail: str) -> str | None:
    """``tail`` when it is a formula written in plain text and nothing else (one letter per name, balanced brackets,
    a digit, an operator or one name in it), else None. "2 x 7" (a product written with x) is not read."""
    tail = tail.strip()
    if not tail or not _PLAIN_FORMULA_RE.fullmatch(tail) or re.search(r"[A-Za-z]{2,}", tail.replace("sqrt", "")):
        return None
    if re.search(r"\d\s*x\s*\d|\.\s|\.$|\(\s*\)", tail) or tail.count("(") != tail.count(")"):
        return None
    if not re.search(r"[\d+\-−*/^!√π]", tail) and not re.fullmatch(r"[a-zA-Z]", tail):
        return None
    if not re.search(r"[a-zA-Z]", tail.replace("sqrt", "")) and re.search(r"[\w)√π!]\s*[-−+*]", tail):
        return None  # "3^6 - 3 * 2^6 + 3 * 1": arithmetic on numbers not done yet (the value is not stated)
    depth = 0
    for c in tail:
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return None
    return tail.replace("−", "-")


def _last_sentences(line: str) -> list[str] | None:
    """The sentences of a line, split outside math; None for a long line or one with an unclosed math span."""
    if len(line) > 400:
        return None
    masked = sub_spans(_ENV_GAPS_RE, lambda m: "\0" * len(m.group(0)), line.replace("\\$", "\1\1"))
    if masked.count("$") or "\\(" in masked or "\\[" in masked:
        return None  # an unclosed math span: where the math ends is unknown
    cuts = [m.end() for m in _SENTENCE_END_RE.finditer(masked) if m.end() < len(masked.rstrip())
            and not masked[m.end():m.end() + 1].isdigit()]
    bounds = [0, *cuts, len(line)]
    return [line[a:b].strip() for a, b in zip(bounds, bounds[1:]) if line[a:b].strip()]


def _concluded(sent: str, given: frozenset[str] = frozenset(), dollar_math: bool = False) -> str | None:
    """The one value a concluding sentence states (see :func:`conclusion`), or None."""
    found = _concluded_value(sent, given)
    return found if found is not None else _stated_number(sent, dollar_math)


# what a word problem's answer sentence may say right before its number ("James runs a total of 540 meters")
_STATED_BEFORE_RE = re.compile(r"(?<!\s)\s*+(?:(?:a\s+total\s+of|exactly|only|just)\s*+)?$", re.I)  # linear on runs
# the number is a circumstance, a bound or an estimate, not the stated result ("for 5 days", "at least 24")
_CIRCUMSTANCE_RE = re.compile(
    r"\b(?:in|for|by|at|after|before|within|every|per|of|from|to|than|over|under|about|around|approximately|nearly|"
    r"almost|up|least|most|roughly|some|on|with|into|between|until|since|past|than)\s*$", re.I)
_MORE_AFTER_RE = re.compile(r"^\s*(?:\S+\s+){0,2}?(?:more|less|fewer|greater|smaller|shorter|taller|older|younger|longer|"
                            r"cheaper|faster|slower|heavier|lighter|higher|lower|bigger|larger|than|times|"
                            r"extra|additional)\b", re.I)
# a possibility, an estimate or a case considered: not the result stated
_POSSIBILITY_RE = re.compile(r"\b(?:could|might|may|approximately|about|around|roughly|nearly|almost|consider\w*|"
                             r"can\s+be|(?:should|would|could|must)\s+have)\b", re.I)
_STATED_NUMBER_RE = re.compile(r"(?<![\w.,^_{}\\+*/(=~≈√-])[-−]?\\?\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
                               r"(?![\w.,]?\d|[A-Za-z]|\s*[-+*/^=(!√π]|\s*(?:pi|sqrt|i)\b)(?:\s*(?:\\%|%))?")


def _stated_number(sent: str, dollar_math: bool = False) -> str | None:
    """The number a word problem's concluding sentence states ("So, James runs a total of 540 meters a week.",
    "Therefore, each uniform costs $175.", "So, Sophia can drive 100 miles on a single tank of gas."): a conclusion word
    opens it, a subject and its verb come before the number, and the number is the sentence's only one (no math
    around anything else, no second value); None where it is a circumstance or a bound ("for 5 days", "at least 24"),
    a difference ("2 more hours than Bill"), a possibility ("could"), a condition or a doubt. ``dollar_math``: the
    solution writes its math between dollars, so an unpaired dollar before the number ("the sum is $12") may open
    math that never closes: not read as currency."""
    lead = _CONCLUSION_LEAD_RE.match(sent)
    if lead is None or "$$" in sent or re.search(r"\\(?![$%])", sent):
        return None  # math written without its dollars ("simplifies to \\sin^2 y"): not a plain number
    body = _clean_tail(sent[lead.end():])
    if re.match(r"there\b", body, re.I):
        return None  # a count ("there are 5 apples in each box"): :func:`_there_count` decides
    numbers = list(_STATED_NUMBER_RE.finditer(body))
    if len(numbers) != 1 or re.search(r"\d", _STATED_NUMBER_RE.sub(" ", body)):
        return None
    m = numbers[0]
    before, after = body[: m.start()], body[m.end():]
    if _SCALED_RE.match(after):
        return None  # "2 dozen eggs": the number counts dozens
    dollars = body.count("$") - body.count("\\$")
    if dollars and not (dollars == 2 and before.rstrip().endswith("$") and after.lstrip().startswith("$")):
        return None  # math other than around the number
    if dollar_math and not dollars and "$" in m.group(0):
        return None  # "So the sum is $12" in a solution written with $...$: an unclosed span, or currency?
    before, after = before.rstrip().rstrip("$"), after.lstrip().lstrip("$")
    head = before[: len(before) - len(_STATED_BEFORE_RE.search(before).group(0))]
    if (len(re.findall(r"[A-Za-z']+", head)) < 2 or "," in head or _CIRCUMSTANCE_RE.search(head)
            or _MORE_AFTER_RE.match(after)):
        return None  # no subject and verb, a clause before them ("in a leap year, ..."), a circumstance, a difference
    prose = _NAMED_QUANTITY_RE.sub(" quantity ", body)
    if (_NOT_CONCLUDED_RE.search(prose) or _HEDGE_RE.search(prose) or _RETRACT_RE.search(prose)
            or _REFUSE_RE.search(prose) or _POSSIBILITY_RE.search(prose) or re.search(r"[=<>]", body)):
        return None
    return m.group(0).replace("−", "-").replace("\\$", "").replace("$", "")


def _concluded_value(sent: str, given: frozenset[str] = frozenset()) -> str | None:
    """The value a concluding sentence states by its verb (see :func:`_concluded`)."""
    sent = _INTERJECTION_RE.sub("", sent, count=1).strip() if not _CONCLUSION_LEAD_RE.match(sent) else sent
    sent = _after_therefore(sent)
    body = _CONCLUSION_LEAD_RE.sub("", sent, count=1).strip()
    body = _without_lead_clause(body)
    body = _clean_tail(re.sub(r",?\s*\b(?:in all|in total|altogether|overall)\s*[.!]?\s*$", "", _clean_tail(body), flags=re.I))
    body = _which_chain(body)
    if not body:
        return None
    counted = _there_count(body, given)
    if counted is not None:
        return counted or None
    body = _before_where_reached(body)
    prose = _strip_math(sub_spans(_MATH_SPANS_RE, " ", _NAMED_QUANTITY_RE.sub(" quantity ", _PRONOUN_SUBJECT_RE.sub("it is", body))))
    if _NOT_CONCLUDED_RE.search(prose) or _HEDGE_RE.search(prose) or _RETRACT_RE.search(prose) or _REFUSE_RE.search(prose):
        return None
    envs = _math_envs(body)
    if len(envs) == 1 and envs[0][0] == 0 and envs[0][1] == len(body):  # "Hence, $a+b=12$."
        return _chain_value(envs[0][2])
    bmask = sub_spans(_ENV_GAPS_RE, lambda m: "\0" * len(m.group(0)), body.replace("\\$", "\1\1"))
    lead = _CONCLUSION_LEAD_RE.match(sent)
    if not _RESULT_VERB_RE.search(bmask) and lead is not None and _GIVING_LEAD_RE.search(lead.group(0)):
        # "That gives us $67+9=76$ numbers.", "So we get 12 apples.": the lead's verb states the value
        body = "it is " + body
        bmask = "it is " + bmask
    verb = None
    for verb in _RESULT_VERB_RE.finditer(bmask):
        pass
    if verb is None:
        return None
    first = _RESULT_VERB_RE.search(bmask)
    between = body[first.end():verb.start()] if first is not None else ""
    if re.search(r"\d", between) and re.search(r",|\band\b|;", between):
        return None  # "7 nickels and 11 - 7 = 4 dimes": two results
    words = re.sub(r"\\[A-Za-z]+", " ", _RESULT_VERB_RE.sub(" ", bmask[first.end():verb.start()]))  # not \frac
    if (re.search(r"\d", between) and re.search(r"[A-Za-z]{2,}", words)
            and not _restates(between, given)):
        return None  # "the area is 12 when the side is 4": a value, words, another (unless all restate the problem)
    tail = body[verb.end():].strip()
    tail = re.sub(r"^(?:indeed|exactly|just|only|now|definitely|clearly|certainly|simply|precisely|"
                  r"(?:equal|equivalent) to|equals?|a total of|the same as)\b\s*", "", tail, flags=re.I)
    if re.match(r"(?:gives?|gave|gets?|got)$", verb.group(0), re.I):
        tail = re.sub(r"^(?:us|me|you)\b\s*", "", tail, flags=re.I)  # "That gives us $67+9=76$ numbers."
    if re.search(r"\bthere\s*$", bmask[: verb.start()], re.I) and (m := _NUMBER_RE.match(tail)):
        # "there are 28 assortments of cookies that Pat can select": a count, then what it counts (no other value)
        rest = tail[m.end():]
        if re.search(r"\d|\$", rest) or _COMPARATIVE_RE.search(rest) or _MODAL_RE.search(body[: verb.end()]):
            return None
        return m.group(0).replace("−", "-")
    if _MODAL_RE.search(prose) or (_QUANTIFIER_RE.search(prose) and not _CONCLUSION_LEAD_RE.match(sent)):
        return None  # "the sum could be 12": a possibility, not the result
    bare = re.fullmatch(r"(-?\\d?frac\{\d+\}\{\d+\}|-?\\sqrt\{\d+\})\s*[.!]?", tail)
    if bare is not None:  # "the probability is \dfrac{33}{100}." (math without its dollars)
        return bare.group(1)
    tex = _BARE_TEX_RE.fullmatch(tail)
    if (tex is not None and ("\\" in tex.group(1) or _NUMBER_TUPLE_RE.fullmatch(tex.group(1)))
            and re.search(r"\d", tex.group(1))
            and len(split_top(tex.group(1), ",")) == 1):
        # LaTeX on numbers written without its dollars, as PRM800K's solutions do ("So x = \frac45.", "the area is
        # 63 \pi.", "the point is \left(-\dfrac{5}{9},\dfrac{16}{9}\right)."): the whole rest of the sentence is
        # the value; a word, a letter or a relation in it leaves it to the other readings
        return _chain_value(tex.group(1))
    tenvs = _math_envs(tail)
    if tenvs:
        if len(tenvs) != 1 or tenvs[0][0] != 0:
            return None  # words before the math, or two values
        rest = tail[tenvs[0][1]:]
        if re.search(r"\bequations?\b", prose, re.I) and _UNKNOWNS_EQUATION_RE.search(tenvs[0][2]):
            return None  # "our final equation is $x^2 - 4x + 4 = 0$": an equation in unknowns states no value
        value = _chain_value(tenvs[0][2])
    elif (formula := _plain_formula(_EXPRESSION_OF_RE.sub("", tail))) is not None and not _NUMBER_RE.fullmatch(formula):
        rest, value = "", formula  # "the smallest value is 1/n": a plain-text formula ends the sentence
    else:
        m = _NUMBER_RE.match(tail)
        if m is None:
            return None
        rest = tail[m.end():]
        value = m.group(0).replace("−", "-").replace("$", "")
        if _SCALED_RE.match(rest):
            return None  # "the count is 2 dozen": the number counts dozens
    words = _UNIT_WORDS_RE.fullmatch(_TEXT_RE.sub(r" \1 ", rest).rstrip())
    if words is None or any(w.lower() in _FUNCTION_WORDS for w in words.group(0).split()):
        return None  # the sentence goes on after its value
    if re.search(r"\d|\$", bmask[: verb.start()].replace("\0", "")) and not _CONCLUSION_LEAD_RE.match(sent):
        return None  # numbers before the verb and no conclusion word: a step of the work, not its result
    return value


# the quantity's own name, not a test, an expectation or an intermediate step: "the expected value is 50", "the mean
# of the test scores is 85"
_NAMED_QUANTITY_RE = re.compile(
    r"\bexpected\s+(?:value|number|payoff|winnings|gain|profit|amount|count|sum|score|length|cost)s?\b|"
    r"\bexpectation\b|\btest\s+(?:scores?|grades?|results?)\b", re.I)
# "That is 17.5" / "This is $5$": a pronoun and its verb opening the sentence (not "that is," for "i.e.")
_PRONOUN_SUBJECT_RE = re.compile(r"^(?:that|this)\s+is\b(?!\s*[,:])", re.I)
# "A, and therefore B" / "$|z|^2 = 81$ and therefore $|z| = 9$": what "therefore" concludes is the sentence's result
_THEREFORE_RE = re.compile(r"(?:,\s*|\s+)(?:and\s+)?(?:therefore|thus|hence)\b,?\s*", re.I)
# a clause before the statement that gives its reason ("Since $2^2$ is the only common divisor, ..."), or an operation
# done to reach it ("If we divide both sides by $6$, we get ...", "Rounded to the nearest tenth, ...")
_REASON_LEAD_RE = re.compile(r"^(?:and\s+|so\s+)?(?:since|because|as)\b", re.I)
_OPERATION_LEAD_RE = re.compile(
    r"^(?:and\s+|so\s+|now\s+|then\s+)?(?:if|when|once)\s+(?:we|i)\s+(?:divide|multiply|add|subtract|simplify|solve|"
    r"combine|expand|factor|cancel|reduce|isolate|rearrange|collect|square|round|evaluate|compute|calculate|sum"
    r")\b|^(?:rounded|simplified|reduced|expanded|factored|combined|rewritten|written)\b|"
    r"^(?!(?:assum|suppos|test|check|guess|estimat|try|tri)\w*\b)[A-Za-z]+ing\b", re.I)
# what leaves a lead clause not a plain reason or operation: a supposition, a test, a doubt, a relation of its own
_LEAD_NOT_PLAIN_RE = re.compile(r"\b(?:if|unless|suppos\w*|assum\w*|let|lets|say|try\w*|tri\w*|test\w*|check\w*|"
                                r"guess\w*|estimat\w*)\b|[=<>]|\\(?:le|ge|ne|approx)", re.I)
# "X, which is Y": a value restated as another; the chain's last value is what the sentence states
_WHICH_RE = re.compile(r"(?:^|,\s*|\s+)which\s+(?:is(?:\s+equal\s+to)?|equals|simplifies\s+to|gives(?:\s+us)?)\s+", re.I)
_PLAIN_NUMBER = r"[(]?\$?\d[\d,]*(?:\.\d+)?[)]?"
# a value a sentence part ends on: math, or a number or plain arithmetic on numbers ("14 - 20")
_TRAILING_VALUE_RE = re.compile(r"(?:\0+|(?<![\w^_.])[-−]?" + _PLAIN_NUMBER + r"(?:\s*[-+*/×−]\s*" + _PLAIN_NUMBER
                                + r")*\s*%?)\s*$")
_LEADING_VALUE_RE = re.compile(r"\s*(?:\0|[-−]?\$?\d)")
# a word after a number that scales it ("2 dozen", "3 hundred", "1.5 million"): the number is not the value
_SCALED_RE = re.compile(r"\s*(?:dozens?|score|hundreds?|thousands?|millions?|billions?|trillions?|halves|half|"
                        r"quarters?|thirds?|pairs?|couples?|gross)\b", re.I)


def _masked(text: str) -> str:
    """``text`` with its math spans blanked (NULs, same length) and escaped dollars kept apart."""
    return sub_spans(_ENV_GAPS_RE, lambda m: "\0" * len(m.group(0)), text.replace("\\$", "\1\1"))


def _after_therefore(sent: str) -> str:
    """The part of a sentence after its last "and therefore" ("So $|z|^2 = 81$ and therefore $|z| = 9$." states
    $|z| = 9$), read as a conclusion; the sentence itself when it has none."""
    mask = _masked(sent)
    m = _last(_THEREFORE_RE, mask)
    if m is None or m.start() == 0 or not mask[m.end():].strip():
        return sent
    head = _strip_math(sub_spans(_MATH_SPANS_RE, " ", sent[: m.start()]))
    if (_LEAD_NOT_PLAIN_RE.search(head) or _RETRACT_RE.search(head) or _HEDGE_RE.search(head)
            or re.search(r"\bre-?(?:consider|evaluat|calculat)", head, re.I)):
        return sent  # "Let's say $\\log 12 = y$, so therefore ...": what follows rests on a supposition or a retraction
    return "Therefore " + sent[m.end():]


def _without_lead_clause(body: str) -> str:
    """``body`` without a lead clause that gives the statement's reason or the operation that reaches it ("Since ...,
    the gcd is $4$"; "If we divide both sides by $6$, we get $x=-3.5$"; "Rounded to the nearest tenth, that is
    17.5"), when that clause supposes, tests or relates nothing; ``body`` unchanged otherwise."""
    lead = _REASON_LEAD_RE.match(body) or _OPERATION_LEAD_RE.match(body)
    if lead is None:
        return body
    mask = _masked(body)
    comma = mask.find(",")
    clause = body[lead.end():comma]
    if comma < 0 or _LEAD_NOT_PLAIN_RE.search(_strip_math(sub_spans(_MATH_SPANS_RE, " ", clause))) \
            or _OTHER_RELATION_RE.search(clause) or "=" in clause:
        return body
    rest = body[comma + 1:].strip()
    return re.sub(r"^then\b,?\s*", "", rest, flags=re.I) if rest else body


def _which_chain(body: str) -> str:
    """``body`` with a chain of values restated ("is $\\frac{1}{4} \\cdot 288\\pi$, which is $72\\pi$"; "Which is
    $\\frac{10}{2}$, which is $5$"; "Which is -6") read as the statement of its last value: each "which is" follows a
    value (math or a number), or opens the sentence (it restates the step before)."""
    mask = _masked(body)
    found = list(_WHICH_RE.finditer(mask))
    if not found:
        return body
    for m in found[1:] if found[0].start() == 0 else found:
        if not _TRAILING_VALUE_RE.search(mask[: m.start()]):
            return body  # "the number of ways, which is the answer": "which" names no value
    if not _LEADING_VALUE_RE.match(mask, found[-1].end()) or _SCALED_RE.match(
            _STATED_NUMBER_RE.sub("", body[found[-1].end():], count=1)):
        return body  # "we get 258741, which is indeed equal to 188811": a check; "24, which is 2 dozen": a count in dozens
    numbers = [_NUMBER_RE.fullmatch(x.strip(" ,.")) for x in _WHICH_RE.split(body)]
    if found[0].start() > 0 and all(numbers[-2:]) and len({n.group(0) for n in numbers[-2:]}) > 1:
        return body  # "we get 258741, which is equal to 188811": two numbers said equal, not one restated
    last = found[-1]
    if found[0].start() == 0:
        return "it is " + body[last.end():]
    head = mask[: found[0].start()]
    value = _TRAILING_VALUE_RE.search(head)
    return body[: value.start()].rstrip() + " " + body[last.end():]


def _there_count(body: str, given: frozenset[str]) -> str | None:
    """The count a "there are N ..." sentence states when the words after it describe what is counted, restating
    only the problem's givens ("there are 239 strings of length 6 that have ...", "there are 35 ways for 4 horses to
    finish, including ties"): the count; "" when the sentence is such a count but says more (a comparison right
    after the count, another value, a clause that goes on); None when it is not one (the other rules read it)."""
    first = _RESULT_VERB_RE.search(body)
    if not given or first is None or not re.search(r"\bthere\s*$", body[: first.start()], re.I):
        return None
    tail = re.sub(r"^(?:indeed|exactly|just|only|a total of)\b\s*", "", body[first.end():].strip(), flags=re.I)
    env = _math_envs(tail[:80])
    if env and env[0][0] == 0 and re.fullmatch(r"\d+", env[0][2]):  # "there are \( 98 \) values of \( n \) ..."
        tail = env[0][2] + tail[env[0][1]:]
    elif (env and env[0][0] == 0 and re.fullmatch(r"(?:[\d\s+*()]|\\cdot|\\times)+=\s*\d+", env[0][2])):
        # "there are a total of $1 + 2 + 1 = 4$ ways to ...": a count worked out in the sentence, its last member
        tail = env[0][2].rsplit("=", 1)[1].strip() + tail[env[0][1]:]
    m = _NUMBER_RE.match(tail)
    rest = tail[m.end():] if m else ""
    if m is None or not (re.search(r"\d", rest) or _DESCRIPTION_RE.search(rest)) or not re.match(r"\s+[A-Za-z]", rest):
        return None  # no count, nothing to restate, or a computation ("4 * 6 = 24 eggs"): the other rules decide
    head = rest[: d.start()] if (d := _DESCRIPTION_RE.search(rest)) else rest
    prose = _strip_math(sub_spans(_MATH_SPANS_RE, " ", body))
    if (_MODAL_RE.search(body[: first.end()]) or _COMPARATIVE_RE.search(head)
            or re.search(r"[=<>]|\\(?:le|ge|ne)", head)
            or _GOES_ON_RE.search(rest) or _NOT_CONCLUDED_RE.search(_strip_math(sub_spans(_MATH_SPANS_RE, " ", head)))
            or _HEDGE_RE.search(prose) or _RETRACT_RE.search(prose) or not _restates(rest, given)):
        return ""
    return m.group(0).replace("−", "-").replace("$", "")


def _before_where_reached(body: str) -> str:
    """``body`` without a closing clause that says where its value is reached ("is 2, which occurs when x = 0"),
    when that clause states no second value ("is 2 for n = 1 and 5 for n = 2" stays whole)."""
    bmask = sub_spans(_ENV_GAPS_RE, lambda m: "\0" * len(m.group(0)), body.replace("\\$", "\1\1"))
    first = _RESULT_VERB_RE.search(bmask)  # outside math: "$y=f(x)$" holds no verb of the sentence
    if first is None:
        return body
    m = _WHERE_REACHED_RE.search(bmask, first.end())
    if m is None or not re.search(r"\d|\$|\\\(|(?<![A-Za-z])[A-Za-z](?![A-Za-z])", body[first.end():m.start()]):
        return body  # no value before the condition ("the tiling is same when ..." describes what is counted)
    clause = body[m.end():]
    if re.search(r"(?:[,;]|\band\b|\bor\b)\s*\$?\s*[-−]?\d", clause) or _RESULT_VERB_RE.search(
            re.sub(r"[^=]=[^=]", " ", clause)) and re.search(r"\b(?:is|are|was|were)\s+[-−]?\d", clause):
        return body
    if _MODAL_RE.search(clause):
        return body  # "is 8 when it should be 8.301": a value set against another, not where it is reached
    return body[: m.start()].rstrip(" ,")


def _currency_dollars(text: str) -> str:
    """``$12 dollars`` in prose: an unpaired dollar sign before a number is currency, not math. When the text's dollar
    signs do not pair, only the lines whose own signs do not pair are read so: a line whose signs pair ("So the minimum
    value is $3$.") keeps its math, whatever an unclosed span on another line left open (a step cut short, "So
    $a(1+1) + b = 0" with no closing sign, does not make every later formula currency)."""
    if len(_DOLLAR_RE.findall(text)) % 2 == 0:
        return text
    return "\n".join(line if len(_DOLLAR_RE.findall(line)) % 2 == 0 else re.sub(r"(?<!\\)\$(?=\d)", r"\\$", line)
                     for line in text.split("\n"))


_DOLLAR_RE = re.compile(r"(?<!\\)\$")


def extract_answer(text: str) -> tuple[str | None, str]:
    """The final answer text of a solution and how it was found (``boxed``, ``final_answer``, ``bare``...).

    A retracted or hedged answer is still returned here; ``extract`` says whether it stands."""
    ex = extract(text)
    return ex.answer, ex.how


__all__ = ["Extraction", "conclusion", "extract", "extract_answer", "last_boxed", "unescape"]
