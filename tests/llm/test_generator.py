"""Budgeted sampling against the loopback server: stop at K verified, record everything about the generation."""

from __future__ import annotations

import json

from conftest import exact_check, run

from stepforge._testing.openai_server import ServerProcess
from stepforge.generators.llm.client import ClientConfig, LLMClient
from stepforge.generators.llm.sampling import Sample, SamplingConfig, generate
from stepforge.generators.llm.problems import task_from_row
from stepforge.generators.llm.prompts import MATH_STEPS

TASKS = [task_from_row({"problem": f"What is {i} * 3 + 4 - 2?", "answer": str(i * 3 + 2)}, "math") for i in range(12)]


def _verify(c: Sample) -> tuple[bool | None, dict]:
    return exact_check(c.task.reference.answer, c.final_answer), {"pred": c.final_answer}


def _gen(server: ServerProcess, sampling: SamplingConfig, tasks=TASKS):
    async def go():
        client = LLMClient(ClientConfig(base_url=server.url))
        try:
            return await generate(
                tasks, domain="math", client=client, model="mock", template=MATH_STEPS, sampling=sampling, verify=_verify
            ), client
        finally:
            await client.aclose()

    return run(go())


def test_budget_stops_at_k_verified(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.5)
    results, client = _gen(server, SamplingConfig(samples=8, k=2, n=1))
    for r in results:
        flags = [j.correct for j in r.judged]
        assert flags.count(True) <= 2
        if flags.count(True) == 2:
            assert flags[-1] is True  # sampling stopped right after the K-th verified solution
        else:
            assert len(flags) == 8  # never reached K: the whole budget was drawn
        assert r.requests == len(flags)
    assert sum(r.verified for r in results) >= 12  # most problems reach K=2 at a 50% error rate
    assert len(server.log()) == sum(r.requests for r in results)


def test_all_wrong_draws_the_budget_and_n_choices(server: ServerProcess) -> None:
    server.configure(wrong_rate=1.0)
    results, _ = _gen(server, SamplingConfig(samples=5, k=1, n=2), TASKS[:3])
    for r in results:
        assert [j.correct for j in r.judged] == [False] * 5
        assert r.requests == 3  # 2 + 2 + 1 choices
        assert [j.candidate.sample_index for j in r.judged] == [0, 1, 2, 3, 4]


def test_generation_records_model_prompt_sampling_and_segmentation(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.0)
    results, _ = _gen(server, SamplingConfig(samples=2, k=1, temperature=0.6, top_p=0.9, max_tokens=300, seed=7), TASKS[:1])
    (j,) = results[0].judged
    g = j.candidate.generation
    assert g.generator == "openai" and g.model == "mock" and g.prompt_version == MATH_STEPS.id
    msgs = json.loads(g.prompt)
    assert msgs[1]["content"] == "Problem: " + MATH_STEPS.demos[0].problem  # few-shot demos recorded
    assert g.sampling.temperature == 0.6 and g.sampling.top_p == 0.9 and g.sampling.max_tokens == 300
    assert g.sampling.seed == g.seed and g.usage["total_tokens"] > 0
    assert j.candidate.parsed.method == "numbered" and j.candidate.parsed.steps[0].text.startswith("Compute")
    assert j.correct is True and j.candidate.final_answer == TASKS[0].reference.answer


def test_truncated_and_empty_become_rejections(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.0, faults={"truncated": 1.0}, fault_attempts=100)
    results, _ = _gen(server, SamplingConfig(samples=2, k=1), TASKS[:2])
    for r in results:
        assert r.judged == [] and [x["reason"] for x in r.rejections] == ["truncated", "truncated"]


def test_same_seed_same_requests(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.5)
    _gen(server, SamplingConfig(samples=4, k=2, seed=3), TASKS[:4])
    first = [e["key"] for e in server.log()]
    server.reset(wrong_rate=0.5)
    _gen(server, SamplingConfig(samples=4, k=2, seed=3), TASKS[:4])
    assert sorted(first) == sorted(e["key"] for e in server.log())


def test_paragraph_answers_are_segmented_as_paragraphs(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.0, style="paragraphs")
    results, _ = _gen(server, SamplingConfig(samples=1, k=1), TASKS[:2])
    for r in results:
        (j,) = r.judged
        p = j.candidate.parsed
        assert p.method == "paragraphs" and p.separator == "\n\n"
        assert [s.text for s in p.steps][-1].startswith("The final answer is") and len(p.steps) == 4  # 3 operations
        assert j.correct is True
