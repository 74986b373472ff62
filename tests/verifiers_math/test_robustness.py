"""Hard limits over the whole golden suite, thread safety, guards, and the fast reader against latex2sympy2."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

import pytest
import sympy

from stepforge.verifiers.math import check_answers, judge
from stepforge.verifiers.math.latex import NotFast, read
from stepforge.verifiers.math.policy import DEFAULT_POLICY
from stepforge.verifiers.math.symbolic import read_general, to_sympy


def _golden():
    root = resources.files("stepforge.verifiers.math") / "golden"
    rows = []
    for f in sorted(root.iterdir(), key=lambda p: p.name):
        if f.name.endswith(".jsonl"):
            rows += [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    return rows


GOLDEN = _golden()


def test_golden_suite_through_the_pool_keeps_order_and_limits():
    rows = [r for r in GOLDEN if not r.get("policy")]
    timeout = 20.0  # generous: the machine is shared; a timeout verdict here would be a real regression
    t0 = time.monotonic()
    out = check_answers([(r["gold"], r["pred"]) for r in rows], workers=2, timeout=timeout,
                        problems=[r.get("problem") for r in rows])
    wall = time.monotonic() - t0
    assert [v.verdict for v in out] == [r["expected"] for r in rows]
    assert all(v.seconds <= timeout + 1.0 for v in out)
    assert wall < 120


def test_every_golden_case_is_fast_in_process():
    worst = 0.0
    for r in GOLDEN:
        t0 = time.perf_counter()
        judge(r["gold"], r["pred"], r.get("policy"), problem=r.get("problem"))
        worst = max(worst, time.perf_counter() - t0)
    assert worst < 5.0  # the default hard limit; guards keep even refused inputs far below it


def test_threads_get_the_same_verdicts():
    rows = GOLDEN[::3]
    serial = [judge(r["gold"], r["pred"], r.get("policy"), problem=r.get("problem")).verdict for r in rows]
    with ThreadPoolExecutor(8) as ex:
        par = list(ex.map(lambda r: judge(r["gold"], r["pred"], r.get("policy"), problem=r.get("problem")).verdict, rows))
    assert par == serial


def test_check_answers_from_many_threads():
    res: dict[int, list[str]] = {}

    def run(i):
        res[i] = [v.verdict for v in check_answers([(str(i), str(i)), (str(i), str(i + 1))], workers=2)]

    ts = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(res[i] == ["equal", "not_equal"] for i in range(6))


@pytest.mark.parametrize("text", [
    r"9^{9^{9^9}}", r"2^{2^{2^{2^{2^{2}}}}}", "100000!", "(10!)!", r"10^{1000000}", "2003^{2002^{2001}}",
    r"\dfrac{5^{\left(5^{\left(5^{\left(5^5\right)}\right)} - 4\right)} - 5}{16}", r"\sqrt{2}^{10^{9}}",
    "(" * 200 + "1" + ")" * 200, "x" * 10_000, r"e^{10^{10}}", r"\log(\log(\log(\log(" * 30 + "x" + "))))" * 30,
])
def test_guards_refuse_quickly_in_process(text):
    t0 = time.perf_counter()
    v = judge("1", text)
    assert v.verdict == "unparseable", (v.rule, v.detail)
    assert time.perf_counter() - t0 < 1.0


FAST_SUBSET = [
    r"\frac{1}{2}", r"2\sqrt{3}", r"\frac{\sqrt{2}}{2}", r"x^2+2x+1", r"(x+1)(x-1)", r"\frac{x^2-1}{x-1}", r"3\pi",
    r"\sqrt[3]{8}", r"e^{2}", r"-\frac{3}{4}", r"2^{10}", r"\sin x + \cos x", r"\frac{1}{\sqrt{3}-1}", r"x^{-2}",
    r"\frac{a+b}{c}", r"\sqrt{x^2+y^2}", r"5!", r"\binom{5}{2}", r"2\cdot 3", r"4\times 5", r"\frac{2\pi}{3}",
    r"\ln 2", r"\tan(x)", r"a^2b", r"-x^2", r"(-2)^3", r"10^{-3}", r"1.5x", r"\frac{1}{2}x^2", r"\sqrt{\frac{1}{n}}",
]


@pytest.mark.parametrize("text", FAST_SUBSET)
def test_fast_reader_agrees_with_latex2sympy(text):
    fast = to_sympy(read(text, DEFAULT_POLICY)[0], DEFAULT_POLICY)
    general, _ = read_general(text, DEFAULT_POLICY)
    assert sympy.simplify(fast - general) == 0, (fast, general)


@pytest.mark.parametrize("text", [r"\{1,2\}", r"x \bmod 3", r"\vec{v}", r"\overline{AB}", r"\Gamma(5)"])
def test_fast_reader_declines_outside_its_subset(text):
    with pytest.raises(NotFast):
        read(text, DEFAULT_POLICY)


@pytest.mark.parametrize("tail", [
    " ".join(["glue"] * 40) + ",",                       # words after a number, ending in punctuation
    " ".join(["sticks"] * 30) + " for each student!",
    "\\, " * 20 + "cm cm cm cm cm cm cm cm cm cm cm cm ?",   # LaTeX spaces and unit words that end in no unit
    " ".join(["m/s"] * 25) + " ;",
])
def test_an_answer_with_a_long_prose_tail_is_read_without_backtracking(tail):
    """A number followed by many words that are not a unit ("8 glue sticks ... ,") once made the unit reader
    backtrack exponentially (10 words took minutes): it is read in linear time now. The deadline is only a
    hang detector (an exponential reader would need years here), not a speed goal."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(judge("2", f"\\boxed{{8 {tail}}}")), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the answer reader hangs on a prose tail"
    assert out[0].verdict in ("not_equal", "unparseable", "equal") and out[0].verdict != "equal"


