"""A ``stepforge generate --generator openai`` run: problems → budgeted sampling → verify → label → files.

Each problem is sampled under the budget (stop once K verified solutions exist); every candidate is verified
and labelled by the domain's strategy in a killable worker, and becomes a kept trace or a rejection. Records
are written problem by problem in problem order, with ids derived from (task, request, choice). Resume: the
request journal answers everything already answered (nothing is sent twice), the run replays
deterministically, and records whose id is already on disk are not written again — so a resumed run ends
with exactly the records of an uninterrupted one. The card adds token and cost accounting from the journal.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from stepforge._pool import DeadlinePool
from stepforge._seeding import derive_id
from stepforge.datasets import card as _card
from stepforge.datasets import io
from stepforge.errors import UserError
from stepforge.generators.base import Candidate as PipelineCandidate
from stepforge.generators.llm.client import ClientConfig
from stepforge.generators.llm.generator import Candidate, ProblemResult
from stepforge.generators.llm.journal import Journal
from stepforge.generators.llm.run import JOURNAL_FILE, RunOptions, load_tasks, run_async, save_options
from stepforge.pipeline import _llm_judge
from stepforge.pipeline.config import RunConfig
from stepforge.pipeline.records import build_trace, disagreement, reject
from stepforge.schema import Outcome, Rejection, Segmentation, Task, Trace

CODE_VERIFIER = "stepforge.verifiers.code"


def to_candidate(c: Candidate, index: int) -> PipelineCandidate:
    """The generator's candidate as the pipeline's: steps, spans, segmentation, and where it came from."""
    parsed = list(c.parsed.steps)
    if c.domain == "code" and parsed and any(s.code is not None for s in parsed):
        code_steps = [s for s in parsed if s.code is not None]
        parsed = [s for s in parsed if s.code is None] + code_steps[-1:]  # the code is the last step, as labelled
    steps = [s.text for s in parsed] or [c.text]
    spans = [s.span for s in parsed] if parsed else [(0, len(c.text))]
    return PipelineCandidate(
        id=derive_id("sf-openai", c.task.task_id, c.request_key, c.choice),
        index=index,
        domain=c.domain,  # type: ignore[arg-type]
        family=str(c.task.metadata.get("family") or c.task.source or "openai"),
        task=c.task,
        generation=c.generation,
        segmentation=Segmentation(method=c.parsed.method, separator=c.parsed.separator),
        steps=steps,
        spans=spans,
        final_answer=c.final_answer,
        code=c.parsed.code,
        extras={
            "request_key": c.request_key,
            "round": c.round,
            "choice": c.choice,
            "sample_index": c.sample_index,
            "finish_reason": c.finish_reason,
            "parse_notes": c.parsed.notes,
        },
    )


class _Judge:
    """The budget's verify callback: a candidate becomes a Trace (counted if correct) or a Rejection."""

    def __init__(self, config: RunConfig, index_of: dict[str, int]) -> None:
        self.config = config
        self.index_of = index_of
        self._config_json = config.model_dump_json()
        self._pool = DeadlinePool(config.workers, preload=[_llm_judge.__name__]) if config.domain == "math" else None
        self._backend: Any = None
        self._code_tasks: dict[str, Any] = {}
        if config.domain == "code":
            try:
                from stepforge.sandbox import make_backend
            except ImportError:
                raise UserError("--domain code needs the code sandbox (stepforge.sandbox), not installed") from None
            backend = str(config.options.get("backend", "local"))
            try:
                self._backend = make_backend(backend, config.workers)
            except (RuntimeError, ValueError) as exc:
                raise UserError(str(exc)) from None

    def __call__(self, c: Candidate) -> tuple[bool | None, Trace | Rejection]:
        cand = to_candidate(c, self.index_of[c.task.task_id])
        if self.config.domain == "math":
            assert self._pool is not None
            res = self._pool.call(_llm_judge.math_record, (self._config_json, cand.model_dump_json()), self.config.item_timeout)
            if res.status != "ok":
                rec: Trace | Rejection = reject(
                    self.config, id=cand.id, index=cand.index, domain="math",
                    reason="timeout" if res.status == "timeout" else "internal_error", detail=res.error,
                    candidate=cand.model_dump(mode="json"),
                )
                return None, rec
            kind, data = res.value
            rec = Trace.model_validate(data) if kind == "trace" else Rejection.model_validate(data)
        else:
            task = self._code_tasks.get(c.task.task_id)
            if task is None:
                try:
                    task = self._code_tasks[c.task.task_id] = _code_task(c.task)
                except (ValueError, SyntaxError) as exc:  # tests that cannot be imported verify nothing
                    return None, reject(self.config, id=cand.id, index=cand.index, domain="code",
                                        reason="bad_problem", detail=f"unusable tests: {exc}"[:500],
                                        candidate=cand.model_dump(mode="json"))
            rec = _code_record(self.config, cand, task, self._backend)
        return (rec.outcome.correct if isinstance(rec, Trace) else None), rec

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._backend is not None:
            self._backend.close()


