"""stepforge.rewards called exactly as TRL, verl and OpenRLHF call reward functions (see trainer_calls.py)."""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import multiprocessing as mp
import pickle
import threading

import pytest
import trainer_calls as tc

from stepforge.rewards import CodeReward, MathReward, ProcessReward, compute_score, compute_score_async

ROWS = [  # one dataset row per prompt; GRPO repeats each row G times
    {"prompt": "What is 1/2 as a decimal?", "answer": "\\frac{1}{2}", "solution": "So it is $\\boxed{\\frac12}$."},
    {"prompt": "What is 2 + 2?", "answer": "4", "solution": "Clearly $\\boxed{4}$."},
    {"prompt": "Bad row", "answer": "\\frac{1}{", "solution": "We get $\\boxed{\\frac{1}{}$"},
]
COMPLETIONS = [
    "The answer is $\\boxed{0.5}$.", "I think $\\boxed{\\frac{2}{4}}$", "It is $\\boxed{2}$.", "",
    "$$2+2 = \\boxed{4}$$", "\\boxed{5}", "Final Answer: The final answer is $4$. I hope it is correct.", "\\boxed{-4}",
    "\\boxed{3}", "\\boxed{3}", "\\boxed{3}", "\\boxed{3}",
]
EXPECTED = [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, None, None, None, None]


def _grpo_inputs(conversational: bool):
    inputs, prompts, completions = [], [], []
    for i, c in enumerate(COMPLETIONS):
        row = ROWS[i // 4]
        prompt = [{"role": "user", "content": row["prompt"]}] if conversational else row["prompt"]
        completion = [{"role": "assistant", "content": c}] if conversational else c
        inputs.append({**row, "prompt": prompt, "completion": completion})
        prompts.append(prompt)
        completions.append(completion)
    return inputs, prompts, completions, [[1, 2, 3]] * len(completions)


def _same(got, want):
    return all((w is None and math.isnan(g)) or g == w for g, w in zip(got, want)) and len(got) == len(want)


@pytest.mark.parametrize("conversational", [False, True])
def test_grpo_trainer_sync_and_async_rewards(conversational):
    inputs, prompts, completions, ids = _grpo_inputs(conversational)
    sync = MathReward()
    on_solution = MathReward(answer_column="solution", name="math_on_solution")
    funcs = [sync, on_solution.acall]
    assert not inspect.iscoroutinefunction(sync) and inspect.iscoroutinefunction(on_solution.acall)
    assert [tc.trl_callable_name(f) for f in funcs] == ["stepforge_math", "math_on_solution"]
    logged: dict = {}
    table = tc.trl_grpo_calculate_rewards(funcs, inputs, prompts, completions, ids, logged)
    assert _same([row[0] for row in table], EXPECTED)
    # open-r1-style reference solutions: the boxed answer of the solution is the reference; no box -> None
    assert _same([row[1] for row in table], EXPECTED)
    assert logged["extra"]["stepforge_math_reason"][:4] == ["equal", "equal", "not_equal", "no_answer"]
    assert logged["extra"]["stepforge_math_reason"][8:] == ["gold_unparseable"] * 4
    assert logged["metric"]["stepforge_math/unscored"] == pytest.approx(4 / 12)


def test_unscorable_is_none_never_zero_and_evidence_says_why():
    r = MathReward()
    res = r.score(["\\boxed{1}", "\\boxed{1}", "", "\\boxed{2}", None], ["1", "\\frac{", "1", None, "1"])
    assert [x.score for x in res] == [1.0, None, 0.0, None, None]
    assert [x.reason for x in res] == ["equal", "gold_unparseable", "no_answer", "no_gold", "no_text"]
    assert res[0].evidence["rule"] and res[0].evidence["versions"]["stepforge"] and res[0].pred == "1"
    # a check that cannot finish in time is killed and unscored, not wrong
    # (a C-level big-integer power, let through the static guard by policy: only the kill stops it)
    slow = MathReward(timeout=0.5, policy={"max_int_bits": 10**12}).score(["\\boxed{7^{1234567891}}", "\\boxed{2}"],
                                                                           ["1", "2"])
    assert [(x.score, x.reason) for x in slow] == [(None, "timeout"), (1.0, "equal")]
    with pytest.raises(ValueError, match="no column 'answer'"):
        r(completions=["\\boxed{1}"], prompts=["p"], solution=["1"])


def _spawned_group(payload, q):
    funcs = pickle.loads(payload)
    out = asyncio.run(tc.trl_async_grpo_score_group(
        funcs, ["Q"] * 3, ["\\boxed{4}", "\\boxed{5}", "nothing"], [[1]] * 3, {"prompt": "Q", "answer": "4"}, 3))
    q.put(out)


def test_async_grpo_pickles_into_a_spawned_rollout_process():
    funcs = [MathReward(), MathReward(name="m2").acall]
    payload = pickle.dumps(funcs)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_spawned_group, args=(payload, q))
    p.start()
    out = q.get(timeout=120)
    p.join(30)
    assert out == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    again = pickle.loads(pickle.dumps(funcs[1]))
    assert inspect.iscoroutinefunction(again) and tc.trl_callable_name(again) == "m2"


