"""``--generator file``: model outputs the user already has are kept and labelled exactly as the ``openai`` source
would keep and label the same texts (one step parser, one final-answer reader, one domain ``record``)."""

from __future__ import annotations

import json
from pathlib import Path

from stepforge._testing.openai_server import ServerProcess

from .conftest import ROOT, records, run_cli

FIXTURE = ROOT / "tests" / "data" / "responses_math.jsonl"


def _decision(rec: dict) -> tuple:
    """What a record says about one response text: kept or why not, the verdict, every step's text and rating."""
    t = rec if "outcome" in rec else rec.get("candidate") or {}
    steps = [(s["text"], (s.get("label") or {}).get("rating")) for s in t.get("steps") or []]
    outcome = t.get("outcome") or {}
    return ("kept" if "outcome" in rec else rec["reason"], outcome.get("verdict"), outcome.get("rule"),
            outcome.get("correct"), t.get("final_answer"), t.get("first_error_index"), tuple(steps))


def _by_text(out: Path) -> dict[tuple[str, str], tuple]:
    got = {}
    for name in ("traces.jsonl", "rejected.jsonl"):
        for rec in records(out / name):
            body = rec if "outcome" in rec else rec["candidate"]
            text = (body.get("generation") or {}).get("raw_response", body.get("text"))
            prompt = (body.get("task") or {}).get("prompt")
            got[(prompt, text)] = _decision(rec)
    return got


def test_file_source_keeps_and_labels_like_the_openai_source(server: ServerProcess, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    n = sum(len(r["responses"]) for r in rows)
    via_file = tmp_path / "file"
    r = run_cli("generate", "--generator", "file", "--responses", str(FIXTURE), "--domain", "math", "--count", "100",
                "--out", str(via_file), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    file_records = _by_text(via_file)
    assert len(file_records) == n  # every response is a trace or a rejection, none lost
    kinds = {d[0] for d in file_records.values()}
    assert "kept" in kinds and "empty" in kinds  # correct and wrong kept; the empty answer rejected
    assert {d[3] for d in file_records.values() if d[0] == "kept"} == {True, False}

    server.reset(canned={r["problem"]: r["responses"] for r in rows}, wrong_rate=0.0)
    problems = tmp_path / "p.jsonl"
    problems.write_text("".join(json.dumps({"id": r["id"], "problem": r["problem"], "answer": r["answer"],
                                            "solution": r["solution"]}) + "\n"
                                for r in rows))
    via_api = tmp_path / "api"
    r = run_cli("generate", "--generator", "openai", "--model", "mock-1", "--base-url", server.url, "--domain", "math",
                "--problems", str(problems), "--count", "100", "--samples", "3", "--k", "3", "--max-samples", "60",
                "--out", str(via_api), "--no-progress", "--workers", "1")
    assert r.returncode == 0, r.stderr
    api_records = _by_text(via_api)
    assert len(api_records) >= n // 2
    for key, decision in api_records.items():
        assert key in file_records, key
        assert decision == file_records[key], key


def test_bad_response_files_are_one_line_errors(tmp_path: Path) -> None:
    cases = {
        "not_json.jsonl": ('{"problem": "1+1?", "answer": "2", "responses": ["2"]}\n{oops\n', "not_json.jsonl:2: not JSON"),
        "no_responses.jsonl": ('{"problem": "1+1?", "answer": "2"}\n', "no responses"),
        "no_answer.jsonl": ('{"problem": "1+1?", "responses": ["2"]}\n', "need an 'answer'"),
        "empty.jsonl": ("\n", "no rows"),
        "latin1.jsonl": (b'{"problem": "caf\xe9", "answer": "2", "responses": ["2"]}\n', "not UTF-8"),
    }
    for name, (content, msg) in cases.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        r = run_cli("generate", "--generator", "file", "--responses", str(path), "--domain", "math", "--count", "1",
                    "--out", str(tmp_path / "o"), "--no-progress")
        assert r.returncode == 2 and msg in r.stderr, (name, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "o").exists()


def test_vllm_and_chat_completion_shapes_are_read(tmp_path: Path) -> None:
    text = "Step 1: $2 + 2 = 4$.\nStep 2: The final answer is $\\boxed{4}$."
    rows = [
        {"problem": "What is 2 + 2?", "answer": "4", "solution": "2 + 2 = 4", "outputs": [{"text": text}]},
        {"question": "What is 2 + 2?", "answer": "4", "id": "b", "solution": "2 + 2 = 4",
         "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"},
                     {"message": {"role": "assistant", "content": text[:20]}, "finish_reason": "length"}]},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = run_cli("generate", "--generator", "file", "--responses", str(path), "--domain", "math", "--count", "5",
                "--positive-fraction", "1", "--out", str(tmp_path / "o"), "--no-progress")
    assert r.returncode == 0, r.stderr
    traces, rejected = records(tmp_path / "o" / "traces.jsonl"), records(tmp_path / "o" / "rejected.jsonl")
    assert len(traces) == 2 and all(t["outcome"]["correct"] for t in traces)
    assert [x["reason"] for x in rejected] == ["truncated"]
    assert "every item of the source was used: 2 of 5 traces kept" in (tmp_path / "o" / "card.md").read_text()
