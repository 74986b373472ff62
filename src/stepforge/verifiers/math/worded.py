"""Arithmetic written with words in plain text: ``a mod N`` (``modulo N``, ``(mod N)``) and ``a choose b``.

The step checker's plain-text reader takes numbers and operators only, so such a word cut a chain into fragments
that it refuted: "3^105 mod 11 = ((3^5)^21) mod 11 = 1" gave the claim "11 = ((3^5)^21)", "(99+3-1) choose (3-1) =
101 choose 2" gave "(3-1) = 101". Here a formula run holding such a word is read whole (:func:`chains`):

* ``a choose b`` is the binomial coefficient, when both operands are single terms (a number, a letter, a group in
  parentheses) standing alone; otherwise the chain is not read (``n+k-1 choose k-1`` may group either way).
* a chain holding ``mod N`` is a chain of congruences modulo N. A remainder operator and a congruence agree there:
  each member is congruent to the next wherever the writer attached the ``mod`` ("x + y mod 8", "(x + y) mod 8"),
  and a member written without it ("= 10 = 2 modulo 8") is what the congruence is about. So a pair is true when its
  members are congruent and false only when they are not, modulo the one number every ``mod`` of the chain names.
  Two moduli, a letter modulus, a ``mod`` inside an exponent or an index (reducing an exponent modulo N is no
  congruence modulo N) leave the chain unread: neutral, with the reason.

The caller hides the runs read here from the number-only reader, which would read their fragments again.
:func:`tex_chain` reads a LaTeX formula with ``\\pmod``, ``\\bmod``, ``\\mod`` or ``\\text{mod}`` by the same rule
(those were unparseable, so neutral); :func:`residue` gives a member's value modulo N, powers taken modulo N.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from stepforge.verifiers.math._spans import split_top

# one token of a formula run: a number, a one-letter name (with a subscript), an operator word, an operator, a
# parenthesis, a relation, blanks (a line break only when the next line goes on with "=": a chain set in a column)
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?)"
    r"|(?P<word>(?<![A-Za-z])(?:mod|modulo|choose)(?![A-Za-z]))"
    r"|(?P<name>(?<![A-Za-z])[A-Za-z](?![A-Za-z])(?:_(?:\{[^{}\n]*\}|\([^()\n]*\)|[A-Za-z0-9]+))?)"
    r"|(?P<op>\*\*|[-+*/^×÷·−–!])"
    r"|(?P<paren>[()\[\]])"
    r"|(?P<rel>≡|=)"
    r"|(?P<blank>[ \t]+|[ \t]*\n[ \t]*(?=[=≡]))", re.I)
_WORD = re.compile(r"(?<![A-Za-z])(?:mod|modulo|choose)(?![A-Za-z])", re.I)
_MOD = re.compile(r"(?<![A-Za-z])(?:mod|modulo)(?![A-Za-z])", re.I)
# the modulus a "mod" names: a number, a name, or a group
_MODULUS = r"\s*(\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?|[A-Za-z](?![A-Za-z])(?:_\w+)?|\([^()]*\))"
_PAREN_MOD = re.compile(r"\(\s*(?:mod|modulo)" + _MODULUS + r"\s*\)", re.I)
_BARE_MOD = re.compile(r"(?<![A-Za-z])(?:mod|modulo)(?![A-Za-z])" + _MODULUS, re.I)
_CHOOSE = re.compile(r"(?<![A-Za-z])choose(?![A-Za-z])", re.I)
_LETTER = re.compile(r"[A-Za-z]")
_MAX_RUN = 600
_LEADING_CHOOSE = re.compile(r"choose(?![A-Za-z])", re.I)


@dataclass
class Chain:
    """A formula run read here: its place in the text, its members as LaTeX, the modulus of its congruences (None:
    equalities), and why it is not read (None: read)."""

    start: int
    end: int
    members: list[str] = field(default_factory=list)
    modulus: int | None = None
    why: str | None = None


def chains(text: str, to_latex: Callable[[str], str]) -> list[Chain]:
    """The formula runs of ``text`` that hold an operator word and a relation (``to_latex``: the plain reader's
    conversion of a side to LaTeX)."""
    if not _WORD.search(text):
        return []
    out = []
    for start, end in _runs(text):
        run = text[start:end]
        if not _WORD.search(run) or not re.search(r"[=≡]", run):
            continue
        start, end = _trim(text, start, end)
        while _LEADING_CHOOSE.match(text, start, end):  # "we choose 2 + 3 = 5": the verb, not an operator
            start, end = _trim(text, _LEADING_CHOOSE.match(text, start, end).end(), end)
        run = text[start:end]
        if not (_WORD.search(run) and re.search(r"[=≡]", run)):
            continue
        # a run longer than any claim the checker reads: hidden, not read (its group scans would be quadratic)
        out.append(_read(run, start, end, to_latex) if end - start <= _MAX_RUN else Chain(start, end, why="too_long"))
    return out


def _runs(text: str) -> list[tuple[int, int]]:
    """Maximal runs of formula tokens."""
    runs, pos, start = [], 0, None
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if start is not None:
                runs.append((start, pos))
                start = None
            pos += 1
            continue
        if start is None and m.lastgroup != "blank":
            start = m.start()
        pos = m.end()
    if start is not None:
        runs.append((start, len(text)))
    return runs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The run without its edge blanks, and without a parenthesis at an edge that closes (opens) nothing in it."""
    opened = text.count("(", start, end) - text.count(")", start, end)  # kept as the edges move: linear
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            return start, end
        if text[end - 1] == ")" and opened < 0:
            end, opened = end - 1, opened + 1
        elif text[start] == "(" and opened > 0:
            start, opened = start + 1, opened - 1
        elif text[start] in "=≡":
            start += 1  # "... is = 5 mod 7": no left member
        else:
            return start, end


