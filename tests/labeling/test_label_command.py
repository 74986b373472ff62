"""``stepforge label IN --strategy S`` with every model strategy: solutions already in a run folder (their old
labels unread) labelled again through the policy-and-critic loopback model, per-role flags as a user gives them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stepforge._testing.openai_server import ServerProcess

from .conftest import labelled, math_rows, policy, prm800k_rows, records, unused

ROOT = Path(__file__).resolve().parents[2]


def _label(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "stepforge", "label", *args, "--no-progress"], capture_output=True,
                          text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def source_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A run folder labelled by the symbolic checker alone (reasoning errors rejected as error_not_located)."""
    tmp = tmp_path_factory.mktemp("src")
    responses, truth = math_rows(tmp, 24, seed=21, wrong=0.8)
    from stepforge.pipeline import RunConfig, run

    run(RunConfig(domain="math", count=1000, out=tmp / "run", generator="file", progress=False, strategy="symbolic",
                  options={"file": {"path": str(responses)}}))
    return tmp / "run", truth


@pytest.mark.parametrize("strategy", ["mc", "binary_search", "hybrid", "judge", "consensus:binary_search+judge", None])
def test_label_relabels_a_run_with_every_model_strategy(server: ServerProcess, tmp_path: Path, source_run: tuple,
                                                        strategy: str | None) -> None:
    src, truth = source_run
    before = records(src / "traces.jsonl") + [r for r in records(src / "rejected.jsonl")]
    assert any(r.get("reason") == "error_not_located" for r in before)  # what the checks alone cannot locate
    policy(server)  # q=1, r=0, a=1: every first error is found exactly
    out = tmp_path / "out"
    r = _label(str(src), "--out", str(out), *(["--strategy", strategy] if strategy else []),
               "--rollout-model", "policy", "--rollout-base-url", server.url, "--judge-model", "critic",
               "--rollouts", "2", "--concurrency", "8")
    assert r.returncode == 0, r.stderr
    traces = labelled(out)
    assert len(traces) == len(before) == 24
    want = strategy or "hybrid"  # the default once a policy model is named
    for t in traces:
        assert t["labeling"]["strategy"] == want
        assert t["first_error_index"] == truth[t["task"]["task_id"]], (want, t["task"]["prompt"])
    assert not records(out / "rejected.jsonl")
    journals = [p.name for p in out.glob("journal.*.jsonl")]
    if want != "judge":
        assert "journal.rollout.jsonl" in journals
    if "judge" in want:
        assert "journal.judge.jsonl" in journals
        assert all(e["request"]["model"] == "critic" for e in records(out / "journal.judge.jsonl"))
    card = (out / "card.md").read_text()
    assert "stepforge label" in card


def test_label_model_flags_are_checked(tmp_path: Path, source_run: tuple) -> None:
    src, _ = source_run
    r = _label(str(src), "--out", str(tmp_path / "o"), "--judge-base-url", "http://127.0.0.1:9/v1")
    assert r.returncode == 2 and "--judge-base-url needs --judge-model" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = _label(str(src), "--out", str(tmp_path / "o"), "--strategy", "judge")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "o" / "traces.jsonl").exists()


