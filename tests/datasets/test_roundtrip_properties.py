"""The lossless-ness contract on generated rows: whatever the whitespace, prefixes, label types and
extra keys, ``export(import(row)) == row`` (same keys, same order)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from stepforge.datasets import exporters
from stepforge.datasets.exporters import ExportOptions
from stepforge.datasets.importers import import_row

TEXT = st.lists(st.sampled_from(list("ab +-?.:=$\n\t12Sstep") + ["Step 1:", "step 2:", " Step 3: ", "\n\n"]),
                max_size=12).map("".join)
EXTRA = st.dictionaries(st.sampled_from(["source", "meta", "value", "z"]),
                        st.one_of(st.none(), st.integers(), TEXT), max_size=2)


def back(fmt: str, row: dict) -> dict:
    (out,) = exporters.get(fmt).export(import_row(fmt, row), ExportOptions()).rows
    return out


def same(a: dict, b: dict) -> bool:
    return json.dumps(a) == json.dumps(b)


@settings(max_examples=150, deadline=None)
@given(prompt=TEXT, steps=st.lists(st.tuples(TEXT, st.sampled_from(["+", "-"])), min_size=1, max_size=6),
       gaps=st.lists(st.sampled_from(["", " ", "\n", " Step {k}: ", "\nStep {k}: ", "\n\nstep {k}:", "Step {k}:"]),
                     min_size=6, max_size=6),
       tails=st.lists(st.sampled_from(["", " ", "  ", "\n"]), min_size=6, max_size=6),
       end=st.sampled_from(["", "\n", " "]), task=st.sampled_from(["GSM8K", "MATH"]), extra=EXTRA)
def test_math_shepherd_any_frame(prompt, steps, gaps, tails, end, task, extra):
    parts = [gaps[i].format(k=i + 1) + text + tails[i] for i, (text, _) in enumerate(steps)]
    row = {"input": prompt + "".join(p + "ки" for p in parts) + end,
           "label": prompt + "".join(p + m for p, (_, m) in zip(parts, steps)) + end,
           "task": task, **{k: v for k, v in extra.items() if k not in ("input", "label", "task")}}
    out = back("math_shepherd", row)
    assert same(out, row)


@settings(max_examples=150, deadline=None)
@given(prompt=TEXT, data=st.data(), extra=EXTRA, first=st.booleans())
def test_trl_any_labels(prompt, data, extra, first):
    n = data.draw(st.integers(1, 6))
    labels = data.draw(st.one_of(st.lists(st.booleans(), min_size=n, max_size=n),
                                 st.lists(st.floats(0, 1), min_size=n, max_size=n),
                                 st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n)))
    body = {"prompt": prompt, "completions": data.draw(st.lists(TEXT, min_size=n, max_size=n)), "labels": labels}
    row = {**extra, **body} if first else {**body, **extra}
    assert same(back("trl", row), row)


@settings(max_examples=150, deadline=None)
@given(process=st.lists(TEXT, min_size=1, max_size=6), errors=st.lists(st.integers(-1, 8), max_size=4),
       classification=st.one_of(st.none(), st.sampled_from(["counterfactual", "redundency"])),
       reason=st.one_of(st.none(), TEXT), extra=EXTRA)
def test_prmbench_any_error_steps(process, errors, classification, reason, extra):
    row = {"original_question": "q", "modified_question": "q2", "original_process": process[:1],
           "modified_process": process, "modified_steps": errors, "error_steps": errors, "reason": reason,
           "idx": "prm_test_p1_0", "question": "q", "classification": classification, **extra}
    assert same(back("prmbench", row), row)


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(TEXT, min_size=1, max_size=6), data=st.data(), fac=st.one_of(st.none(), st.booleans()))
def test_processbench_any_label(steps, data, fac):
    row = {"id": "math-1", "generator": "m", "problem": "p", "steps": steps, "final_answer_correct": fac,
           "label": data.draw(st.integers(-1, len(steps) - 1))}
    assert same(back("processbench", row), row)
