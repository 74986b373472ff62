"""Stress ``stepforge label --strategy symbolic`` and ``stepforge eval-labels`` with hostile-but-plausible rows in
ProcessBench's format (problem, steps, label, final_answer_correct): every row must be labelled (no crash) within
10 s of wall clock, on a machine that may be loaded, and a malformed file must end with one clear message and a
non-zero exit (no traceback).

Rows (``hostile_rows``): 300-step solutions, 50 kB steps, huge numbers (``10^{10^{10}}``, ``9999!``,
``2^{2^{100}}``), deep nesting, sums and products with large bounds, big matrices, long decimal expansions,
integrals, unicode and control characters, empty steps; each with a reference answer (``references_rows``) so
the answer's verdict, the location of a wrong answer's first error and the carried-value search all run.
Files (``bad_files``): missing and ill-typed fields, labels out of range, non-UTF-8 bytes, a truncated last line;
(``odd_files``) readable oddities that are labelled: a row with no steps, empty step texts, CRLF, blank lines.

    PYTHONPATH=src .venv/bin/python benchmarks/stress_labels.py                 # rows timed as a run labels them
    PYTHONPATH=src .venv/bin/python benchmarks/stress_labels.py --burn 2        # with two CPU burners running
    PYTHONPATH=src .venv/bin/python benchmarks/stress_labels.py --cli           # also the commands, bad files too

Prints max and median seconds per row and the count of rows over 10 s (the goal: none).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LIMIT_S = 10.0
ROOT = Path(__file__).resolve().parents[1]


def _arith(rng: random.Random, wrong: bool = False) -> str:
    a, b = rng.randint(2, 999), rng.randint(2, 999)
    op, val = rng.choice([("+", a + b), ("-", a - b), ("\\times", a * b)])
    return f"Then ${a} {op} {b} = {val + (1 if wrong else 0)}$."


def _nest(open_: str, close: str, depth: int, core: str = "x") -> str:
    return open_ * depth + core + close * depth


def _heavy_segments(rng: random.Random) -> list[str]:
    """Steps a model might write that cost a symbolic checker the most: huge values, deep nesting, big bounds,
    matrices, long expansions, integrals, odd characters."""
    big = [
        "We have $10^{10^{10}} = 10^{10^{10}}$, so the number has $10^{10}+1$ digits.",
        "So $9999! = 9999 \\cdot 9998!$ and $9999! > 10^{35000}$.",
        "Note $2^{2^{100}} \\equiv 1 \\pmod{3}$ and $2^{2^{100}} = 4^{2^{99}}$.",
        "Hence $(10^{10^{10}})! \\geq 10^{10^{10}}$.",
        "Thus $\\binom{10^{9}}{5 \\cdot 10^{8}} = \\frac{(10^9)!}{((5\\cdot 10^8)!)^2}$.",
        "Then $7^{7^{7^{7}}} \\bmod 10 = 3$.",
        "We get $3\\uparrow\\uparrow 5 = 3^{3^{3^{3^{3}}}}$.",
        "So $\\left(1+\\frac{1}{10^{100}}\\right)^{10^{100}} = 2.718281828$.",
        "We compute $123456789^{987654321} \\equiv 1 \\pmod{2}$.",
        "$x^{10^{6}} - 1 = (x-1)(x^{10^6 - 1} + \\dots + 1)$",
        "$(x+1)^{1000} = \\sum_{k=0}^{1000} \\binom{1000}{k} x^k$",
        "$(x+y+z+w)^{60} = (x+y+z+w)^{30} (x+y+z+w)^{30}$",
        "$\\frac{(2n)!}{n!^2} = \\binom{2n}{n}$ for $n = 10^{12}$, so the value is "
        "$\\binom{2\\cdot 10^{12}}{10^{12}}$.",
    ]
    sums = [
        "$\\prod_{k=1}^{10^{6}} k = (10^6)!$",
        "$\\sum_{k=1}^{10^{9}} k^2 = \\frac{10^9(10^9+1)(2\\cdot 10^9+1)}{6}$",
        "$\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}$",
        "$\\prod_{p \\le 10^{7}} \\left(1 - \\frac{1}{p}\\right) = 0.03$",
        "$\\sum_{k=0}^{1959} \\binom{1959}{k} x^{1959-k} (x^{1958}+x^{1957})^k = (x^{1958}+x^{1957}+x)^{1959}$",
        "$\\sum_{i=1}^{5000}\\sum_{j=1}^{5000} i j = \\left(\\frac{5000 \\cdot 5001}{2}\\right)^2$",
        "$\\prod_{k=1}^{2023} \\left(1 + \\frac{1}{k}\\right) = 2024$",
        "$\\sum_{k=1}^{10^{100}} \\frac{1}{k(k+1)} = 1 - \\frac{1}{10^{100}+1}$",
    ]
    n = 24
    rows = " \\\\ ".join(" & ".join(str(rng.randint(-9, 9)) for _ in range(n)) for _ in range(n))
    matrices = [
        f"$\\det \\begin{{pmatrix}} {rows} \\end{{pmatrix}} = {rng.randint(-10**6, 10**6)}$",
        f"$\\begin{{bmatrix}} {rows} \\end{{bmatrix}}^{{100}} = I$",
        "$\\begin{pmatrix} x & 1 \\\\ 1 & x \\end{pmatrix}^{50} = \\begin{pmatrix} a & b \\\\ b & a \\end{pmatrix}$",
    ]
    digits = "".join(rng.choice("0123456789") for _ in range(4000))
    decimals = [
        f"$\\frac{{1}}{{7}} = 0.{'142857' * 800}\\ldots$",
        f"$\\pi = 3.{digits}$",
        f"$x = 0.{digits} \\times 10^{{-300}}$, so $x^2 = {digits}.5$",
        f"So $2^{{0.{digits[:500]}}} = 1.{digits[500:900]}$.",
    ]
    integrals = [
        "$\\int_0^1 e^{-x^2} \\sin(x^{10}) \\, dx = 0.07$",
        "$\\int x^{100} e^{x} \\, dx = e^x \\sum_{k=0}^{100} (-1)^k \\frac{100!}{(100-k)!} x^{100-k} + C$",
        "$\\int_{0}^{\\infty} \\frac{\\sin^{9} x}{x^{9}} \\, dx = \\frac{23 \\pi}{256}$",
        "$\\iint_{D} e^{x^2+y^2} \\, dA = \\pi (e - 1)$",
        "$\\lim_{n \\to \\infty} \\left(1 + \\frac{1}{n}\\right)^{n^2} = \\infty$",
        "$\\frac{d^{50}}{dx^{50}} \\left( x^{60} e^{x} \\sin x \\right) = 0$",
    ]
    deep = [
        "$" + _nest("\\frac{1}{1+", "}", 120, "x") + " = 1$",
        "$" + _nest("(", ")", 400, "1+1") + " = 2$",
        "$" + _nest("\\sqrt{", "}", 150, "2") + " = 1.0000$",
        "$" + "+".join(_nest("(", ")", 30, str(i)) for i in range(60)) + " = 1770$",
        "$" + _nest("{", "}", 600, "2") + "^{" + _nest("{", "}", 600, "3") + "} = 8$",
        "$f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(x)))))))))))))))))))) = x$ where $f(x) = x^2 + 1$",
        "$" + "^".join(["2"] * 40) + " = 4$",
    ]
    odd = [
        "So $3 \u00d7 4 = 12$ and 5 \u2212 2 = 3 \u2014 we get \uff11\uff12 apples \U0001F34E.",
        "Then $1 + 1 = 2$\u200b\u200b\u200e\u202e and $4 + 4 = 9$\u202c.",
        "Hence \x00 $2 + 2 = 4$ \x1b[31m and \x07 $3 + 3 = 6$\x7f.",
        "\ufeffWe get $\\text{\u00e9t\u00e9} = 5$, $\u03b1 + \u03b2 = 1$, $\u221a4 = 2$, $\u00bd + \u00bd = 1$.",
        "So $x = \\frac{1}{0}$ and $0^0 = 1$ and $\\log 0 = -\\infty$ and $\\sqrt{-1} = i$.",
        "\\$\\$\\$ $$ $ $ \\( \\) \\[ \\] $\\boxed{$ } \\frac{ {{{ $1 = 1$",
        "$\\unknowncommand{3}{4} = 7$ and $\\frac{3}{} = $ and $= 5 =$ and $\\left( 1 + 2 = 3$",
    ]
    return big + sums + matrices + decimals + integrals + deep + odd


def _row(rid: str, problem: str, steps: list[str], label: int, correct: bool | None) -> dict[str, Any]:
    return {"id": rid, "generator": "stress", "problem": problem, "steps": steps, "final_answer_correct": correct,
            "label": label}


def hostile_rows(seed: int = 0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ProcessBench rows, their problems' reference answers): well-formed rows whose content is as heavy as a
    model's solution can make it."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    refs: list[dict[str, Any]] = []

    def add(name: str, steps: list[str], answer: str, gold: str, label: int = -1) -> None:
        problem = f"Stress problem {name} ({seed}): compute the value described in the statement."
        rows.append(_row(f"stress-{seed}-{name}", problem, steps + [f"The final answer is $\\boxed{{{answer}}}$."],
                         label, answer == gold))
        refs.append({"problem": problem, "answer": gold})

    heavy = _heavy_segments(rng)
    for i, seg in enumerate(heavy):  # each heavy step alone, after a slip (a wrong answer is located: carried values)
        add(f"heavy{i}", [_arith(rng), _arith(rng, wrong=True), seg], "7", "8", label=1)
    add("heavy-all", heavy, "2^{2^{100}}", "9999!", label=0)
    add("heavy-all-twice", heavy + heavy[::-1], "10^{10^{10}}", "10^{10^{10}}+1", label=0)
    add("steps300", [_arith(rng) for _ in range(300)], "12", "12")
    add("steps300-wrong", [_arith(rng) for _ in range(150)] + [_arith(rng, True)] + [_arith(rng) for _ in range(149)],
        "13", "12", label=150)
    add("steps300-heavy", [heavy[i % len(heavy)] for i in range(300)], "1", "2", label=0)
    chain = " + ".join(str(rng.randint(1, 99)) for _ in range(12000))
    add("step50k-chain", [f"${chain} = {rng.randint(1, 10**6)}$"], "5", "6", label=0)
    add("step50k-segments", [" ".join(_arith(rng) for _ in range(2500))], "5", "5")
    add("step50k-prose", ["We note that " + " and ".join(f"{rng.randint(1, 99)} * {rng.randint(1, 99)} = "
                                                          f"{rng.randint(1, 9999)} apples" for _ in range(2500))],
        "5", "6", label=0)
    add("step50k-digits", ["$" + "9" * 50_000 + " + 1 = 1" + "0" * 50_000 + "$"], "1", "1")
    big_step = " ".join(_arith(rng) for _ in range(2000))  # ~50 kB
    add("steps300x50k", [big_step] * 299 + [_arith(rng, wrong=True)], "13", "12", label=299)
    add("many-claims", [" ".join(_arith(rng) for _ in range(40)) for _ in range(100)], "9", "8", label=0)
    add("empty-steps", ["", "   ", "\n\n", "$$", "$1+1=2$", ""], "2", "2")
    add("huge-answer", [_arith(rng)], "9" * 20_000, "9" * 19_999 + "8", label=1)
    add("heavy-answer", [_arith(rng)], "(10^{10^{10}})!", "2^{2^{100}}", label=1)
    add("matrix-answer", [heavy[len(heavy) // 2]],
        "\\begin{pmatrix} " + " \\\\ ".join(" & ".join("1" for _ in range(30)) for _ in range(30)) + "\\end{pmatrix}",
        "0", label=1)
    # answers a parser is slow on (a product of absolute values: latex2sympy's parse grows with every bar): the
    # answer's verdict spends its own budget, and every boxed intermediate result is compared with the reference
    bars = "".join(f"|x_{{{i}}}|" for i in range(10))
    add("slow-verdict", [_arith(rng), f"So the product is ${bars}$."], bars, bars)
    add("slow-verdict-wrong", [_arith(rng), _arith(rng, wrong=True)], bars + "+1", bars, label=1)
    add("boxed-steps", [f"Part {i}: $\\boxed{{{bars}}}$." for i in range(6)], bars, bars)
    add("boxed-steps300", [f"Case {i}: {_arith(rng)} so $\\boxed{{{bars}}}$." for i in range(300)], bars, bars)
    return rows, refs


def bad_files() -> dict[str, bytes]:
    """Malformed inputs, each a file: every one must end with a clear message naming the problem, exit non-zero."""
    good = _row("ok-1", "What is 1+1?", ["$1 + 1 = 2$.", "The answer is $\\boxed{2}$."], -1, True)

    def line(**change: Any) -> bytes:
        row = {**good, **change}
        return (json.dumps({k: v for k, v in row.items() if v is not _DROP}) + "\n").encode()

    ok = line()
    return {
        "missing-steps": ok + line(id="b", steps=_DROP),
        "missing-problem": ok + line(id="b", problem=_DROP),
        "steps-a-string": ok + line(id="b", steps="$1+1=2$"),
        "steps-of-numbers": ok + line(id="b", steps=[1, 2, None]),
        "steps-nested": ok + line(id="b", steps=[["$1+1=2$"]]),
        "label-out-of-range": ok + line(id="b", label=7),
        "label-below-minus-one": ok + line(id="b", label=-2),
        "label-a-string": ok + line(id="b", label="1"),
        "label-a-float": ok + line(id="b", label=0.5),
        "label-a-bool": ok + line(id="b", label=True),
        "correct-a-string": ok + line(id="b", final_answer_correct="yes"),
        "problem-a-number": ok + line(id="b", problem=42),
        "problem-null": ok + line(id="b", problem=None),
        "row-a-list": ok + b"[1, 2, 3]\n",
        "row-a-number": ok + b"7\n",
        "non-utf8": ok + b'{"id": "b", "problem": "caf\xe9", "steps": ["x"], "label": -1, '
                         b'"final_answer_correct": true}\n',
        "truncated-last-line": ok + ok[: len(ok) // 2],
        "empty-file": b"",
        "blank-lines-only": b"\n\n  \n",
        "not-json": b"problem,steps,label\nWhat is 1+1?,2,-1\n",
        "nul-bytes": ok + b"\x00\x00\x00\n",
        "steps-null": ok + line(id="b", steps=None),
        "label-null": ok + line(id="b", label=None),
    }


def odd_files() -> dict[str, bytes]:
    """Inputs that are odd but readable: labelled (a row may be rejected, with its reason), exit 0."""
    good = _row("ok-1", "What is 1+1?", ["$1 + 1 = 2$.", "The answer is $\\boxed{2}$."], -1, True)
    ok = (json.dumps(good) + "\n").encode()
    return {
        "no-steps": ok + (json.dumps({**good, "id": "b", "steps": [], "label": -1}) + "\n").encode(),
        "empty-step-texts": (json.dumps({**good, "steps": ["", "  ", "$\\boxed{2}$"]}) + "\n").encode(),
        "id-a-number": (json.dumps({**good, "id": 7}) + "\n").encode(),
        "blank-lines-between": ok + b"\n\n" + (json.dumps({**good, "id": "c"}) + "\n").encode(),
        "crlf": ok.replace(b"\n", b"\r\n"),
        "no-final-newline": ok.rstrip(b"\n"),
    }


_DROP = object()


# ---------------------------------------------------------------------------------------------------------------


def _burn(n: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(n)]


def time_rows(rows: list[dict[str, Any]], refs_path: Path) -> list[tuple[str, float, str]]:
    """Each row labelled as ``stepforge label`` does (the math domain's record: the answer's verdict, the symbolic
    labels, the keep rule), timed on the wall clock: (id, seconds, how it ended)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_labels import _config, _warm_up, label_and_keep  # type: ignore[import-not-found]

    from stepforge.datasets.importers import import_row
    from stepforge.generators.sources import references
    from stepforge.generators.sources.records import candidate_of

    refs = references.load(str(refs_path))
    config = _config()
    print(f"start (imports, the checker's workers): {_warm_up(config):.1f} s, outside the rows' timing")
    out = []
    for i, row in enumerate(rows):
        t = references.with_reference(import_row("processbench", row), refs)
        cand = candidate_of(t, i, "processbench")
        t0 = time.perf_counter()
        try:
            trace, kept = label_and_keep(cand, config)
            how = "kept" if kept else "rejected"
        except Exception as exc:  # noqa: BLE001 - a crash is a finding: count it
            how = f"CRASH {type(exc).__name__}: {exc}"[:200]
        out.append((row["id"], time.perf_counter() - t0, how))
        print(f"{out[-1][1]:7.2f}s  {row['id']}  {how}", flush=True)
    return out