def test_one_reward_object_from_many_threads_gives_the_same_rewards():
    r = MathReward()
    golds = [str(i) for i in range(40)]
    completions = [f"so $\\boxed{{{i if i % 3 else i + 1}}}$" for i in range(40)]
    want = r(completions=completions, answer=golds)
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(r(completions=completions, answer=golds))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 6 and all(g == want for g in got)
    assert want == [0.0 if i % 3 == 0 else 1.0 for i in range(40)]


HE_ROW = {"prompt": "def solve(x: int) -> int:\n    '''Return 2 * x + 1.'''\n", "entry_point": "solve",
          "test": "def check(candidate):\n    assert candidate(1) == 3\n    assert candidate(2) == 5\n"
                  "    assert candidate(-7) == -13\n"}


def test_verl_compute_score_loaded_and_called_as_the_naive_reward_manager_does():
    sync = tc.verl_load_extern_object("pkg://stepforge.rewards.verl", "compute_score")
    asy = tc.verl_load_extern_object("pkg://stepforge.rewards.verl", "compute_score_async")
    assert sync is compute_score and asy is compute_score_async and inspect.iscoroutinefunction(asy)

    async def run():
        return await asyncio.gather(
            tc.verl_naive_run_single(sync, "openai/gsm8k", "... #### so $\\boxed{72}$", "72", {"index": 0}),
            tc.verl_naive_run_single(asy, "HuggingFaceH4/MATH-500", "$\\boxed{\\frac{3}{4}}$", "0.7", {}),
            tc.verl_naive_run_single(sync, "math", "\\boxed{1}", "\\frac{", {}),
            tc.verl_naive_run_single(asy, "humaneval", "```python\ndef solve(x):\n    return 2 * x + 1\n```",
                                     json.dumps(HE_ROW), {}),
            tc.verl_naive_run_single(sync, "humaneval", "```python\ndef solve(x):\n    return 2 * x\n```", HE_ROW, {}))

    a, b, c, d, e = asyncio.run(run())
    assert a["reward_score"] == 1.0 and a["reward_extra_info"]["acc"] is True and a["reward_extra_info"]["pred"] == "72"
    assert b["reward_score"] == 0.0 and b["reward_extra_info"]["reason"] == "not_equal"
    assert c["reward_score"] == 0.0 and c["reward_extra_info"]["unscored"] == 1.0
    assert c["reward_extra_info"]["reason"] == "gold_unparseable"
    assert d["reward_score"] == 1.0 and d["reward_extra_info"]["reason"] == "passed"
    assert e["reward_score"] == 0.0 and e["reward_extra_info"]["reason"] == "failed"
    assert set(a["reward_extra_info"]) == {"score", "acc", "pred", "reason", "unscored"}


def test_openrlhf_reward_func_from_a_python_file(tmp_path):
    f = tmp_path / "reward_func.py"
    f.write_text("from stepforge.rewards.openrlhf import reward_func  # noqa: F401\n")
    reward_func = tc.openrlhf_load_reward_func(str(f))
    # the prompt holds a boxed example: only the response after it may be read
    prompt = "<|im_start|>user\nExample: \\boxed{7}. Now compute 3+4.<|im_end|>\n<|im_start|>assistant\n"
    queries = [prompt + "3+4 is $\\boxed{7}$<|im_end|>", prompt + "I get \\boxed{8}<|im_end|>", prompt + "no idea"]
    out = asyncio.run(tc.openrlhf_fetch_rewards_via_func(reward_func, queries, [prompt] * 3, ["7"] * 3))
    rewards = [list(map(float, o["rewards"])) for o in out]
    assert rewards == [[1.0], [0.0], [0.0]]
    assert [list(map(float, o["extra_logs"]["stepforge_unscored"])) for o in out] == [[0.0]] * 3


