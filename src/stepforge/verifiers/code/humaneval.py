"""HumanEval rows as CodeTasks: ``assert candidate(...) == ...`` lines become parent-compared io tests.

The test module is dataset code (trusted): its argument and expected expressions are evaluated here, in
the parent. Statements that cannot be converted (loops over random inputs, helper calls on the result)
are kept as a residual assert-style ``check`` that runs next to the candidate (cooperative guarantee).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from stepforge.verifiers.code.task import CodeTask, IOTest
from stepforge.verifiers.code.values import plain


def module_for(code: str, prompt: str, entry_point: str) -> str:
    """The module to run for a HumanEval-style answer: the code, completed with the prompt when it lacks the function
    (a bare body) or the prompt's imports (``from typing import List`` and the like)."""
    # blanks of one line only: "^\s*" spanned blank lines and rescanned them from each line start (quadratic)
    if not re.search(rf"^[^\S\n]*(?:async\s+)?def\s+{re.escape(entry_point)}\b", code, re.M):
        return prompt + code
    imports = [ln for ln in prompt.splitlines() if ln.startswith(("import ", "from ")) and ln not in code]
    return "\n".join(imports) + ("\n" if imports else "") + code


def _is_candidate_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "candidate"
            and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args))


def _mentions_candidate(nodes: list[ast.AST]) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "candidate" for node in nodes for n in ast.walk(node))


def _eval(node: ast.AST, env: dict[str, Any]) -> Any:
    return eval(compile(ast.Expression(body=node), "<test>", "eval"), dict(env))  # trusted dataset code


def _convert(stmt: ast.stmt, env: dict[str, Any]) -> IOTest | None | bool:
    """An IOTest, ``True`` for a statement that can be dropped (``assert True``), else ``None``."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True
    if not isinstance(stmt, ast.Assert):
        return None
    t = stmt.test
    if isinstance(t, ast.Constant) and t.value:
        return True
    try:
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and _is_candidate_call(t.left):
            call, right = t.left, t.comparators[0]
            if _mentions_candidate([*call.args, right]):
                return None
            args = [_eval(a, env) for a in call.args]
            if isinstance(t.ops[0], ast.Eq):
                return IOTest(args=args, expected=_eval(right, env))
            if isinstance(t.ops[0], ast.Is) and isinstance(right, ast.Constant) and right.value in (True, False, None):
                return IOTest(args=args, expected=right.value)
            return None
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], (ast.Lt, ast.LtE)):
            left = t.left  # abs(candidate(...) - E) < tol
            if (isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "abs"
                    and len(left.args) == 1 and isinstance(left.args[0], ast.BinOp)
                    and isinstance(left.args[0].op, ast.Sub) and _is_candidate_call(left.args[0].left)):
                call, right = left.args[0].left, left.args[0].right
                if _mentions_candidate([*call.args, right, t.comparators[0]]):
                    return None
                tol = float(_eval(t.comparators[0], env))
                exp = _eval(right, env)
                if type(exp) is int:
                    exp = float(exp)
                return IOTest(args=[_eval(a, env) for a in call.args], expected=exp, tol=tol)
            return None
        if _is_candidate_call(t) and not _mentions_candidate(t.args):
            return IOTest(args=[_eval(a, env) for a in t.args], expect="truthy")
        if (isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not) and _is_candidate_call(t.operand)
                and not _mentions_candidate(t.operand.args)):
            return IOTest(args=[_eval(a, env) for a in t.operand.args], expect="falsy")
    except Exception:  # not evaluable in the parent (uses a local of check) or not plain data
        return None
    return None


def convert_tests(test_src: str) -> tuple[list[IOTest], str | None]:
    """(io tests, residual check source or None) from a HumanEval ``test`` field."""
    mod = ast.parse(test_src)
    env: dict[str, Any] = {}
    header = [n for n in mod.body if not (isinstance(n, ast.FunctionDef) and n.name == "check")]
    exec(compile(ast.Module(body=header, type_ignores=[]), "<test>", "exec"), env)  # trusted dataset code
    checks = [n for n in mod.body if isinstance(n, ast.FunctionDef) and n.name == "check"]
    if len(checks) != 1:
        return [], test_src
    fn = checks[0]
    tests: list[IOTest] = []
    residual: list[ast.stmt] = []
    for stmt in fn.body:
        got = _convert(stmt, env)
        if isinstance(got, IOTest) and plain(got.args):
            tests.append(got)
        elif got is None:
            residual.append(stmt)
    if not residual:
        return tests, None
    fn2 = ast.FunctionDef(name="check", args=fn.args, body=residual, decorator_list=[], returns=None,
                          type_comment=None)
    new = ast.Module(body=[*header, fn2], type_ignores=[])
    return tests, ast.unparse(ast.fix_missing_locations(new))


def task_from_row(row: dict[str, Any], *, timeout_s: float = 10.0, hidden_fraction: float = 0.0) -> CodeTask:
    """A CodeTask from a HumanEval row. With ``hidden_fraction`` > 0 the last tests become hidden."""
    for key in ("task_id", "prompt", "test", "entry_point"):
        if key not in row:
            raise ValueError(f"HumanEval row lacks {key!r}")
    tests, residual = convert_tests(row["test"])
    n_hidden = int(len(tests) * hidden_fraction)
    visible, hidden = tests[: len(tests) - n_hidden], tests[len(tests) - n_hidden:]
    return CodeTask(
        task_id=row["task_id"],
        entry_point=row["entry_point"],
        prompt=row["prompt"],
        io_tests=visible,
        hidden_io_tests=hidden,
        test_code=residual,
        timeout_s=timeout_s,
    )
