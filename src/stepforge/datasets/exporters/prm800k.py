"""PRM800K lines (openai/prm800k, phase-2 shape): the question with pre-generated steps, and per
step the rated completions (the trajectory step plus its alternatives), ``chosen_completion``,
``finish_reason``.

Ratings are written as they are (-1/0/+1; PRM800K has neutral, so no neutral policy applies). When
``finish_reason`` is ``found_error`` the labelled steps stop at the first error (phase-2 convention;
``supervised_until_first_error=False`` keeps the later labels), and the error step has
``chosen_completion`` null. The last step carries ``"\\n\\n# Answer\\n\\n" + final_answer``, which
PRM800K's grader parses. Fields PRM800K has and stepforge does not (labeler, timestamp,
generation, QC flags, flags per completion, verifier score) come back from ``extras.prm800k`` and
step evidence when the trace was imported; otherwise ``labeler`` is ``stepforge:<strategy>``,
``timestamp`` the record's creation time and ``total_time`` the labelling wall time in ms.
"""

from __future__ import annotations

from typing import Any

from stepforge.datasets.exporters import EXPORTERS, ExportOptions, Projection
from stepforge.datasets.exporters._common import arrange, is_soft, layout, source_fields
from stepforge.schema import Trace

ANSWER_MARK = "\n\n# Answer\n\n"


def _labelled_count(trace: Trace, options: ExportOptions) -> int:
    fei = trace.first_error_index
    if trace.finish_reason == "found_error" and fei is not None and fei >= 0 \
            and options.supervised_until_first_error is not False:
        return fei + 1
    marked = [s.index for s in trace.steps if s.label is not None or "prm800k" in s.evidence]
    return max(marked) + 1 if marked else 0


def _completion(text: str, label: dict[str, Any] | None, raw: dict[str, Any] | None) -> dict[str, Any]:
    """One rated completion: the canonical rating over the source's own keys (flagged, ...)."""
    out: dict[str, Any] = {"text": text, "rating": None, "flagged": None}
    if raw is not None:
        out = {"text": text, **raw}
    if label is not None:
        out["rating"] = label["rating"]
    return out


def _label_step(trace: Trace, i: int, text: str, options: ExportOptions, notes: list[str]) -> dict[str, Any]:
    step = trace.steps[i]
    ev = step.evidence.get("prm800k")
    label = step.label.model_dump() if step.label is not None else None
    alts = []
    for alt in step.alternatives:
        if not options.alternatives:
            notes.append("alternatives left out")
            break
        alts.append(_completion(alt["text"], alt.get("label"), alt.get("evidence", {}).get("human")))
    if ev is None:
        found_here = trace.finish_reason == "found_error" and i == trace.first_error_index
        position: int | None = 0
        chosen: int | None = None if found_here else 0
        human = None
    else:
        position, chosen, human = ev["position"], ev["chosen_completion"], ev["human_completion"]
    completions = list(alts)
    if position is not None:
        completions.insert(position, _completion(text, label, step.evidence.get("human")))
    return {"completions": completions, "human_completion": human, "chosen_completion": chosen}


class _Prm800k:
    name = "prm800k"
    summary = "PRM800K lines: rated completions per step, first-error truncation, '# Answer' last step"

    def export(self, trace: Trace, options: ExportOptions) -> Projection:
        src = source_fields(trace, "prm800k")
        lay = layout(trace, "prm800k")
        notes: list[str] = []
        texts = [s.text for s in trace.steps]
        if texts and trace.final_answer is not None and "# Answer" not in texts[-1]:
            texts[-1] = texts[-1] + ANSWER_MARK + trace.final_answer
        n = _labelled_count(trace, options)
        if any(s.label is not None for s in trace.steps[n:]):
            notes.append("labels after the first error left out (PRM800K phase-2 convention)")
        if any(is_soft(s.label) for s in trace.steps[:n]):
            notes.append("soft scores left out (PRM800K ratings are -1/0/+1)")
        ref = trace.task.reference
        question = {
            "problem": trace.task.prompt,
            "ground_truth_solution": ref.solution,
            "ground_truth_answer": ref.answer,
            "pre_generated_steps": texts,
            "pre_generated_answer": trace.final_answer,
            "pre_generated_verifier_score": None,
            **src.pop("question", {}),
        }
        label_steps = [_label_step(trace, i, texts[i], options, notes) for i in range(n)]
        label_steps += trace.extras.get("prm800k", {}).get("_untaken_steps", [])
        label = {
            "steps": label_steps,
            "total_time": round(trace.labeling.cost.wall_s * 1000),
            "finish_reason": trace.finish_reason,
            **src.pop("label", {}),
        }
        row = {
            "labeler": f"stepforge:{trace.labeling.strategy}",
            "timestamp": trace.provenance.created_at,
            "generation": None,
            "is_quality_control_question": False,
            "is_initial_screening_question": False,
            "question": arrange(question, lay.get("question")),
            "label": arrange(label, lay.get("label")),
            **src,
        }
        return Projection([arrange(row, lay.get("keys"))], notes)


EXPORTERS.register("prm800k", _Prm800k())
