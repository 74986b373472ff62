"""A pretend policy-and-critic model with known ground truth, for the loopback server (tests and benchmarks).

Math problems are arithmetic expressions ("What is 3 * (4 + 5) - 7?") solved one operation per step. A wrong
solution has one error at a known step: an *arithmetic slip* (the result is off by one: the symbolic checker sees
it) or a *reasoning error* (the wrong operation, computed exactly: every claim is true, only the reasoning is
wrong). Later steps carry the wrong value forward. Code tasks are given as an oracle of plan steps, reference code
and bugs (a wrong plan step the code then follows, or a code-only slip).

As a policy asked to continue a prefix, it reaches the reference with probability ``q`` from a clean prefix and
``r`` from a wrong one (recovery); otherwise a clean prefix gets a slip later on and a wrong one is carried to a
wrong answer. As a critic (ProcessBench's paragraph protocol) it names the true first wrong paragraph with
probability ``a``, another index otherwise, and with probability ``unreadable`` writes no index. Every draw is a
hash of the request (seeded by ``seed``), so two servers answer alike.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "\\cdot", ast.Div: "\\div"}
# a reasoning error: this operation done instead of the right one (computed exactly)
_SWAP = {ast.Add: ast.Mult, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.Div: ast.Mult}
_CLAIM = re.compile(r"Compute \$(.*?)\$")
_FINAL = "The final answer is \\boxed{{{}}}."


def u(*parts: Any) -> float:
    """A deterministic uniform number in [0, 1) from the parts."""
    h = hashlib.sha256(repr(parts).encode()).hexdigest()
    return int(h[:13], 16) / 16**13


def tex(x: Fraction, operand: bool = False) -> str:
    t = str(abs(x.numerator)) if x.denominator == 1 else f"\\frac{{{abs(x.numerator)}}}{{{x.denominator}}}"
    t = ("-" + t) if x < 0 else t
    return f"\\left({t}\\right)" if operand and x < 0 else t


def parse_value(text: str) -> Fraction | None:
    t = text.replace("\\left(", "").replace("\\right)", "").replace(" ", "")
    m = re.fullmatch(r"(-?)\\frac\{(\d+)\}\{(\d+)\}", t)
    if m:
        return Fraction(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1) else 1)
    try:
        return Fraction(t)
    except ValueError:
        return None


def _ops(expr: str) -> list[ast.BinOp] | None:
    parsed = _tree(expr)
    return parsed[1] if parsed else None


def _tree(expr: str) -> tuple[ast.AST, list[ast.BinOp]] | None:
    """The expression's tree and its operations in evaluation order."""
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    out: list[ast.BinOp] = []

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.BinOp):
            walk(node.left)
            walk(node.right)
            out.append(node)
        elif isinstance(node, ast.UnaryOp):
            walk(node.operand)

    walk(tree)
    return (tree, out) if out and all(type(n.op) in _OPS for n in out) else None


@dataclass
class Solution:
    steps: list[str]  # one per operation, then the final answer
    values: list[Fraction]
    final: Fraction


