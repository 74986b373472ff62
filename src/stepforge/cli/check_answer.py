"""``stepforge check-answer GOLD PRED`` or ``--in PAIRS.jsonl``: judge math answers, one JSON verdict per line."""

from __future__ import annotations

import argparse
import json
import sys

from stepforge.errors import UserError

_BATCH = 256


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "check-answer",
        help="judge predicted math answers against gold answers (JSON verdicts)",
        description="Extract and compare math answers; prints one JSON verdict per pair (verdict, rule, seconds, "
        "the extracted answers). With GOLD and PRED: exit 0 when equal, 1 otherwise. With --in: a JSONL file "
        "('-' for stdin) of objects with 'gold', 'pred' and optionally 'problem' and 'id'; exit 0 once every "
        "line has its verdict.",
    )
    p.add_argument("gold", metavar="GOLD", nargs="?", help="the gold answer (or a reference solution with \\boxed{})")
    p.add_argument("pred", metavar="PRED", nargs="?", help="the predicted answer or a whole solution")
    p.add_argument("--in", dest="infile", metavar="FILE", help="JSONL of pairs to judge ('-' reads stdin)")
    p.add_argument("--problem", default=None, help="the problem's text (what it asks decides restatements)")
    p.add_argument("--timeout", type=float, default=5.0, help="hard wall-clock limit per pair in seconds (default 5)")
    p.add_argument("--policy", default=None,
                   help="'grading' (default), 'reward', or overrides as JSON, e.g. '{\"percent\": \"strict\"}' "
                        "or '{\"name\": \"reward\", \"units\": \"require\"}'")
    p.set_defaults(func=run)


def _policy(text: str | None):  # noqa: ANN202
    from pydantic import ValidationError

    from stepforge.verifiers.math.policy import resolve

    if not text:
        return None
    try:
        value = json.loads(text) if text.lstrip().startswith("{") else text
        return resolve(value)
    except (json.JSONDecodeError, ValidationError, ValueError, KeyError) as exc:
        msg = str(exc).splitlines()
        raise UserError(f"bad --policy: {' '.join(m.strip() for m in msg[:3])}") from None


def _out(v, extra: dict | None = None) -> str:  # noqa: ANN001
    out = dict(extra or {})
    out.update({"verdict": v.verdict, "rule": v.rule, "seconds": v.seconds, "gold": v.gold, "pred": v.pred})
    if v.detail:
        out["detail"] = v.detail
    out["where"] = v.where
    out["versions"] = v.versions
    return json.dumps(out, ensure_ascii=False)


def _pairs(path: str):  # noqa: ANN202
    """(line number, gold, pred, problem, id) for each non-empty line; one-line errors for bad input."""
    if path == "-":
        fh = sys.stdin
    else:
        try:
            fh = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise UserError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise UserError(f"{path} is a folder, not a JSONL file") from None
    try:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if isinstance(row, list) and len(row) == 2:
                row = {"gold": row[0], "pred": row[1]}
            if not isinstance(row, dict) or not isinstance(row.get("gold"), str) or not isinstance(row.get("pred"), str):
                raise UserError(f"{path}:{n}: expected an object with string 'gold' and 'pred'")
            problem = row.get("problem")
            if problem is not None and not isinstance(problem, str):
                raise UserError(f"{path}:{n}: 'problem' must be a string")
            yield n, row["gold"], row["pred"], problem, row.get("id")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    finally:
        if fh is not sys.stdin:
            fh.close()


def run(args: argparse.Namespace) -> int:
    from stepforge.verifiers.math import check_answer, check_answers

    if not (args.timeout > 0):
        raise UserError("--timeout must be a positive number of seconds")
    policy = _policy(args.policy)
    if args.infile is not None:
        if args.gold is not None or args.pred is not None:
            raise UserError("give either GOLD PRED or --in FILE, not both")
        batch: list = []

        def flush() -> None:
            verdicts = check_answers([(g, p) for _, g, p, _, _ in batch], timeout=args.timeout, policy=policy,
                                     problems=[pr for _, _, _, pr, _ in batch])
            for (n, _, _, _, rid), v in zip(batch, verdicts):
                print(_out(v, {"id": rid} if rid is not None else {"line": n}), flush=False)
            sys.stdout.flush()
            batch.clear()

        for item in _pairs(args.infile):
            batch.append(item)
            if len(batch) >= _BATCH:
                flush()
        if batch:
            flush()
        return 0
    if args.gold is None or args.pred is None:
        raise UserError("give GOLD and PRED, or --in FILE")
    v = check_answer(args.gold, args.pred, timeout=args.timeout, policy=policy, problem=args.problem)
    print(_out(v))
    return 0 if v.equal else 1
