"""Mutants of a reference solution, to measure whether tests can tell a wrong solution from a right one.

Classic mutation operators on the AST (comparison and arithmetic operator swaps, integer constants off by one,
``and``/``or`` swaps, negated conditions, a returned value replaced by ``None``), one change per mutant, in a
fixed order; only mutants that still parse and differ from the original are returned. Pure text: nothing runs.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator

_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv}


def _sites(tree: ast.AST) -> list[tuple[int, str]]:
    """(node number in walk order, kind) for every place a mutation applies."""
    out = []
    for i, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _CMP_SWAP:
            out.append((i, "cmp"))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP:
            out.append((i, "binop"))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            out += [(i, "plus1"), (i, "minus1")]
        elif isinstance(node, ast.BoolOp):
            out.append((i, "boolop"))
        elif isinstance(node, (ast.If, ast.While)):
            out.append((i, "negate"))
        elif isinstance(node, ast.Return) and node.value is not None:
            out.append((i, "return_none"))
    return out


def _apply(tree: ast.AST, index: int, kind: str) -> ast.AST:
    new = copy.deepcopy(tree)
    node = list(ast.walk(new))[index]
    if kind == "cmp":
        node.ops[0] = _CMP_SWAP[type(node.ops[0])]()  # type: ignore[attr-defined]
    elif kind == "binop":
        node.op = _BIN_SWAP[type(node.op)]()  # type: ignore[attr-defined]
    elif kind == "plus1":
        node.value += 1  # type: ignore[attr-defined]
    elif kind == "minus1":
        node.value -= 1  # type: ignore[attr-defined]
    elif kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()  # type: ignore[attr-defined]
    elif kind == "negate":
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)  # type: ignore[attr-defined]
    elif kind == "return_none":
        node.value = ast.Constant(value=None)  # type: ignore[attr-defined]
    return ast.fix_missing_locations(new)


def mutants(source: str, limit: int = 20) -> Iterator[tuple[str, str]]:
    """Up to ``limit`` distinct (operator, mutant source) pairs of ``source``, spread over its mutation sites."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    original = ast.unparse(tree)
    sites = _sites(tree)
    if not sites:
        return
    step = max(1, len(sites) // limit)
    seen = {original}
    made = 0
    for index, kind in sites[::step]:
        text = ast.unparse(_apply(tree, index, kind))
        if text in seen:
            continue
        seen.add(text)
        yield kind, text
        made += 1
        if made >= limit:
            return
