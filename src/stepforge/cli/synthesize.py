"""``stepforge synthesize``: new problems from seed problems, kept only when verifiable.

math: evolve (harder or varied variants) or backtranslate (a problem for a seed's answer); kept when
independent solutions confirm the answer with the math verifier. code: evolve; kept when the reference solution
passes the proposed tests in the sandbox and the tests reject the reference's mutants. Kept problems are written
in the ``--problems`` format (provenance under ``synthesis``) so they feed ``stepforge generate --generator
openai --problems``; the dropped ones go to ``OUT.rejected.jsonl`` with why.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from stepforge.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synthesize", help="synthesise verifiable problems (math or code) from seed problems with a model")
    p.add_argument("--domain", choices=["math", "code"], default="math")
    p.add_argument("--method", choices=["evolve", "backtranslate"], default="evolve",
                   help="evolve (math, code) or backtranslate (math)")
    p.add_argument("--seeds", required=True, type=Path, metavar="FILE.jsonl",
                   help="seed problems: problem/answer rows (math) or HumanEval rows (code)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl", help="kept problems")
    p.add_argument("--model", required=True)
    p.add_argument("--base-url", default=None)
    p.add_argument("--variants", type=int, default=2, help="proposals per seed (default 2)")
    p.add_argument("--solutions", type=int, default=4, help="independent solutions per proposal (default 4)")
    p.add_argument("--min-agree", type=float, default=0.75, help="math: share of solutions that must confirm (default 0.75)")
    p.add_argument("--mutants", type=int, default=12, help="code: mutants of the reference run against the tests")
    p.add_argument("--min-kill", type=float, default=0.8, help="code: share of mutants the tests must reject (default 0.8)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--journal", type=Path, default=None, help="request journal (default OUT.journal.jsonl); reruns resume")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from stepforge.generators.llm import synthesis as S
    from stepforge.generators.llm.client import ClientConfig

    if not os.environ.get("OPENAI_API_KEY") and not args.base_url:
        raise UserError("set OPENAI_API_KEY (or pass --base-url for a local server)")
    if args.domain == "code" and args.method != "evolve":
        raise UserError("--domain code supports --method evolve only")
    try:
        if args.domain == "math":
            cfg: Any = S.SynthesisConfig(method=args.method, variants=args.variants, solutions=args.solutions,
                                         min_agree=args.min_agree, seed=args.seed)
        else:
            cfg = S.CodeSynthesisConfig(variants=args.variants, mutants=args.mutants, min_kill=args.min_kill,
                                        seed=args.seed)
        client_cfg = ClientConfig(base_url=args.base_url, concurrency=args.concurrency)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise UserError(f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}") from None
    r = S.synthesize_file(domain=args.domain, seeds_path=args.seeds, out=args.out, model=args.model, config=cfg,
                          client_config=client_cfg, journal_path=args.journal)
    print(f"kept {r.kept} of {r.total} synthesised problems -> {r.out}; dropped: "
          + (", ".join(f"{k} {v}" for k, v in r.dropped.items()) or "none")
          + f"; requests sent {r.sent}, from the journal {r.cached}")
    return 0
