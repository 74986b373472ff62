"""``stepforge check-answer GOLD PRED``: judge one math answer and print the verdict as JSON."""

from __future__ import annotations

import argparse
import json

from stepforge.errors import UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "check-answer",
        help="judge a predicted math answer against a gold answer (JSON verdict)",
        description="Extract and compare a math answer; prints verdict, rule, seconds and the extracted answers. "
        "Exit 0 when equal, 1 otherwise.",
    )
    p.add_argument("gold", metavar="GOLD", help="the gold answer (or a reference solution with \\boxed{})")
    p.add_argument("pred", metavar="PRED", help="the predicted answer or a whole solution")
    p.add_argument("--timeout", type=float, default=5.0, help="hard wall-clock limit in seconds (default 5)")
    p.add_argument("--policy", default=None, help='policy overrides as JSON, e.g. \'{"percent": "strict"}\'')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from stepforge.verifiers.math import MathPolicy, check_answer

    if not (args.timeout > 0):
        raise UserError("--timeout must be a positive number of seconds")
    policy = None
    if args.policy:
        try:
            policy = MathPolicy.model_validate(json.loads(args.policy))
        except (json.JSONDecodeError, ValidationError) as exc:
            msg = str(exc).splitlines()
            raise UserError(f"bad --policy: {' '.join(m.strip() for m in msg[:3])}") from None
    v = check_answer(args.gold, args.pred, timeout=args.timeout, policy=policy)
    out = {"verdict": v.verdict, "rule": v.rule, "seconds": v.seconds, "gold": v.gold, "pred": v.pred}
    if v.detail:
        out["detail"] = v.detail
    out["versions"] = v.versions
    print(json.dumps(out, ensure_ascii=False))
    return 0 if v.equal else 1
