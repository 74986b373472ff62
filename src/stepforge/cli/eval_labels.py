"""``stepforge eval-labels GOLD PRED``: how well PRED's step labels agree with GOLD's on the same solutions."""

from __future__ import annotations

import argparse
from pathlib import Path

from stepforge.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    from stepforge.datasets.eval_labels import FORMATS

    p = sub.add_parser(
        "eval-labels",
        help="compare two labelled files: ProcessBench accuracy/F1, step precision/recall, kept precision, yield",
        description="Compare PRED's step labels with GOLD's on the same solutions (paired by id, else by prompt "
                    "and step texts). Either may be a stepforge run folder or traces file, or rows of "
                    f"{', '.join(f for f in FORMATS if f != 'stepforge')} (detected from the keys). Prints "
                    "ProcessBench's accuracy on erroneous and on correct solutions and their F1, step-level "
                    "precision and recall of -1, the first-error offset histogram, kept precision and yield "
                    "under the keep rule, and the labelling cost per trace.",
    )
    p.add_argument("gold", type=Path, metavar="GOLD", help="the reference labels")
    p.add_argument("pred", type=Path, metavar="PRED", help="the labels to evaluate")
    p.add_argument("--gold-format", choices=FORMATS, help="GOLD's format (default: detected)")
    p.add_argument("--pred-format", choices=FORMATS, help="PRED's format (default: detected)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--out", type=Path, help="also write the JSON to this file")
    p.set_defaults(func=run)


def _nothing_paired(gold: Path, pred: Path, gold_n: int, pred_n: int) -> str:
    """Why no solution was compared: a file with none, or two files with none in common."""
    empty = [str(p) for p, n in ((gold, gold_n), (pred, pred_n)) if n == 0]
    if empty:
        return f"{' and '.join(empty)}: no labelled solutions in {'them' if len(empty) > 1 else 'it'}"
    return (f"no solution of {pred} ({pred_n}) is one of {gold} ({gold_n}): solutions are paired by id, else by "
            "problem and step texts")


def run(args: argparse.Namespace) -> int:
    from stepforge.datasets.eval_labels import evaluate_files, render_table, to_json

    ev = evaluate_files(args.gold, args.pred, gold_format=args.gold_format, pred_format=args.pred_format)
    if ev.matched == 0:  # nothing to compare: a table of zeros would read as a result
        raise UserError(_nothing_paired(args.gold, args.pred, ev.gold_only, ev.pred_only))
    text = to_json(ev)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text if args.json else render_table(ev))
    return 0