def test_rows_without_a_reference_answer_are_kept_only_where_two_strategies_agree(server: ServerProcess,
                                                                                  tmp_path: Path) -> None:
    """PRMBench rows have no reference answer and no verdict of their own: a refuted step may not be the first error
    (a reasoning error before it leaves every claim true), and rollouts have nothing to reach. One strategy alone
    keeps nothing (no rollout is sent); ``consensus:symbolic+judge`` keeps a row only where the checker's refuted
    step is the critic's first error."""
    data = ROOT / "tests" / "data" / "prmbench_sample.jsonl"
    policy(server)
    # --references none: the sample's problems are MATH test problems, which the built-in references would answer
    base = ["--rollout-model", "policy", "--rollout-base-url", server.url, "--judge-model", "critic",
            "--references", "none"]
    located = {}
    for strategy in ("symbolic", "hybrid", "judge"):
        r = _label(str(data), "--out", str(tmp_path / strategy), "--strategy", strategy,
                   *(base if strategy != "symbolic" else ["--references", "none"]))
        assert r.returncode == 0, r.stderr
        assert not list(records(tmp_path / strategy / "traces.jsonl"))
        rejected = list(records(tmp_path / strategy / "rejected.jsonl"))
        assert rejected and {x["reason"] for x in rejected} == {"no_reference"}
        if strategy != "judge":
            located[strategy] = {x["id"]: x["candidate"]["first_error_index"] for x in rejected}
    assert any(fe >= 0 for fe in located["symbolic"].values())  # the checker does refute steps in these rows
    assert located["hybrid"] == located["symbolic"]
    assert not (tmp_path / "hybrid" / "journal.rollout.jsonl").exists()
    r = _label(str(data), "--out", str(tmp_path / "both"), "--strategy", "consensus:symbolic+judge", *base)
    assert r.returncode == 0, r.stderr
    for t in records(tmp_path / "both" / "traces.jsonl"):
        assert t["first_error_index"] >= 0 and t["first_error_index"] == located["symbolic"][t["id"]]