def test_code_reward_binary_pass_rate_and_unscorable():
    half = "```python\ndef solve(x):\n    return 2 * x + 1 if x > 0 else 0\n```"
    good = "Here:\n```python\ndef solve(x):\n    return 2 * x + 1\n```"
    forged = "```python\nclass A:\n    def __eq__(self, o): return True\ndef solve(x): return A()\n```"
    body = "    return 2 * x + 1\n"
    completions = [good, half, forged, "no code at all", body, [{"role": "assistant", "content": good}]]
    binary = CodeReward()
    got = binary(completions=completions, prompts=["p"] * 6, tests=[HE_ROW] * 6)
    assert got == [1.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    rate = CodeReward(mode="pass_rate")(completions=[half], tests=[HE_ROW])
    assert rate == [pytest.approx(2 / 3)]
    io = CodeReward()(completions=[good, good], tests=[[{"args": [3], "expected": 7}], "not tests"],
                      entry_point=["solve", "solve"])
    assert io == [1.0, None]
    res = binary.score([good], [HE_ROW])[0]
    assert res.evidence["isolation"] and res.evidence["tests_total"] == 3 and res.reason == "passed"


def test_process_reward_per_step_scores_and_a_plug_in_scorer():
    solution = ("We have $3x + 5 = 11$.\n\nSubtract 5: $3x = 6$.\n\nDivide: $x = 3$.\n\nSo $\\boxed{3}$.")
    cols = {"answer": ["2"], "premises": [["3 x + 5 = 11"]], "unknowns": [["x"]]}
    steps = ProcessReward()(completions=[solution], **cols)
    assert steps == [[1.0, 1.0, 0.0, 0.0]]
    right = solution.replace("x = 3", "x = 2").replace("\\boxed{3}", "\\boxed{2}")
    assert ProcessReward(aggregate="min")(completions=[right, solution], **{k: v * 2 for k, v in cols.items()}) == [1.0, 0.0]
    res = ProcessReward().score([solution], [{"premises": ["3 x + 5 = 11"], "unknowns": ["x"], "gold": "2"}])[0]
    assert res.first_error_index == 2 and res.ratings[2] == -1 and res.evidence[2]["claims"]
    plug = ProcessReward(scorer="scorers:every_other_wrong", after_first_error=False)
    assert plug(completions=["a\n\nb\n\nc"]) == [[1.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match="module-level"):
        ProcessReward(scorer=lambda s, c: [0] * len(s))


def test_process_reward_confirms_steps_that_solve_the_prompts_own_equation():
    solution = "Dividing both sides by 2, $x(x-10) = -25$.\n\nSo $(x-5)^2 = 0$.\n\nSo $\\boxed{5}$."
    prompt = [{"role": "user", "content": "Solve for $x$: $2x(x-10) = -50$."}]
    without = ProcessReward()(completions=[solution], answer=["5"])
    with_prompt = ProcessReward()(completions=[solution], prompts=[prompt], answer=["5"])
    assert without[0][0] is None and with_prompt[0][0] == 1.0  # neutral: no score, (without, with_prompt)
    wrong = solution.replace("-25", "-50")  # a slip the prompt does not confirm, nor refute
    assert ProcessReward()(completions=[wrong], prompts=[prompt], answer=["5"])[0][0] is None


def test_process_reward_does_not_confirm_a_step_for_restating_the_prompts_own_equation():
    prompt = [{"role": "user", "content": "The point $(2,0)$ is reflected over the line $y=2$. Where does it go?"}]
    solution = "The reflection over $y=2$ sends $(2,0)$ to $(2,5)$.\n\nSo $\\boxed{(2,5)}$."
    assert ProcessReward()(completions=[solution], prompts=[prompt], answer=["(2,4)"])[0][0] is None
