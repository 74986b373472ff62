"""Find the final answer inside a whole solution: boxes, answer anchors, math delimiters, bare answers."""

from __future__ import annotations

import re

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*")
_THINK_END = "</think>"
_ANSWER_TAG_RE = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.S | re.I)
_MINERVA_RE = re.compile(r"final answer is\s*(.+?)(?:\.?\s*I hope it is correct|$)", re.S | re.I)
_HASH_ANSWER_RE = re.compile(r"^#+\s*Answer\s*:?\s*$\n?(.*)", re.M | re.S | re.I)
_FINAL_ANSWER_HDR_RE = re.compile(r"\*\*\s*Final Answer\s*:?\s*\*\*\s*:?(.*)", re.S | re.I)
_ANSWER_COLON_RE = re.compile(
    r"(?:\banswer\s*(?:is|:)|\bresult\s*is|答案是|答案[:：])\s*:?\s*(.+?)(?:\n\s*\n|$)", re.S | re.I
)
_MATH_ENV_RE = re.compile(
    r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$])\$(?!\$)(.+?)(?<!\\)\$", re.S
)
_JOINER_RE = re.compile(
    r"^\s*(?:,|;|\band\b|\bor\b|,\s*and\b|,\s*or\b|&)?\s*(?:[A-Za-z](?:_\{?\w+\}?)?\s*=\s*)?$", re.I
)
_PROSE_RE = re.compile(r"[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}")
_LAST_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?%?|-?\.\d+%?")


def _unbox(content: str) -> str:
    """``\\boxed{\\boxed{8}}`` is 8."""
    inner = _boxes(content.strip())
    if len(inner) == 1 and inner[0][0] == 0 and inner[0][1] == len(content.strip()):
        return inner[0][2]
    return content


def _boxes(text: str) -> list[tuple[int, int, str]]:
    """All ``\\boxed{...}``/``\\fbox{...}`` with brace matching: (start, end, content)."""
    out: list[tuple[int, int, str]] = []
    for m in _BOX_RE.finditer(text):
        i = m.end()
        if i < len(text) and text[i] == "{":
            depth, j = 0, i
            while j < len(text):
                c = text[j]
                if c == "\\":
                    j += 2
                    continue
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if depth != 0:
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
    for _, _, c in run:
        if c.strip() not in contents:
            contents.append(c.strip())
    return ", ".join(contents)


def _last_math_env(text: str) -> str | None:
    envs = list(_MATH_ENV_RE.finditer(text))
    if not envs:
        return None
    run = [envs[-1]]
    for prev in reversed(envs[:-1]):
        gap = text[prev.end() : run[0].start()]
        if len(gap) <= 8 and _JOINER_RE.match(gap):
            run.insert(0, prev)
        else:
            break
    parts = [next(g for g in m.groups() if g is not None).strip() for m in run]
    out: list[str] = []
    for p in parts:
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


def extract_answer(text: str) -> tuple[str | None, str]:
    """The final answer text of a solution and how it was found (``boxed``, ``final_answer``, ``bare``...)."""
    if text is None:
        return None, "none"
    text = str(text)
    if _THINK_END in text:
        text = text.rsplit(_THINK_END, 1)[1]
    tags = _ANSWER_TAG_RE.findall(text)
    if tags:
        return _inner(tags[-1].strip()) or None, "answer_tag"
    boxed = _last_boxed(text)
    if boxed is not None:
        return boxed, "boxed"
    m = None
    for m in _MINERVA_RE.finditer(text):
        pass
    if m is not None:
        return _inner(m.group(1)) or None, "final_answer"
    m = None
    for m in _HASH_ANSWER_RE.finditer(text):
        pass
    if m is not None:
        return _inner(m.group(1).strip().split("\n\n")[0]) or None, "hash_answer"
    m = None
    for m in _FINAL_ANSWER_HDR_RE.finditer(text):
        pass
    if m is not None and m.group(1).strip():
        return _inner(m.group(1).strip().split("\n\n")[0]) or None, "final_answer"
    m = None
    for m in _ANSWER_COLON_RE.finditer(text):
        pass
    if m is not None:
        return _inner(m.group(1)) or None, "answer_colon"
    stripped = text.strip()
    if not stripped:
        return None, "none"
    env = _last_math_env(stripped)
    if env is not None:
        whole = _MATH_ENV_RE.fullmatch(stripped)
        return env, "math_env" if not whole else "bare"
    if (len(stripped) <= 80 and "\n" not in stripped) or not _PROSE_RE.search(stripped):
        return _clean_tail(stripped), "bare"
    nums = _LAST_NUMBER_RE.findall(stripped)
    if nums:
        return nums[-1].rstrip(".,"), "last_number"
    return None, "none"
