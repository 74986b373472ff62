"""Build the reference answers stepforge ships (``stepforge/generators/sources/reference_answers/*.jsonl.gz``).

Sources (both MIT licensed): GSM8K's ``test.jsonl`` and ``train.jsonl`` (github.com/openai/grade-school-math,
``grade_school_math/data/``) and MATH's 5,000 test problems (github.com/hendrycks/math) as JSONL, either with
``problem``/``solution`` keys or with ``question``/``answer`` (the worked solution). Each output row is
``{"problem", "answer", "solution"}``; a MATH answer is the solution's last box, read by stepforge's own reader.

    .venv/bin/python scripts/build_references.py --gsm8k-test T --gsm8k-train TR --math-test M
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path

from stepforge.verifiers.math import judge
from stepforge.verifiers.math.extract import last_boxed

OUT = Path(__file__).resolve().parent.parent / "src/stepforge/generators/sources/reference_answers"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gsm8k(path: Path) -> list[dict]:
    out = []
    for row in _rows(path):
        solution, answer = row["answer"].rsplit("####", 1)
        out.append({"problem": row["question"], "answer": answer.strip().replace(",", ""),
                    "solution": solution.strip()})
    return out


def math(path: Path) -> list[dict]:
    out = []
    for row in _rows(path):
        problem = row.get("problem") or row["question"]
        solution = row.get("solution") or row["answer"]
        answer = last_boxed(solution)
        if not answer:
            raise SystemExit(f"{path}: no boxed answer in the solution of {problem[:60]!r}")
        parts = answer.split(", ")
        if len(parts) > 1 and all(judge(parts[0], p).verdict == "equal" for p in parts[1:]):
            answer = parts[-1]  # one answer boxed in two forms ("15\\frac{39}{40}, \\frac{639}{40}"), not a list
        out.append({"problem": problem, "answer": answer, "solution": solution})
    return out


def write(name: str, rows: list[dict], source: Path) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode()
    # mtime=0: the same sources give the same bytes
    (OUT / f"{name}.jsonl.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return f"| `{name}` | {len(rows)} | `{source.name}` sha256 `{digest[:16]}…` |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gsm8k-test", type=Path, required=True)
    ap.add_argument("--gsm8k-train", type=Path, required=True)
    ap.add_argument("--math-test", type=Path, required=True)
    a = ap.parse_args()
    lines = [write("gsm8k-test", gsm8k(a.gsm8k_test), a.gsm8k_test),
             write("gsm8k-train", gsm8k(a.gsm8k_train), a.gsm8k_train),
             write("math-test", math(a.math_test), a.math_test)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