def _cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def check_commands(tmp: Path, rows_path: Path, refs_path: Path) -> int:
    """``stepforge label`` and ``eval-labels`` on the hostile rows (exit 0) and on each bad file (exit non-zero, a
    message, no traceback). Returns the number of failures."""
    fails = 0
    r = _cli("label", str(rows_path), "--strategy", "symbolic", "--out", str(tmp / "run"), "--references",
             str(refs_path), "--no-progress")
    print(f"label hostile rows: exit {r.returncode}: {(r.stdout + r.stderr).strip()[-300:]}")
    fails += r.returncode != 0 or "Traceback" in r.stderr
    r = _cli("eval-labels", str(rows_path), str(tmp / "run"))
    print(f"eval-labels hostile rows: exit {r.returncode}")
    fails += r.returncode != 0 or "Traceback" in r.stderr
    for name, data in bad_files().items():
        bad = tmp / f"{name}.jsonl"
        bad.write_bytes(data)
        for cmd in (["label", str(bad), "--strategy", "symbolic", "--out", str(tmp / f"out-{name}"), "--no-progress"],
                    ["eval-labels", str(bad), str(rows_path)], ["eval-labels", str(rows_path), str(bad)]):
            r = _cli(*cmd, timeout=300)
            msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
            bad_run = "Traceback" in r.stderr or r.returncode == 0 or not msg
            fails += bad_run
            print(f"{'FAIL' if bad_run else 'ok  '} {cmd[0]:11} {name:24} exit {r.returncode}: {msg[:150]}")
    for name, data in odd_files().items():
        odd = tmp / f"odd-{name}.jsonl"
        odd.write_bytes(data)
        r = _cli("label", str(odd), "--strategy", "symbolic", "--out", str(tmp / f"out-{name}"), "--no-progress")
        bad_run = "Traceback" in r.stderr or r.returncode != 0
        fails += bad_run
        print(f"{'FAIL' if bad_run else 'ok  '} label       {name:24} exit {r.returncode}: {r.stdout.strip()[:150]}")
    return fails


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--burn", type=int, default=0, help="CPU burners running meanwhile (a loaded machine)")
    ap.add_argument("--only", help="label only the rows whose id contains this")
    ap.add_argument("--cli", action="store_true", help="also run the commands on the rows and on every bad file")
    ap.add_argument("--write", type=Path, help="write the rows and references into this folder and stop")
    args = ap.parse_args()
    rows, refs = hostile_rows(args.seed)
    if args.only:
        rows = [r for r in rows if args.only in r["id"]]
    tmp = Path(tempfile.mkdtemp(prefix="stress-labels-"))
    folder = args.write or tmp
    folder.mkdir(parents=True, exist_ok=True)
    rows_path, refs_path = folder / "stress_pb.jsonl", folder / "stress_refs.jsonl"
    rows_path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    refs_path.write_text("".join(json.dumps(r) + "\n" for r in refs))
    if args.write:
        for name, data in bad_files().items():
            (folder / f"bad-{name}.jsonl").write_bytes(data)
        print(f"wrote {len(rows)} rows, their references and {len(bad_files())} bad files to {folder}")
        return
    burners = _burn(args.burn)
    try:
        got = time_rows(rows, refs_path)
        fails = check_commands(tmp, rows_path, refs_path) if args.cli else 0
    finally:
        for p in burners:
            p.kill()
    secs = [s for _, s, _ in got]
    crashes = [g for g in got if g[2].startswith("CRASH")]
    load = os.getloadavg()[0]
    print(f"\n{len(got)} rows, {args.burn} burners started here, load average {load:.1f} on {os.cpu_count()} cores: "
          f"seconds per row max {max(secs):.2f}, median "
          f"{statistics.median(secs):.2f}; over {LIMIT_S:g} s: {sum(s > LIMIT_S for s in secs)}; crashes: "
          f"{len(crashes)}" + (f"; command checks failed: {fails}" if args.cli else ""))
    sys.exit(1 if crashes or any(s > LIMIT_S for s in secs) or fails else 0)


if __name__ == "__main__":
    main()
