"""The answer checker's public API: contract, hard limits from any thread, order, CLI."""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from stepforge.verifiers.math import MathPolicy, MathVerdict, check_answer, check_answers, judge
from stepforge.verifiers.math.answer import warm_pool
from stepforge.verifiers.math.parse import parse_math
from stepforge.verifiers.math.errors import ParseError

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_verdict_shape_and_evidence():
    v = judge(r"\frac{1}{2}", r"The answer is $\boxed{0.5}$")
    assert isinstance(v, MathVerdict)
    assert v.verdict == "equal" and v.equal
    assert v.gold == r"\frac{1}{2}" and v.pred == "0.5"
    assert v.rule and v.seconds >= 0
    assert set(v.versions) == {"stepforge", "sympy", "latex2sympy2_extended"}
    w = judge("3", "4")
    assert w.verdict == "not_equal" and not w.equal and w.rule == "exact_int"


def test_unparseable_is_not_a_prefix():
    v = judge("4", r"\boxed{4 \sqrt{2")
    assert v.verdict == "unparseable"
    with pytest.raises(ParseError):
        parse_math(r"\frac{1}{2")


def test_parse_math_types():
    import sympy

    assert parse_math(r"\frac{1}{2}") == sympy.Rational(1, 2)
    x = sympy.Symbol("x")
    assert parse_math("x^2+1") == x**2 + 1
    assert parse_math(r"[1, 2)") == sympy.Interval.Ropen(1, 2)
    assert parse_math(r"\{1, 2\}") == sympy.FiniteSet(1, 2)
    assert isinstance(parse_math("x + 1 = 3"), sympy.Equality)


def test_hard_timeout_from_threads_cannot_be_defeated():
    # a C-level big-integer power let through the static guard by policy: only the kill can stop it
    pol = MathPolicy(max_int_bits=10**12)
    warm_pool(2)  # both workers started (start-up is outside deadlines)
    out = []

    def run():
        t0 = time.monotonic()
        v = check_answer("1", r"\boxed{7^{1234567891}}", timeout=0.5, policy=pol)
        out.append((v.verdict, time.monotonic() - t0))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o[0] for o in out] == ["timeout"] * 2
    assert max(o[1] for o in out) < 0.5 + 1.0  # never more than a second past the limit, from any thread
    assert check_answer("2", "2").equal  # killed workers were replaced


def test_guard_refuses_towers_in_process():
    t0 = time.monotonic()
    v = judge("1", r"\boxed{\dfrac{5^{\left(5^{\left(5^{\left(5^5\right)}\right)} - 4\right)} - 5}{16}}")
    assert v.verdict == "unparseable" and v.rule == "guard"
    assert time.monotonic() - t0 < 1.0
    assert judge("1", "2003^{2002^{2001}}").rule == "guard"
    assert judge("1", "100000!").rule == "guard"


def test_check_answers_keeps_order():
    pairs = [(str(i), f"\\boxed{{{i if i % 3 else i + 1}}}") for i in range(30)]
    res = check_answers(pairs, workers=2, timeout=5)
    assert [r.equal for r in res] == [bool(i % 3) for i in range(30)]
    assert check_answers([]) == []


def test_policy_from_dict_and_validation():
    assert judge("50\\%", "0.5").equal
    assert not judge("50\\%", "0.5", policy={"percent": "strict"}).equal
    with pytest.raises(Exception):
        MathPolicy(percent="sometimes")


def _cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "stepforge", "check-answer", *args], input=stdin,
        capture_output=True, text=True, env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}, timeout=120,
    )


def test_cli_prints_json_verdict():
    r = _cli(r"\frac{1}{2}", r"so \boxed{0.5}")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["verdict"] == "equal" and out["gold"] == r"\frac{1}{2}" and out["pred"] == "0.5"
    assert {"rule", "seconds"} <= set(out)
    r = _cli("1", "2")
    assert r.returncode == 1 and json.loads(r.stdout)["verdict"] == "not_equal"


def test_cli_bad_input_is_one_line():
    r = _cli("1", "2", "--policy", "{not json")
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = _cli("1", "2", "--timeout", "-1")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_a_hanging_pair_times_out_alone_in_a_batch():
    pol = MathPolicy(max_int_bits=10**12)  # let a C-level big-integer power through the guards
    pairs = [(str(i), str(i)) for i in range(40)]
    pairs[17] = ("1", r"\boxed{7^{1234567891}}")
    t0 = time.monotonic()
    out = check_answers(pairs, workers=2, timeout=1.0, policy=pol)
    assert out[17].verdict == "timeout" and out[17].rule == "hard_timeout"
    assert [v.verdict for i, v in enumerate(out) if i != 17] == ["equal"] * 39
    assert time.monotonic() - t0 < 1.0 * 2 + 3  # the chunk's deadline, then the pair alone


def test_parse_math_values_of_percent_and_degrees():
    import sympy

    assert parse_math(r"50\%") == sympy.Rational(1, 2)
    assert parse_math(r"30^\circ") == sympy.pi / 6
    assert parse_math("x = 2 or x = 3") == sympy.FiniteSet(2, 3)


def test_cli_reads_a_jsonl_of_pairs_and_prints_one_verdict_per_line(tmp_path):
    rows = [
        {"gold": "1/2", "pred": r"so \boxed{0.5}", "id": "a"},
        ["x^2+2x+1", "(x+1)^2"],
        {"gold": "7", "pred": r"\boxed{2x + 3 = 17}"},
        {"gold": r"\frac{11}{12}", "pred": r"\frac{3}{4} + \frac{1}{6}",
         "problem": r"Compute $\frac{3}{4} + \frac{1}{6}$ and write the result in lowest terms."},
        {"gold": r"\frac{\pi}{2}", "pred": r"\boxed{\arccos(0) + \Gamma(1) - 1}"},
    ]
    f = tmp_path / "pairs.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    r = _cli("--in", str(f))
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["verdict"] for o in out] == ["equal", "equal", "not_equal", "not_equal", "equal"]
    assert out[0]["id"] == "a" and out[1]["line"] == 2
    assert out[2]["rule"] == out[3]["rule"] == "not_a_final_answer"
    assert out[0]["where"] == "in_process" and out[4]["where"] == "pool"
    r = _cli("--in", "-", "--policy", "reward", stdin='{"gold": "50\\\\%", "pred": "0.5"}\n')
    assert json.loads(r.stdout)["verdict"] == "not_equal"


def test_cli_bad_jsonl_is_one_line(tmp_path):
    f = tmp_path / "pairs.jsonl"
    f.write_text('{"gold": "1", "pred": "1"}\n{"gold": 1}\n')
    r = _cli("--in", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr and ":2:" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = _cli("--in", str(tmp_path / "missing.jsonl"))
    assert r.returncode == 2 and "no such file" in r.stderr
    r = _cli("1")
    assert r.returncode == 2 and "Traceback" not in r.stderr
