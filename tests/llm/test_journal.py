"""The journal survives a kill mid-write and keys requests canonically."""

from __future__ import annotations

from pathlib import Path

from stepforge.generators.llm.journal import Journal, request_key


def test_key_is_canonical() -> None:
    assert request_key({"a": 1, "b": [1, 2]}) == request_key({"b": [1, 2], "a": 1})
    assert request_key({"a": 1}) != request_key({"a": 2})


def test_reload_and_partial_last_line(tmp_path: Path) -> None:
    p = tmp_path / "j.jsonl"
    with Journal(p) as j:
        j.put("k1", {"response": {"x": 1}, "status": "ok"})
        j.put("k2", {"response": {"x": 2}, "status": "ok"})
        j.put("k1", {"response": {"x": 3}, "status": "ok"})  # a key is written once
    with p.open("ab") as f:
        f.write(b'{"key": "k3", "resp')  # what a SIGKILL mid-write could leave
    with Journal(p) as j:
        assert sorted(j.keys()) == ["k1", "k2"] and j.get("k1")["response"] == {"x": 1}
        j.put("k3", {"response": {}, "status": "empty"})
    with Journal(p) as j:
        assert sorted(j.keys()) == ["k1", "k2", "k3"]
    assert len(p.read_text().splitlines()) == 3


def test_fresh_run_discards_old_journal(tmp_path: Path) -> None:
    p = tmp_path / "j.jsonl"
    with Journal(p) as j:
        j.put("k1", {"status": "ok"})
    with Journal(p, resume=False) as j:
        assert len(j) == 0
