"""The procedural code templates: >= 30, references pass, injected bugs fail at a known step."""

from __future__ import annotations

from stepforge.generators.procedural.code import TEMPLATES, load_templates, make_problem
from stepforge.verifiers.code import check_codes


def test_registry_has_at_least_30_templates_each_with_bugs():
    names = load_templates()
    assert len(names) >= 30
    for n in names:
        t = TEMPLATES.get(n)
        assert t.bugs and len(t.plan) >= 2, n


def test_problems_are_deterministic_under_their_seed():
    a, b = make_problem("clamp_values", 11, bug=0), make_problem("clamp_values", 11, bug=0)
    assert (a.params, a.steps, a.task.io_tests, a.task.hidden_io_tests) == (b.params, b.steps, b.task.io_tests,
                                                                             b.task.hidden_io_tests)
    assert make_problem("clamp_values", 12).params != a.params or make_problem("clamp_values", 13).params != a.params


def test_references_pass_and_bugs_are_located_and_caught():
    names = load_templates()
    items, meta = [], []
    for n in names:
        good = make_problem(n, 0)
        assert good.first_error_index is None and good.steps[-1] == good.code
        items.append((good.task, good.code))
        meta.append((n, None, None))
        for i, bug in enumerate(TEMPLATES.get(n).bugs):
            p = make_problem(n, 0, bug=i)
            assert p.code != good.code
            step = bug.step if bug.step is not None else len(p.steps) - 1
            assert p.first_error_index == step
            assert p.steps[:step] == good.steps[:step]  # everything before the first error is right
            items.append((p.task, p.code))
            meta.append((n, i, bug.kind))
    verdicts = check_codes(items)
    wrong_refs = [n for (n, b, _), v in zip(meta, verdicts) if b is None and not v.passed]
    assert wrong_refs == []
    caught = {(n, b) for (n, b, _), v in zip(meta, verdicts) if b is not None and not v.passed}
    total = sum(1 for _, b, _ in meta if b is not None)
    assert len(caught) >= 0.9 * total  # a few bugs may be equivalent on a seed's inputs
    assert {n for n, _ in caught} == set(names)  # every template has a bug its tests catch
