"""Shared glue for the OpenAI generator in the CLI: its arguments, run options, and output folder checks."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from typing import TYPE_CHECKING

from pydantic import ValidationError

from stepforge.errors import UserError

if TYPE_CHECKING:  # the openai package is slow to import: only runs that use it pay for it
    from stepforge.generators.llm.run import RunOptions


def add_openai_arguments(p: argparse.ArgumentParser, *, with_common: bool = True) -> None:
    """Arguments of ``--generator openai`` (model, endpoint, sampling, budget, client limits)."""
    g = p.add_argument_group("openai generator (--generator openai)")
    g.add_argument("--model", help="model name sent to the endpoint")
    g.add_argument("--problems", metavar="FILE.jsonl", help="problems file (math: problem/answer; code: HumanEval rows)")
    if with_common:
        g.add_argument("--domain", choices=["math", "code"])
        g.add_argument("--count", type=int, default=None, help="problems: procedural ones, or the file's first COUNT")
        g.add_argument("--seed", type=int, default=None, help="run seed (default 0)")
    g.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    g.add_argument("--prompt", dest="template", default=None, help="prompt template: built-in name or JSON file")
    g.add_argument("--temperature", type=float, default=None)
    g.add_argument("--top-p", type=float, default=None)
    g.add_argument("--n", type=int, default=None, help="choices per request (default 1)")
    g.add_argument("--max-tokens", type=int, default=None)
    g.add_argument("--samples", type=int, default=None, help="most samples per problem (default 4)")
    g.add_argument("--k", type=int, default=None, help="stop sampling a problem once K verified solutions exist (default 1)")
    g.add_argument("--separator", default=None, help="step separator for the step parser")
    g.add_argument("--concurrency", type=int, default=None, help="requests in flight (default 32)")
    g.add_argument("--rpm", type=float, default=None, help="client-side requests-per-minute limit")
    g.add_argument("--tpm", type=float, default=None, help="client-side tokens-per-minute limit")
    g.add_argument("--timeout", type=float, default=None, help="seconds per request before a retry (default 600)")
    g.add_argument("--max-retries", type=int, default=None)
    g.add_argument("--price-in", type=float, default=None, help="USD per 1M prompt tokens (for the card)")
    g.add_argument("--price-out", type=float, default=None, help="USD per 1M completion tokens (for the card)")


_SAMPLING = {"temperature": "temperature", "top_p": "top_p", "n": "n", "max_tokens": "max_tokens",
             "samples": "samples", "k": "k", "separator": "separator"}
_CLIENT = {"concurrency": "concurrency", "rpm": "requests_per_minute", "tpm": "tokens_per_minute",
           "timeout": "timeout", "max_retries": "max_retries", "price_in": "price_in_per_mtok",
           "price_out": "price_out_per_mtok", "base_url": "base_url"}


def options_from_args(args: argparse.Namespace, out: Path, *, resume: bool) -> RunOptions:
    """Run options from the command line; on resume (or a later batch step) the stored ones fill the gaps."""
    from stepforge.generators.llm.run import OPTIONS_FILE, RunOptions, load_options

    stored = load_options(out) if resume and (out / OPTIONS_FILE).is_file() else None
    base = stored.model_dump() if stored else {"sampling": {}, "client": {}}
    for name in ("model", "domain", "problems", "count", "seed", "template"):
        v = getattr(args, name, None)
        if v is not None:
            base[name] = v
    for arg, field in _SAMPLING.items():
        v = getattr(args, arg, None)
        if v is not None:
            base["sampling"][field] = v
    if getattr(args, "seed", None) is not None:
        base["sampling"]["seed"] = args.seed
    for arg, field in _CLIENT.items():
        v = getattr(args, arg, None)
        if v is not None:
            base["client"][field] = v
    if not base.get("model"):
        raise UserError("--model is required with --generator openai")
    if not base.get("domain"):
        raise UserError("--domain is required (math or code)")
    if base.get("problems"):
        base["problems"] = str(Path(base["problems"]).resolve())
    try:
        opts = RunOptions.model_validate(base)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise UserError(f"bad option {'.'.join(map(str, e['loc']))}: {e['msg']}") from None
    key = os.environ.get("OPENAI_API_KEY")
    if not key and not opts.client.base_url:
        raise UserError("set OPENAI_API_KEY (or pass --base-url for a local server)")
    opts.client.api_key = key
    return opts


def batch_config(opts: RunOptions, out: Path):  # noqa: ANN201 - a RunConfig
    """The pipeline configuration of a batch-mode run (the same for every submit and collect)."""
    from stepforge.pipeline.config import RunConfig
    from stepforge.pipeline.openai import config_options

    return RunConfig(
        domain=opts.domain, count=opts.count or 10**9, seed=opts.seed, out=out,
        generator="openai", options=config_options(opts), resume=True, progress=False,
        command=f"stepforge batch collect --out {out}",
    )


def write_run(opts: RunOptions, out: Path) -> bool:
    """Traces from the journal through the pipeline (the same records ``generate --resume`` writes), when the
    journal answers everything the run needs; returns False (and writes nothing) while requests are missing."""
    from stepforge.pipeline.openai import run_openai

    s = run_openai(batch_config(opts, out), opts.client, offline=True)
    if isinstance(s, dict):
        print(f"{len(s)} requests still unanswered (a further budget round, or given up on): "
              f"run `stepforge batch submit` (or `export`) --out {out} again")
        return False
    print(f"kept {s.kept} traces ({s.correct} correct, {s.incorrect} incorrect), rejected {s.rejected} -> {s.out}")
    return True
