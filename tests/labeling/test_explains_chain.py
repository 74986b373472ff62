"""A slip inside a chain whose later members are written on from the wrong value ("(150 + 130 + 260) / 3 = 440 / 3 =
140"): every member of the chain names one quantity, so redone right each becomes the chain's right value, and a final
answer equal to the last member (140) is a value the slip led to. Before, only the member right after the refuted
"=" was carried, so such a slip (MR-GSM8K: eight rows whose gold first error is that step) was never shown to explain
the answer and the trace was dropped as "first error uncertain"."""

from __future__ import annotations

from stepforge.labeling.locate import explains_outcome
from stepforge.schema import Rejection, Trace

AVERAGE = ("Mark weighs 150 pounds. Susan weighs 20 pounds less than Mark, and Bob weighs twice as much as Susan. "
           "What is the average weight of the three friends?", "180",
           ["Susan weighs 150 - 20 = 130 pounds.",
            "Bob weighs 130 * 2 = 260 pounds.",
            "So the average weight is (150 + 130 + 260) / 3 = 440 / 3 = 140 pounds.",  # 540, then 146.67
            "The answer is 140"])


def _claims(*steps: list[tuple[str, str]]) -> list[list[dict]]:
    return [[{"claim": c, "verdict": v} for c, v in step] for step in steps]


def test_every_later_member_of_the_slips_chain_is_redone() -> None:
    claims = _claims([("150 - 20 = 130", "true")], [("130 \\cdot 2 = 260", "true")],
                     [("(150 + 130 + 260) / 3 = 440 / 3", "false"), ("440 / 3 = 140", "false")], [])
    ex = explains_outcome(claims, 2, "180", "140")
    assert ex["explains"] is True, ex
    assert ex["corrected"] == [["440/3", "180"], ["140", "180"]]
    assert explains_outcome(claims, 2, "170", "140")["explains"] is False  # redone, it is 180: not that reference


def test_a_later_computation_of_the_same_step_is_not_the_chain() -> None:
    # "= 440 / 3" then another computation "2 * 70 = 140": 140 is not a member of the slip's chain
    claims = _claims([("(150 + 130 + 260) / 3 = 440 / 3", "false"), ("2 \\cdot 70 = 140", "true")], [])
    ex = explains_outcome(claims, 0, "180", "140")
    assert ex["explains"] is False, ex


def test_the_slip_in_a_chain_is_kept_as_the_first_error(record) -> None:
    rec = record(*AVERAGE)
    t = rec if isinstance(rec, Trace) else Trace.model_validate(rec.candidate)
    assert isinstance(rec, Trace), getattr(rec, "detail", None)
    assert t.first_error_index == 2
    assert t.steps[2].evidence["located"]["explains_outcome"]["explains"] is True


def test_it_is_not_kept_when_the_chains_right_value_is_not_the_reference(record) -> None:
    problem, _, steps = AVERAGE
    assert isinstance(record(problem, "200", steps), Rejection)


def test_a_final_answer_with_a_unit_or_currency_is_a_value_the_slip_led_to() -> None:
    # the final answer is graded as the answer verifier reads it ("140 pounds", "$140.00"); a different value is not
    claims = _claims([("150 - 20 = 130", "true")], [("130 \\cdot 2 = 260", "true")],
                     [("(150 + 130 + 260) / 3 = 440 / 3", "false"), ("440 / 3 = 140", "false")], [])
    for pred in ("140 pounds", "\\$140.00", "140\\text{ lb}", "140g", "140 km"):
        ex = explains_outcome(claims, 2, "180", pred)
        assert ex["explains"] is True, (pred, ex)
    for pred in ("141 pounds", "1400 pounds", "140\\pi"):
        assert explains_outcome(claims, 2, "180", pred)["explains"] is False, pred