def _module_source(cand: PipelineCandidate) -> str:
    """The candidate module: the answer's code, completed with the prompt when it lacks the function or the
    prompt's imports (HumanEval prompts carry ``from typing import List`` and the like)."""
    code = cand.code or ""
    prompt = cand.task.prompt
    entry = cand.task.reference.entry_point or ""
    if f"def {entry}" not in code:
        return prompt + code
    imports = [ln for ln in prompt.splitlines() if ln.startswith(("import ", "from ")) and ln not in code]
    return "\n".join(imports) + ("\n" if imports else "") + code


def _code_task(task: Task) -> Any:
    from stepforge.verifiers.code import CodeTask

    ref = task.reference
    row = {"task_id": task.task_id, "prompt": task.prompt, "entry_point": ref.entry_point, "test": ref.test_code,
           "canonical_solution": ref.solution or ""}
    return CodeTask.from_humaneval(row)


def _code_record(config: RunConfig, cand: PipelineCandidate, code_task: Any, backend: Any) -> Trace | Rejection:
    """Run the candidate module in the sandbox, label with the ``execution`` strategy, apply the keep rule."""
    from stepforge.labeling import STRATEGIES
    from stepforge.labeling.execution import conclusive, verdict_summary
    from stepforge.verifiers.code import check_code

    if not cand.code:
        return reject(config, id=cand.id, index=cand.index, domain="code", reason="no_code",
                      detail="no python code block in the answer", candidate=cand.model_dump(mode="json"))
    v = check_code(code_task, _module_source(cand), backend)
    if not conclusive(v):
        return reject(config, id=cand.id, index=cand.index, domain="code", reason="inconclusive_outcome",
                      detail=f"{v.status} ({v.rule}): {v.failures[:1]}", candidate=cand.model_dump(mode="json"))
    outcome = Outcome(correct=v.passed, verifier=CODE_VERIFIER, verdict=v.status, rule=v.rule,
                      seconds=round(v.seconds, 6), isolation=v.isolation, versions=v.versions,
                      details=verdict_summary(v))
    labels = STRATEGIES.get(config.strategy or "execution").label(cand, task=code_task, verdict=v)
    trace = build_trace(config, cand, outcome, labels)
    why = disagreement(trace)
    if why is not None:
        return reject(config, id=cand.id, index=cand.index, domain="code", reason=why[0], detail=why[1],
                      candidate=trace.model_dump(mode="json"))
    return trace


def _records(config: RunConfig, result: ProblemResult, index: int) -> list[Trace | Rejection]:
    """A problem's records in sample order: kept traces and rejections (truncated, empty, disagreeing)."""
    out: list[tuple[int, int, Trace | Rejection]] = []
    for j in result.judged:
        out.append((j.candidate.round, j.candidate.choice, j.verdict))
    for r in result.rejections:
        if r["reason"] == "api_error":
            continue  # not an answer: the request is asked again on --resume
        cand = r["candidate"]
        rid = derive_id("sf-openai", result.task.task_id, cand["request_key"], cand.get("choice", 0))
        rec = reject(config, id=rid, index=index, domain=config.domain, reason=r["reason"], detail=r["detail"],
                     candidate={"task": result.task.model_dump(mode="json"), **cand})
        out.append((cand.get("round", 0), cand.get("choice", 0), rec))
    out.sort(key=lambda x: (x[0], x[1]))
    return [rec for _, _, rec in out]


