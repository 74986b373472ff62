"""``stepforge label IN --strategy S --out DIR``: label solutions that already exist (stepforge's own traces or run
folder, PRM800K / ProcessBench / PRMBench / Math-Shepherd / TRL rows) with a strategy, the keep rule and the card
of a run: one run of the engine over the ``records`` source. Every strategy, the model-based ones included, with
the labelling-model flags of ``generate`` (``--rollout-model``, ``--judge-model``, ...)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from pydantic import ValidationError

from stepforge.cli._run_args import add_executor_arguments, add_labelling_arguments, executor_options, labelling
from stepforge.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "label",
        help="label existing solutions (any importable format) into a run folder",
        description="Label the solutions in IN (a stepforge run folder or traces file, or PRM800K, ProcessBench, "
                    "PRMBench, Math-Shepherd or TRL rows) with a strategy; keep those whose labels agree with the "
                    "verified outcome, as a run does. The labels already in IN are not read: compare them with "
                    "`stepforge eval-labels IN DIR`.",
    )
    p.add_argument("input", metavar="IN", help="labelled file (JSONL or one JSON document) or stepforge run folder")
    p.add_argument("--out", required=True, help="output folder (a run folder: traces, rejections, card)")
    p.add_argument("--strategy", help="labelling strategy (default: the domain's own)")
    p.add_argument("--fallback-strategy", dest="fallback_strategy", metavar="NAME",
                   help="strategy for wrong answers whose first error --strategy cannot locate (default: none)")
    p.add_argument("--format", help="input format (default: detected from the first row)")
    p.add_argument("--references", metavar="SPEC",
                   help="where rows without a reference answer of their own find their problem's: a comma list of "
                        "JSONL files of problem/answer rows (MATH, MATH500: with 'solution'; GSM8K: the worked answer "
                        "ending '#### N') and built-in sets ('gsm8k': GSM8K's test and train problems, 'math': MATH's "
                        "5,000 test problems, 'builtin': both), or 'none'; matched by problem text (whitespace "
                        "ignored), the first named wins; a reference solution is what a right answer's steps are "
                        "compared with (default: builtin)")
    p.add_argument("--count", type=int, help="stop after this many kept traces (default: the number of rows, so "
                                             "every row is labelled)")
    p.add_argument("--backend", default="local", help="sandbox backend for code solutions (default local)")
    p.add_argument("--workers", type=int, help="worker processes (default and most: one per core)")
    p.add_argument("--item-timeout", type=float, default=60.0, help="hard limit in seconds per row (default 60)")
    add_executor_arguments(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    mode.add_argument("--resume", action="store_true", help="continue the run in --out after an interruption")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_labelling_arguments(p, limits=True)
    p.set_defaults(func=run_command)


def config_from_args(args: argparse.Namespace):  # noqa: ANN201 - a RunConfig
    from stepforge.generators.sources.records import survey
    from stepforge.pipeline.config import RunConfig

    path = Path(args.input)
    if not path.exists():
        raise UserError(f"{path} does not exist")
    if args.count is not None and args.count <= 0:
        raise UserError(f"--count must be a positive number of traces, got {args.count}")
    if args.workers is not None and args.workers <= 0:
        raise UserError(f"--workers must be positive, got {args.workers}")
    executor_opts = executor_options(args)
    domain, rows = survey(path, args.format)
    options: dict = {"records": {"path": str(path.resolve()), "format": args.format}}
    from stepforge.generators.sources import references

    # a bad file fails here, before the run folder is made; the card names what was used
    options["records"]["references"] = ",".join(references.parse_spec(args.references)) or "none"
    references.load(args.references)
    strategy, models = labelling(args, "records", None, {})  # the labelling models and their settings
    if args.fallback_strategy:
        strategy["fallback"] = args.fallback_strategy
    if strategy:
        options["strategy"] = strategy
    try:
        return RunConfig(
            domain=domain, count=args.count or rows, out=Path(args.out), generator="records",
            positive_fraction=None, strategy=args.strategy, options=options, models=models, backend=args.backend,
            executor=args.executor, executor_options=executor_opts, workers=args.workers,
            item_timeout=args.item_timeout, overwrite=args.overwrite, resume=args.resume,
            progress=not args.no_progress, command="stepforge " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"--{str(err['loc'][0]).replace('_', '-')}: {err['msg']}") from None


def run_command(args: argparse.Namespace) -> int:
    from stepforge.pipeline import run

    summary = run(config_from_args(args))
    ungraded = summary.kept - summary.correct - summary.incorrect
    total = summary.kept + summary.rejected
    print(f"labelled {total} solution{'s' if total != 1 else ''}: kept {summary.kept} ({summary.correct} correct, "
          f"{summary.incorrect} incorrect, {ungraded} with no reference answer), rejected {summary.rejected}, in "
          f"{summary.seconds:.1f}s -> {summary.out}")
    reasons = summary.rejected_by_reason or {}
    if reasons:
        print("rejected: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])))
    unreferenced = sum(reasons.get(k, 0) for k in ("no_reference", "process_unverified", "first_error_uncertain"))
    located_none = reasons.get("error_not_located") and _draws_rollouts(args)
    first = _first(args) if located_none or unreferenced else None
    if located_none and not args.rollout_model and first is not None and not first.generation.generator.startswith(
            "procedural"):
        print("hint: with no --rollout-model, mc, binary_search and hybrid continue prefixes with the offline "
              "procedural completer, which continues only stepforge's own procedural solutions; name a policy: "
              "--rollout-model M --rollout-base-url URL")
    elif located_none and first is not None and not first.task.reference.answer:
        print("hint: these rows carry no reference answer (nor does --references hold their problems), so rollouts "
              "(mc, binary_search, hybrid) have nothing to reach and locate no error; give --references FILE "
              "(problem rows with their answers), or use the critic: --strategy judge")
    elif unreferenced and first is not None and not (first.task.reference.answer and first.task.reference.solution):
        print("hint: solutions without a reference answer or reference solution cannot be labelled by checks alone; "
              "give --references FILE (problem rows with their answers and solutions; GSM8K and MATH test problems "
              "are built in), or a model strategy with --fallback-strategy")
    return 0


def _draws_rollouts(args: argparse.Namespace) -> bool:
    """Whether the run's strategy or fallback continues prefixes (the default one does, given a policy model)."""
    import re

    names = {n for s in (args.strategy, args.fallback_strategy) if s for n in re.split(r"[:+]", s)}
    return bool(names & {"mc", "binary_search", "hybrid"}) or (not args.strategy and bool(args.rollout_model))


def _first(args: argparse.Namespace):  # noqa: ANN202 - a Trace or None
    """IN's first solution (whether rows carry a reference answer: ProcessBench, PRMBench and Math-Shepherd rows do
    not; whether they are stepforge's procedural ones, which the offline completer continues)."""
    from stepforge.datasets.eval_labels import labelled_traces
    from stepforge.generators.sources import references

    first = next(iter(labelled_traces(Path(args.input), args.format)), None)
    if first is None:
        return None
    refs = references.load(args.references)
    return first[0] if refs is None else references.with_reference(first[0], refs)
