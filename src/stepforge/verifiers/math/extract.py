"""Find the final answer inside a whole solution: boxes, answer anchors, math delimiters, bare answers."""

from __future__ import annotations

import re

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*")
_THINK_END = "</think>"
_ANSWER_TAG_RE = re.compile(r"<answer>", re.I)
_ANSWER_TAG_END_RE = re.compile(r"</answer>", re.I)
_MINERVA_RE = re.compile(r"final answer is", re.I)
_HOPE_RE = re.compile(r"\.?\s*I hope it is correct", re.I)
_HASH_ANSWER_RE = re.compile(r"^#+[ \t]*Answer[ \t]*:?[ \t]*$", re.M | re.I)
_FINAL_ANSWER_HDR_RE = re.compile(r"\*\*[ \t]*Final Answer[ \t]*:?[ \t]*\*\*[ \t]*:?", re.I)
_ANSWER_COLON_RE = re.compile(r"\banswer[ \t]*(?:is|:)[ \t]*:?|\bresult[ \t]*is[ \t]*:?|答案是|答案[:：]", re.I)
_PARAGRAPH_END_RE = re.compile(r"\n[ \t]*\n")
_DELIM_RE = re.compile(r"\\\$|\$\$|\\\[|\\\]|\\\(|\\\)|\$")
_CLOSER = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}
_PERCENT_AFTER_RE = re.compile(r"[ \t]*\$?[ \t]*(?:\\%|%|percent\b)", re.I)
_TAIL = 50_000  # final answers live at the end: only the last this many characters are searched
_JOINER_RE = re.compile(
    r"^\s*(?:,|;|\band\b|\bor\b|,\s*and\b|,\s*or\b|&)?\s*(?:[A-Za-z](?:_\{?\w+\}?)?\s*=\s*)?$", re.I
)
_PROSE_RE = re.compile(r"\b[A-Za-z]{2,30}[,;:]?\s{1,5}[A-Za-z]{2,30}[,;:]?\s{1,5}[A-Za-z]{2,30}\b")
_LAST_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?%?|-?\.\d+%?")


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


def _last_boxed(text: str) -> str | None:
    boxes = _boxes(text)
    if not boxes:
        return None
    # a trailing run of boxes separated only by joiners ("and", ",", "or") is one answer list
    run = [boxes[-1]]
    for prev in reversed(boxes[:-1]):
        gap = text[prev[1] : run[0][0]]
        gap = re.sub(r"[$\\()\[\]]|\\quad|\\text\{[^}]*\}|\\,", " ", gap)
        if len(gap) <= 24 and _JOINER_RE.match(gap):
            run.insert(0, prev)
        else:
            break
    contents: list[str] = []
    for _, end, c in run:
        c = c.strip()
        if _PERCENT_AFTER_RE.match(text, end) and not c.endswith("%"):
            c += "\\%"  # \boxed{50}\% : the percent sign written outside the box belongs to the answer
        if c not in contents:
            contents.append(c)
    return ", ".join(contents)


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


def _last_math_env(text: str) -> str | None:
    envs = _math_envs(text)
    if not envs:
        return None
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
    return ", ".join(out)


def _clean_tail(ans: str) -> str:
    ans = ans.strip()
    ans = re.sub(r"(?:\\text\{\s*\.\s*\}|[.。;]|(?<=[A-Za-z\s])!)+\s*$", "", ans).strip()
    return ans


def _inner(candidate: str) -> str:
    """Within an anchored span, prefer a box, then math delimiters, else the span itself."""
    boxed = _last_boxed(candidate)
    if boxed is not None:
        return boxed
    env = _last_math_env(candidate)
    if env is not None:
        # keep a percent sign written right after the math ("$50$%")
        return env
    return _clean_tail(candidate)


def _last(rx: re.Pattern, text: str) -> re.Match | None:
    m = None
    for m in rx.finditer(text):
        pass
    return m


def _paragraph(rest: str) -> str:
    rest = rest.strip()
    end = _PARAGRAPH_END_RE.search(rest)
    return rest[: end.start()] if end else rest


def extract_answer(text: str) -> tuple[str | None, str]:
    """The final answer text of a solution and how it was found (``boxed``, ``final_answer``, ``bare``...)."""
    if text is None:
        return None, "none"
    text = str(text)
    if _THINK_END in text:
        text = text.rsplit(_THINK_END, 1)[1]
    text = text[-_TAIL:]
    tag = _last(_ANSWER_TAG_RE, text)
    if tag is not None:
        rest = text[tag.end():]
        end = _ANSWER_TAG_END_RE.search(rest)
        return _inner((rest[: end.start()] if end else rest).strip()) or None, "answer_tag"
    boxed = _last_boxed(text)
    if boxed is not None:
        return boxed, "boxed"
    m = _last(_MINERVA_RE, text)
    if m is not None:
        rest = text[m.end():]
        hope = _HOPE_RE.search(rest)
        return _inner(rest[: hope.start()] if hope else _paragraph(rest)) or None, "final_answer"
    m = _last(_HASH_ANSWER_RE, text)
    if m is not None:
        return _inner(_paragraph(text[m.end():].lstrip("\n"))) or None, "hash_answer"
    m = _last(_FINAL_ANSWER_HDR_RE, text)
    if m is not None and text[m.end():].strip():
        return _inner(_paragraph(text[m.end():].strip())) or None, "final_answer"
    m = _last(_ANSWER_COLON_RE, text)
    if m is not None:
        return _inner(_paragraph(text[m.end():])) or None, "answer_colon"
    stripped = text.strip()
    if not stripped:
        return None, "none"
    env = _last_math_env(stripped)
    if env is not None:
        envs = _math_envs(stripped)
        whole = len(envs) == 1 and envs[0][0] == 0 and envs[0][1] == len(stripped)
        return env, "math_env" if not whole else "bare"
    if (len(stripped) <= 80 and "\n" not in stripped) or not _PROSE_RE.search(stripped):
        return _clean_tail(stripped), "bare"
    nums = _LAST_NUMBER_RE.findall(stripped)
    if nums:
        return nums[-1].rstrip(".,"), "last_number"
    return None, "none"
