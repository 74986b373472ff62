"""``stepforge serve reward --port P``: an OpenRLHF-compatible reward server (``POST /get_reward``)."""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="serve stepforge's verifiers over HTTP (reward server)",
                              description="Serve stepforge's verifiers over HTTP.")
    what = p.add_subparsers(dest="what", metavar="WHAT")
    r = what.add_parser("reward", help="OpenRLHF's POST /get_reward: {query, prompts, labels} -> {rewards, ...}",
                        description="Answer OpenRLHF's POST /get_reward ({\"query\", \"prompts\", \"labels\"} -> "
                        "{\"rewards\", \"scores\", \"extra_logs\"}) with stepforge's math and code verifiers; "
                        "point --reward.remote_url at http://HOST:PORT/get_reward. GET /health gives the counters.")
    r.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    r.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1; 0.0.0.0 for all)")
    r.add_argument("--timeout", type=float, default=5.0, help="hard limit per check, counted from its start (s)")
    r.add_argument("--max-queue", type=int, default=4096, help="completions waiting at most; beyond: 503")
    r.add_argument("--concurrency", type=int, default=None, help="batches scored at once (default: cores)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stepforge.errors import UserError

    if getattr(args, "what", None) != "reward":
        raise UserError("say what to serve: stepforge serve reward --port P")
    if not 0 < args.port < 65536:
        raise UserError("--port must be between 1 and 65535")
    if not args.timeout > 0 or args.max_queue < 1 or (args.concurrency is not None and args.concurrency < 1):
        raise UserError("--timeout, --max-queue and --concurrency must be positive")
    from stepforge.rewards.server import serve

    print(f"stepforge: serving rewards on http://{args.host}:{args.port}/get_reward", file=sys.stderr, flush=True)
    serve(args.host, args.port, timeout=args.timeout, max_queue=args.max_queue, concurrency=args.concurrency)
    return 0
