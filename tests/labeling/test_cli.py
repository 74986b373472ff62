"""The labelling flags: what they put in the run's config (models are data, endpoints are not), the generator's
model as the default policy, and one-line errors for what cannot work."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stepforge._testing.openai_server import ServerProcess
from stepforge.cli._run_args import add_run_arguments, config_from_args

from .conftest import records

ROOT = Path(__file__).resolve().parents[2]


def _config(*argv: str):  # noqa: ANN202
    p = argparse.ArgumentParser()
    add_run_arguments(p)
    return config_from_args(p.parse_args(["--domain", "math", "--count", "3", "--out", "x", *argv]))


def test_models_are_data_endpoints_are_not() -> None:
    a = _config("--strategy", "consensus:mc+judge", "--rollout-model", "pol", "--rollout-base-url", "http://a/v1",
                "--judge-model", "crit", "--judge-base-url", "http://b/v1", "--rollouts", "6", "--judge-votes", "3",
                "--concurrency", "7", "--price-in", "1.5")
    assert a.options["strategy"] == {"rollouts": 6, "judge_votes": 3, "rollout_model": "pol", "judge_model": "crit",
                                     "seed": 0}
    assert a.models == {"rollout": {"concurrency": 7, "price_in_per_mtok": 1.5, "base_url": "http://a/v1"},
                        "judge": {"concurrency": 7, "price_in_per_mtok": 1.5, "base_url": "http://b/v1"}}
    b = _config("--strategy", "consensus:mc+judge", "--rollout-model", "pol", "--rollout-base-url", "http://c/v1",
                "--judge-model", "crit", "--rollouts", "6", "--judge-votes", "3")
    assert b.models["judge"]["base_url"] == "http://c/v1"  # the critic defaults to the policy's endpoint
    assert a.config_hash() == b.config_hash()  # another endpoint, the same data
    assert _config("--strategy", "consensus:mc+judge", "--rollout-model", "other", "--judge-model", "crit",
                   "--rollouts", "6", "--judge-votes", "3").config_hash() != a.config_hash()


def test_the_generators_model_is_the_default_policy_and_critic() -> None:
    c = _config("--generator", "openai", "--model", "gen", "--base-url", "http://g/v1", "--strategy", "judge")
    assert c.options["strategy"]["judge_model"] == "gen" and c.models == {"judge": {"base_url": "http://g/v1"}}
    plain = _config("--generator", "openai", "--model", "gen", "--base-url", "http://g/v1")
    assert "strategy" not in plain.options and plain.models == {}  # the default strategy calls no model
    offline = _config("--strategy", "mc")
    assert offline.models == {} and "strategy" not in offline.options  # the procedural completer


def test_draw_ahead_and_bisect_split_are_strategy_options() -> None:
    """``--no-draw-ahead`` and ``--bisect-split S`` set ``StrategyOptions.ahead`` and ``.split`` (data: in the config
    hash), on ``generate`` and ``label`` alike; given only where a strategy of the run draws rollouts or bisects."""
    from stepforge.cli import build_parser
    from stepforge.cli.label import config_from_args as label_config

    c = _config("--strategy", "binary_search", "--no-draw-ahead", "--bisect-split", "0.3")
    assert c.options["strategy"] == {"ahead": False, "split": 0.3, "seed": 0}
    assert "strategy" not in _config("--strategy", "binary_search").options  # the defaults: ahead, 0.5
    assert c.config_hash() != _config("--strategy", "binary_search", "--no-draw-ahead").config_hash()
    assert _config("--strategy", "consensus:mc+binary_search", "--bisect-split", "0.25").options["strategy"][
        "split"] == 0.25
    with_policy = _config("--rollout-model", "p", "--rollout-base-url", "http://a/v1", "--bisect-split", "0.4")
    assert with_policy.options["strategy"]["split"] == 0.4  # the default strategy with a policy: hybrid
    # the curation flag --split stays what it was: the data split, not the bisection point
    both = _config("--strategy", "binary_search", "--bisect-split", "0.3", "--split", "train=0.9,test=0.1")
    assert both.options["strategy"]["split"] == 0.3 and both.curate["split"] == {"train": 0.9, "test": 0.1}
    args = build_parser("label").parse_args(["label", str(ROOT / "tests" / "data" / "prmbench_sample.jsonl"),
                                             "--out", "x", "--strategy", "mc", "--no-draw-ahead"])
    assert label_config(args).options["strategy"] == {"ahead": False, "seed": 0}


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "stepforge", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.parametrize(("args", "message"), [
    (["--strategy", "judge"], "needs a critic model"),
    (["--strategy", "consensus:mc"], "two strategies"),
    (["--strategy", "consensus"], "needs an argument"),
    (["--strategy", "consensus:mc+nope"], "unknown labelling strategy"),
    (["--strategy", "mc", "--rollouts", "0", "--rollout-model", "m", "--rollout-base-url", "http://x/v1"],
     "rollouts"),
    (["--rollout-base-url", "http://x/v1"], "--rollout-base-url needs --rollout-model"),
    (["--concurrency", "4"], "--concurrency applies to"),
    (["--strategy", "binary_search", "--bisect-split", "0"], "--bisect-split: 0 is not strictly between 0 and 1"),
    (["--strategy", "binary_search", "--bisect-split", "1"], "--bisect-split: 1 is not strictly between 0 and 1"),
    (["--strategy", "binary_search", "--bisect-split", "-0.3"], "not strictly between 0 and 1"),
    (["--strategy", "binary_search", "--bisect-split", "nan"], "not strictly between 0 and 1"),
    (["--strategy", "binary_search", "--bisect-split", "half"], "--bisect-split: not a number"),
    (["--strategy", "mc", "--bisect-split", "0.3"], "--bisect-split applies to --strategy binary_search, hybrid"),
    (["--bisect-split", "0.3"], "--bisect-split applies to"),  # the default strategy without a model: symbolic
    (["--strategy", "consensus:mc+judge", "--judge-model", "c", "--rollout-model", "p", "--rollout-base-url",
      "http://x/v1", "--bisect-split", "0.3"], "--bisect-split applies to"),
    (["--strategy", "judge", "--judge-model", "c", "--judge-base-url", "http://x/v1", "--no-draw-ahead"],
     "--no-draw-ahead applies to --strategy mc, binary_search, hybrid"),
    # limits a client cannot work with (0 in flight, 0 per minute: the run waited forever)
    (["--strategy", "mc", "--rollout-model", "p", "--rollout-base-url", "http://x/v1", "--concurrency", "0"],
     "--concurrency must be at least 1, got 0"),
    (["--strategy", "mc", "--rollout-model", "p", "--rollout-base-url", "http://x/v1", "--rpm", "0"],
     "--rpm must be positive"),
    (["--generator", "openai", "--model", "m", "--base-url", "http://x/v1", "--tpm", "-5"], "--tpm must be positive"),
    (["--strategy", "mc", "--rollout-model", "p", "--rollout-base-url", "http://x/v1", "--timeout", "nan"],
     "--timeout must be positive seconds"),
    (["--strategy", "mc", "--rollout-model", "p", "--rollout-base-url", "http://x/v1", "--rollout-temperature",
      "-1"], "--rollout-temperature:"),
])
def test_bad_labelling_flags_are_one_line_errors(tmp_path: Path, args: list[str], message: str) -> None:
    res = _cli("generate", "--domain", "math", "--count", "2", "--out", str(tmp_path / "o"), *args)
    assert res.returncode == 2, res.stderr
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists()


def test_hybrid_is_the_default_once_a_policy_is_configured(tmp_path: Path) -> None:
    from stepforge.pipeline.domains import make_domain

    for domain, plain in (("math", "symbolic"), ("code", "execution")):
        with_policy = _config("--rollout-model", "pol", "--rollout-base-url", "http://a/v1").model_copy(
            update={"domain": domain})
        assert make_domain(with_policy).strategy.name == "hybrid"
        assert make_domain(_config().model_copy(update={"domain": domain})).strategy.name == plain
        critic_only = _config("--judge-model", "crit", "--judge-base-url", "http://a/v1").model_copy(
            update={"domain": domain})
        assert make_domain(critic_only).strategy.name == plain


def test_an_unreachable_labelling_endpoint_is_one_line(tmp_path: Path) -> None:
    res = _cli("generate", "--domain", "math", "--count", "4", "--out", str(tmp_path / "o"), "--strategy",
               "binary_search", "--rollout-model", "m", "--rollout-base-url", "http://127.0.0.1:9/v1", "--no-progress")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "cannot reach the model endpoint http://127.0.0.1:9/v1" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_openai_run_labelled_by_its_own_model(server: ServerProcess, tmp_path: Path) -> None:
    """``--generator openai --model M --strategy binary_search``: M samples the solutions and continues them."""
    server.reset(policy={"q": 0.5, "r": 0.0, "a": 1.0, "seed": 1})
    problems = tmp_path / "p.jsonl"
    from stepforge._testing import policy_model

    rows = policy_model.math_rows(20, seed=2)
    problems.write_text("".join(json.dumps({"problem": r["problem"], "answer": r["answer"]}) + "\n" for r in rows))
    out = tmp_path / "run"
    res = _cli("generate", "--domain", "math", "--count", "8", "--out", str(out), "--generator", "openai",
               "--model", "mock", "--base-url", server.url, "--problems", str(problems), "--strategy",
               "binary_search", "--rollouts", "2", "--samples", "2", "--no-progress")
    assert res.returncode == 0, res.stderr
    kept = records(out / "traces.jsonl")
    assert len(kept) == 8 and any(not t["outcome"]["correct"] for t in kept)
    journal = records(out / "journal.rollout.jsonl")
    assert journal and all(e["request"]["model"] == "mock" for e in journal)
    assert "## Labelling cost" in (out / "card.md").read_text()
