"""``stepforge merge``: the folders of ``--shard i/N`` runs → the single run's folder (``stepforge.pipeline.merge``)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge",
        help="merge the folders of --shard runs into the single run",
        description="Merge the folders of shards 0/N .. N-1/N of one run: COUNT, the polarity quotas and the budget "
                    "are applied in item order over all of them, so the folder written is the single run's.",
    )
    p.add_argument("shards", nargs="+", metavar="SHARD_DIR", help="the shards' --out folders")
    p.add_argument("--out", required=True, help="the merged run's folder")
    p.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from stepforge.pipeline.merge import merge

    summary = merge([Path(s) for s in args.shards], Path(args.out), overwrite=args.overwrite,
                    progress=not args.no_progress, command="stepforge " + " ".join(shlex.quote(a) for a in sys.argv[1:]))
    print(f"kept {summary.kept} traces ({summary.correct} correct, {summary.incorrect} incorrect), "
          f"rejected {summary.rejected}, from {len(args.shards)} shards -> {summary.out}")
    return 0
