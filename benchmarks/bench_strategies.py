"""Model-based labelling strategies against a policy-and-critic model with known ground truth.

The loopback server (``stepforge._testing.policy_model``) answers after a fixed latency: from a clean prefix its
policy reaches the reference with probability q, from a wrong one with probability r; as a critic it names the
true first error with probability a. The solutions (one per problem, 4 to 8 steps, most of them wrong: an
arithmetic slip or a reasoning error with true arithmetic at a known step) are labelled by each strategy through
the run engine (``--generator file``), side by side in one process against one server. Per strategy:

- first-error accuracy: labelled wrong solutions whose first error is the true one (kept or not);
- kept precision: kept traces whose labels are right (first error exact; none for a right answer);
- yield: kept traces per solution;
- model calls per labelled trace: requests sent, and completions asked (rollouts + critiques);
- rollouts on wrong solutions of 4+ steps (the cost goal: binary_search <= 0.5x mc);
- labelled traces/s; requests/s (those the labels needed: drawn ahead and not needed left out) as a share of the
  server's nominal bound (concurrency / latency) and of the *peer*: the run's requests (read back from its
  journals) replayed right after by the bare ``LLMClient`` at the same concurrency, all at once, with no labelling
  work: what this server and machine can answer; and the same requests replayed by a minimal HTTP client
  (one aiohttp session and a semaphore), the least any client of this server can spend;
- the server's idle capacity while the run sent requests (seconds at full concurrency), and the part of it in the
  run's tail (after the last moment 90% of the slots were busy), from the server's log.

Requests/trace and rollouts count what the labels needed (the same with or without drawing ahead); in brackets
what was sent and paid (``unused_draws`` in the evidence included). ``--repeats N`` runs every strategy N times,
alternated, and gives the throughput columns as medians (the machine is shared and noisy); ``--warmup ROWS`` first
runs the first strategy untimed on that many rows (a process's one-offs: client, card and plot imports).

    PYTHONPATH=src python benchmarks/bench_strategies.py [--rows 600] [--latency 0.2] [--concurrency 64]
        [--q 0.85 --r 0.05 --a 0.85] [--rollouts 4] [--votes 1] [--ops 3,7] [--strategies mc,binary_search,...]

A strategy in ``--strategies`` may carry flags: ``mc --mc-all-steps`` (Math-Shepherd's per-step MC),
``--rollouts-all`` (all K completions at every probe at once), ``--confirm-rounds=R`` (rounds confirming the boundary;
0: none), ``--no-ahead`` (one round trip after another, never drawing ahead into idle capacity), ``--split=S``
(bisection probes S of the way into the interval), e.g. ``"mc --mc-all-steps --rollouts-all --confirm-rounds=0"``
for the probes of before. The hard-limited
checks' workers are booted before the first strategy (a run pays that once per process).

``--ops LO,HI``: operations per problem (a solution has one step per operation and a final answer step, so 3,7
gives 4 to 8 steps; 7,15 gives 8 to 16, nearer PRM800K's and ProcessBench's lengths).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stepforge._testing import policy_model  # noqa: E402
from stepforge._testing.openai_server import ServerProcess  # noqa: E402
from stepforge.generators.llm.client import ClientConfig, LLMClient  # noqa: E402
from stepforge.pipeline import RunConfig, run  # noqa: E402
from stepforge.schema import json_from_wire  # noqa: E402

# a strategy may carry flags: "mc --mc-all-steps", "binary_search --rollouts-all --confirm-rounds=0"
_FLAGS = {"mc-all-steps": ("mc_all_steps", True), "rollouts-all": ("adaptive", False), "confirm-rounds": ("confirm", 2),
          "no-ahead": ("ahead", False), "split": ("split", 0.5)}
STRATEGIES = ["mc", "mc --mc-all-steps", "binary_search", "hybrid", "judge", "consensus:mc+judge",
              "consensus:binary_search+judge", "consensus:hybrid+judge"]


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


async def _replay(url: str, bodies: list[dict], concurrency: int) -> float:
    """Seconds the bare client takes to send ``bodies`` (no journal, no labelling work)."""
    client = LLMClient(ClientConfig(base_url=url, concurrency=concurrency))
    t0 = time.perf_counter()
    await asyncio.gather(*(client.complete(b) for b in bodies))
    wall = time.perf_counter() - t0
    await client.aclose()
    return wall


async def _raw_replay(url: str, bodies: list[dict], concurrency: int) -> float:
    """Seconds a minimal HTTP client (one aiohttp session, a semaphore, nothing else: no SDK, retries, rate limits
    or parsing beyond JSON) takes to send ``bodies``: the least any client of this server can spend."""
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def one(body: dict) -> None:
            async with gate, session.post(f"{url}/chat/completions", json=body) as resp:
                resp.raise_for_status()
                await resp.json()

        t0 = time.perf_counter()
        await asyncio.gather(*(one(b) for b in bodies))
        return time.perf_counter() - t0


def peer_rate(out: Path, server: ServerProcess, args: argparse.Namespace) -> tuple[float, float]:
    """Requests/s of the run's requests replayed by the bare ``LLMClient`` and by a minimal HTTP client."""
    bodies = [e["request"] for name in ("journal.rollout.jsonl", "journal.judge.jsonl")
              for e in _records(out / name)]
    if not bodies:
        return 0.0, 0.0
    rates = []
    for replay in (_replay, _raw_replay):
        server.reset(latency=args.latency, policy={"q": args.q, "r": args.r, "a": args.a, "seed": args.seed})
        rates.append(len(bodies) / asyncio.run(replay(server.url, bodies, args.concurrency)))
    return rates[0], rates[1]


