"""Every model-based strategy against a policy-and-critic model whose ground truth is known: with a perfect
policy (q=1, r=0) and critic (a=1) every first error is found exactly, in math and in code; binary search stays
within its cost bound; mc and binary search agree wherever the values are monotone."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from stepforge._testing.openai_server import ServerProcess

from .conftest import code_oracle, label_file, labelled, math_rows, policy, records, unused, used_rollouts

STRATEGIES = ["mc", "binary_search", "hybrid", "judge", "consensus:mc+judge", "consensus:hybrid+judge"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_perfect_models_find_every_first_error_exactly(server: ServerProcess, tmp_path: Path, strategy: str) -> None:
    responses, truth = math_rows(tmp_path, 40, seed=11)
    policy(server, q=1.0, r=0.0, a=1.0)
    label_file(tmp_path / "run", responses, strategy, server)
    traces = labelled(tmp_path / "run")
    assert len(traces) == 40
    wrong = [t for t in traces if not t["outcome"]["correct"]]
    assert len(wrong) >= 20  # both kinds of error are there: slips and reasoning errors with true arithmetic
    for t in traces:
        assert t["first_error_index"] == truth[t["task"]["task_id"]], (strategy, t["task"]["prompt"])
    assert not records(tmp_path / "run" / "rejected.jsonl")  # nothing to refuse: every label is right
    kept = records(tmp_path / "run" / "traces.jsonl")
    cost = [t["labeling"]["cost"] for t in kept if not t["outcome"]["correct"]]
    asked = [c for c in cost if c["rollouts"] + c["judge_calls"]]
    assert len(asked) >= len(cost) - 5  # hybrid needs no model for a refuted first step
    assert all(c["prompt_tokens"] > 0 and c["gen_tokens"] > 0 for c in asked)


def test_reasoning_errors_need_the_model_slips_do_not(server: ServerProcess, tmp_path: Path) -> None:
    """hybrid: a slip is refuted by the symbolic checker and confirmed with one probe; a reasoning error (every claim
    true) goes to binary search. So hybrid costs fewer rollouts than binary search on slips, and is as exact."""
    responses, truth = math_rows(tmp_path, 60, seed=5, wrong=1.0, reasoning=0.5)
    policy(server)
    label_file(tmp_path / "h", responses, "hybrid", server)
    label_file(tmp_path / "b", responses, "binary_search", server)
    hybrid = {t["task"]["task_id"]: t for t in labelled(tmp_path / "h")}
    search = {t["task"]["task_id"]: t for t in labelled(tmp_path / "b")}
    slips = [k for k, t in hybrid.items() if any(
        s["label"]["source"] == "hybrid:symbolic" for s in t["steps"])]
    assert len(slips) >= 15
    for k, t in hybrid.items():
        assert t["first_error_index"] == truth[k] == search[k]["first_error_index"]
    assert sum(used_rollouts(hybrid[k]) for k in slips) < sum(used_rollouts(search[k]) for k in slips)
    for k in slips:  # the refuted step is certain: one probe before it (and its confirmations), at most
        assert used_rollouts(hybrid[k]) <= 4


def _depth(n: int, split: float) -> int:
    """Probes bisection may need over n units at most: the depth of its split tree (ceil(log2 n) at the middle)."""
    if n <= 1:
        return 0
    j = max(1, min(n - 1, int(split * n + 0.5 - 1e-9)))
    return 1 + max(_depth(j, split), _depth(n - j, split))


def test_the_split_trees_depth_is_log2_at_the_middle() -> None:
    assert [_depth(n, 0.5) for n in range(1, 18)] == [math.ceil(math.log2(n)) for n in range(1, 18)]
    assert _depth(8, 0.3) == 5 and _depth(16, 0.3) > _depth(16, 0.5)  # skewed: cheaper on average, deeper at worst


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize(("adaptive", "ahead", "split"),
                         [(True, True, 0.5), (True, False, 0.5), (False, True, 0.5), (True, True, 0.3)])
def test_binary_search_stays_within_its_cost_bound(server: ServerProcess, tmp_path: Path, seed: int,
                                                   adaptive: bool, ahead: bool, split: float) -> None:
    """At most K completions per round; at most ceil(log2 N) + 1 first rounds and R confirmation rounds, plus at
    most ceil(log2 N) first rounds and R confirmation rounds per failed one (a recovery caught, r > 0 here); with a
    skewed ``split``, the depth of its split tree in place of ceil(log2 N). Drawn ahead into idle capacity and not
    needed: at most K + m completions per first round of that bound and K per confirmation round (m =
    min_successes), all of them in the evidence and the cost."""
    responses, _ = math_rows(tmp_path, 50, seed=seed, ops=(2, 9))
    policy(server, q=0.85, r=0.1, a=0.85)
    k = 3
    rounds = 2
    label_file(tmp_path / "run", responses, "binary_search", server, rollouts=k, adaptive=adaptive, confirm=rounds,
               ahead=ahead, split=split)
    caught = stopped = spare = 0
    for t in labelled(tmp_path / "run"):
        n = len(t["steps"])
        probes = [p for s in t["steps"] for p in s["evidence"].get("probes", [])]
        extra = unused(t)
        assert t["labeling"]["cost"]["rollouts"] == sum(p["k"] for p in probes) + sum(d["k"] for d in extra)
        assert all(1 <= p["k"] <= k for p in probes) and all(1 <= d["k"] <= k for d in extra)
        if not adaptive:
            assert all(p["k"] == k for p in probes)
        stopped += sum(p["k"] < k for p in probes)
        spare += len(extra)
        seconds = [p for p in probes if p.get("confirms")]
        failed = sum(p["result"] != "good" for p in seconds)
        caught += failed
        first = len(probes) - len(seconds)
        first_bound = _depth(n, split) * (1 + failed) + 1
        assert len(seconds) <= rounds * (1 + failed), probes
        assert first <= first_bound, (n, probes)
        assert sum(d["k"] for d in extra) <= first_bound * (k + 1) + rounds * (1 + failed) * k, (n, probes, extra)
        drawn = [(p["prefix_units"], p.get("confirms", 0)) for p in probes]
        assert len(set(drawn)) == len(drawn)  # none drawn twice
        if t["outcome"]["correct"]:
            assert not probes and not extra  # the trace's own answer proves every prefix
    assert caught >= 1  # recoveries happen at r=0.1 and the confirmations catch some
    assert (stopped > 0) == adaptive  # clean prefixes decided by their first completions
    assert (spare > 0) == ahead  # 16 requests in flight and fewer candidates waiting: capacity to draw ahead


@pytest.mark.parametrize("strategy", ["mc", "binary_search", "hybrid", "mc --mc-all-steps"])
def test_drawing_ahead_changes_no_label(server: ServerProcess, tmp_path: Path, strategy: str) -> None:
    """Requests sent ahead into idle capacity are the very requests the strategy would send next (same bodies, same
    seeds): every label, first error and used probe is the same as one round trip after another; what was not
    needed is only in ``unused_draws`` and the cost, and it saves round trips."""
    responses, _ = math_rows(tmp_path, 40, seed=3, wrong=0.8)
    policy(server, q=0.85, r=0.1)
    name, *flags = strategy.split(" --")
    opts = {"mc_all_steps": True} if flags else {}
    runs = {}
    for ahead in (False, True):
        out = tmp_path / f"a{int(ahead)}"
        label_file(out, responses, name, server, ahead=ahead, models=("rollout",), **opts)
        runs[ahead] = {t["task"]["task_id"]: t for t in labelled(out)}
    assert runs[True].keys() == runs[False].keys()
    spare = 0
    for key, t in runs[True].items():
        u = runs[False][key]
        assert t["first_error_index"] == u["first_error_index"]
        assert [s["label"] for s in t["steps"]] == [s["label"] for s in u["steps"]]
        assert [s["evidence"].get("probes") for s in t["steps"]] == [s["evidence"].get("probes") for s in u["steps"]]
        assert used_rollouts(t) == u["labeling"]["cost"]["rollouts"] and not unused(u)
        spare += len(unused(t))
    assert spare > 0 or flags  # mc --mc-all-steps needs every prefix: nothing drawn ahead goes unused
    journal = {e["key"] for e in records(tmp_path / "a1" / "journal.rollout.jsonl")}
    assert {e["key"] for e in records(tmp_path / "a0" / "journal.rollout.jsonl")} <= journal


@pytest.mark.parametrize("strategy", ["binary_search", "mc"])
def test_confirmation_rounds_catch_recoveries(server: ServerProcess, tmp_path: Path, strategy: str) -> None:
    """A wrong prefix that recovers (r=0.2: some of K=4 completions reach the reference 59% of the time) looks good
    once; drawn again, it rarely does. With confirmation rounds, more first errors are exact, and the rounds are in
    the evidence of the prefix they confirm."""
    responses, truth = math_rows(tmp_path, 60, seed=4, wrong=1.0)
    policy(server, q=0.9, r=0.2)
    exact = {}
    for rounds in (0, 2):
        out = tmp_path / f"r{rounds}"
        label_file(out, responses, strategy, server, confirm=rounds, models=("rollout",))
        traces = labelled(out)
        exact[rounds] = sum(t["first_error_index"] == truth[t["task"]["task_id"]] for t in traces)
        confirms = [p for t in traces for s in t["steps"] for p in s["evidence"].get("probes", []) if p.get("confirms")]
        assert bool(confirms) == bool(rounds) and all(p["confirms"] <= rounds for p in confirms)
    assert exact[2] >= exact[0] + 6, exact


def test_mc_and_binary_search_agree_where_values_are_monotone(server: ServerProcess, tmp_path: Path) -> None:
    """Both strategies ask the same requests for the same prefix (the server answers them alike; all K drawn, as
    mc's values need), so wherever mc's hard values over all steps fall once and stay down, binary search must land
    on the same first error (both confirm the same boundary with the same second round)."""
    responses, _ = math_rows(tmp_path, 60, seed=9, wrong=1.0)
    policy(server, q=0.8, r=0.15)
    label_file(tmp_path / "mc", responses, "mc", server, mc_all_steps=True)
    label_file(tmp_path / "bs", responses, "binary_search", server, adaptive=False)
    search = {t["task"]["task_id"]: t for t in labelled(tmp_path / "bs")}
    monotone = disagree = 0
    for t in labelled(tmp_path / "mc"):
        values = [next((p["result"] for p in s["evidence"].get("probes", []) if not p.get("baseline")), None)
                  for s in t["steps"][:-1]]
        hard = [v == "good" for v in values] + [False]  # the whole trace is wrong
        if None in values or "undecided" in values or any(not a and b for a, b in zip(hard, hard[1:])):
            continue
        monotone += 1
        if search[t["task"]["task_id"]]["first_error_index"] != t["first_error_index"]:
            disagree += 1
    assert monotone >= 30 and disagree == 0


def test_code_first_errors_in_plan_steps_and_code_lines(server: ServerProcess, tmp_path: Path) -> None:
    """Procedural code tasks whose wrong solutions carry a known first wrong step (a wrong plan step and the code
    that follows it, or a code-only slip): the policy continues plan and code prefixes, the completed program runs
    in the sandbox; binary search names the first wrong code line of a code-only slip."""
    from stepforge.generators.procedural.code import load_templates

    families = [n for n in load_templates() if n in ("gcd", "count_vowels", "running_sum", "is_prime", "clamp_values")]
    oracle = code_oracle(3, families, 60)
    for strategy in ("binary_search", "mc", "judge", "hybrid", "consensus:mc+judge"):
        policy(server, oracle_plans=oracle)
        out = tmp_path / strategy.replace(":", "_").replace("+", "_")
        from stepforge.pipeline import RunConfig, run

        client = {"base_url": server.url, "concurrency": 16}
        run(RunConfig(domain="code", count=12, seed=3, out=out, families=families, progress=False,
                      strategy=strategy, options={"strategy": {"rollouts": 2, "rollout_model": "policy",
                                                               "judge_model": "critic"}},
                      models={"rollout": client, "judge": client}))
        kept = records(out / "traces.jsonl")
        assert len(kept) == 12 and not records(out / "rejected.jsonl")
        wrong = [t for t in kept if not t["outcome"]["correct"]]
        assert len(wrong) == 6
        for t in wrong:
            assert t["first_error_index"] == t["generation"]["injected_error"]["step_index"], strategy
            if strategy in ("binary_search", "hybrid") and t["first_error_index"] == len(t["steps"]) - 1:
                assert t["steps"][-1]["evidence"]["first_wrong_code_line"] >= 1
        if strategy != "judge":
            assert sum(t["labeling"]["cost"]["exec_runs"] for t in wrong) > 0


def test_a_success_threshold_trades_recall_for_precision_when_wrong_prefixes_recover(
        server: ServerProcess, tmp_path: Path) -> None:
    """With a policy that often recovers from a wrong prefix (r=0.3), one lucky completion makes a wrong prefix look
    good (Math-Shepherd's false positives); asking for two successes of four finds more first errors exactly."""
    responses, truth = math_rows(tmp_path, 80, seed=17, wrong=1.0)
    policy(server, q=0.95, r=0.3)
    exact = {}
    for m in (1, 2):
        label_file(tmp_path / f"m{m}", responses, "binary_search", server, rollouts=4, min_successes=m,
                   models=("rollout",))
        traces = labelled(tmp_path / f"m{m}")
        exact[m] = sum(t["first_error_index"] == truth[t["task"]["task_id"]] for t in traces) / len(traces)
        for t in traces:
            for s in t["steps"]:
                for p in s["evidence"].get("probes", []):
                    assert (p["result"] == "good") == (p["successes"] >= m)
    assert exact[2] > exact[1] + 0.1, exact
