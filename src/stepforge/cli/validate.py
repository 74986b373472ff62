"""``stepforge validate``: check that a run folder or a JSONL file holds valid ``stepforge/1`` records."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from stepforge.errors import UserError
from stepforge.schema import Rejection, Trace


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check records against the stepforge/1 schema",
                       description="Validate traces.jsonl / rejected.jsonl (a run folder or one file).")
    p.add_argument("path", type=Path, help="a run folder or a .jsonl file")
    p.set_defaults(func=run)


def _check(path: Path, model: type[Trace] | type[Rejection]) -> tuple[int, list[str]]:
    n, errors = 0, []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            n += 1
            try:
                model.model_validate(json.loads(line))
            except ValueError as exc:
                if isinstance(exc, ValidationError):
                    err = exc.errors()[0]
                    msg = f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}"
                else:
                    msg = f"not JSON ({exc})"
                errors.append(f"{path}:{line_no}: {msg}")
    return n, errors


def run(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.is_dir():
        files = [(path / "traces.jsonl", Trace), (path / "rejected.jsonl", Rejection)]
        files = [(f, m) for f, m in files if f.exists()]
        if not files:
            raise UserError(f"{path} holds no traces.jsonl or rejected.jsonl")
    elif path.is_file():
        files = [(path, Rejection if path.name.startswith("rejected") else Trace)]
    else:
        raise UserError(f"no such file or folder: {path}")
    bad = 0
    for f, model in files:
        n, errors = _check(f, model)
        for e in errors[:20]:
            print(e)
        bad += len(errors)
        print(f"{f}: {n - len(errors)} of {n} records valid ({model.__name__}, stepforge/1)")
    return 1 if bad else 0