def bench(strategy: str, rows: list[dict], responses: Path, server: ServerProcess, args: argparse.Namespace,
          work: Path) -> dict:
    name, *flags = strategy.split(" --")
    given: dict = {}
    for f in flags:
        key, _, value = f.partition("=")
        if key not in _FLAGS:
            raise SystemExit(f"unknown strategy flag: --{key} (known: {', '.join(_FLAGS)})")
        field, default = _FLAGS[key]
        given[field] = type(default)(value) if value else default
    truth = {r["id"]: r["truth"] for r in rows}
    right = sum(1 for r in rows if r["truth"] == -1)
    server.reset(latency=args.latency, policy={"q": args.q, "r": args.r, "a": args.a, "seed": args.seed})
    client = {"base_url": server.url, "concurrency": args.concurrency}
    opts = {"rollouts": args.rollouts, "min_successes": args.min_successes, "judge_votes": args.votes,
            "seed": args.seed, "rollout_model": "policy", "judge_model": "critic",
            **given}
    out = work / strategy.replace(" ", "_").replace(":", "_").replace("+", "_")
    config = RunConfig(domain="math", count=len(rows), out=out, generator="file", overwrite=True, progress=False,
                       positive_fraction=right / len(rows), strategy=name,
                       options={"file": {"path": str(responses)}, "strategy": opts},
                       models={"rollout": client, "judge": client})
    t0 = time.perf_counter()
    run(config)
    wall = time.perf_counter() - t0
    log = [e for e in server.log() if e["via"] == "chat"]
    kept = [json_from_wire(t) for t in _records(out / "traces.jsonl")]
    labelled = kept + [r["candidate"] for r in _records(out / "rejected.jsonl") if "labeling" in r["candidate"]]

    def tid(t: dict) -> str:
        return t["task"]["task_id"]

    def unused(t: dict) -> list[dict]:  # requests drawn ahead into idle capacity and not needed (one each)
        out = []
        for s in t["steps"]:
            ev = s.get("evidence") or {}
            for e in (ev, *(v for v in ev.values() if isinstance(v, dict))):  # consensus: one part per strategy
                out += e.get("unused_draws", [])
        return out

    def used(t: dict) -> int:  # completions the strategy's decisions used (the same with or without drawing ahead)
        return t["labeling"]["cost"]["rollouts"] - sum(d["k"] for d in unused(t))

    wrong = [t for t in labelled if t["outcome"]["correct"] is False]
    exact = sum(1 for t in wrong if t["first_error_index"] == truth[tid(t)])
    precise = sum(1 for t in kept if t["first_error_index"] == truth[tid(t)])
    long_wrong = [t for t in wrong if len(t["steps"]) >= 4]
    completions = sum(t["labeling"]["cost"]["rollouts"] + t["labeling"]["cost"]["judge_calls"] for t in labelled)
    needed = len(log) - sum(len(unused(t)) for t in labelled)  # requests the labels needed
    idle, tail = server_idle(log, args.latency, args.concurrency)
    peer, raw = peer_rate(out, server, args)
    return {
        "strategy": strategy, "accuracy": exact / max(1, len(wrong)), "precision": precise / max(1, len(kept)),
        "yield": len(kept) / len(rows), "requests": needed / max(1, len(labelled)),
        "sent": len(log) / max(1, len(labelled)), "completions": completions / max(1, len(labelled)),
        "rollouts_long": sum(used(t) for t in long_wrong) / max(1, len(long_wrong)),
        "paid_long": sum(t["labeling"]["cost"]["rollouts"] for t in long_wrong) / max(1, len(long_wrong)),
        "traces_s": len(labelled) / wall, "req_s": needed / wall, "wall": wall, "idle": idle, "tail": tail,
        "bound": needed / wall / (args.concurrency / args.latency), "peer": peer, "raw": raw,
        "by_length": [(len(t["steps"]), used(t)) for t in wrong],
    }


