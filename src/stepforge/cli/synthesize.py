"""``stepforge synthesize``: new math problems from seed problems, kept only when verifiable.

evolve (harder or varied variants) or backtranslate (a problem for a seed's answer); a proposal is kept when
independent solutions confirm its answer with the math verifier. Kept problems are written in the
``--problems`` format (``problem``, ``answer``, provenance under ``synthesis``) so they feed
``stepforge generate --generator openai --problems``; the dropped ones go to ``OUT.rejected.jsonl`` with why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from stepforge.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synthesize", help="synthesise verifiable math problems from seed problems with a model")
    p.add_argument("--method", choices=["evolve", "backtranslate"], default="evolve")
    p.add_argument("--seeds", required=True, type=Path, metavar="FILE.jsonl", help="seed problems (problem/answer rows)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl", help="kept problems")
    p.add_argument("--model", required=True)
    p.add_argument("--base-url", default=None)
    p.add_argument("--variants", type=int, default=2, help="proposals per seed (default 2)")
    p.add_argument("--solutions", type=int, default=4, help="independent solutions per proposal (default 4)")
    p.add_argument("--min-agree", type=float, default=0.75, help="share of solutions that must confirm (default 0.75)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--journal", type=Path, default=None, help="request journal (default OUT.journal.jsonl); reruns resume")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from stepforge.generators.llm.client import ClientConfig, LLMClient
    from stepforge.generators.llm.journal import Journal
    from stepforge.generators.llm.problems import load_problems
    from stepforge.generators.llm.synthesis import SynthesisConfig, problem_row, synthesize
    from stepforge.generators.llm.verify import math_check

    if not os.environ.get("OPENAI_API_KEY") and not args.base_url:
        raise UserError("set OPENAI_API_KEY (or pass --base-url for a local server)")
    try:
        cfg = SynthesisConfig(method=args.method, variants=args.variants, solutions=args.solutions,
                              min_agree=args.min_agree, seed=args.seed)
        client_cfg = ClientConfig(base_url=args.base_url, concurrency=args.concurrency)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise UserError(f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}") from None
    seeds = load_problems(args.seeds, "math")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(args.journal or args.out.with_suffix(".journal.jsonl"))

    async def go():  # noqa: ANN202
        client = LLMClient(client_cfg, journal)
        try:
            return await synthesize(seeds, client=client, model=args.model, config=cfg, check=math_check), client
        finally:
            await client.aclose()

    try:
        results, client = asyncio.run(go())
    finally:
        journal.close()
    kept = [r for r in results if r.kept]
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(problem_row(r), ensure_ascii=False) + "\n" for r in kept))
    os.replace(tmp, args.out)
    rej = args.out.with_suffix(".rejected.jsonl")
    rej.write_text("".join(
        json.dumps({"reason": r.reason, "problem": r.task.prompt, "answer": r.task.reference.answer, **r.detail},
                   ensure_ascii=False) + "\n" for r in results if not r.kept))
    reasons: dict[str, int] = {}
    for r in results:
        if not r.kept:
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
    print(f"kept {len(kept)} of {len(results)} synthesised problems -> {args.out}; dropped: "
          + (", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "none")
          + f"; requests sent {client.stats.sent}, from the journal {client.stats.cached}")
    return 0
