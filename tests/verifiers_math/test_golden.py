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
    by_file: dict[str, list] = {}
    for c in CASES:
        by_file.setdefault(c.id.split(":")[0], []).append(c.values[0])
    for name, rows in by_file.items():  # a file may repeat another file's case (the hack suite stands alone)
        keys = {(r["gold"], r["pred"], json.dumps(r.get("policy", {})), r.get("problem")) for r in rows}
        assert len(keys) == len(rows), f"duplicate cases in {name}"
    rows = [c.values[0] for c in CASES]
    assert all(r["expected"] in ("equal", "not_equal", "ambiguous", "unparseable") for r in rows)


def test_the_hack_suite_is_never_equal_and_its_controls_always_are():
    hacks = [c.values[0] for c in CASES if c.id.startswith("hacks:")]
    assert len(hacks) >= 200
    assert {r.get("policy") for r in hacks} >= {None, "reward"}
    for r in hacks:
        assert (r["expected"] == "equal") == bool(r.get("control")), r


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    v = judge(case["gold"], case["pred"], policy=case.get("policy"), problem=case.get("problem"))
    assert v.verdict == case["expected"], (v.rule, v.detail, v.gold, v.pred)