def server_idle(log: list[dict], latency: float, concurrency: int) -> tuple[float, float]:
    """Seconds of the server's capacity left idle while the run sent requests, from its log (each request in flight
    from its arrival for ``latency``): in all, and in the run's tail (after the last moment at least 90% of the
    slots were busy: the candidates left are fewer than the slots and their probes are round trips)."""
    times = sorted(e["t"] for e in log)
    if not times:
        return 0.0, 0.0
    events = sorted([(t, 1) for t in times] + [(t + latency, -1) for t in times])
    busy, tail_from, points = 0, events[0][0], []
    for t, d in events:
        busy += d
        points.append((t, busy))
        if busy >= 0.9 * concurrency:
            tail_from = t
    idle = tail = 0.0
    for (t0, b), (t1, _) in zip(points, points[1:]):
        lost = (t1 - t0) * max(0, concurrency - b) / concurrency
        idle += lost
        tail += lost if t0 >= tail_from else 0.0
    return idle, tail


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=600)
    p.add_argument("--latency", type=float, default=0.2)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--q", type=float, default=0.85)
    p.add_argument("--r", type=float, default=0.05)
    p.add_argument("--a", type=float, default=0.85)
    p.add_argument("--rollouts", type=int, default=4, help="K (Math-Shepherd's best hard-label accuracy was at 4)")
    p.add_argument("--min-successes", type=int, default=1, help="successes that make a prefix good (default 1)")
    p.add_argument("--votes", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--strategies", default=",".join(STRATEGIES))
    p.add_argument("--ops", default="3,7", help="operations per problem, LO,HI (steps: one more)")
    p.add_argument("--repeats", type=int, default=1, help="alternated runs of every strategy (throughput: medians)")
    p.add_argument("--warmup", type=int, default=60,
                   help="rows of an untimed run of the first strategy first (a process's one-offs); 0: none")
    args = p.parse_args()
    lo, _, hi = args.ops.partition(",")
    rows = policy_model.math_rows(args.rows, seed=args.seed, ops=(int(lo), int(hi or lo)))
    with tempfile.TemporaryDirectory() as tmp, ServerProcess() as server:
        work = Path(tmp)
        responses = work / "responses.jsonl"
        responses.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in ("truth", "kind")}) + "\n"
                                     for r in rows))
        # the hard-limited checks' worker processes boot once per process (seconds on this machine), before the
        # first strategy that needs them: booted here, so no strategy's figures carry that one-off cost
        from stepforge.labeling._checks import warm

        warm()
        wrong = sum(r["truth"] >= 0 for r in rows)
        print(f"{len(rows)} solutions ({wrong} wrong: {sum(r['kind'] == 'slip' for r in rows)} slips, "
              f"{sum(r['kind'] == 'reasoning' for r in rows)} reasoning errors); q={args.q} r={args.r} a={args.a} "
              f"K={args.rollouts} (good at {args.min_successes}+ successes) V={args.votes}; server latency "
              f"{args.latency}s, {args.concurrency} in flight "
              f"(bound {args.concurrency / args.latency:.0f} requests/s)\n")
        head = ("strategy", "first-error acc", "kept precision", "yield", "requests/trace (sent)", "completions/trace",
                "rollouts/wrong 4+ steps (paid)", "traces/s", "requests/s", "% of nominal bound", "peer requests/s",
                "% of peer", "% of raw HTTP client", "wall s", "server idle s (tail)")
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        names = args.strategies.split(",")
        if args.warmup:  # the run's one-offs per process (client, card and plot imports) paid before any figure
            bench(names[0], rows[: args.warmup], responses, server, args, work)
        runs: dict[str, list[dict]] = {s: [] for s in names}
        for rep in range(args.repeats):  # alternated: s1 s2 ... s1 s2 ... (the machine's load drifts)
            for s in names:
                r = bench(s, rows, responses, server, args, work)
                runs[s].append(r)
                if args.repeats > 1:
                    print(f"<!-- run {rep + 1}: {s}: {r['traces_s']:.1f} traces/s, {100 * r['bound']:.0f}% of the "
                          f"bound, {100 * r['req_s'] / max(r['peer'], 1e-9):.0f}% of the peer, "
                          f"{100 * r['req_s'] / max(r['raw'], 1e-9):.0f}% of the raw HTTP client, wall {r['wall']:.2f} s, "
                          f"server idle {r['idle']:.2f} s ({r['tail']:.2f} s in the tail) -->", flush=True)
        results = {}
        for s in names:
            rs = runs[s]
            r = results[s] = {**rs[0], **{k: _median([x[k] for x in rs]) for k in ("traces_s", "req_s", "bound",
                                                                                   "peer", "wall", "idle",
                                                                                   "tail", "raw")},
                              "of_peer": _median([x["req_s"] / max(x["peer"], 1e-9) for x in rs]),
                              "of_raw": _median([x["req_s"] / max(x["raw"], 1e-9) for x in rs])}
            print(f"| {s} | {r['accuracy']:.3f} | {r['precision']:.3f} | {r['yield']:.3f} | {r['requests']:.2f} "
                  f"({r['sent']:.2f}) | {r['completions']:.2f} | {r['rollouts_long']:.2f} ({r['paid_long']:.2f}) | "
                  f"{r['traces_s']:.1f} | {r['req_s']:.0f} | {100 * r['bound']:.0f}% | {r['peer']:.0f} | "
                  f"{100 * r['of_peer']:.0f}% | {100 * r['of_raw']:.0f}% | {r['wall']:.2f} | {r['idle']:.2f} ({r['tail']:.2f}) |", flush=True)
        if args.repeats > 1:
            print(f"\n(throughput columns: medians of {args.repeats} alternated runs)")
        print()
        mc, bs, hy = results.get("mc"), results.get("binary_search"), results.get("hybrid")
        mca = results.get("mc --mc-all-steps")
        if mc and bs:
            print(f"binary_search / mc rollouts on wrong solutions of 4+ steps: "
                  f"{bs['rollouts_long'] / mc['rollouts_long']:.2f} "
                  f"(accuracy {bs['accuracy']:.3f} vs {mc['accuracy']:.3f})"
                  + (f"; / mc --mc-all-steps: {bs['rollouts_long'] / mca['rollouts_long']:.2f}" if mca else ""))
        rows_by = {s: r["by_length"] for s, r in results.items() if s in ("mc", "mc --mc-all-steps", "binary_search",
                                                                        "hybrid")}
        if rows_by:
            lengths = sorted({n for v in rows_by.values() for n, _ in v})
            print("\nrollouts per wrong solution, by its number of steps:\n")
            print("| steps | solutions | " + " | ".join(rows_by) + " |\n|" + "---|" * (len(rows_by) + 2))
            for n in lengths:
                cells = []
                for v in rows_by.values():
                    xs = [c for m, c in v if m == n]
                    cells.append(f"{sum(xs) / len(xs):.1f}" if xs else "-")
                count = sum(1 for m, _ in next(iter(rows_by.values())) if m == n)
                print(f"| {n} | {count} | " + " | ".join(cells) + " |")
            print()
        if bs and hy:
            print(f"hybrid / binary_search requests per trace: {hy['requests'] / bs['requests']:.2f} "
                  f"(accuracy {hy['accuracy']:.3f} vs {bs['accuracy']:.3f})")


if __name__ == "__main__":
    main()