@pytest.mark.parametrize("text", [
    "5" + " " * 1_000_000 + "x",          # percent, degree, currency suffixes: three nested blank runs (cubic)
    "5" + " \t" * 500_000 + "^x",
    "1:30" + " " * 1_000_000 + "x",       # the time pattern's three blank runs around optional marks
])
def test_the_answer_suffix_patterns_are_linear_on_a_long_blank_run(text):
    """The suffix patterns of the answer reader (percent, degrees, currency, time) only see a cleaned answer of at
    most ``max_chars`` today, but they are linear on their own now (3,000 raw blanks took minutes); the deadline
    only detects a hang."""
    from stepforge.verifiers.math import parse as P

    out: list = []

    def run() -> None:
        out.append([rx.search(text) for rx in (P._PERCENT_RE, P._DEGREE_RE, P._CURRENCY_SUFFIX_RE)]
                   + [P._TIME_RE.match(text)])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "a suffix pattern backtracks on a blank run"
    assert out[0] == [None] * 4


def test_the_answer_suffix_patterns_match_what_the_greedy_ones_matched():
    """Same spans and groups as the former greedy patterns, on random answers over their own tokens."""
    import random
    import re

    from stepforge.verifiers.math import parse as P

    old = {
        P._DEGREE_RE: re.compile(r"\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\^\s*\{\s*o\s*\}|\s+degrees?\b|"
                                 r"\s*\\text\{\s*degrees?\s*\})\s*$"),
        P._PERCENT_RE: re.compile(r"\s*(?:\\%|%|\\text\{\s*\\?%\s*\}|\s*\\?\s*percent(?:age)?\b|\s*\\text\{\s*percent\s*\}|"
                                  r"\s*\\?\s*pct\b)\s*$", re.I),
        P._CURRENCY_SUFFIX_RE: re.compile(r"\s*(?:€|\\euro|EUR|USD|£)\s*$"),
        P._TIME_RE: re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:\\text\{\s*)?([ap])?\.?\s*(?:m\.?)?\s*\}?$", re.I),
    }
    tokens = [" ", "  ", "\t", "\n", "\u00a0", "%", "\\%", "\\text{", "}", "{", "percent", "percentage", "PCT", "\\", "x",
              "5", "^", "\\circ", "o", "degree", "degrees", "€", "\\euro", "EUR", "USD", "£", ":", "00", "a", "p", "M", "."]
    rng = random.Random(13)
    for _ in range(20_000):
        text = rng.choice(["", "1:30", "12:05:00", "50"]) + "".join(rng.choice(tokens) for _ in range(rng.randint(0, 14)))
        for new, was in old.items():
            a, b = (was.match(text), new.match(text)) if new is P._TIME_RE else (was.search(text), new.search(text))
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (text, new.pattern)


@pytest.mark.parametrize("chain", ["x" + "_x" * 20, "x" + "^x_x" * 12, "a" + "_b" * 6])
def test_a_long_chain_of_scripts_is_refused_before_the_general_parser(chain):
    """Five or more sub/superscripts in a row on one base are a double script (invalid LaTeX); the general parser
    was exponential in the chain (12 alternating "^x_x": killed at 30 s). Refused as a guard: cannot decide."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(judge("3", f"\\boxed{{{chain}}}")), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the general parser hangs on a chain of scripts"
    assert (out[0].verdict, out[0].rule) == ("unparseable", "guard"), out[0]


def test_short_script_chains_are_read_as_before():
    assert judge("x_{x_x}", "\\boxed{x_x_x}").verdict == "equal"
    assert judge("x_1^2", "\\boxed{x_1^2}").verdict == "equal"


def test_an_exact_root_of_huge_order_is_not_computed():
    """A root of order 1e9 (a rational exponent at a sample point) raised 2 to that power to test it."""
    from fractions import Fraction

    from stepforge.verifiers.math.evaluate import _exact_root

    out: list = []
    worker = threading.Thread(target=lambda: out.append((_exact_root(Fraction(3, 7), 10**9),
                                                         _exact_root(Fraction(1, 1), 10**9),
                                                         _exact_root(Fraction(8, 27), 3))), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "an exact root of huge order hangs"
    assert out[0] == (None, Fraction(1), Fraction(2, 3))
