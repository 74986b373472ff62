"""``stepforge generate``: a run of verified, step-labelled traces written to a folder (``stepforge.pipeline.run``)."""

from __future__ import annotations

import argparse

from stepforge.cli._run_args import add_run_arguments, config_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate",
        help="generate, verify and label traces into a folder",
        description="Take candidates from a source (procedural, a model endpoint, or a file of responses), verify "
                    "them, label every step and keep up to COUNT verified traces.",
    )
    add_run_arguments(p)
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from stepforge.pipeline import run

    summary = run(config_from_args(args))
    print(
        f"kept {summary.kept} traces ({summary.correct} correct, {summary.incorrect} incorrect), "
        f"rejected {summary.rejected}, in {summary.seconds:.1f}s -> {summary.out}"
    )
    return 0 if summary.status == "complete" else 1  # incomplete: unanswered requests, finish with --resume