def _journal_usage(journal: Journal, opts: RunOptions) -> dict[str, Any]:
    prompt = completion = 0
    requests = 0
    for e in journal.entries():
        u = (e.get("response") or {}).get("usage") or {}
        prompt += int(u.get("prompt_tokens") or 0)
        completion += int(u.get("completion_tokens") or 0)
        requests += 1
    usd = (prompt * opts.client.price_in_per_mtok + completion * opts.client.price_out_per_mtok) / 1e6
    return {"requests": requests, "prompt_tokens": prompt, "completion_tokens": completion, "usd": round(usd, 6)}


def _usage_section(usage: dict[str, Any], opts: RunOptions, session: dict[str, Any]) -> str:
    rows = [
        "## Model usage (openai generator)",
        "",
        f"- model: `{opts.model}`; endpoint: `{opts.client.base_url or 'https://api.openai.com/v1'}`",
        f"- sampling: temperature {opts.sampling.temperature}, top_p {opts.sampling.top_p}, n {opts.sampling.n}, "
        f"max_tokens {opts.sampling.max_tokens}; budget: at most {opts.sampling.samples} samples per problem, "
        f"stop at {opts.sampling.k} verified",
        "",
        "| answered requests | prompt tokens | completion tokens | cost (USD) |",
        "|---|---|---|---|",
        f"| {usage['requests']} | {usage['prompt_tokens']} | {usage['completion_tokens']} | {usage['usd']} |",
        "",
        f"Prices: {opts.client.price_in_per_mtok} / {opts.client.price_out_per_mtok} USD per 1M prompt / completion "
        "tokens (from --price-in/--price-out). Counted over every answered request in `journal.jsonl`, "
        "including those of interrupted sessions; retries and cached answers cost nothing extra here.",
        "",
        f"Last session: sent {session['sent']}, answered {session['answered']}, from the journal {session['cached']}, "
        f"retries {session['retries']}, failed {session['failed']}, errors {session['errors'] or 'none'}.",
        "",
    ]
    return "\n".join(rows)


def config_options(opts: RunOptions) -> dict[str, Any]:
    """What goes into ``RunConfig.options`` (and so the config hash): everything that decides the requests,
    but not the endpoint, limits or retries, which may change between sessions of one run."""
    return {"openai": opts.model_dump(mode="json", exclude={"client"})}


def _options(config: RunConfig, client: ClientConfig | None) -> RunOptions:
    if "openai" not in config.options:
        raise UserError("--generator openai needs its options (--model, ...)")
    opts = RunOptions.model_validate({**config.options["openai"], "client": (client or ClientConfig()).model_dump()})
    if opts.client.api_key is None:
        opts.client.api_key = os.environ.get("OPENAI_API_KEY")
    return opts


def plan_openai(config: RunConfig, client: ClientConfig | None = None) -> dict[str, dict[str, Any]]:
    """The requests the run still needs, by key: the run replayed offline from the journal, with the same
    verification and labelling (so the budget decides exactly as the final run will); nothing is written."""
    opts = _options(config, client)
    journal = Journal(config.out / JOURNAL_FILE)
    tasks = load_tasks(opts)
    judge = _Judge(config, {t.task_id: i for i, t in enumerate(tasks)})
    try:
        _, llm = asyncio.run(run_async(opts, journal, judge, tasks=tasks, offline=True))
    finally:
        judge.close()
        journal.close()
    return llm.pending