def solution(expr: str, given: list[Fraction] | None = None, fault: tuple[int, str] | None = None) -> Solution | None:
    """The step-by-step evaluation of ``expr``: operation j's result is ``given[j]`` where given (a prefix's values,
    carried forward), else computed; ``fault`` (j, "slip" | "reasoning") puts one error at operation j."""
    parsed = _tree(expr)
    if parsed is None:
        return None
    tree, ops = parsed
    index = {id(n): j for j, n in enumerate(ops)}
    values: dict[int, Fraction] = {}
    steps: list[str] = []

    def ev(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return Fraction(str(node.value))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        assert isinstance(node, ast.BinOp)
        a, b = ev(node.left), ev(node.right)
        j = index[id(node)]
        op = type(node.op)
        if fault is not None and fault == (j, "reasoning"):
            op = _SWAP[op]
        c = _apply(op, a, b)
        if fault is not None and fault == (j, "slip"):
            c += 1
        if given is not None and j < len(given):
            c = given[j]
        values[j] = c
        steps.append(f"Compute ${tex(a, True)} {_OPS[op]} {tex(b, True)} = {tex(c)}$.")
        return c

    try:
        final = ev(tree)
    except (ZeroDivisionError, AssertionError, KeyError):
        return None
    return Solution([*steps, _FINAL.format(tex(final))], [values[j] for j in range(len(ops))], final)


def _apply(op: type, a: Fraction, b: Fraction) -> Fraction:
    if op is ast.Add:
        return a + b
    if op is ast.Sub:
        return a - b
    if op is ast.Mult:
        return a * b
    return a / b


def wrong_solution(expr: str, step: int, kind: str) -> Solution | None:
    """A solution with one error of ``kind`` at operation ``step`` whose final answer is wrong, or None."""
    right = solution(expr)
    bad = solution(expr, fault=(step, kind))
    if right is None or bad is None or bad.final == right.final:
        return None
    return bad


def first_error(expr: str, steps: list[str]) -> int | None:
    """The first step that differs from the right solution (-1: none), comparing the claims; None if unknown."""
    right = solution(expr)
    if right is None:
        return None
    claims = [_CLAIM.search(s) for s in steps]
    j = 0
    for i, (text, m) in enumerate(zip(steps, claims)):
        if m is not None:
            if j >= len(right.values) or _norm(right.steps[j]) != _norm(f"Compute ${m.group(1)}$."):
                return i
            j += 1
        elif "\\boxed{" in text:
            box = _boxed(text)
            return -1 if j == len(right.values) and box is not None and parse_value(box) == right.final else i
    return -1


def _boxed(text: str) -> str | None:
    i = text.rindex("\\boxed{") + 7
    depth, j = 1, i
    while j < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        j += 1
    return text[i : j - 1] if depth == 0 else None


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _numbered(prefix: str) -> bool:
    return bool(re.search(r"^\s*Step \d+:", prefix, re.M))


def continue_math(expr: str, prefix: str, cfg: dict[str, Any], salt: Any) -> str:
    """The policy's continuation of ``prefix`` (the assistant's text so far)."""
    right = solution(expr)
    if right is None:
        return "I am not able to solve this problem."
    claims = _CLAIM.findall(prefix)
    given = [v for c in claims if (v := parse_value(c.rsplit("=", 1)[-1])) is not None][: len(right.values)]
    steps_in = [f"Compute ${c}$." for c in claims]
    clean = all(_norm(a) == _norm(b) for a, b in zip(steps_in, right.steps))
    draw = u(cfg.get("seed", 0), salt, prefix, "policy")
    m = len(given)
    rest: list[str]
    if clean and draw < float(cfg.get("q", 1.0)):
        rest = right.steps[m:]
    elif clean:  # a slip later on (in the final answer when no operation is left)
        remaining = len(right.values) - m
        j = m + int(u(cfg.get("seed", 0), salt, prefix, "where") * remaining) if remaining else None
        slipped = solution(expr, given, (j, "slip")) if j is not None else None
        rest = slipped.steps[m:] if slipped else [_FINAL.format(tex(right.final + 1))]
    elif draw < float(cfg.get("r", 0.0)):  # recovers: the right values from here on
        rest = right.steps[m:]
    else:  # the wrong value carried to the end
        carried = solution(expr, given)
        rest = carried.steps[m:] if carried else right.steps[m:]
    return _format(rest, m, prefix)


def _format(rest: list[str], done: int, prefix: str) -> str:
    if _numbered(prefix):
        return "\n".join(f"Step {done + i + 1}: {s}" for i, s in enumerate(rest))
    return "\n\n".join(rest)


# -- code --------------------------------------------------------------------------------------------------------


def _plan_and_code(text: str) -> tuple[list[str], list[str] | None]:
    """Plan paragraphs before the fence, and the code lines after it (None when the text has no fence)."""
    if "```" not in text:
        return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()], None
    head, _, rest = text.partition("```")
    body = rest.split("\n", 1)[1] if "\n" in rest else ""
    body = body.split("```")[0]
    return [p.strip() for p in re.split(r"\n\s*\n", head) if p.strip()], body.splitlines(keepends=True)


def continue_code(oracle: dict[str, Any], prefix: str, cfg: dict[str, Any], salt: Any) -> str:
    """The policy's continuation of a code solution's prefix (plan steps, then maybe some code lines)."""
    plan, lines = _plan_and_code(prefix)
    ref_plan, ref_code, bugs = oracle["plan"], oracle["code"], oracle["bugs"]
    wrong = None
    for i, p in enumerate(plan):
        if i < len(ref_plan) and p != ref_plan[i]:
            wrong = next((b for b in bugs if b.get("step") == i), bugs[0])
            break
    if wrong is None and lines:
        ref_lines = ref_code.splitlines(keepends=True)
        for i, ln in enumerate(lines):
            if i >= len(ref_lines) or ln != ref_lines[i]:
                wrong = next((b for b in bugs if ln in b["code"].splitlines(keepends=True)), bugs[0])
                break
    draw = u(cfg.get("seed", 0), salt, prefix, "policy")
    if wrong is None:
        if draw < float(cfg.get("q", 1.0)):
            program = ref_code
        else:
            code_bugs = [b for b in bugs if b.get("step") is None] or bugs
            program = code_bugs[int(u(cfg.get("seed", 0), salt, prefix, "bug") * len(code_bugs))]["code"]
    else:
        program = ref_code if draw < float(cfg.get("r", 0.0)) else wrong["code"]
    if lines is None:
        rest_plan = ref_plan[len(plan):]
        if wrong is not None and wrong.get("step") is not None and wrong["step"] >= len(plan):
            rest_plan = [wrong["plan"] if i + len(plan) == wrong["step"] else s for i, s in enumerate(rest_plan)]
        return "".join(s + "\n\n" for s in rest_plan) + "```python\n" + program + "```"
    have = len(lines)
    return "".join(program.splitlines(keepends=True)[have:]) + "```"


