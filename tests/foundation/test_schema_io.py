"""The record schema: JSON round trip, validation, and the JSONL tail repair used by resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from stepforge.datasets.io import read_traces, repair_tail
from stepforge.schema import SCHEMA_VERSION, Trace, json_from_wire, to_wire, wire_from_json, wire_part


def test_round_trip_is_exact(math_run: Path):
    for line in (math_run / "traces.jsonl").read_text().splitlines()[:20]:
        t = Trace.model_validate_json(line)
        assert to_wire(t) == json.loads(line)  # a line is the record's wire form
        assert Trace.model_validate(json.loads(t.model_dump_json())) == t  # nested JSON (older lines) loads too
        assert t.schema_version == SCHEMA_VERSION
        # the unvalidated fast path a run's resume scan and the card use: both directions, inputs left as they are
        nested, line_dict = t.model_dump(mode="json"), json.loads(line)
        frozen = json.dumps(nested, sort_keys=True)
        assert wire_from_json(nested) == line_dict and json.dumps(nested, sort_keys=True) == frozen
        assert json_from_wire(line_dict) == nested and json_from_wire(nested) == nested
        assert isinstance(line_dict["task"]["metadata"], str)
        assert wire_part(line_dict["task"]["metadata"]) == nested["task"]["metadata"]


def _one(math_run: Path) -> dict:
    return json.loads((math_run / "traces.jsonl").read_text().splitlines()[0])


def test_schema_rejects_inconsistent_records(math_run: Path):
    rec = _one(math_run)
    bad_index = json.loads(json.dumps(rec))
    bad_index["steps"][0]["index"] = 5
    bad_fei = json.loads(json.dumps(rec))
    bad_fei["first_error_index"] = 99
    bad_rating = json.loads(json.dumps(rec))
    bad_rating["steps"][0]["label"]["rating"] = 2
    unknown_field = {**rec, "surprise": 1}
    wrong_version = {**rec, "schema_version": "stepforge/0"}
    for bad in (bad_index, bad_fei, bad_rating, unknown_field, wrong_version):
        with pytest.raises(ValidationError):
            Trace.model_validate(bad)


def test_repair_tail_cuts_only_a_broken_last_line(tmp_path: Path, math_run: Path):
    lines = (math_run / "traces.jsonl").read_text().splitlines()[:3]
    p = tmp_path / "t.jsonl"
    p.write_text("\n".join(lines) + "\n")
    assert repair_tail(p) == 0
    p.write_text("\n".join(lines) + "\n" + lines[0][:50])
    assert repair_tail(p) == 50
    assert len(read_traces(p)) == 3
    p.write_text("\n".join(lines) + "\n" + "{not json}\n")
    assert repair_tail(p) == len("{not json}\n")
    assert len(read_traces(p)) == 3
