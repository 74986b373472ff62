"""The Batch API as a resumable workflow over a run folder: the same run as ``generate --generator openai``, with
the client offline (answers come only from the request journal) and requests sent as batches.

``submit``: replay the run offline; what the journal lacks (under the budget, for as far as the run may need)
is submitted, split at the API's limits. ``status``: poll every batch. ``collect``: join results on ``custom_id``
into the journal, resubmit only failed, expired or missing requests; when nothing is missing, the run is written
(the same records ``generate --resume`` writes). ``export``/``import`` do the same through files, for servers
without a Batch API (``vllm run-batch``). The run's config is kept in ``OUT/batch/config.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepforge.errors import UserError
from stepforge.generators.llm import batch_api as B
from stepforge.generators.llm.client import ClientConfig, LLMClient
from stepforge.generators.llm.journal import Journal
from stepforge.generators.llm.options import JOURNAL_FILE
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.engine import RunSummary, run

CONFIG_FILE = "config.json"


def save_config(config: RunConfig) -> None:
    """The run's config beside its batches (never the API key), so later steps need only the folder."""
    store = config.out / "batch"
    store.mkdir(parents=True, exist_ok=True)
    data = config.model_dump(mode="json")
    data["client"] = {k: v for k, v in data.get("client", {}).items() if k != "api_key"}
    tmp = store / (CONFIG_FILE + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, store / CONFIG_FILE)


def load_config(out: Path) -> RunConfig:
    p = out / "batch" / CONFIG_FILE
    if not p.is_file():
        raise UserError(f"{out} holds no batch run (nothing submitted or exported yet)")
    try:
        return RunConfig.model_validate_json(p.read_text())
    except ValueError as exc:
        raise UserError(f"{p}: unreadable run config: {exc}"[:300]) from None


def _api(config: RunConfig) -> Any:
    client = ClientConfig.model_validate(config.client)
    if client.api_key is None:
        client.api_key = os.environ.get("OPENAI_API_KEY")
    return LLMClient(client).api()


def write_or_plan(config: RunConfig) -> RunSummary:
    """The run from the journal: written when nothing is missing, else ``status == "pending"`` with the requests
    still needed in ``pending`` (nothing written)."""
    return run(config.model_copy(update={"resume": True, "overwrite": False, "progress": False}), offline=True)


@dataclass
class Submitted:
    batches: int = 0
    requests: int = 0
    in_flight: int = 0
    unanswered: int = 0
    summary: RunSummary | None = None


async def _submit(config: RunConfig, max_requests: int, max_bytes: int) -> Submitted:
    store = B.BatchStore(config.out)
    store.state.max_requests, store.state.max_bytes = max_requests, max_bytes
    store.state.run = {"model": config.options.get("openai", {}).get("model"), "domain": config.domain}
    api = _api(config)
    try:
        await B.resume_unstarted(api, store)
        planned = await asyncio.to_thread(write_or_plan, config)
        busy = store.in_flight()
        made = await B.submit(api, store, planned.pending)
    finally:
        await api.close()
    return Submitted(batches=len(made), requests=sum(len(c.custom_ids) for c in made),
                     in_flight=len(set(planned.pending) & busy), unanswered=len(planned.pending),
                     summary=None if planned.status == "pending" else planned)


def submit(config: RunConfig, max_requests: int = B.MAX_REQUESTS, max_bytes: int = B.MAX_BYTES) -> Submitted:
    save_config(config)
    return asyncio.run(_submit(config, max_requests, max_bytes))


def status(out: Path) -> dict[str, Any]:
    config = load_config(out)
    store = B.BatchStore(out)
    if not store.state.chunks:
        raise UserError(f"{out}: nothing submitted yet (run `stepforge batch submit --out {out} ...`)")

    async def go() -> None:
        api = _api(config)
        try:
            await B.refresh(api, store)
        finally:
            await api.close()

    asyncio.run(go())
    rows = [{"chunk": c.index, "batch": c.batch_id, "status": c.status, "attempt": c.attempt,
             "requests": len(c.custom_ids), "completed": c.request_counts.get("completed", 0),
             "failed": c.request_counts.get("failed", 0), "collected": c.collected} for c in store.state.chunks]
    with Journal(out / JOURNAL_FILE) as journal:
        answered = sum(1 for cid in store.requests if cid in journal)
    return {"chunks": rows, "requests": len(store.requests), "answered": answered}


@dataclass
class Collected:
    answered: int = 0
    resubmitted: list[tuple[int, dict[str, int]]] = field(default_factory=list)  # (requests, reasons) per round
    gave_up: dict[str, int] = field(default_factory=dict)
    running: int = 0
    summary: RunSummary | None = None


def _reasons(failed: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for why in failed.values():
        counts[why] = counts.get(why, 0) + 1
    return dict(sorted(counts.items()))


def collect(out: Path, *, wait: float = 0.0, poll: float = 5.0, max_attempts: int = 3) -> Collected:
    """Fetch finished batches into the journal, resubmit failures (up to ``max_attempts`` submissions per
    request); once no batch runs, write the run if the journal answers everything it needs."""
    config = load_config(out)
    store = B.BatchStore(out)
    if not store.state.chunks:
        raise UserError(f"{out}: nothing submitted yet (run `stepforge batch submit --out {out} ...`)")
    result = Collected()

    async def go() -> None:
        api = _api(config)
        journal = Journal(out / JOURNAL_FILE)
        deadline = time.monotonic() + max(0.0, wait)
        try:
            while True:
                await B.resume_unstarted(api, store)
                answered, failed = await B.collect(api, store, journal)
                result.answered += answered
                attempts = {cid: c.attempt for c in store.state.chunks for cid in c.custom_ids}
                retry = {cid: store.requests[cid] for cid in failed if attempts.get(cid, 0) + 1 < max_attempts}
                for cid, why in failed.items():
                    if cid not in retry:
                        result.gave_up[why] = result.gave_up.get(why, 0) + 1
                if retry:
                    await B.submit(api, store, retry, attempt=max(attempts[c] for c in retry) + 1)
                    result.resubmitted.append((len(retry), _reasons(failed)))
                live = [c for c in store.state.chunks if not c.collected]
                if not live or time.monotonic() >= deadline:
                    break
                await asyncio.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        finally:
            journal.close()
            await api.close()

    asyncio.run(go())
    result.running = sum(1 for c in store.state.chunks if not c.collected)
    if not result.running:
        result.summary = write_or_plan(config)
    return result


def export(config: RunConfig, file: Path | None = None) -> tuple[Path, int, RunSummary]:
    """What the run still needs as one batch input file (``vllm run-batch -i FILE -o RESULTS``)."""
    save_config(config)
    store = B.BatchStore(config.out)
    planned = write_or_plan(config)
    store.add_requests(planned.pending)
    path = file or store.dir / "input.jsonl"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(b"".join(B.request_line(cid, body) for cid, body in planned.pending.items()))
    tmp.replace(path)
    return path, len(planned.pending), planned


def import_results(out: Path, results: Path) -> tuple[int, dict[str, int], RunSummary]:
    """Join a batch output file into the journal; the run is written when nothing is missing any more."""
    config = load_config(out)
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
    return len(got), _reasons(why), write_or_plan(config)
