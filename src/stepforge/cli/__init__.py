"""The ``stepforge`` command: thin argument parsing over the pipeline; each subcommand is one module here.

A subcommand module defines ``add_parser(subparsers)`` that registers its parser with ``func=run``,
where ``run(args) -> int``. Errors meant for the user are ``UserError``; they print as one line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from stepforge import __version__
from stepforge.errors import UserError


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and exit 2, like every other user error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or only of ``only`` (a module name): a quick command such as
    ``check-answer`` does not import the pipeline to answer."""
    parser = _Parser(
        prog="stepforge",
        description="Synthesise verifiable, step-labelled reasoning data.",
    )
    parser.add_argument("--version", action="version", version=f"stepforge {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_") and (only is None or info.name == only):
            importlib.import_module(f"{__name__}.{info.name}").add_parser(sub)
    return parser


def _module_of(argv: list[str]) -> str | None:
    """The subcommand module named first on the command line (``check-answer`` -> ``check_answer``)."""
    if not argv or argv[0].startswith("-"):
        return None
    name = argv[0].replace("-", "_")
    names = {i.name for i in pkgutil.iter_modules(__path__) if not i.name.startswith("_")}
    return name if name in names else None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(_module_of(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"stepforge: error: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:  # a file read without stepforge's own line-numbered reader
        print(f"stepforge: error: input is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stepforge: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # our output went to `head` or a closed pager: stop quietly
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except OSError as exc:  # a file the system refused us (permissions, disk full, a missing folder)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"stepforge: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
