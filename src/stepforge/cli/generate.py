"""``stepforge generate``: a run of verified, step-labelled traces written to a folder."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from pydantic import ValidationError

from stepforge.errors import UserError
from stepforge.pipeline import RunConfig, run


def _fraction(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate",
        help="generate, verify and label traces into a folder",
        description="Generate candidates, verify them, label every step and keep exactly COUNT verified traces.",
    )
    p.add_argument("--domain", required=True, help="math or code")
    p.add_argument("--count", type=int, required=True, help="number of kept traces to write (> 0)")
    p.add_argument("--seed", type=int, default=0, help="run seed: same seed, same data (default 0)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--generator", default="procedural", help="candidate source (default: procedural, offline)")
    p.add_argument("--positive-fraction", type=_fraction, default=0.5,
                   help="share of kept traces with a correct final answer (default 0.5)")
    p.add_argument("--families", help="comma-separated families or templates to draw from (default: all)")
    p.add_argument("--strategy", help="labelling strategy (default: the domain's own)")
    p.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    p.add_argument("--item-timeout", type=float, default=60.0, help="hard limit in seconds per item (default 60)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    mode.add_argument("--resume", action="store_true", help="continue the run in --out after an interruption")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    from stepforge.cli._openai import add_openai_arguments

    add_openai_arguments(p, with_common=False)
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    if args.count <= 0:
        raise UserError(f"--count must be a positive number of traces, got {args.count}")
    if args.workers is not None and args.workers <= 0:
        raise UserError(f"--workers must be positive, got {args.workers}")
    families = [f.strip() for f in args.families.split(",") if f.strip()] if args.families else None
    try:
        config = RunConfig(
            domain=args.domain, count=args.count, seed=args.seed, out=args.out, generator=args.generator,
            positive_fraction=args.positive_fraction, families=families, strategy=args.strategy,
            workers=args.workers, item_timeout=args.item_timeout, overwrite=args.overwrite,
            resume=args.resume, progress=not args.no_progress,
            command="stepforge " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"--{str(err['loc'][0]).replace('_', '-')}: {err['msg']}") from None
    if args.generator == "openai":
        from stepforge.cli._openai import options_from_args
        from stepforge.pipeline.openai import config_options, run_openai

        opts = options_from_args(args, args.out, resume=False)
        opts.count = args.count
        config = config.model_copy(update={"options": {**config.options, **config_options(opts)}})
        summary = run_openai(config, opts.client)
    else:
        summary = run(config)
    print(
        f"kept {summary.kept} traces ({summary.correct} correct, {summary.incorrect} incorrect), "
        f"rejected {summary.rejected}, in {summary.seconds:.1f}s -> {summary.out}"
    )
    return 1 if summary.stats.get("unanswered_problems") else 0  # openai: incomplete, finish with --resume