def _split(run: str) -> list[str]:
    """``run`` cut at its relations outside parentheses."""
    out, depth, cur = [], 0, []
    for ch in run:
        depth += ch in "([" and 1 or 0
        depth -= ch in ")]" and 1 or 0
        if depth == 0 and ch in "=≡":
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


def _read(run: str, start: int, end: int, to_latex: Callable[[str], str]) -> Chain:
    chain = Chain(start, end)
    if run.count("(") != run.count(")") or run.count("[") != run.count("]"):
        chain.why = "unbalanced_parentheses"
        return chain
    members = [m.strip() for m in _split(run)]
    moduli = {_number(m.group(1)) for m in _BARE_MOD.finditer(run)}
    if _MOD.search(run):
        if len(moduli) != 1 or len(list(_MOD.finditer(run))) != len(list(_BARE_MOD.finditer(run))):
            chain.why = "moduli_differ" if len(moduli) > 1 else "modulus_not_read"
            chain.members = members
            return chain
        (n,) = moduli
        if n is None or n < 2:
            chain.why = "modulus_not_a_number"
            chain.members = members
            return chain
        chain.modulus = n
        if any(_inside_exponent_or_index(run, m.start()) for m in _MOD.finditer(run)):
            chain.why = "mod_in_exponent_or_index"
            chain.members = members
            return chain
        members = [re.sub(r"\s+(?=\))|(?<=\()\s+", "", _BARE_MOD.sub(" ", _PAREN_MOD.sub(" ", m))).strip()
                   for m in members]
    latex = []
    for m in members:
        tex = _binomials(m, to_latex) if _CHOOSE.search(m) else to_latex(m) if m else ""
        if tex is None:
            chain.why = "choose_operands_unclear"
            chain.members = members
            return chain
        latex.append(tex)
    chain.members = latex
    return chain


def _number(tok: str) -> int | None:
    tok = tok.replace(",", "")
    return int(tok) if tok.isdigit() else None


