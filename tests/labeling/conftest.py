"""Labelling runs against the loopback server playing a policy-and-critic model with known ground truth
(``stepforge._testing.policy_model``), through the run engine as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stepforge._testing import policy_model
from stepforge._testing.fixtures import _server_process, server  # noqa: F401 - fixtures
from stepforge._testing.openai_server import ServerProcess
from stepforge.pipeline import RunConfig, RunSummary, run
from stepforge.schema import Rejection, Trace, json_from_wire


def records(path: Path) -> list[dict]:
    """A run file's records as nested JSON (traces are written in the line form: free-form parts as JSON text)."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
    return [json_from_wire(r) if "steps" in r else r for r in rows]


def labelled(out: Path) -> list[dict]:
    """Every labelled trace of a run: kept, and refused by the keep rule (the trace is in the rejection)."""
    return records(out / "traces.jsonl") + [r["candidate"] for r in records(out / "rejected.jsonl")
                                            if "labeling" in r["candidate"]]


def unused(t: dict) -> list[dict]:
    """Requests a rollout strategy sent ahead (into idle capacity) and did not need, from a trace's evidence."""
    return [d for s in t["steps"] for d in s["evidence"].get("unused_draws", [])]


def used_rollouts(t: dict) -> int:
    """Completions the strategy's decisions used: the cost less what was drawn ahead and not needed."""
    return t["labeling"]["cost"]["rollouts"] - sum(d["k"] for d in unused(t))


def math_rows(tmp: Path, n: int, seed: int = 0, **kw: Any) -> tuple[Path, dict[str, int]]:
    """A ``--responses`` file of arithmetic solutions and each one's true first error (by task id)."""
    rows = policy_model.math_rows(n, seed=seed, **kw)
    path = tmp / f"rows-{seed}-{n}.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in ("truth", "kind")}) + "\n"
                            for r in rows))
    return path, {r["id"]: r["truth"] for r in rows}


def prm800k_rows(tmp: Path, n: int, seed: int = 0, **kw: Any) -> tuple[Path, dict[str, int]]:
    """The arithmetic solutions of ``math_rows`` as PRM800K phase-2 lines and each one's true first error, by
    problem text."""
    rows = policy_model.math_rows(n, seed=seed, **kw)
    path = tmp / f"prm800k-{seed}-{n}.jsonl"
    truth = {r["problem"]: r["truth"] for r in rows}
    assert len(truth) == len(rows)  # one solution per problem: the truth is keyed by its text
    path.write_text("".join(json.dumps(policy_model.as_prm800k(r)) + "\n" for r in rows))
    return path, truth


def policy(server: ServerProcess, q: float = 1.0, r: float = 0.0, a: float = 1.0, **extra: Any) -> None:
    server.reset(policy={"q": q, "r": r, "a": a, "seed": 0, **extra.pop("policy_extra", {})}, **extra)


def label_file(out: Path, responses: Path, strategy: str, server: ServerProcess, *, count: int = 1000,
               models: tuple[str, ...] = ("rollout", "judge"), resume: bool = False, **opts: Any) -> RunSummary:
    """Label every solution of ``responses`` with ``strategy`` (the engine's file source)."""
    client = {"base_url": server.url, "concurrency": 16, "max_retries": opts.pop("max_retries", 8),
              "backoff_base": 0.01}
    names = {"rollout": "policy", "judge": "critic"}
    options = {"rollouts": 4, **{f"{m}_model": names[m] for m in models}, **opts}
    config = RunConfig(domain="math", count=count, out=out, generator="file", overwrite=not resume, resume=resume,
                       progress=False, positive_fraction=0.5, strategy=strategy,
                       options={"file": {"path": str(responses)}, "strategy": options},
                       models={m: client for m in models})
    return run(config)


def code_oracle(seed: int, families: list[str], count: int) -> dict[str, Any]:
    """The server's code oracle for the first ``count`` items of a procedural code run: each task's plan, reference
    code and bugs (a wrong plan step and the code that follows it, or a code-only slip), keyed by its prompt."""
    from stepforge.generators.procedural.code import TEMPLATES, make_problem
    from stepforge.generators.sources import SourceSettings
    from stepforge.generators.sources.procedural import ProceduralSource

    source = ProceduralSource(SourceSettings(domain="code", seed=seed, count=count, families=families))
    out: dict[str, Any] = {}
    for unit in source.units(0):
        if unit.index >= count:
            break
        cand = source.candidates(unit)[0]
        meta = cand.task.metadata
        name, position = meta["template"], meta["space"]["position"]
        bugs = []
        for b in range(len(TEMPLATES.get(name).bugs)):
            p = make_problem(name, cand.generation.seed, bug=b, position=position)
            bugs.append({"step": p.bug.step, "plan": p.steps[p.bug.step] if p.bug.step is not None else None,
                         "code": p.code})
        ref = meta["reference_steps"]
        out[cand.task.prompt.strip()] = {"plan": ref[:-1], "code": ref[-1], "bugs": bugs}
    return out


@pytest.fixture(scope="module")
def record():
    """``record(problem, gold, steps)``: what a run does with one model-written solution (verify, label with
    ``symbolic``, the keep rule): the kept trace or the rejection."""
    from stepforge.generators.llm.parse import parse_solution
    from stepforge.generators.llm.problems import task_from_row
    from stepforge.generators.llm.sampling import candidate_from
    from stepforge.pipeline.config import RunConfig
    from stepforge.pipeline.domains import RecordContext
    from stepforge.pipeline.domains.math import MathDomain
    from stepforge.schema import Generation

    cfg = RunConfig(domain="math", count=1, out=Path("unused"), generator="file")
    dom = MathDomain(cfg)

    def record_one(problem: str, gold: str, steps: list[str]) -> Trace | Rejection:
        text = "\n\n".join(steps)
        task = task_from_row({"problem": problem, "answer": gold}, "math", "test")
        cand = candidate_from(parse_solution(text, "math", None), task, "math",
                              Generation(generator="file", seed=1, raw_response=text), id="c1", index=0, extras={})
        return dom.record(cand, RecordContext(config=cfg, strategy=dom.strategy))

    return record_one
