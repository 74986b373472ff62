"""The golden regression suite shipped in the package: every case must get its expected verdict."""

import json
from importlib import resources

import pytest

from stepforge.verifiers.math import judge


def _cases():
    root = resources.files("stepforge.verifiers.math") / "golden"
    out = []
    for f in sorted(root.iterdir(), key=lambda p: p.name):
        if f.name.endswith(".jsonl"):
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
                if line.strip():
                    out.append(pytest.param(json.loads(line), id=f"{f.name[:-6]}:{i + 1}"))
    return out


CASES = _cases()


def test_suite_size_and_balance():
    rows = [c.values[0] for c in CASES]
    assert len({(r["gold"], r["pred"], json.dumps(r.get("policy", {}))) for r in rows}) == len(rows), "duplicate cases"
    assert all(r["expected"] in ("equal", "not_equal", "unparseable") for r in rows)


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    v = judge(case["gold"], case["pred"], policy=case.get("policy"), problem=case.get("problem"))
    assert v.verdict == case["expected"], (v.rule, v.detail, v.gold, v.pred)