def _inside_exponent_or_index(run: str, at: int) -> bool:
    """The ``mod`` at ``at`` sits in a group that is an exponent (``2^(5 mod 4)``), an index or an argument
    (``a_(n mod 3)``, ``f(n mod 3)``), or under a factorial or a binomial (``(7 mod 4)!``): a remainder there is
    no congruence of the whole."""
    opens = []
    for i, ch in enumerate(run[:at]):
        if ch in "([":
            opens.append(i)
        elif ch in ")]" and opens:
            opens.pop()
    for i in opens:
        if re.search(r"(?:[\^_A-Za-z]|\*\*)\s*$", run[:i]):
            return True
        depth, j = 0, i
        while j < len(run):
            depth += 1 if run[j] in "([" else -1 if run[j] in ")]" else 0
            if depth == 0:
                break
            j += 1
        if re.match(r"\s*(?:!|choose(?![A-Za-z]))", run[j + 1:], re.I):
            return True
    return False


# an operand of "choose": a number, a one-letter name, a group in parentheses (closed, nothing nested deeper)
_ATOM_BEFORE = re.compile(r"(\((?:[^()]|\([^()]*\))*\)|\d+|(?<![A-Za-z])[A-Za-z])\s*$")
_ATOM_AFTER = re.compile(r"\s*(\((?:[^()]|\([^()]*\))*\)|\d+|[A-Za-z](?![A-Za-z]))")
_ALONE_BEFORE = re.compile(r"(?:^|[(*×·])\s*$")
_ALONE_AFTER = re.compile(r"\s*(?:$|[)*×·])")


def _binomials(member: str, to_latex: Callable[[str], str]) -> str | None:
    """``member`` in LaTeX with each ``a choose b`` a ``\\binom``; None when an operand is not a single term standing
    alone ("n+k-1 choose k-1", "2 * 5 choose 2 + 1")."""
    out = member
    while True:
        m = _CHOOSE.search(out)
        if m is None:
            return to_latex(out)
        a, b = _ATOM_BEFORE.search(out[:m.start()]), _ATOM_AFTER.match(out, m.end())
        if a is None or b is None:
            return None
        if not _ALONE_BEFORE.search(out[:a.start()]) or not _ALONE_AFTER.match(out, b.end()):
            return None
        top, bottom = (_ungroup(x.group(1)) for x in (a, b))
        if _CHOOSE.search(top) or _CHOOSE.search(bottom):
            return None
        binom = f"\\binom{{{to_latex(top)}}}{{{to_latex(bottom)}}}"
        out = out[:a.start()] + binom + out[b.end():]


def _ungroup(atom: str) -> str:
    return atom[1:-1] if atom.startswith("(") else atom


def residue(node: Any, n: int, exact: Callable[[Any], Fraction | None]) -> int | None:
    """The value of the reader's tree ``node`` modulo ``n`` (a fraction's denominator inverted), or None when it has
    no residue this can give: a symbol, an irrational, a denominator sharing a factor with ``n``. ``exact`` gives a
    subtree's exact rational value (None: none); powers are taken modulo ``n``, so huge ones cost nothing."""
    k = node[0]
    if k == "num":
        return _frac_residue(node[1], n)
    if k == "add":
        parts = [residue(t, n, exact) for t in node[1]]
        return None if None in parts else sum(parts) % n  # type: ignore[arg-type]
    if k == "mul":
        out = 1
        for f in node[1]:
            r = residue(f, n, exact)
            if r is None:
                return None
            out = out * r % n
        return out
    if k == "neg":
        r = residue(node[1], n, exact)
        return None if r is None else -r % n
    if k == "div":
        a, b = residue(node[1], n, exact), residue(node[2], n, exact)
        if a is None or b is None or math.gcd(b, n) != 1:
            return _frac_residue(exact(node), n)
        return a * pow(b, -1, n) % n
    if k == "pow":
        e = exact(node[2])
        if e is None or e.denominator != 1 or e < 0:
            return _frac_residue(exact(node), n)
        b = residue(node[1], n, exact)
        return None if b is None else pow(b, int(e), n)
    return _frac_residue(exact(node), n)


def _frac_residue(q: Fraction | None, n: int) -> int | None:
    if q is None or math.gcd(q.denominator, n) != 1:
        return None
    return q.numerator * pow(q.denominator, -1, n) % n


def has_letter(tex: str) -> bool:
    """A letter outside LaTeX commands: a member in symbols, whose congruence this does not decide."""
    return bool(_LETTER.search(re.sub(r"\\[A-Za-z]+", "", tex)))