def run_openai(config: RunConfig, client: ClientConfig | None = None, *, offline: bool = False) -> Any:
    """The run. Online: requests are sent and records written as problems complete (a prefix of complete
    problems). ``offline`` (the Batch API's last step): answers come only from the journal; when some are still
    missing nothing is written and the missing requests are returned (a dict by key) instead of a summary."""
    from stepforge.pipeline.run import REJECTED, TRACES, _prepare, _write_run_json

    opts = _options(config, client)
    out = config.out
    tasks = load_tasks(opts)
    index_of = {t.task_id: i for i, t in enumerate(tasks)}
    if offline:
        with Journal(out / JOURNAL_FILE) as journal:
            judge = _Judge(config, index_of)
            t0 = time.perf_counter()
            try:
                results, llm = asyncio.run(run_async(opts, journal, judge, tasks=tasks, offline=True))
            finally:
                judge.close()
        if llm.pending:
            return llm.pending
        _prepare(config)
        on_disk = _on_disk(out / TRACES, out / REJECTED)
        _write_run_json(config, "running")
        with (out / TRACES).open("a", encoding="utf-8") as tf, (out / REJECTED).open("a", encoding="utf-8") as rf:
            for i, res in enumerate(results):
                _write(config, res, i, tf, rf, on_disk)
            io.sync(tf)
            io.sync(rf)
        return _finish(config, opts, time.perf_counter() - t0, resume=True, unanswered=0, session=llm.stats.as_dict())

    resume = _prepare(config)
    save_options(out, opts)
    journal = Journal(out / JOURNAL_FILE, resume=resume)
    on_disk = _on_disk(out / TRACES, out / REJECTED) if resume else set()
    _write_run_json(config, "running")
    judge = _Judge(config, index_of)
    t0 = time.perf_counter()
    done: dict[int, ProblemResult] = {}
    next_write = 0
    unanswered = 0
    bar = tqdm(total=len(tasks), unit="problem", desc=f"{config.domain} problems ({opts.model})",
               disable=not config.progress or None, dynamic_ncols=True)
    try:
        with (out / TRACES).open("a", encoding="utf-8") as tf, (out / REJECTED).open("a", encoding="utf-8") as rf, bar:
            blocked = False

            def on_result(r: ProblemResult) -> None:
                """Records are written in problem order and only as a prefix of complete problems: a problem
                with unanswered requests stops the writing (its answers stay in the journal), so a resumed run
                appends exactly what an uninterrupted one would have written next."""
                nonlocal next_write, unanswered, blocked
                done[index_of[r.task.task_id]] = r
                bar.update(1)
                while next_write in done:
                    res = done.pop(next_write)
                    if res.pending:
                        unanswered += 1
                        blocked = True
                    if not blocked:
                        _write(config, res, next_write, tf, rf, on_disk)
                    next_write += 1

            _, llm = asyncio.run(run_async(opts, journal, judge, tasks=tasks, on_result=on_result))
            io.sync(tf)
            io.sync(rf)
    finally:
        judge.close()
        journal.close()
    return _finish(config, opts, time.perf_counter() - t0, resume=resume, unanswered=unanswered,
                   session=llm.stats.as_dict())


def _on_disk(*paths: Path) -> set[str]:
    """Ids of the records already written (after cutting a partial last line left by a kill)."""
    ids: set[str] = set()
    for p in paths:
        io.repair_tail(p)
        if p.exists():
            ids.update(str(r.get("id")) for r in io.read_jsonl(p))
    return ids


def _write(config: RunConfig, res: ProblemResult, index: int, tf: Any, rf: Any, on_disk: set[str]) -> None:
    for rec in _records(config, res, index):
        if rec.id not in on_disk:
            io.append(tf if isinstance(rec, Trace) else rf, rec)
            on_disk.add(rec.id)


def _finish(config: RunConfig, opts: RunOptions, seconds: float, *, resume: bool, unanswered: int,
            session: dict[str, Any]) -> Any:
    """Card (with model usage from the journal), run.json and the summary, from the files themselves."""
    from stepforge.pipeline.run import CARD, REJECTED, TRACES, RunSummary, _write_run_json

    out = config.out
    traces = io.read_traces(out / TRACES)
    rejections = io.read_rejections(out / REJECTED)
    st = _card.stats(traces, rejections)
    with Journal(out / JOURNAL_FILE) as j:
        usage = _journal_usage(j, opts)
    st["model_usage"] = usage
    text = _card.render(st, config=config.data_fields(), command=config.command,
                        seconds=seconds if not resume else None, config_hash=config.config_hash())
    text += "\n" + _usage_section(usage, opts, session)
    tmp = out / (CARD + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out / CARD)
    status = "complete" if not unanswered else "incomplete"
    _write_run_json(config, status, kept=st["kept"], rejected=st["rejected"], unanswered_problems=unanswered,
                    model_usage=usage)
    summary = RunSummary(out=out, kept=st["kept"], correct=st["correct"], incorrect=st["incorrect"],
                         rejected=st["rejected"], seconds=seconds, stats=st)
    if unanswered:
        summary.stats["unanswered_problems"] = unanswered
        print(f"stepforge: warning: {unanswered} problems have unanswered requests; run the same command with "
              "--resume to finish them", file=sys.stderr)
    return summary
