"""``stepforge batch submit|status|collect|export|import``: a run through the Batch API (or batch files, for servers
without one). The workflow is ``stepforge.pipeline.batch``; this module parses arguments and prints."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stepforge.cli._run_args import add_run_arguments, config_from_args

MAX_REQUESTS = 50_000  # the OpenAI Batch API's limits per input file
MAX_BYTES = 200 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="run the OpenAI source through the Batch API (submit, status, collect)")
    bsub = p.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    s = bsub.add_parser("submit", help="submit every request the run still needs")
    add_run_arguments(s, batch=True)
    s.add_argument("--max-requests", type=int, default=MAX_REQUESTS, help="requests per batch file")
    s.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="bytes per batch file")
    s.set_defaults(func=run)
    st = bsub.add_parser("status", help="poll and show the batches of a run")
    st.add_argument("--out", required=True, type=Path)
    st.add_argument("--json", action="store_true", help="print the state as JSON")
    st.set_defaults(func=run)
    c = bsub.add_parser("collect", help="fetch finished batches, resubmit failures, write traces when complete")
    c.add_argument("--out", required=True, type=Path)
    c.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="poll until all batches finish or SECONDS pass")
    c.add_argument("--poll", type=float, default=5.0, metavar="SECONDS", help="poll interval with --wait")
    c.add_argument("--max-attempts", type=int, default=3, help="submissions per request before giving up on it")
    c.set_defaults(func=run)
    e = bsub.add_parser("export", help="write what the run still needs as one batch input file (e.g. for "
                                       "`vllm run-batch -i FILE -o RESULTS`, where the server has no Batch API)")
    add_run_arguments(e, batch=True)
    e.add_argument("--file", type=Path, default=None, help="input file to write (default OUT/batch/input.jsonl)")
    e.set_defaults(func=run)
    i = bsub.add_parser("import", help="join a batch output file into the run; write the traces when complete")
    i.add_argument("--out", required=True, type=Path)
    i.add_argument("--results", required=True, type=Path, help="the output file (OpenAI batch output format)")
    i.set_defaults(func=run)


def _written(summary: object) -> None:
    s = summary  # a RunSummary
    if getattr(s, "status", "pending") == "pending":
        print(f"{len(s.pending)} requests still unanswered (a further budget round, or given up on): run "  # type: ignore[attr-defined]
              f"`stepforge batch submit` (or `export`) --out {s.out} again")  # type: ignore[attr-defined]
    else:
        print(f"kept {s.kept} traces ({s.correct} correct, {s.incorrect} incorrect), rejected {s.rejected} "  # type: ignore[attr-defined]
              f"-> {s.out}")  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    from stepforge.pipeline import batch

    cmd = args.batch_command
    if cmd == "submit":
        config = config_from_args(args, source="openai")
        r = batch.submit(config, args.max_requests, args.max_bytes)
        print(f"submitted {r.requests} requests in {r.batches} batches; {r.in_flight} already in flight; "
              f"{r.unanswered} unanswered in total")
        if r.summary is not None:
            print(f"nothing left to ask: run `stepforge batch collect --out {args.out}` to write the traces")
        return 0
    if cmd == "export":
        config = config_from_args(args, source="openai")
        path, n, _ = batch.export(config, args.file)
        print(f"wrote {n} requests to {path}")
        if not n:
            print(f"nothing left to ask: run `stepforge batch import --out {args.out} --results FILE` with the last "
                  "results")
        return 0
    if cmd == "status":
        st = batch.status(args.out)
        if args.json:
            print(json.dumps(st, indent=1))
            return 0
        print(f"{'chunk':>5} {'batch':<16} {'status':<12} {'try':>3} {'requests':>8} {'done':>6} {'failed':>6}  collected")
        for r in st["chunks"]:
            print(f"{r['chunk']:>5} {str(r['batch']):<16} {r['status']:<12} {r['attempt']:>3} {r['requests']:>8} "
                  f"{r['completed']:>6} {r['failed']:>6}  {'yes' if r['collected'] else 'no'}")
        print(f"{st['answered']} of {st['requests']} submitted requests answered")
        return 0
    if cmd == "import":
        got, why, summary = batch.import_results(args.out, args.results)
        print(f"joined {got} answers; {sum(why.values())} failed ({', '.join(f'{k}: {v}' for k, v in why.items()) or 'none'})")
        _written(summary)
        return 0
    c = batch.collect(args.out, wait=args.wait, poll=args.poll, max_attempts=args.max_attempts)
    for n, reasons in c.resubmitted:
        print(f"resubmitted {n} failed requests ({', '.join(f'{k}: {v}' for k, v in reasons.items())})")
    print(f"collected {c.answered} answers; {c.running} batches still running")
    if c.gave_up:
        print(f"gave up on {sum(c.gave_up.values())} requests after {args.max_attempts} submissions "
              f"({', '.join(f'{k}: {v}' for k, v in c.gave_up.items())})")
    if c.summary is None:
        print(f"run `stepforge batch collect --out {args.out}` again later")
    else:
        _written(c.summary)
    return 0