# --- the same reading in LaTeX: "2^{10} \equiv 1 \pmod{11}", "3^{105} \bmod 11 = 1" ----------------------------------

_TEX_MOD = re.compile(r"\\(?:pmod|bmod|mod)(?![A-Za-z])|\\(?:text|mathrm|textrm|operatorname)\s*\{\s*\(?\s*mod(?:ulo)?\b")
_TEX_WORD = re.compile(r"\\(?:text|mathrm|textrm|operatorname|mbox)\s*\{\s*(\(?)\s*(mod(?:ulo)?)\s*(\d*)\s*(\)?)\s*\}")
_TEX_MODULUS = r"\s*(\{\s*[^{}]*\}|\d+|[A-Za-z](?![A-Za-z]))"
_TEX_PMOD = re.compile(r"(?:\\left)?\(?\s*\\pmod" + _TEX_MODULUS + r"\s*(?:\\right)?\)?|\(\s*\\(?:bmod|mod)(?![A-Za-z])"
                       + _TEX_MODULUS + r"\s*\)")
_TEX_BMOD = re.compile(r"\\(?:bmod|mod)(?![A-Za-z])" + _TEX_MODULUS)
_TEX_SPACE = re.compile(r"\\[,;:!> ]|\\q?quad(?![A-Za-z])|~")
# a relation other than equality or congruence, a negated one, a condition: not read here
_TEX_OTHER = re.compile(r"<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|not|nmid|mid|in|iff|implies|Rightarrow|to)(?![A-Za-z])"
                        r"|\\text\s*\{\s*(?:if|for|when|where|and|or)\b")


def has_tex_mod(seg: str) -> bool:
    return bool(_TEX_MOD.search(seg))


def tex_chain(seg: str) -> Chain | None:
    """A LaTeX formula holding ``\\pmod``, ``\\bmod``, ``\\mod`` or ``\\text{mod}`` as a chain of congruences modulo its
    one modulus (members as LaTeX), as :func:`chains` reads plain text; None when it is no chain of ``=`` and
    ``\\equiv`` (an inequality, a negation, a condition: the other rules read it)."""
    if _TEX_OTHER.search(seg):
        return None
    s = _TEX_SPACE.sub(" ", seg)
    s = _TEX_WORD.sub(lambda m: f"{m.group(1)}\\bmod {m.group(3)}{m.group(4)}", s)
    s = s.replace("\\equiv", "=")
    chain = Chain(0, len(seg))
    if "=" not in s:
        return None
    moduli = [m.group(1) for m in _TEX_BMOD.finditer(s)] + [m.group(1) for m in re.finditer(
        r"\\pmod" + _TEX_MODULUS, s)]
    if len(moduli) != len(re.findall(r"\\(?:pmod|bmod|mod)(?![A-Za-z])", s)):
        chain.why = "modulus_not_read"
        return chain
    numbers = {_number(x.strip("{} ")) for x in moduli}
    if len(numbers) != 1 or None in numbers or min(numbers) < 2:  # type: ignore[type-var]
        chain.why = "moduli_differ" if len(numbers) > 1 else "modulus_not_a_number"
        return chain
    (chain.modulus,) = numbers
    for m in re.finditer(r"\\(?:bmod|mod)(?![A-Za-z])", s):
        if _in_group(s, m.start()):
            chain.why = "mod_in_exponent_or_index"
            return chain
    s = _TEX_BMOD.sub(" ", _TEX_PMOD.sub(" ", s))
    s = re.sub(r"\(\s*\)", " ", s)
    parts = [p.strip() for p in split_top(s, "=")]
    if len(parts) < 2:
        return None
    chain.members = [re.sub(r"\s+", " ", p) for p in parts]
    return chain


def _in_group(s: str, at: int) -> bool:
    """Position ``at`` lies inside a brace group, or a parenthesis that is an argument, an exponent or an index, or
    one under a factorial: a ``\\bmod`` there reduces a part, not the whole."""
    depth = 0
    for ch in s[:at]:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
    return depth > 0 or _inside_exponent_or_index(s.replace("\\left", "      ").replace("\\right", "      "), at)
