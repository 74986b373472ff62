"""Solutions that end in a sentence instead of a box or an answer marker (real model-written and imported
traces): the final answer is read from the last step's concluding sentence, and the keep rule then decides as
for any other answer. A step that concludes with its own result is not an answer line apart from the work."""

from __future__ import annotations

from stepforge.schema import Rejection, Trace


def _outcome(rec: Trace | Rejection) -> dict:
    t = rec if isinstance(rec, Trace) else Trace.model_validate(rec.candidate)
    return t.outcome.model_dump()


def test_a_wrong_answer_stated_in_prose_is_judged_and_its_refuted_step_located(record) -> None:
    rec = record("Anna has 5 bags with 3 apples in each bag, and she buys 4 more apples. How many apples does she have?",
                 "19", ["Anna has 5 bags of 3 apples.", "So she has 5 * 3 = 16 apples in the bags.",
                        "Adding the 4 apples she buys, 16 + 4 = 20.", "Therefore, Anna has 20 apples."])
    assert _outcome(rec)["correct"] is False and _outcome(rec)["details"]["pred"] == "20"
    assert isinstance(rec, Trace) and rec.first_error_index == 1


def test_a_right_answer_stated_in_prose_is_judged(record) -> None:
    rec = record("A box holds 6 eggs. How many eggs are in 4 boxes?", "24",
                 ["There are 4 boxes.", "Each box holds 6 eggs.", "So there are 4 * 6 = 24 eggs in all."])
    assert _outcome(rec)["correct"] is True and _outcome(rec)["rule"] != "no_pred_answer"


def test_an_ambiguous_prose_ending_stays_inconclusive(record) -> None:
    rec = record("A box holds 6 eggs. How many eggs are in 4 boxes?", "24",
                 ["There are 4 boxes.", "Each box holds 6 eggs.", "So the count is 4 * 6 = 24, which is 2 dozen eggs."])
    assert isinstance(rec, Rejection) and rec.reason == "inconclusive_outcome"
    assert _outcome(rec)["rule"] == "no_pred_answer"


def test_a_step_that_concludes_with_its_own_result_is_not_an_answer_line_that_contradicts_the_steps(record) -> None:
    """The steps derived 6 (the reference) on the way; the last step multiplies it by 2 in a wrong reasoning step
    whose arithmetic holds. That step is the work's last result, not an answer line contradicting it: the error is
    not located (never put on the concluding step)."""
    rec = record("Two identical gold medals and two identical silver medals are put in a row. How many different "
                 "rows are there?", "6",
                 ["There are 4 places for the first gold medal and 3 places for the second.",
                  "Swapping the two gold medals gives the same row, so there are 4 * 3 / 2 = 6 ways to place them.",
                  "Each silver medal can then go in 2 ways.",
                  "Therefore, the total number of rows is 6 * 2 = 12."])
    assert _outcome(rec)["correct"] is False and _outcome(rec)["details"]["pred"] == "12"
    assert isinstance(rec, Rejection) and rec.reason == "error_not_located"
    t = Trace.model_validate(rec.candidate)
    assert t.steps[-1].label.rating == 0
    assert t.steps[-1].evidence["located"]["rule"] == "error_not_located"
    assert "concluding sentence" in t.steps[-1].evidence["located"]["detail"]
