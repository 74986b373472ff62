"""Synthesised problems are kept only when independent solutions confirm the proposed answer."""

from __future__ import annotations

from conftest import exact_check, run

from stepforge._testing.openai_server import ServerProcess
from stepforge.generators.llm.client import ClientConfig, LLMClient
from stepforge.generators.llm.problems import task_from_row
from stepforge.generators.llm.synthesis import SynthesisConfig, parse_proposal, problem_row, synthesize
from stepforge._testing.openai_server import find_expression, solve

SEEDS = [task_from_row({"problem": f"What is {i} * 3 + 4?", "answer": str(i * 3 + 4)}, "math") for i in range(8)]


def _synth(server: ServerProcess, method: str, **kw):
    async def go():
        client = LLMClient(ClientConfig(base_url=server.url))
        try:
            return await synthesize(SEEDS, client=client, model="mock", config=SynthesisConfig(method=method, **kw), check=exact_check)
        finally:
            await client.aclose()

    return run(go())


def _true_answer(problem: str) -> str:
    return str(solve(find_expression(problem))[1])


def test_parse_proposal() -> None:
    assert parse_proposal("Problem: What is 2 + 2?\nAnswer: \\boxed{4}") == ("What is 2 + 2?", "4")
    assert parse_proposal("nothing here") is None


def test_evolution_keeps_exactly_the_correct_proposals(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.25)
    out = _synth(server, "evolve", variants=3, solutions=4, min_agree=0.75)
    kept = [s for s in out if s.kept]
    dropped = [s for s in out if s.reason == "no_agreement"]
    assert kept and dropped
    for s in kept:  # a kept problem's reference answer is its true answer
        assert s.task.reference.answer == _true_answer(s.task.prompt)
        assert s.detail["agreeing"] >= 3 and s.task.metadata["synthesis"]["seed_task_id"] in {t.task_id for t in SEEDS}
        row = problem_row(s)
        assert row["problem"] == s.task.prompt and row["synthesis"]["method"] == "evolve"
    wrong_proposals = [s for s in out if s.task.prompt and s.task.reference.answer != _true_answer(s.task.prompt)]
    assert wrong_proposals and not any(s.kept for s in wrong_proposals)


def test_backtranslation_hits_the_target_answer(server: ServerProcess) -> None:
    server.configure(wrong_rate=0.25)
    out = _synth(server, "backtranslate", variants=2)
    kept = [s for s in out if s.kept]
    assert kept
    targets = {t.reference.answer for t in SEEDS}
    for s in kept:
        assert s.task.reference.answer in targets and _true_answer(s.task.prompt) == s.task.reference.answer
    assert any(s.reason == "no_agreement" for s in out)


def test_mutants_are_distinct_parseable_single_changes() -> None:
    import ast

    from stepforge.generators.llm.mutate import mutants

    src = "def f(xs, k):\n    n = 0\n    for x in xs:\n        if x > k and x % 2 == 0:\n            n += 1\n    return n\n"
    out = list(mutants(src, limit=50))
    kinds = {k for k, _ in out}
    assert {"cmp", "binop", "plus1", "minus1", "boolop", "negate", "return_none"} <= kinds
    texts = [t for _, t in out]
    assert len(set(texts)) == len(texts) and ast.unparse(ast.parse(src)) not in texts
    for t in texts:
        ast.parse(t)
    assert len(list(mutants(src, limit=3))) == 3
    assert list(mutants("def broken(:")) == []


def test_parse_code_proposal() -> None:
    from stepforge.generators.llm.synthesis import parse_code_proposal

    text = ("Entry point: g\nPrompt:\n```python\ndef g(x):\n    \"\"\"Double.\"\"\"\n```\nSolution:\n```python\n"
            "def g(x):\n    \"\"\"Double.\"\"\"\n    return 2 * x\n```\nTests:\n```python\ndef check(candidate):\n"
            "    assert candidate(2) == 4\n```")
    p = parse_code_proposal(text)
    assert p is not None and p["entry_point"] == "g" and "return 2 * x" in p["solution"]
    assert p["test"].startswith("def check(candidate):")
    assert parse_code_proposal("Entry point: g\nno blocks") is None


def test_parse_proposal_of_a_reply_with_long_blank_runs_finishes() -> None:
    """The lazy problem/answer patterns rescanned a blank run at each step (cubic: 4,000 newlines took minutes).
    The deadline only detects a hang."""
    import threading

    replies = ["Problem: a" + "\n" * 50_000 + "x\nAnswer: 3",   # cubic before
               "Problem: a" + " \n" * 25_000 + "x",
               "Problem: What is 2 + 2?\nAnswer: 4" + " " * 1_000_000 + "x"]  # quadratic before
    out: list = []
    worker = threading.Thread(target=lambda: out.extend(parse_proposal(r) for r in replies), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "parse_proposal hangs on blank runs"
    assert out[0] is not None and out[0][1] == "3" and out[1] is None