def code_first_error(oracle: dict[str, Any], paragraphs: list[str]) -> int:
    """The first paragraph that differs from the oracle's plan or code (-1: none)."""
    ref = [*oracle["plan"], oracle["code"]]
    for i, p in enumerate(paragraphs):
        body = p
        if p.lstrip().startswith("```"):
            body = p.split("\n", 1)[1] if "\n" in p else ""
            body = body.rsplit("```", 1)[0]
        if i >= len(ref) or _norm(body) != _norm(ref[i]):
            return i
    return -1


# -- the critic ----------------------------------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"<paragraph_\d+>\n?(.*?)\n?</paragraph_\d+>", text, re.S)]


def critique(truth: int | None, n: int, cfg: dict[str, Any], salt: Any) -> str:
    """A critique ending in ``\\boxed{k}``: the true first error with probability ``a``, another index otherwise."""
    seed = cfg.get("seed", 0)
    if u(seed, salt, "unreadable") < float(cfg.get("unreadable", 0.0)) or truth is None:
        return "The solution looks mostly fine, though I am not sure about some of it."
    k = truth
    if u(seed, salt, "accuracy") >= float(cfg.get("a", 1.0)):
        others = [i for i in range(-1, n) if i != truth]
        k = others[int(u(seed, salt, "other") * len(others))] if others else truth
    verdict = "No paragraph is wrong." if k == -1 else f"Paragraph {k} is the first wrong one."
    return f"I checked each paragraph in turn. {verdict}\n\n\\boxed{{{k}}}"


# -- one request -----------------------------------------------------------------------------------------------


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content or "")


def _problem(user: str) -> str:
    return user.rsplit("Problem:", 1)[1].strip() if "Problem:" in user else user.strip()


def sample_math(expr: str, cfg: dict[str, Any], salt: Any, style: str = "numbered") -> str | None:
    """A fresh solution: right with probability ``q``, else one slip or reasoning error (``reasoning`` share)."""
    right = solution(expr)
    if right is None:
        return None
    seed = cfg.get("seed", 0)
    steps = right.steps
    if u(seed, salt, "policy") >= float(cfg.get("q", 1.0)):
        kind = "reasoning" if u(seed, salt, "kind") < float(cfg.get("reasoning", 0.5)) else "slip"
        n = len(right.values)
        start = int(u(seed, salt, "where") * n)
        for j in [*range(start, n), *range(start)]:
            bad = wrong_solution(expr, j, kind) or wrong_solution(expr, j, "slip")
            if bad is not None:
                steps = bad.steps
                break
    return _format(steps, 0, "Step 1:" if style == "numbered" else "")


def answer(body: dict[str, Any], choice: int, cfg: dict[str, Any]) -> str | None:
    """The policy-and-critic model's reply to a chat request, or None when it is not one it plays."""
    policy = cfg.get("policy") or {}
    messages = body.get("messages") or []
    users = [m for m in messages if m.get("role") == "user"]
    if not users:
        return None
    user = _text(users[-1].get("content"))
    salt = (body.get("seed"), body.get("temperature"), choice)
    if "<paragraph_0>" in user:
        problem = user.split("[Problem]", 1)[-1].split("[Solution]", 1)[0].strip()
        paras = paragraphs(user)
        oracle = (cfg.get("oracle_plans") or {}).get(problem)
        if oracle is not None:
            truth: int | None = code_first_error(oracle, paras)
        else:
            from stepforge._testing.openai_server import find_expression

            expr = find_expression(problem)
            truth = first_error(expr, paras) if expr else None
        return critique(truth, len(paras), policy, (salt, user))
    continuing = body.get("continue_final_message") and messages[-1].get("role") == "assistant"
    prefix = _text(messages[-1].get("content")) if continuing else ""
    problem = _problem(user)
    oracle = (cfg.get("oracle_plans") or {}).get(problem)
    if oracle is not None:
        return continue_code(oracle, prefix, policy, salt)
    from stepforge._testing.openai_server import find_expression

    expr = find_expression(problem)
    if expr is None or _ops(expr) is None:
        return None
    if continuing:
        return continue_math(expr, prefix, policy, salt)
    return sample_math(expr, policy, (salt, user), cfg.get("style", "numbered"))


