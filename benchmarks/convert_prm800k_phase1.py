"""PRM800K phase-1 human step ratings as ProcessBench rows, plus references, for ``bench_labels --real``.

PRM800K (OpenAI, "Let's Verify Step by Step") is human raters' -1/0/+1 ratings of the steps of GPT-4 solutions to
MATH problems. In phase 1 the rater saw several completions of each next step, rated them, and chose one to go on
with (or wrote one), until the solution was finished or given up. No copy of phase 2 could be found; this is phase 1.

Source: github ``xhghhh/Enhancing-PRM800K``, ``phase1_test.stepwise-critic.parquet`` (blob aa216a85, commit
29dc428dba6a807cebf30dec727acfdf8aadbf75) and ``phase1_train_plus.stepwise-critic.parquet`` (blob 61c11c6a, commit
df7f9ba86da8a59c261c6d9570f15a5a21b9916f; it adds an ``error_reason`` column, unused here): PRM800K phase 1
denormalised by ``scottlogic-alex/prm800k-denorm`` (``make_critiques``): for each rated step, one row per model
completion and then the human's, each with the problem (``instruction``), the rated path so far (``responses``), the
step (``next_response``, ``answer``), ``rating``, ``is_preferred_response``, ``is_human_response``, ``is_solution``.
The conversations are rebuilt from the row order: one is a run of rows on one problem whose rated path only grows;
its steps are the runs of rows that share one path.

Kept: conversations the rater finished (exactly one preferred completion at every step, the last step's a solution)
in which every step on the rated path is a model completion (no human-written step) with a rating. Each gives

- the rated path: label the first step rated -1, else -1; left out when it has no -1 step but its answer is wrong
  (the ratings and the answer disagree), when its problem has no reference, or when its answer cannot be decided;
- at most one alternative last step the rater rated -1 that gives an answer (a seeded choice, one generator over the
  conversations in file order), in place of the path's last step: label the first -1 on the result.

A step's text is the completion, with ``\\n\\n# Answer\\n\\n`` and its answer when it gives one (PRM800K's own form).
``final_answer_correct`` is :func:`stepforge.verifiers.math.check_answer` of the problem's reference and the last
step's answer, with the problem. References: MATH's test answers built into stepforge (``--references math``) for
the phase-1 test problems; MATH's train answers, github ``MDX-0003/cs336-assignment5`` ``data/MATH/train.jsonl``
(blob 1f5d41fe, commit a77b0ab9), for the train ones; MATH test's answer wins where both have the problem. The
references file holds one row per problem with a row (``problem``, ``answer``, ``origin``: ``builtin:math-test`` or
the train file's name). Row ids are ``prm800k-p1{test,train}-NNNN-{path,alt}``, NNNN the conversation's index in
its file.

    python benchmarks/convert_prm800k_phase1.py phase1_test.parquet phase1_train_plus.parquet math_train.jsonl OUT_DIR
    # -> OUT_DIR/prm800k_phase1_pb.jsonl, OUT_DIR/prm800k_refs.jsonl; then
    .venv/bin/python benchmarks/bench_labels.py --real OUT_DIR/prm800k_phase1_pb.jsonl \\
        --references OUT_DIR/prm800k_refs.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from stepforge.errors import UserError
from stepforge.generators.sources import references as R
from stepforge.verifiers.math import check_answer

DELIM = "\n\n# Answer\n\n"
SEED = 20240919
COLUMNS = ["instruction", "responses", "next_response", "answer", "is_human_response", "is_solution",
           "is_preferred_response", "rating"]
DECIDED = ("equal", "not_equal")


def read_rows(path: Path) -> list[dict]:
    """The stepwise-critic rows of one parquet file, in file order."""
    return pq.read_table(path, columns=COLUMNS).to_pylist()


def conversations(rows: list[dict]) -> list[dict]:
    """``{"problem", "steps"}`` per conversation, ``steps`` the rows of each rated step in order: a new
    conversation starts where the problem changes or the rated path does not extend the previous row's."""
    out: list[dict] = []
    prev: tuple[str, ...] | None = None
    for r in rows:
        path = tuple(r["responses"])
        if not out or r["instruction"] != out[-1]["problem"] or path[:len(prev)] != prev:
            out.append({"problem": r["instruction"], "steps": []})
            prev = None
        if path != prev:
            out[-1]["steps"].append([])
        out[-1]["steps"][-1].append(r)
        prev = path
    return out


def rating(r: dict) -> int | None:
    x = r["rating"]
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else int(x)


def answer(r: dict) -> str | None:
    return r["answer"] if isinstance(r["answer"], str) else None


def text(r: dict) -> str:
    a = answer(r)
    return r["next_response"] if a is None else r["next_response"] + DELIM + a


def first_error(ratings: list[int]) -> int:
    return next((i for i, x in enumerate(ratings) if x == -1), -1)


def load_references(math_train: Path) -> R.References:
    """MATH train answers from the file (origin: its name), then MATH test's built-in answers over them."""
    train = {k: ref._replace(origin=math_train.name) for k, ref in R.load_file(math_train).items()}
    return {**train, **(R.load("math") or {})}


