"""Diversity at the source: a run's items of a template are different problems (and traces) until the
template's space is used up, and then the record says so; every point of a space is a sound task."""

from __future__ import annotations

import random

import pytest

from stepforge.generators.procedural.code import TEMPLATES, _space, candidate, load_templates, make_problem, space_size
from stepforge.verifiers.code import check_codes


def test_permute_is_a_bijection_of_every_size():
    for size in (1, 2, 3, 7, 64, 65, 360, 1000, 4097):
        key = size.to_bytes(8, "little")
        assert sorted(_space.permute(i, size, key) for i in range(size)) == list(range(size))
    a = [_space.permute(i, 1000, b"one-key!") for i in range(20)]
    assert a != [_space.permute(i, 1000, b"othe-key") for i in range(20)] and a != list(range(20))


def test_nth_combination_enumerates_every_subset_once():
    import itertools

    assert [_space.nth_combination(6, 3, i) for i in range(20)] == list(itertools.combinations(range(6), 3))


@pytest.mark.parametrize("name", load_templates())
def test_a_run_repeats_no_problem_or_trace_of_a_template(name: str):
    size = space_size(name)
    assert size >= 300, (name, size)  # every template reports its space; none is tiny
    n = 60
    items = [candidate(7, name, 10_000 + i, i % 2 == 1, ordinal=i)[0] for i in range(n)]
    prompts = {c.task.prompt for c in items}
    assert len(prompts) == n  # no problem twice
    assert len({(c.task.prompt, tuple(c.steps)) for c in items}) == n  # no trace twice
    assert all(c.task.metadata["space"] == {"size": size, "position": c.task.metadata["space"]["position"],
                                            "cycle": 0, "exhausted": False} for c in items)
    # the same (run seed, template, ordinal) gives the same item, in any order
    again = {i: candidate(7, name, 10_000 + i, i % 2 == 1, ordinal=i)[0] for i in random.Random(1).sample(range(n), 10)}
    for i, c in again.items():
        assert c.model_dump() == items[i].model_dump()


def test_a_used_up_space_says_so_and_walks_it_again():
    name = min(load_templates(), key=space_size)
    size = space_size(name)
    first = [candidate(3, name, i, False, ordinal=i)[0] for i in range(size)]
    assert len({c.task.prompt for c in first}) == size  # every problem of the space, once
    over = [candidate(3, name, size + i, False, ordinal=size + i)[0] for i in range(5)]
    assert all(c.task.metadata["space"]["exhausted"] and c.task.metadata["space"]["cycle"] == 1 for c in over)
    assert {c.task.prompt for c in over} <= {c.task.prompt for c in first}


def test_points_across_each_space_are_sound_tasks():
    """At points away from the default (other names, argument names, parameters, examples) the
    reference passes its tests and the injected bugs are still caught."""
    items, meta = [], []
    rng = random.Random(5)
    for name in load_templates():
        t = TEMPLATES.get(name)
        for position in rng.sample(range(space_size(name)), 2):
            good = make_problem(name, position, position=position)
            items.append((good.task, good.code))
            meta.append((name, None))
            for b in range(len(t.bugs)):
                bad = make_problem(name, position, position=position, bug=b)
                items.append((bad.task, bad.code))
                meta.append((name, b))
    verdicts = check_codes(items)
    assert [m for m, v in zip(meta, verdicts) if m[1] is None and not v.passed] == []
    bugs = [(m, v) for m, v in zip(meta, verdicts) if m[1] is not None]
    assert sum(1 for _, v in bugs if not v.passed) >= 0.9 * len(bugs)


def test_a_code_run_has_no_duplicate_problem(tmp_path):
    from stepforge.datasets.io import read_traces
    from stepforge.pipeline import RunConfig, run

    out = tmp_path / "run"
    run(RunConfig(domain="code", count=80, seed=5, families=["anagram", "gcd", "rotate_list"], out=out,
                  progress=False))
    traces = read_traces(out / "traces.jsonl")
    assert len(traces) == 80
    assert len({t.task.prompt for t in traces}) == 80
    assert not any(t.task.metadata["space"]["exhausted"] for t in traces)