# -- data sets with known first errors (tests and benchmarks) -------------------------------------------------------


def expression(rng: Any, n_ops: int) -> str:
    """A random arithmetic expression with ``n_ops`` operations on small integers (no division by zero)."""
    expr = str(rng.randint(1, 12))
    for _ in range(n_ops):
        op = rng.choice(["+", "-", "*", "+", "-", "/"])
        b = str(rng.randint(1, 9))
        inner = f"({expr})" if any(c in expr for c in "+-*/") else expr
        expr = f"{inner} {op} {b}" if rng.random() < 0.5 else f"{b} {op} {inner}"
    return expr


def math_rows(count: int, seed: int = 0, *, wrong: float = 0.7, reasoning: float = 0.5, ops: tuple[int, int] = (3, 7),
              style: str = "numbered") -> list[dict[str, Any]]:
    """``count`` problems, each with one solution (a ``--responses`` file row) and its true first error
    (``truth``: -1 for a right solution; the step of the slip or reasoning error otherwise) and error ``kind``."""
    import random

    rng = random.Random(seed)
    rows = []
    while len(rows) < count:
        expr = expression(rng, rng.randint(*ops))
        right = solution(expr)
        if right is None:
            continue
        steps, truth, kind = right.steps, -1, None
        if rng.random() < wrong:
            kind = "reasoning" if rng.random() < reasoning else "slip"
            j = rng.randrange(len(right.values))
            bad = wrong_solution(expr, j, kind)
            if bad is None:
                continue
            steps, truth = bad.steps, j
        text = _format(steps, 0, "Step 1:" if style == "numbered" else "")
        rows.append({"id": f"expr-{len(rows)}", "problem": f"What is {expr}?", "answer": tex(right.final),
                     "responses": [text], "truth": truth, "kind": kind})
    return rows


def as_prm800k(row: dict[str, Any]) -> dict[str, Any]:
    """A ``math_rows`` row as a PRM800K phase-2 line: steps rated up to the first error (its step -1, the path ending
    there as a rater's does), the rest pre-generated and unrated; ``finish_reason`` found_error or solution."""
    steps, t = row["responses"][0].split("\n"), row["truth"]
    rated = steps if t < 0 else steps[: t + 1]
    return {"labeler": "policy_model", "timestamp": "2026-12-01T00:00:00", "generation": 1,
            "is_quality_control_question": False, "is_initial_screening_question": False,
            "question": {"problem": row["problem"], "ground_truth_answer": row["answer"], "pre_generated_steps": steps,
                         "pre_generated_answer": _boxed(steps[-1])},
            "label": {"steps": [{"completions": [{"text": s, "rating": -1 if i == t else 1, "flagged": None}],
                                 "human_completion": None, "chosen_completion": None if i == t else 0}
                                for i, s in enumerate(rated)],
                      "total_time": 1, "finish_reason": "found_error" if t >= 0 else "solution"}}


def as_processbench(row: dict[str, Any]) -> dict[str, Any]:
    """A ``math_rows`` row as a ProcessBench row (no reference answer: its verdict and first error only)."""
    return {"id": row["id"], "generator": "policy_model", "problem": row["problem"],
            "steps": row["responses"][0].split("\n"), "final_answer_correct": row["truth"] < 0, "label": row["truth"]}


def main(argv: list[str] | None = None) -> int:
    """``python -m stepforge._testing.policy_model N [--format F] [--seed S]``: N solutions with known first errors
    on stdout (``prm800k``, ``processbench``, or ``references``: their problem/answer rows), to rehearse relabelling
    against the loopback server."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m stepforge._testing.policy_model")
    p.add_argument("count", type=int)
    p.add_argument("--format", choices=("prm800k", "processbench", "references"), default="prm800k")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    write = {"prm800k": as_prm800k, "processbench": as_processbench,
             "references": lambda r: {"problem": r["problem"], "answer": r["answer"]}}[a.format]
    for row in math_rows(a.count, seed=a.seed):
        print(json.dumps(write(row)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