def verdict(ref: R.Ref, ans: str, problem: str) -> bool | None:
    """Whether the answer equals the reference; None when the verifier cannot decide."""
    v = check_answer(ref.answer, ans, problem=problem)
    return v.equal if v.verdict in DECIDED else None


def convert(splits: list[tuple[str, list[dict]]], refs: R.References) -> tuple[list[dict], list[dict], Counter]:
    """ProcessBench rows, reference rows and counts (rows written, conversations left out and why) of the splits'
    rows, in order."""
    rng = random.Random(SEED)
    rows: list[dict] = []
    stats: Counter = Counter()
    for split, table in splits:
        for ci, c in enumerate(conversations(table)):
            steps, problem = c["steps"], c["problem"]
            stats[f"{split}:conversations"] += 1
            if (any(sum(x["is_preferred_response"] for x in s) != 1 for s in steps)
                    or not any(x["is_solution"] for x in steps[-1])):
                stats[f"{split}:skip_not_finished"] += 1
                continue
            path = [next(x for x in s if x["is_preferred_response"]) for s in steps]
            if any(p["is_human_response"] for p in path):
                stats[f"{split}:skip_human_step"] += 1
                continue
            ratings = [rating(p) for p in path]
            if None in ratings:
                stats[f"{split}:skip_unrated_step"] += 1
                continue
            ref = refs.get(R.problem_key(problem))
            if ref is None:
                stats[f"{split}:skip_no_reference"] += 1
                continue
            if answer(path[-1]) is None:
                stats[f"{split}:skip_no_answer"] += 1
                continue
            ok = verdict(ref, answer(path[-1]), problem)
            if ok is None:
                stats[f"{split}:skip_answer_undecided"] += 1
                continue
            label = first_error(ratings)
            if label == -1 and not ok:
                stats[f"{split}:skip_no_error_but_wrong_answer"] += 1
                continue
            texts = [text(p) for p in path]
            cid = f"prm800k-p1{split}-{ci:04d}"
            rows.append({"id": cid + "-path", "generator": "prm800k-phase1", "problem": problem, "steps": texts,
                         "final_answer_correct": ok, "label": label})
            stats["path_rows"] += 1
            alts = [x for x in steps[-1] if not x["is_preferred_response"] and not x["is_human_response"]
                    and rating(x) == -1 and answer(x) is not None]
            if not alts:
                continue
            alt = rng.choice(alts)
            ok_alt = verdict(ref, answer(alt), problem)
            if ok_alt is None:
                stats[f"{split}:skip_alt_answer_undecided"] += 1
                continue
            rows.append({"id": cid + "-alt", "generator": "prm800k-phase1", "problem": problem,
                         "steps": texts[:-1] + [text(alt)], "final_answer_correct": ok_alt,
                         "label": first_error(ratings[:-1] + [-1])})
            stats["alt_rows"] += 1
    refs_out: dict[str, dict] = {}
    for r in rows:
        ref = refs[R.problem_key(r["problem"])]
        refs_out.setdefault(r["problem"], {"problem": r["problem"], "answer": ref.answer, "origin": ref.origin})
    return rows, list(refs_out.values()), stats


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("test", type=Path, help="phase1_test.stepwise-critic.parquet")
    ap.add_argument("train", type=Path, help="phase1_train_plus.stepwise-critic.parquet")
    ap.add_argument("math_train", type=Path, help="MATH train rows (JSONL with problem and answer)")
    ap.add_argument("out", type=Path, help="output folder")
    args = ap.parse_args()
    prog = Path(sys.argv[0]).name
    for p in (args.test, args.train, args.math_train):
        if not p.is_file():
            sys.exit(f"{prog}: {p}: no such file")
    splits = []
    for split, p in (("test", args.test), ("train", args.train)):
        try:
            splits.append((split, read_rows(p)))
        except (OSError, pa.ArrowException, KeyError, ValueError) as e:
            sys.exit(f"{prog}: cannot read {p}: {' '.join(str(e).split())}")
    try:
        refs = load_references(args.math_train)
    except UserError as e:
        sys.exit(f"{prog}: {e}")
    except (OSError, ValueError) as e:
        sys.exit(f"{prog}: cannot read {args.math_train}: {' '.join(str(e).split())}")
    rows, refs_out, stats = convert(splits, refs)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        write_jsonl(args.out / "prm800k_phase1_pb.jsonl", rows)
        write_jsonl(args.out / "prm800k_refs.jsonl", refs_out)
    except OSError as e:
        sys.exit(f"{prog}: cannot write to {args.out}: {e}")
    wrong = sum(not r["final_answer_correct"] for r in rows)
    errors = sum(r["label"] != -1 for r in rows)
    print(f"{len(rows)} rows ({stats['path_rows']} rated paths, {stats['alt_rows']} with a -1 alternative last step;"
          f" {errors} with an error, {wrong} with a wrong answer), {len(refs_out)} references -> {args.out}")
    print("left out:", ", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if ":skip_" in k) or "none")


if __name__ == "__main__":
    main()