def test_a_procedural_code_run_relabels_with_its_programs_and_problems(tmp_path: Path) -> None:
    """Code traces read back as candidates: the program is the last step (procedural traces write it unfenced) and
    the problem is rebuilt at its point of the template's space, so every outcome is verified again as it was."""
    from stepforge.pipeline import RunConfig, run

    src = tmp_path / "src"
    run(RunConfig(domain="code", count=8, seed=3, out=src, progress=False))
    before = {t["id"]: t["outcome"]["correct"] for t in records(src / "traces.jsonl")}
    assert sum(before.values()) and not all(before.values())
    r = _label(str(src), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    after = {t["id"]: t["outcome"]["correct"] for t in labelled(tmp_path / "out")}
    assert after == before
    assert not [x for x in records(tmp_path / "out" / "rejected.jsonl") if x["reason"] in ("no_code", "bad_problem")]


@pytest.mark.parametrize("strategy", ["binary_search", "judge", "hybrid"])
def test_a_procedural_code_run_relabelled_by_models_finds_each_first_error(server: ServerProcess, tmp_path: Path,
                                                                           strategy: str) -> None:
    """The policy continues plan and code prefixes of the read-back traces (completed programs run in the sandbox);
    the critic reads plan steps and code blocks: with q=1, r=0, a=1 each wrong solution's first error is the step
    the generator broke (which the relabelling never reads)."""
    from stepforge.generators.procedural.code import load_templates
    from stepforge.pipeline import RunConfig, run

    from .conftest import code_oracle

    families = [n for n in load_templates() if n in ("gcd", "count_vowels", "running_sum", "is_prime", "clamp_values")]
    src = tmp_path / "src"
    run(RunConfig(domain="code", count=8, seed=3, out=src, families=families, progress=False))
    injected = {t["id"]: (t["generation"]["injected_error"] or {}).get("step_index", -1)
                for t in records(src / "traces.jsonl")}
    assert sum(v >= 0 for v in injected.values()) >= 3
    policy(server, oracle_plans=code_oracle(3, families, 60))
    r = _label(str(src), "--out", str(tmp_path / "out"), "--strategy", strategy, "--rollout-model", "policy",
               "--rollout-base-url", server.url, "--judge-model", "critic", "--rollouts", "2")
    assert r.returncode == 0, r.stderr
    kept = records(tmp_path / "out" / "traces.jsonl")
    assert len(kept) == len(injected) and not records(tmp_path / "out" / "rejected.jsonl")
    for t in kept:
        assert t["first_error_index"] == injected[t["id"]], (strategy, t["task"]["prompt"])
        assert t["generation"]["injected_error"] is None


def _by_problem(out: Path) -> dict[str, dict]:
    traces = labelled(out)
    assert len({t["task"]["prompt"] for t in traces}) == len(traces)  # no row twice
    return {t["task"]["prompt"]: t for t in traces}


def _probed(t: dict) -> list[int]:
    return sorted(p["prefix_units"] for s in t["steps"] for p in s["evidence"].get("probes", [])
                  if not p.get("confirms"))


def test_label_draws_ahead_and_bisects_as_the_flags_say(server: ServerProcess, tmp_path: Path) -> None:
    """PRM800K rows relabelled by ``binary_search`` three ways: by default (drawing ahead into the idle slots of 64),
    ``--no-draw-ahead`` (nothing sent that was not needed: its requests are a subset of the default's) and
    ``--bisect-split 0.25`` (other prefixes probed first, the same first errors)."""
    rows, truth = prm800k_rows(tmp_path, 30, seed=31, wrong=1.0, ops=(6, 9))
    policy(server)
    runs = {}
    for name, flags in (("default", []), ("no_ahead", ["--no-draw-ahead"]), ("skewed", ["--bisect-split", "0.25"])):
        out = tmp_path / name
        r = _label(str(rows), "--out", str(out), "--strategy", "binary_search", "--rollout-model", "policy",
                   "--rollout-base-url", server.url, "--rollouts", "2", "--concurrency", "64", *flags)
        assert r.returncode == 0, r.stderr
        runs[name] = _by_problem(out)
        assert {p: t["first_error_index"] for p, t in runs[name].items()} == truth, name
        options = json.loads((out / "run.json").read_text())["config"]["options"]["strategy"]
        assert options.get("ahead", True) is (name != "no_ahead") and options.get("split", 0.5) == (
            0.25 if name == "skewed" else 0.5)
    assert sum(len(unused(t)) for t in runs["default"].values()) > 0
    assert not any(unused(t) for t in runs["no_ahead"].values())
    sent = {name: {e["key"] for e in records(tmp_path / name / "journal.rollout.jsonl")} for name in runs}
    assert sent["no_ahead"] < sent["default"]
    for p, t in runs["default"].items():
        assert _probed(t) == _probed(runs["no_ahead"][p])  # drawing ahead changes what is sent, not what is used
    skewed = [p for p in truth if _probed(runs["skewed"][p]) != _probed(runs["default"][p])]
    assert len(skewed) >= len(truth) // 3
    earlier = sum(min(_probed(runs["skewed"][p])) < min(_probed(runs["default"][p])) for p in skewed)
    later = sum(min(_probed(runs["skewed"][p])) > min(_probed(runs["default"][p])) for p in skewed)
    assert earlier > later  # a quarter of the way in: early prefixes first


def test_a_killed_label_run_resumes_without_resending_or_losing_a_row(server: ServerProcess, tmp_path: Path) -> None:
    """``stepforge label`` killed (SIGKILL) mid-run and run again with ``--resume``: no request answered before the
    kill is sent again (the journals), every input row is labelled exactly once, and the labels are right."""
    rows, truth = prm800k_rows(tmp_path, 60, seed=32, wrong=0.8)
    policy(server, latency=0.15)
    out = tmp_path / "run"
    args = [sys.executable, "-m", "stepforge", "label", str(rows), "--out", str(out), "--strategy",
            "consensus:binary_search+judge", "--rollout-model", "policy", "--rollout-base-url", server.url,
            "--judge-model", "critic", "--rollouts", "2", "--concurrency", "4", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("OPENAI_API_KEY", None)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and (len(records(out / "journal.rollout.jsonl")) < 15
                                      or not (out / "traces.jsonl").exists()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    answered = {e["key"] for name in ("journal.rollout.jsonl", "journal.judge.jsonl") for e in records(out / name)}
    assert len(answered) >= 15
    assert len(labelled(out)) < len(truth)  # killed before the end
    before = len(server.log())
    done = subprocess.run([*args, "--resume"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert not [e for e in server.log()[before:] if e["key"] in answered]  # answered ones came from the journals
    traces = _by_problem(out)
    assert traces.keys() == truth.keys()  # every row, none twice
    assert {p: t["first_error_index"] for p, t in traces.items()} == truth
    gold = subprocess.run([sys.executable, "-m", "stepforge", "eval-labels", str(rows), str(out), "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert gold.returncode == 0, gold.stderr
    result = json.loads(gold.stdout)
    assert (result["matched"], result["acc_erroneous"], result["acc_correct"]) == (60, 1.0, 1.0)


def test_a_model_name_the_endpoint_does_not_serve_is_one_line(server: ServerProcess, tmp_path: Path) -> None:
    """vLLM answers 404 to a model name it does not serve: every request would get the same answer, so it is a
    one-line error naming the role, model and endpoint, not an incomplete run that ``--resume`` cannot finish."""
    rows, _ = prm800k_rows(tmp_path, 4, seed=33, wrong=1.0)
    policy(server, served_models=["policy"])
    for strategy, role, extra in (("binary_search", "rollout", ["--rollout-model", "Policy"]),
                                  ("judge", "judge", ["--rollout-model", "policy", "--judge-model", "critic"])):
        r = _label(str(rows), "--out", str(tmp_path / strategy), "--strategy", strategy, "--rollout-base-url",
                   server.url, *extra)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert f"the {role} model" in r.stderr and "does not exist" in r.stderr and server.url in r.stderr


def test_processbench_rows_take_their_reference_answers_from_references(server: ServerProcess,
                                                                        tmp_path: Path) -> None:
    """ProcessBench rows carry a verdict but no reference answer: rollouts have nothing to reach (every wrong row is
    error_not_located, no request sent, and the command says why and what to give); with ``--references`` the
    same rows are labelled exactly. With no ``--rollout-model`` the offline completer cannot continue them: said
    too."""
    from stepforge._testing import policy_model

    rows = policy_model.math_rows(20, seed=34, wrong=0.8)
    data, refs = tmp_path / "pb.jsonl", tmp_path / "refs.jsonl"
    data.write_text("".join(json.dumps(policy_model.as_processbench(r)) + "\n" for r in rows))
    refs.write_text("".join(json.dumps({"problem": r["problem"], "answer": r["answer"]}) + "\n" for r in rows))
    truth = {r["problem"]: r["truth"] for r in rows}
    policy(server)
    model = ["--rollout-model", "policy", "--rollout-base-url", server.url]
    bare = _label(str(data), "--out", str(tmp_path / "bare"), "--strategy", "binary_search", *model)
    assert bare.returncode == 0, bare.stderr
    assert "hint: these rows carry no reference answer" in bare.stdout and "--references FILE" in bare.stdout
    assert not records(tmp_path / "bare" / "traces.jsonl") or all(
        t["outcome"]["correct"] for t in records(tmp_path / "bare" / "traces.jsonl"))
    assert not server.log()  # nothing to reach: nothing sent
    offline = _label(str(data), "--out", str(tmp_path / "offline"), "--strategy", "mc", "--references", str(refs))
    assert offline.returncode == 0, offline.stderr
    assert "hint: with no --rollout-model" in offline.stdout
    assert len(offline.stdout.strip().splitlines()) == 3  # the summary, the rejections, that one hint
    for strategy in ("binary_search", "hybrid"):
        out = tmp_path / strategy
        r = _label(str(data), "--out", str(out), "--strategy", strategy, "--references", str(refs), *model)
        assert r.returncode == 0, r.stderr
        assert "hint" not in r.stdout
        assert {p: t["first_error_index"] for p, t in _by_problem(out).items()} == truth
        assert not records(out / "rejected.jsonl")
