"""Stress the in-process math verifier (judge, check_steps) for hangs: adversarial expression families, one worker
process, each case run in a non-main thread (no SIGALRM there: as a server or the labeller's threads run it), a
wall-clock watchdog per case; a case over ``--limit`` s gets every thread's stack dumped (faulthandler: works while a
C call holds the GIL) into ``OUT/stacks-FAMILY-SEED.txt``, and the worker is killed and restarted past ``--hard`` s.

    .venv/bin/python benchmarks/stress_math_hangs.py --family towers --n 400 --hard 20
    .venv/bin/python benchmarks/stress_math_hangs.py --replay cases.jsonl   # JSON cases, one a line
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import time

WORKER = r'''
import faulthandler, json, sys, threading, time
from stepforge.verifiers.math import judge, judge_fast
from stepforge.verifiers.math.steps import StepContext, check_steps
LIMIT = float(sys.argv[1])
for line in sys.stdin:
    case = json.loads(line)
    out = {}
    def run():
        try:
            if case["kind"] == "judge":
                v = judge(case["gold"], case["pred"], seed=case.get("seed", 0))
                out["r"] = f"{v.verdict}/{v.rule}/{v.detail[:80]}"
            elif case["kind"] == "fast":  # check_answer's in-process part: the exact engine, no budget
                v = judge_fast(case["gold"], case["pred"])
                out["r"] = "pool" if v is None else f"{v.verdict}/{v.rule}/{v.detail[:80]}"
            else:
                ctx = StepContext(**case["ctx"])
                res = check_steps(case["steps"], ctx, seed=case.get("seed", 0))
                out["r"] = ";".join(f"{c.verdict}/{c.rule}" for s in res for c in s.claims)
        except BaseException as exc:
            out["r"] = f"RAISED {type(exc).__name__}: {str(exc)[:100]}"
    faulthandler.dump_traceback_later(LIMIT, exit=False, file=sys.stderr)
    t0 = time.perf_counter()
    th = threading.Thread(target=run, daemon=True); th.start(); th.join()
    faulthandler.cancel_dump_traceback_later()
    out["s"] = round(time.perf_counter() - t0, 3)
    sys.stdout.write(json.dumps(out) + "\n"); sys.stdout.flush()
'''

ATOMS = ["x", "y", "2", "3", "12", "\\frac{1}{2}", "(x+1)", "e", "10", "\\frac{3}{2}", "0.5", "7463", "\\pi"]


def tower(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(ATOMS)
    a, b = tower(rng, depth - 1), tower(rng, depth - 1)
    op = rng.choice(["pow", "pow", "mul", "add", "frac"])
    if op == "pow":
        return f"{a}^{{{b}}}"
    if op == "mul":
        return f"{a} \\cdot {b}"
    if op == "frac":
        return f"\\frac{{{a}}}{{{b}}}"
    return f"{a} + {b}"


HATOMS = ["x", "y", "2", "3", "12", "\\frac{1}{2}", "(x+1)", "e"]  # the atoms of test_bounded_points' property


def htower(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(HATOMS)
    a, b = htower(rng, depth - 1), htower(rng, depth - 1)
    return rng.choice([f"{a}^{{{b}}}", f"{a} \\cdot {b}", f"{a} + {b}"])


def poly(rng: random.Random) -> str:
    v = rng.choice(["x", "y", "z"])
    base = rng.choice(["(x+1)", "(x+y+z)", "(x-y)", "(2x+3)", "(x^2+x+1)", "(x+\\frac{1}{3})", "(x+y)", "(1+x^{3})"])
    n = rng.choice([30, 60, 100, 200, 500, 1000])
    m = rng.randint(1, 3)
    forms = [f"{base}^{{{n}}}", f"{base}^{{{n - m}}} {base}^{{{m}}}", f"{base}^{{{n}}} - 1 + 1",
             f"({base}^{{{n // 2}}})^{{2}}", f"{base}^{{{n}}} + {v}", f"{base}^{{{n}}} {base}^{{{n}}}"]
    return rng.choice(forms)


def const_pow(rng: random.Random) -> str:
    b = rng.choice(["2", "10", "\\frac{3}{2}", "7", "0.5", "1.0001", "\\sqrt{2}", "e", "\\pi", "7463", "-2", "(-3)"])
    x = rng.choice(["10^{5}.5", "99999999", "10^{10}", "10^{5}", "\\frac{10^{7}}{3}", "1000000.5", "10^{10^{2}}",
                    "2^{2^{5}}", "\\sqrt{10^{12}}", "10^{6} \\pi", "\\frac{1}{10^{9}}", "-10^{8}", "123456.789",
                    "3^{3^{3}}", "10^{100}", "\\log_{2}(10^{9})", "e^{30}", "2^{30}+0.5"])
    forms = [f"{b}^{{{x}}}", f"\\frac{{{b}^{{{x}}}}}{{3}}", f"{b}^{{{x}}} - {b}^{{{x}}}", f"{b}^{{{x}}} + 1",
             f"\\sqrt{{{b}^{{{x}}}}}", f"({b}^{{{x}}})^{{2}}", f"{b}^{{{x}}} \\cdot {b}"]
    return rng.choice(forms)


TAILS = ["\\arcsin(x)", "\\lfloor x \\rfloor", "\\log_{3}(x)", "\\sqrt[3]{x}", "x^{\\sqrt{2}}", "x^{\\pi}",
         "\\arctan(y)", "\\Gamma(x)", "\\sinh(x)", "x^{x}", "\\ln(x+1)", "\\sqrt{x^2+1}", "\\tan(x)"]


def polymix(rng: random.Random) -> tuple[str, str]:
    base = rng.choice(["(x+1)", "(x+y+z)", "(x-y)", "(2x+3)", "(x^2+x+1)", "(x+y+z+w)", "(x+\\sqrt{2})",
                       "(\\sqrt{x}+1)", "(x+\\ln(x))", "(\\sin(x)+\\cos(y))", "(x^{\\frac{1}{3}}+y)"])
    n = rng.choice([20, 40, 60, 100, 200, 500])
    m = rng.randint(1, n // 2)
    t1, t2 = rng.choice(TAILS), rng.choice(TAILS)
    g = rng.choice([f"{base}^{{{n}}}", f"{base}^{{{n}}} {t1}", f"{base}^{{{n}}} + {t1}", f"\\frac{{{base}^{{{n}}}}}{{{t1}}}"])
    p = rng.choice([f"{base}^{{{n - m}}} {base}^{{{m}}}", f"{base}^{{{n - m}}} {base}^{{{m}}} {t2}",
                    f"{base}^{{{n - m}}} {base}^{{{m}}} + {t2}", f"{base}^{{{n}}} + {t1} - {t1} + 1",
                    f"\\frac{{{base}^{{{n + m}}}}}{{{base}^{{{m}}} {t2}}}"])
    return g, p


MISC = ["\\sin(10^{100} x)", "\\tan(10^{50})", "\\sin(x)^{1000}", "(1+\\sqrt{2})^{1000}", "(1+\\sqrt{2}+\\sqrt{3})^{60}",
        "\\log(x^{100000})", "\\sum_{k=1}^{1000000} k^{k}", "\\sum_{k=1}^{n} k^{100}", "\\int x^{x} dx",
        "\\int_0^1 e^{x^{100}} dx", "\\binom{10^{6}}{5 \\cdot 10^{5}}", "1000!", "(x!)^{2}", "\\prod_{k=1}^{500} (x+k)",
        "10^{-100000}", "0.00000000000000000000000000001", "\\sqrt[1000]{x}", "\\sqrt[99991]{7463}", "e^{e^{e^{x}}}",
        "\\cos(x)^{2} + \\sin(x)^{2}", "\\frac{d}{dx} x^{x^{x}}", "\\lim_{x \\to 0} \\frac{\\sin(x^{100})}{x^{100}}",
        "(x^{2}+1)^{\\frac{1001}{2}}", "\\arctan(\\tan(10^{10}))", "\\log_{2}(2^{100000})", "(\\sqrt{x}+\\sqrt{y})^{64}",
        "\\frac{1}{(x+1)^{300}} + \\frac{1}{(x+2)^{300}}", "x^{10^{6}} - x^{10^{6}-1}", "\\lfloor 10^{100} \\pi \\rfloor",
        "2^{2^{2^{2^{2}}}}", "i^{10^{10}}", "e^{i \\pi 10^{20}}", "(1+i)^{100000}", "\\sqrt{-1}^{99999}"]


def misc(rng: random.Random) -> str:
    a, b = rng.choice(MISC), rng.choice(MISC + ATOMS)
    return rng.choice([a, f"{a} + {b}", f"{a} \\cdot {b}", f"\\frac{{{a}}}{{{b}}}", f"{a} - {a}", f"({a})^{{2}}"])


def mixed(rng: random.Random) -> str:
    return rng.choice([tower(rng, 3), poly(rng), const_pow(rng)])


def premise(rng: random.Random) -> tuple[list[str], list[str]]:
    pick = rng.choice([
        ["x^{x} = 5"], ["2^{x} = 10^{100}"], ["x^{100} + x = 3"], ["x^{x^{2}} = 3"], ["x = \\frac{7463}{3}"],
        ["x^{5} - x + 1 = 0"], ["x = 10^{10}"], ["x = 2^{100}", "y = x^{x}"], ["x^{2} = 2", "y = x^{x}"],
        ["(x+1)^{200} = 7"], ["x = \\frac{1}{10^{9}}"], ["e^{x} = 10^{10}"], ["x^{y} = 3", "y^{x} = 5"],
        ["x = 0.5 + 10^{8}"], ["\\sin(x) = x^{3}"], ["x^{\\frac{1}{7}} = 2"], ["3^{x} = 2^{x+1}"],
    ])
    unknowns = sorted({c for p in pick for c in "xy" if c in p})
    return pick, unknowns


def cases(family: str, n: int, seed: int):
    rng = random.Random(seed)
    for i in range(n):
        fam = family if family != "all" else rng.choice(["towers", "poly", "constpow", "premises", "mixed", "polymix", "misc"])
        s = rng.randint(0, 2**32)
        if fam == "towers":
            g, p = tower(rng, 3), tower(rng, 3)
        elif fam == "poly":
            g, p = poly(rng), poly(rng)
        elif fam == "constpow":
            g, p = const_pow(rng), const_pow(rng)
        elif fam == "htowers":
            g, p = htower(rng, 3), htower(rng, 3)
        elif fam == "misc":
            g, p = misc(rng), misc(rng)
        elif fam == "polymix":
            g, p = polymix(rng)
        elif fam == "mixed":
            g, p = mixed(rng), mixed(rng)
        if fam == "premises":
            prem, unk = premise(rng)
            claim = f"So ${mixed(rng)} = {mixed(rng)}$." if rng.random() < 0.5 else f"So ${tower(rng, 2)} > {tower(rng, 2)}$."
            yield fam, {"kind": "steps", "steps": [claim], "ctx": {"premises": prem, "unknowns": unk}, "seed": s % 1000}
            continue
        if fam == "chains":  # several steps: derivations carried, inequalities, a boxed answer against a gold
            parts = [mixed(rng), mixed(rng), tower(rng, 2), poly(rng), "x", "2", misc(rng)]
            rel = lambda: rng.choice(["=", "<", "\\le", ">", "\\ge", "\\ne", "\\approx"])  # noqa: E731
            steps = [f"Since ${rng.choice(parts)} {rel()} {rng.choice(parts)}$, we get ${rng.choice(parts)} {rel()} "
                     f"{rng.choice(parts)} {rel()} {rng.choice(parts)}$." for _ in range(3)]
            steps.append(f"So the answer is $\\boxed{{{rng.choice(parts)}}}$.")
            prem, unk = premise(rng) if rng.random() < 0.5 else ([], [])
            yield fam, {"kind": "steps", "steps": steps, "seed": s % 1000,
                        "ctx": {"premises": prem, "unknowns": unk, "variables": ["x", "y"], "gold": rng.choice(parts)}}
            continue
        if fam == "htowers":  # as the property test: both entry points on each pair
            yield fam, {"kind": "judge", "gold": g, "pred": f"\\boxed{{{p}}}", "seed": s}
            yield fam, {"kind": "steps", "steps": [f"So ${g} = {p}$."], "ctx": {"variables": ["x", "y"]}, "seed": s % 1000}
            continue
        if rng.random() < 0.5:
            yield fam, {"kind": "judge", "gold": g, "pred": f"\\boxed{{{p}}}", "seed": s}
        else:
            yield fam, {"kind": "steps", "steps": [f"So ${g} = {p}$."], "ctx": {"variables": ["x", "y", "z", "w"]},
                        "seed": s % 1000}


class Worker:
    def __init__(self, limit: float, log) -> None:
        self.limit, self.log = limit, log
        self.start()

    def start(self) -> None:
        self.p = subprocess.Popen([sys.executable, "-c", WORKER, str(self.limit)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)

    def run(self, case: dict, hard: float) -> dict | None:
        self.p.stdin.write(json.dumps(case) + "\n")
        self.p.stdin.flush()
        r, _, _ = select.select([self.p.stdout], [], [], hard)
        if not r:
            self.p.kill()
            self.p.wait()
            self.start()
            return None
        line = self.p.stdout.readline()
        if not line:  # the worker died (memory): a crash, reported as a hang
            self.p.wait()
            self.start()
            return None
        return json.loads(line)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", default="all")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=float, default=10.0, help="dump the stack past this many seconds")
    ap.add_argument("--hard", type=float, default=30.0, help="kill the worker past this many seconds")
    ap.add_argument("--slow", type=float, default=3.0, help="report cases slower than this")
    ap.add_argument("--out", default="stress-out")
    ap.add_argument("--fast", action="store_true", help="judge_fast (check_answer's in-process part) instead of judge")
    ap.add_argument("--replay", help="run the JSON cases of this file (one a line) instead of a family")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.replay:
        w = Worker(args.limit, open(os.path.join(args.out, "stacks-replay.txt"), "a"))
        for line in open(args.replay):
            t0 = time.perf_counter()
            r = w.run(json.loads(line), args.hard)
            print(f"{time.perf_counter() - t0:6.2f}s", "HUNG" if r is None else r["r"][:160], "|", line.strip()[:150], flush=True)
        w.p.kill()
        return
    log = open(os.path.join(args.out, f"stacks-{args.family}-{args.seed}.txt"), "a")
    w = Worker(args.limit, log)
    w.run({"kind": "judge", "gold": "1", "pred": "\\boxed{x+1}"}, 120)  # warm
    slow = hung = 0
    t_all = time.perf_counter()
    worst = 0.0
    for i, (fam, case) in enumerate(cases(args.family, args.n, args.seed)):
        if args.fast:
            if case["kind"] != "judge":
                continue
            case["kind"] = "fast"
        log.write(f"\n=== case {i} {fam} {json.dumps(case)}\n")
        log.flush()
        t0 = time.perf_counter()
        res = w.run(case, args.hard)
        dt = time.perf_counter() - t0
        worst = max(worst, dt)
        if res is None:
            hung += 1
            print(f"HUNG {i} {fam} {dt:.0f}s {json.dumps(case)}", flush=True)
        elif res["s"] > args.slow:
            slow += 1
            print(f"SLOW {i} {fam} {res['s']:.1f}s {json.dumps(case)} -> {res['r'][:150]}", flush=True)
    print(f"done {args.n} cases family={args.family} seed={args.seed}: {hung} hung (> {args.hard:.0f}s), {slow} slow "
          f"(> {args.slow:.0f}s), worst {worst:.1f}s, total {time.perf_counter() - t_all:.0f}s", flush=True)
    w.p.kill()


if __name__ == "__main__":
    main()
