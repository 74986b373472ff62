"""The OpenAI Batch API as a resumable workflow: submit, status, collect; answers land in the request journal.

Requests are keyed as everywhere else (``custom_id`` = the request key), written to JSONL files split at the
API's request-count and size limits, uploaded and run as batches. The state file records every chunk as soon as
it exists, so a killed ``submit`` never submits a request twice. ``collect`` joins results on ``custom_id`` (they
come back in any order), journals the answered ones and resubmits only what failed, expired or is missing.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import openai
from pydantic import BaseModel, ConfigDict, Field

from stepforge.errors import UserError
from stepforge.generators.llm.client import classify
from stepforge.generators.llm.journal import Journal, request_key

MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
ENDPOINT = "/v1/chat/completions"
TERMINAL = ("completed", "failed", "expired", "cancelled")


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid")
    index: int
    custom_ids: list[str]
    bytes: int
    attempt: int = 0
    input_file_id: str | None = None
    batch_id: str | None = None
    status: str = "new"
    request_counts: dict[str, int] = Field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list)
    collected: bool = False


class BatchState(BaseModel):
    """Everything ``status`` and ``collect`` need: the run options and every chunk ever made."""

    model_config = ConfigDict(extra="forbid")
    run: dict[str, Any] = Field(default_factory=dict)
    chunks: list[Chunk] = Field(default_factory=list)
    max_requests: int = MAX_REQUESTS
    max_bytes: int = MAX_BYTES


class BatchStore:
    """``DIR/batch/state.json`` (replaced atomically) and ``DIR/batch/requests.jsonl`` (custom_id -> body)."""

    def __init__(self, out: str | Path) -> None:
        self.dir = Path(out) / "batch"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state_path = self.dir / "state.json"
        self.requests_path = self.dir / "requests.jsonl"
        self.state = BatchState.model_validate_json(self.state_path.read_text()) if self.state_path.exists() else BatchState()
        self.requests: dict[str, dict[str, Any]] = {}
        if self.requests_path.exists():
            for line in self.requests_path.read_text().splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    break  # a partial last line from a kill
                self.requests[row["custom_id"]] = row["body"]

    def save(self) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(self.state.model_dump_json(indent=1))
        os.replace(tmp, self.state_path)

    def add_requests(self, bodies: dict[str, dict[str, Any]]) -> None:
        new = {k: b for k, b in bodies.items() if k not in self.requests}
        if new:
            with self.requests_path.open("a") as f:
                for k, b in new.items():
                    f.write(json.dumps({"custom_id": k, "body": b}, ensure_ascii=False) + "\n")
            self.requests.update(new)

    def in_flight(self) -> set[str]:
        """custom_ids in chunks whose results are not collected yet."""
        return {cid for c in self.state.chunks if not c.collected for cid in c.custom_ids}


def request_line(custom_id: str, body: dict[str, Any]) -> bytes:
    row = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def split(lines: list[tuple[str, bytes]], max_requests: int, max_bytes: int) -> list[list[tuple[str, bytes]]]:
    """Consecutive chunks of at most ``max_requests`` lines and ``max_bytes`` bytes (one line never splits)."""
    chunks: list[list[tuple[str, bytes]]] = []
    cur: list[tuple[str, bytes]] = []
    size = 0
    for cid, line in lines:
        if len(line) > max_bytes:
            raise UserError(f"request {cid} alone is {len(line)} bytes, over the batch file limit of {max_bytes}")
        if cur and (len(cur) >= max_requests or size + len(line) > max_bytes):
            chunks.append(cur)
            cur, size = [], 0
        cur.append((cid, line))
        size += len(line)
    if cur:
        chunks.append(cur)
    return chunks


async def submit(client: openai.AsyncOpenAI, store: BatchStore, bodies: dict[str, dict[str, Any]], attempt: int = 0) -> list[Chunk]:
    """Upload and start batches for ``bodies`` not already in flight; each chunk is saved before its upload."""
    store.add_requests(bodies)
    busy = store.in_flight()
    todo = [(cid, request_line(cid, b)) for cid, b in bodies.items() if cid not in busy]
    models = {b["model"] for b in bodies.values()}
    if len(models) > 1:
        raise UserError(f"one model per batch; got {sorted(models)}")
    made = []
    for part in split(todo, store.state.max_requests, store.state.max_bytes):
        chunk = Chunk(
            index=len(store.state.chunks),
            custom_ids=[cid for cid, _ in part],
            bytes=sum(len(x) for _, x in part),
            attempt=attempt,
        )
        store.state.chunks.append(chunk)
        store.save()
        await _start(client, store, chunk, b"".join(x for _, x in part))
        made.append(chunk)
    return made


async def _start(client: openai.AsyncOpenAI, store: BatchStore, chunk: Chunk, data: bytes) -> None:
    f = await client.files.create(file=(f"stepforge-{chunk.index}.jsonl", io.BytesIO(data)), purpose="batch")
    chunk.input_file_id = f.id
    store.save()
    b = await client.batches.create(
        input_file_id=f.id, endpoint=ENDPOINT, completion_window="24h", metadata={"stepforge_chunk": str(chunk.index)}
    )
    chunk.batch_id, chunk.status = b.id, b.status
    store.save()


async def resume_unstarted(client: openai.AsyncOpenAI, store: BatchStore) -> None:
    """Chunks saved but never started (a kill during submit) are started now, from the stored requests."""
    for chunk in store.state.chunks:
        if chunk.batch_id is None and not chunk.collected:
            data = b"".join(request_line(cid, store.requests[cid]) for cid in chunk.custom_ids)
            await _start(client, store, chunk, data)


async def refresh(client: openai.AsyncOpenAI, store: BatchStore) -> list[Chunk]:
    """Poll every uncollected chunk; returns them with fresh status and counts."""
    live = [c for c in store.state.chunks if not c.collected and c.batch_id]
    for chunk in live:
        b = await client.batches.retrieve(chunk.batch_id)  # type: ignore[arg-type]
        chunk.status = b.status
        if b.request_counts is not None:
            chunk.request_counts = b.request_counts.model_dump()
        chunk.output_file_id, chunk.error_file_id = b.output_file_id, b.error_file_id
        if b.errors and b.errors.data:
            chunk.errors = [e.model_dump() for e in b.errors.data]
    store.save()
    return live


async def _lines(client: openai.AsyncOpenAI, file_id: str | None) -> list[dict[str, Any]]:
    if not file_id:
        return []
    content = await client.files.content(file_id)
    rows = []
    for line in content.text.splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def join(
    rows: list[dict[str, Any]], wanted: set[str], store: BatchStore, journal: Journal
) -> tuple[set[str], dict[str, str]]:
    """Result lines (any order; the OpenAI and ``vllm run-batch`` output format) into the journal, joined on
    ``custom_id``: returns the answered ids and, for failed ones, why."""
    got: set[str] = set()
    why: dict[str, str] = {}
    for row in rows:
        cid = row.get("custom_id")
        if cid not in wanted or cid in got:
            continue
        resp = row.get("response") or {}
        if resp.get("status_code") == 200 and isinstance(resp.get("body"), dict) and not row.get("error"):
            body = store.requests[cid]
            if request_key(body) != cid:
                raise UserError(f"batch store corrupted: custom_id {cid} does not match its request")
            journal.put(cid, {"request": body, "response": resp["body"], "status": classify(resp["body"]), "via": "batch"})
            got.add(cid)
            why.pop(cid, None)
        else:
            err = row.get("error") or (resp.get("body") or {}).get("error") or {}
            why[cid] = str(err.get("code") or err.get("type") or resp.get("status_code") or "error")
    return got, why


async def collect(client: openai.AsyncOpenAI, store: BatchStore, journal: Journal) -> tuple[int, dict[str, str]]:
    """Journal the answers of finished chunks; returns (answered count, {custom_id: why it failed})."""
    await refresh(client, store)
    answered, failed = 0, {}
    for chunk in store.state.chunks:
        if chunk.collected or chunk.status not in TERMINAL:
            continue
        rows = await _lines(client, chunk.output_file_id) + await _lines(client, chunk.error_file_id)
        got, why = join(rows, set(chunk.custom_ids), store, journal)
        answered += len(got)
        for cid in set(chunk.custom_ids) - got:
            failed[cid] = why.get(cid) or (chunk.status if chunk.status != "completed" else "missing")
        chunk.collected = True
        store.save()
    return answered, failed
