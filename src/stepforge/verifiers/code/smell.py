"""A static scan for verifier-hacking constructs (exits, frame/gc access, test-framework patching).

In the strict io mode the scan is evidence only (outputs are compared in the parent anyway). In the
cooperative modes (assert-style, pytest), where tests run next to the candidate, a candidate that
smells cannot pass: the verdict is ``failed`` with rule ``hack_smell``.
"""

from __future__ import annotations

import ast

_MODULES = {"ctypes", "gc", "inspect", "signal", "atexit", "posix", "_posixsubprocess", "builtins",
            "unittest", "pytest", "_pytest", "pluggy", "importlib", "sys", "os", "subprocess", "threading",
            "multiprocessing", "faulthandler", "resource", "pty", "socket"}
_ATTRS = {"exit", "_exit", "_getframe", "f_back", "f_locals", "f_globals", "excepthook", "get_objects",
          "TestReport", "from_item_and_call", "skip", "SkipTest", "execv", "execve", "execl", "fork",
          "kill", "killpg", "setitimer", "settrace", "setprofile", "__builtins__", "__code__",
          "__globals__", "__subclasses__", "modules", "setrecursionlimit", "set_int_max_str_digits"}
_NAMES = {"exit", "quit", "SystemExit", "KeyboardInterrupt", "__import__", "exec", "eval", "compile",
          "globals", "breakpoint", "setattr", "delattr", "vars", "open"}
_DUNDERS = {"__eq__", "__ne__", "__hash__", "__bool__", "__del__", "__getattribute__", "__instancecheck__",
            "__subclasscheck__"}


def smells(source: str) -> list[str]:
    """Sorted, de-duplicated reasons; ``["syntax"]`` when the source does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ["syntax"]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(f"import {a.name}" for a in node.names if a.name.split(".")[0] in _MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.module and node.module.split(".")[0] in _MODULES:
                found.add(f"import {node.module}")
        elif isinstance(node, ast.Attribute) and node.attr in _ATTRS:
            found.add(f"attribute {node.attr}")
        elif isinstance(node, ast.Name) and node.id in _NAMES:
            found.add(f"name {node.id}")
        elif isinstance(node, ast.FunctionDef) and node.name in _DUNDERS:
            found.add(f"defines {node.name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
            "conftest" in node.value or node.value.endswith(".py") or node.value.endswith(".pth")
        ):
            found.add("writes python files")
    return sorted(found)
