"""How labelling talks to models: vLLM's continuation requests, n=K, roles, the journals (a killed run resumes
without asking an answered request again), an endpoint that fails (the run stops incomplete, never guesses),
cost per trace and in the card, the critic's unreadable replies and consensus disagreements."""

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
from stepforge.datasets.io import read_traces

from .conftest import label_file, labelled, math_rows, policy, records, used_rollouts

ROOT = Path(__file__).resolve().parents[2]


def test_rollouts_continue_the_prefix_as_the_assistant_with_n_k(server: ServerProcess, tmp_path: Path) -> None:
    responses, _ = math_rows(tmp_path, 20, seed=3, wrong=1.0)
    policy(server, q=0.9, r=0.1)
    label_file(tmp_path / "run", responses, "mc", server, rollouts=3, models=("rollout",), adaptive=False)
    texts = {r["id"]: r["responses"][0] for r in records(responses)}
    journal = records(tmp_path / "run" / "journal.rollout.jsonl")
    assert journal and not (tmp_path / "run" / "journal.judge.jsonl").exists()
    solutions = list(texts.values())
    continued = 0
    for e in journal:
        body = e["request"]
        assert body["model"] == "policy" and body["n"] == 3 and len(e["response"]["choices"]) == 3
        last = body["messages"][-1]
        if last["role"] == "assistant":  # a prefix: continued, never a new turn
            continued += 1
            assert body["continue_final_message"] is True and body["add_generation_prompt"] is False
            assert last["content"].endswith("\n") and any(s.startswith(last["content"]) for s in solutions)
            assert last["content"].startswith("Step 1: ")  # the solution's own text, labels and all
        else:  # the problem alone (only when the first step fails)
            assert "continue_final_message" not in body and last["role"] == "user"
    assert continued >= 20


def test_one_choice_per_request_where_the_server_has_no_n(server: ServerProcess, tmp_path: Path) -> None:
    responses, _ = math_rows(tmp_path, 10, seed=4, wrong=1.0)
    policy(server)
    label_file(tmp_path / "run", responses, "binary_search", server, rollouts=3, n_per_request=1, models=("rollout",),
               adaptive=False)
    journal = records(tmp_path / "run" / "journal.rollout.jsonl")
    assert journal and all("n" not in e["request"] for e in journal)
    for t in labelled(tmp_path / "run"):
        probes = [p for s in t["steps"] for p in s["evidence"].get("probes", [])]
        assert all(p["k"] == 3 for p in probes) and used_rollouts(t) == 3 * len(probes)


@pytest.mark.parametrize("needed", [1, 2])
def test_adaptive_probes_ask_as_few_as_could_decide_good_then_the_rest_at_once(
        server: ServerProcess, tmp_path: Path, needed: int) -> None:
    """Per prefix, a first request of n = ``needed`` completions (as few as could make it good); only when they do
    not, one more request for the rest of the K; the verdict is the one all K would give (good iff ``needed`` of K
    succeed)."""
    responses, _ = math_rows(tmp_path, 30, seed=8, wrong=1.0)
    policy(server, q=0.7, r=0.2)
    k = 4
    label_file(tmp_path / "run", responses, "mc", server, rollouts=k, min_successes=needed, models=("rollout",),
               confirm=0)
    asked: dict[str, list[int]] = {}
    for e in records(tmp_path / "run" / "journal.rollout.jsonl"):
        body = e["request"]
        assert len(e["response"]["choices"]) == body.get("n", 1)
        asked.setdefault(json.dumps(body["messages"]), []).append(body.get("n", 1))
    # the journal is in answer order: a rest sent ahead into idle slots may be answered before its first request
    assert asked and all(sorted(ns) in ([needed], sorted([needed, k - needed])) for ns in asked.values()), asked
    early = full = 0
    for t in labelled(tmp_path / "run"):
        for p in (p for s in t["steps"] for p in s["evidence"].get("probes", [])):
            assert (p["k"], p["successes"]) == (needed, needed) or p["k"] == k  # stopped only once decided good
            assert p["result"] == ("good" if p["successes"] >= needed else "bad")
            early += p["k"] < k
            full += p["k"] == k
    assert early >= 10 and full >= 5


