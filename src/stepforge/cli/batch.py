"""``stepforge batch submit|status|collect|export|import``: the Batch API as a resumable workflow over a run folder.

submit: plan the run offline (what the journal does not answer yet, under the sampling budget) and submit it,
split at the API's limits. status: poll and print every batch. collect: join results on ``custom_id`` into the
journal, resubmit only failed, expired or missing requests; when nothing is left, write the traces (the same
records ``stepforge generate --generator openai --resume`` writes). Repeat submit/collect until complete.
export/import do the same through files, for servers without a Batch API (``vllm run-batch``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from stepforge.cli._openai import add_openai_arguments, options_from_args
from stepforge.errors import UserError

if TYPE_CHECKING:  # the openai package is slow to import: loaded only when a batch command runs
    from stepforge.generators.llm import batch as B
    from stepforge.generators.llm.run import RunOptions

MAX_REQUESTS = 50_000  # the OpenAI Batch API's limits per input file
MAX_BYTES = 200 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="run the OpenAI generator through the Batch API (submit, status, collect)")
    bsub = p.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    s = bsub.add_parser("submit", help="submit every request the run still needs")
    s.add_argument("--out", required=True, type=Path, help="run folder (created on first submit)")
    add_openai_arguments(s)
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
    e.add_argument("--out", required=True, type=Path, help="run folder (created on first export)")
    e.add_argument("--file", type=Path, default=None, help="input file to write (default OUT/batch/input.jsonl)")
    add_openai_arguments(e)
    e.set_defaults(func=run)
    i = bsub.add_parser("import", help="join a batch output file into the run; write the traces when complete")
    i.add_argument("--out", required=True, type=Path)
    i.add_argument("--results", required=True, type=Path, help="the output file (OpenAI batch output format)")
    i.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stepforge.generators.llm.run import load_options, save_options

    out: Path = args.out
    if args.batch_command in ("submit", "export"):
        out.mkdir(parents=True, exist_ok=True)
        opts = options_from_args(args, out, resume=True)
        save_options(out, opts)
        if args.batch_command == "export":
            return _export(opts, out, args.file)
        return asyncio.run(_submit(opts, out, args.max_requests, args.max_bytes))
    opts = load_options(out)
    import os

    opts.client.api_key = os.environ.get("OPENAI_API_KEY")
    if args.batch_command == "status":
        return asyncio.run(_status(opts, out, args.json))
    if args.batch_command == "import":
        return _import(opts, out, args.results)
    if asyncio.run(_collect(opts, out, args)):
        from stepforge.cli._openai import write_run

        write_run(opts, out)
    return 0


def _api(opts: RunOptions):  # noqa: ANN202
    from stepforge.generators.llm.client import LLMClient

    return LLMClient(opts.client)._openai()


async def _plan(opts: RunOptions, out: Path) -> dict[str, dict[str, Any]]:
    """What the run still needs, decided by the same verification and labelling as the final records."""
    from stepforge.cli._openai import batch_config
    from stepforge.pipeline.openai import plan_openai

    return await asyncio.to_thread(plan_openai, batch_config(opts, out), opts.client)


async def _submit(opts: RunOptions, out: Path, max_requests: int, max_bytes: int) -> int:
    from stepforge.generators.llm import batch as B

    store = B.BatchStore(out)
    store.state.max_requests, store.state.max_bytes = max_requests, max_bytes
    store.state.run = {"model": opts.model, "domain": opts.domain}
    api = _api(opts)
    try:
        await B.resume_unstarted(api, store)
        pending = await _plan(opts, out)
        busy = store.in_flight()
        made = await B.submit(api, store, pending)
    finally:
        await api.close()
    queued = sum(len(c.custom_ids) for c in made)
    print(
        f"submitted {queued} requests in {len(made)} batches; "
        f"{len(set(pending) & busy)} already in flight; {len(pending)} unanswered in total"
    )
    if not pending:
        print(f"nothing left to ask: run `stepforge batch collect --out {out}` to write the traces")
    return 0


def _table(store: B.BatchStore) -> list[dict[str, Any]]:
    return [
        {
            "chunk": c.index,
            "batch": c.batch_id,
            "status": c.status,
            "attempt": c.attempt,
            "requests": len(c.custom_ids),
            "completed": c.request_counts.get("completed", 0),
            "failed": c.request_counts.get("failed", 0),
            "collected": c.collected,
        }
        for c in store.state.chunks
    ]


async def _status(opts: RunOptions, out: Path, as_json: bool) -> int:
    from stepforge.generators.llm import batch as B
    from stepforge.generators.llm.journal import Journal
    from stepforge.generators.llm.run import JOURNAL_FILE

    store = B.BatchStore(out)
    if not store.state.chunks:
        raise UserError(f"{out}: nothing submitted yet (run `stepforge batch submit --out {out} ...`)")
    api = _api(opts)
    try:
        await B.refresh(api, store)
    finally:
        await api.close()
    rows = _table(store)
    journal = Journal(out / JOURNAL_FILE)
    answered = sum(1 for cid in store.requests if cid in journal)
    journal.close()
    if as_json:
        print(json.dumps({"chunks": rows, "requests": len(store.requests), "answered": answered}, indent=1))
        return 0
    print(f"{'chunk':>5} {'batch':<16} {'status':<12} {'try':>3} {'requests':>8} {'done':>6} {'failed':>6}  collected")
    for r in rows:
        print(
            f"{r['chunk']:>5} {str(r['batch']):<16} {r['status']:<12} {r['attempt']:>3} {r['requests']:>8} "
            f"{r['completed']:>6} {r['failed']:>6}  {'yes' if r['collected'] else 'no'}"
        )
    print(f"{answered} of {len(store.requests)} submitted requests answered")
    return 0


async def _collect(opts: RunOptions, out: Path, args: argparse.Namespace) -> bool:
    """True when no batch is running any more (the traces can be written if nothing else is missing)."""
    from stepforge.generators.llm import batch as B
    from stepforge.generators.llm.journal import Journal
    from stepforge.generators.llm.run import JOURNAL_FILE

    store = B.BatchStore(out)
    if not store.state.chunks:
        raise UserError(f"{out}: nothing submitted yet (run `stepforge batch submit --out {out} ...`)")
    api = _api(opts)
    journal = Journal(out / JOURNAL_FILE)
    deadline = time.monotonic() + max(0.0, args.wait)
    total_answered, gave_up = 0, {}
    try:
        while True:
            await B.resume_unstarted(api, store)
            answered, failed = await B.collect(api, store, journal)
            total_answered += answered
            attempts = {cid: c.attempt for c in store.state.chunks for cid in c.custom_ids}
            retry = {cid: store.requests[cid] for cid in failed if attempts.get(cid, 0) + 1 < args.max_attempts}
            gave_up.update({cid: why for cid, why in failed.items() if cid not in retry})
            if retry:
                nxt = max(attempts[c] for c in retry) + 1
                made = await B.submit(api, store, retry, attempt=nxt)
                print(f"resubmitted {len(retry)} failed requests ({_reasons(failed)}) in {len(made)} batches")
            live = [c for c in store.state.chunks if not c.collected]
            if not live or time.monotonic() >= deadline:
                break
            await asyncio.sleep(min(args.poll, max(0.0, deadline - time.monotonic())))
    finally:
        journal.close()
        await api.close()
    live = [c for c in store.state.chunks if not c.collected]
    print(f"collected {total_answered} answers; {len(live)} batches still running")
    if gave_up:
        print(f"gave up on {len(gave_up)} requests after {args.max_attempts} submissions ({_reasons(gave_up)})")
    if live:
        print(f"run `stepforge batch collect --out {out}` again later")
        return False
    return True


def _reasons(failed: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for why in failed.values():
        counts[why] = counts.get(why, 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))


def _export(opts: RunOptions, out: Path, file: Path | None) -> int:
    from stepforge.generators.llm import batch as B

    store = B.BatchStore(out)
    pending = asyncio.run(_plan(opts, out))
    store.add_requests(pending)
    path = file or store.dir / "input.jsonl"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(b"".join(B.request_line(cid, body) for cid, body in pending.items()))
    tmp.replace(path)
    print(f"wrote {len(pending)} requests to {path}")
    if not pending:
        print(f"nothing left to ask: run `stepforge batch import --out {out} --results FILE` with the last results")
    return 0


def _import(opts: RunOptions, out: Path, results: Path) -> int:
    from stepforge.cli._openai import write_run
    from stepforge.generators.llm import batch as B
    from stepforge.generators.llm.journal import Journal
    from stepforge.generators.llm.run import JOURNAL_FILE

    if not results.is_file():
        raise UserError(f"--results {results}: no such file")
    rows = []
    for n, line in enumerate(results.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError:
                raise UserError(f"{results}:{n}: not a JSON line") from None
    store = B.BatchStore(out)
    with Journal(out / JOURNAL_FILE) as journal:
        got, why = B.join(rows, set(store.requests), store, journal)
    print(f"joined {len(got)} answers; {len(why)} failed ({_reasons(why) or 'none'})")
    write_run(opts, out)
    return 0
