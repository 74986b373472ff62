"""The trainers' calling conventions, reproduced line for line from their sources (TRL, verl, OpenRLHF are not
installed: TRL and verl pull torch and CUDA stacks far too heavy for CI). Each function says where it is from.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import importlib.util
import inspect
import math
import threading


def trl_callable_name(func):
    """trl/trainer/utils.py get_callable_name (huggingface/trl f2cd577)."""
    while isinstance(func, functools.partial):
        func = func.func
    return getattr(func, "__name__", type(func).__name__)


class _State:  # stands in for transformers.TrainerState (TRL passes it as ``trainer_state``)
    global_step = 3


def trl_grpo_calculate_rewards(reward_funcs, inputs, prompts, completions, completion_ids_list, logged):
    """trl/trainer/grpo_trainer.py GRPOTrainer._calculate_rewards (f2cd577, l.1612-1690), without torch: the
    reward columns, the sync call in the calling thread, async functions gathered on a daemon-thread loop
    (``start_event_loop_in_daemon`` + ``run_coroutine_threadsafe``), None -> NaN."""
    keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]
    reward_kwargs = {key: [example[key] for example in inputs] for key in keys}
    reward_kwargs["trainer_state"] = _State()
    reward_kwargs["log_extra"] = lambda column, values: logged.setdefault("extra", {}).__setitem__(column, values)
    reward_kwargs["log_metric"] = lambda name, value: logged.setdefault("metric", {}).__setitem__(name, value)
    rewards_per_func = [[math.nan] * len(reward_funcs) for _ in prompts]
    async_funcs_info = []
    for i, reward_func in enumerate(reward_funcs):
        if inspect.iscoroutinefunction(reward_func):
            async_funcs_info.append((i, reward_func, trl_callable_name(reward_func)))
        else:
            output = reward_func(prompts=prompts, completions=completions, completion_ids=completion_ids_list,
                                 **reward_kwargs)
            output = [r if r is not None else math.nan for r in output]
            for row, r in enumerate(output):
                rewards_per_func[row][i] = r
    if async_funcs_info:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run_loop():
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        t = threading.Thread(target=run_loop, daemon=True, name="GRPOTrainer-AsyncLoop")
        t.start()
        ready.wait()

        async def _invoke_async(index, func):
            output = await func(prompts=prompts, completions=completions, completion_ids=completion_ids_list,
                                **reward_kwargs)
            return index, [r if r is not None else math.nan for r in output]

        async def _run_async_funcs():
            return await asyncio.gather(*[_invoke_async(i, f) for i, f, _ in async_funcs_info])

        try:
            for idx, output in asyncio.run_coroutine_threadsafe(_run_async_funcs(), loop).result():
                for row, r in enumerate(output):
                    rewards_per_func[row][idx] = r
        finally:
            loop.call_soon_threadsafe(loop.stop)
            t.join(5)
    return rewards_per_func


async def trl_async_grpo_score_group(reward_funcs, prompts, completions, completion_ids, row, num_generations):
    """trl/experimental/async_grpo/async_rollout_worker.py _score_group (f2cd577, l.798-812): one group (a prompt
    x G completions), the row's columns repeated G times, sync functions via ``asyncio.to_thread``."""
    reward_kwargs = {key: [row[key]] * num_generations for key in row
                     if key not in {"prompt", "completion", "completion_ids"}}
    kwargs = dict(completions=completions, prompts=prompts, completion_ids=completion_ids, **reward_kwargs)
    return await asyncio.gather(*[
        reward_func(**kwargs) if inspect.iscoroutinefunction(reward_func) else asyncio.to_thread(reward_func, **kwargs)
        for reward_func in reward_funcs
    ])


def verl_load_extern_object(module_path, object_name):
    """verl/utils/import_utils.py load_module + load_extern_object (verl 1dda039): ``pkg://`` paths import the module."""
    assert module_path.startswith("pkg://")
    module = importlib.import_module(module_path[len("pkg://"):].replace("/", "."))
    return getattr(module, object_name)


async def verl_naive_run_single(compute_score, data_source, response_str, ground_truth, extra_info):
    """verl/experimental/reward_loop/reward_manager/naive.py NaiveRewardManager.run_single (1dda039): async scores
    awaited, sync ones in the loop's default executor; a dict result's keys become reward_extra_info."""
    loop = asyncio.get_running_loop()
    if inspect.iscoroutinefunction(compute_score):
        result = await compute_score(data_source=data_source, solution_str=response_str, ground_truth=ground_truth,
                                     extra_info=extra_info)
    else:
        result = await loop.run_in_executor(None, lambda: compute_score(
            data_source=data_source, solution_str=response_str, ground_truth=ground_truth, extra_info=extra_info))
    reward_extra_info = {}
    if isinstance(result, dict):
        score = result["score"]
        for key, value in result.items():
            reward_extra_info[key] = value
    else:
        score = result
        reward_extra_info["acc"] = score
    return {"reward_score": score, "reward_extra_info": reward_extra_info}


def openrlhf_load_reward_func(path):
    """openrlhf/utils/agent.py SingleTurnAgentExecutor.__init__ (OpenRLHF 3c3be62): a .py file's ``reward_func``."""
    spec = importlib.util.spec_from_file_location("reward_func", path)
    reward_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reward_module)
    return reward_module.reward_func


async def openrlhf_fetch_rewards_via_func(reward_func, queries, prompts, labels):
    """openrlhf/utils/agent.py _fetch_rewards_via_func: one sample per call, ``asyncio.to_thread``."""
    return await asyncio.gather(*[asyncio.to_thread(reward_func, queries[i:i + 1], prompts[i:i + 1], labels[i:i + 1])
                                  for i in range(len(queries))])