def _cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.Popen([sys.executable, "-m", "stepforge", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_a_killed_labelling_run_resumes_without_asking_an_answered_request_again(
        server: ServerProcess, tmp_path: Path) -> None:
    responses, truth = math_rows(tmp_path, 80, seed=6, wrong=1.0)
    policy(server, latency=0.15)
    out = tmp_path / "run"
    args = ["generate", "--domain", "math", "--count", "80", "--out", str(out), "--generator", "file",
            "--responses", str(responses), "--positive-fraction", "0", "--strategy", "consensus:binary_search+judge",
            "--rollout-model", "policy", "--rollout-base-url", server.url, "--judge-model", "critic",
            "--rollouts", "2", "--concurrency", "4", "--no-progress"]
    proc = _cli(*args)
    deadline = time.time() + 120
    while time.time() < deadline and len(records(out / "journal.rollout.jsonl")) < 15:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    answered = {e["key"] for name in ("journal.rollout.jsonl", "journal.judge.jsonl")
                for e in records(out / name)}
    assert len(answered) >= 15
    sent_before = len(server.log())
    done = subprocess.run([sys.executable, "-m", "stepforge", *args, "--resume"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=600)
    assert done.returncode == 0, done.stderr
    again = [e for e in server.log()[sent_before:] if e["key"] in answered]
    assert not again  # every answered request came from the journals
    traces = read_traces(out / "traces.jsonl")
    assert len({t.id for t in traces}) == len(traces)  # nothing twice
    for t in labelled(out):
        assert t["first_error_index"] == truth[t["task"]["task_id"]]


def test_an_endpoint_that_fails_stops_the_run_incomplete_and_resume_finishes_it(
        server: ServerProcess, tmp_path: Path) -> None:
    responses, truth = math_rows(tmp_path, 12, seed=8, wrong=1.0)
    policy(server, faults={"500": 1.0}, fault_attempts=1)
    first = label_file(tmp_path / "run", responses, "binary_search", server, models=("rollout",), max_retries=0)
    assert first.status == "incomplete" and first.ended == "unanswered" and first.pending
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "incomplete"
    assert not any(r["reason"] in ("labels_disagree", "error_not_located") for r in records(tmp_path / "run" / "rejected.jsonl"))
    server.configure(faults={})
    second = label_file(tmp_path / "run", responses, "binary_search", server, models=("rollout",), resume=True)
    assert second.status == "complete"
    traces = labelled(tmp_path / "run")
    assert len(traces) == 12 and all(t["first_error_index"] == truth[t["task"]["task_id"]] for t in traces)


def test_cost_per_trace_and_in_the_card(server: ServerProcess, tmp_path: Path) -> None:
    responses, _ = math_rows(tmp_path, 30, seed=12)
    policy(server, a=0.0)  # the critic is always wrong: consensus with mc never agrees on a wrong answer
    from stepforge.pipeline import RunConfig, run

    client = {"base_url": server.url, "price_in_per_mtok": 2.0, "price_out_per_mtok": 8.0}
    run(RunConfig(domain="math", count=100, out=tmp_path / "run", generator="file", progress=False,
                  strategy="consensus:mc+judge",
                  options={"file": {"path": str(responses)},
                           "strategy": {"rollouts": 2, "rollout_model": "p", "judge_model": "c"}},
                  models={"rollout": client, "judge": client}))
    kept = records(tmp_path / "run" / "traces.jsonl")
    rejected = records(tmp_path / "run" / "rejected.jsonl")
    disagree = [r for r in rejected if r["reason"] == "labels_disagree"]
    assert disagree and all(r["candidate"]["labeling"]["agreement"]["agree"] is False for r in disagree)
    for r in disagree:  # both labelings are in the evidence
        step = r["candidate"]["steps"][0]
        assert set(step["evidence"]) == {"mc", "judge"} and "label" in step["evidence"]["judge"]
    for t in kept:
        c = t["labeling"]["cost"]
        assert c["judge_calls"] == 1 and c["usd"] > 0
        assert abs(c["usd"] - (c["prompt_tokens"] * 2 + c["gen_tokens"] * 8) / 1e6) < 1e-5
    card = (tmp_path / "run" / "card.md").read_text()
    assert "## Labelling cost" in card
    total = sum(t["labeling"]["cost"]["rollouts"] for t in kept + [r["candidate"] for r in disagree])
    assert f"| all labelled (kept and rejected) | {len(kept) + len(disagree)} | {total} |" in card
    rate = f"agreed on the first error in {len(kept)} of {len(kept) + len(disagree)} labelled traces"
    assert rate in card


def test_unreadable_critiques_are_recorded_never_counted(server: ServerProcess, tmp_path: Path) -> None:
    responses, _ = math_rows(tmp_path, 12, seed=13)
    policy(server, policy_extra={"unreadable": 1.0})
    label_file(tmp_path / "run", responses, "judge", server, judge_votes=3, models=("judge",))
    for t in labelled(tmp_path / "run"):
        assert t["first_error_index"] == -1 and all(s["label"]["rating"] == 0 for s in t["steps"])
        ev = t["steps"][0]["evidence"]
        assert ev["votes"] == [] and ev["unreadable"] == 3 and len(ev["critiques"]) == 3
        assert all(not c["readable"] and c["critique"] for c in ev["critiques"])
    assert all(r["reason"] == "error_not_located" for r in records(tmp_path / "run" / "rejected.jsonl"))


def test_hostile_answers_stay_hard_limited_when_records_are_made_in_the_parent(
        server: ServerProcess, tmp_path: Path) -> None:
    rows = [{"id": "h", "problem": "What is 2 + 3?", "answer": "5",
             "responses": ["Step 1: Compute $2 + 3 = 5$.\nStep 2: The final answer is \\boxed{9^{9^{9^{9^{9}}}}}."]}]
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n")
    policy(server)
    t0 = time.time()
    label_file(tmp_path / "run", path, "binary_search", server, models=("rollout",))
    assert time.time() - t0 < 120
    assert not records(tmp_path / "run" / "traces.jsonl")
    assert [r["reason"] for r in records(tmp_path / "run" / "rejected.jsonl")] == ["inconclusive_outcome"]


def test_judge_hints_show_the_critic_the_refuted_claims(server: ServerProcess, tmp_path: Path) -> None:
    responses, truth = math_rows(tmp_path, 30, seed=14, wrong=1.0, reasoning=0.0)  # slips: the checker sees them
    policy(server)
    label_file(tmp_path / "run", responses, "judge", server, judge_hints=True, models=("judge",))
    prompts = {e["request"]["messages"][0]["content"] for e in records(tmp_path / "run" / "journal.judge.jsonl")}
    hinted = [p for p in prompts if "Automatic checks found" in p]
    assert len(hinted) >= 20
    for p in hinted:
        k = int(p.split("Automatic checks found", 1)[1].split("paragraph ", 1)[1].split(":", 1)[0])
        assert f"<paragraph_{k}>" in p and "does not hold" in p
    assert all(t["first_error_index"] == truth[t["task"]["task_id"]] for t in labelled(tmp_path / "run"))
