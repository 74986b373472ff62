"""PRM800K lines into traces.

The trajectory is the path a rater followed: at each labelled step ``completions[chosen_completion]``,
else ``human_completion``, else (the step where labelling stopped) the completion equal to the
pre-generated step; pre-generated steps after the labelled ones are kept unlabelled. Other
completions become ``alternatives`` with their own ratings. A rating of null stays unlabelled; a
human-written step with no rating is labelled +1 (source ``prm800k:human_completion``: raters wrote
it as the right next step; TRL's converter reads it the same way). A last labelled step with no
chosen, human or pre-generated completion ends the trajectory: it and any label steps after it
(PRM800K has some with ``completions`` null) are kept whole in ``extras.prm800k._untaken_steps``.
Inferred: steps joined by "\\n" as the raw response; ``first_error_index`` = first -1 on the
trajectory, -1 when ``finish_reason`` is ``solution``, else null (unknown); outcome ``correct`` null
(PRM800K grades steps, not the answer). ``labeler``, ``timestamp``, ``generation``, the QC flags,
``total_time`` and ``pre_generated_verifier_score`` stay in ``extras.prm800k``; ``flagged`` and other
completion keys stay in each step's ``evidence.human``.
"""

from __future__ import annotations

import re
from typing import Any

from stepforge.datasets.importers import IMPORTERS, ImportFormatError, ImportOptions
from stepforge.datasets.importers import _common as c
from stepforge.schema import Label, Reference, Task, Trace

TOP = ["labeler", "timestamp", "generation", "is_quality_control_question", "is_initial_screening_question",
       "question", "label"]
QUESTION = ["problem", "ground_truth_solution", "ground_truth_answer", "pre_generated_steps", "pre_generated_answer",
            "pre_generated_verifier_score"]
LABEL = ["steps", "total_time", "finish_reason"]
_ANSWER = re.compile(r"# Answer\s*\n\n(.*)\Z", re.S)
SEP = "\n"


def _rated(raw: dict[str, Any], options: ImportOptions, human: bool = False) -> Label | None:
    rating = raw.get("rating")
    if rating is None:
        return c.label(1, "prm800k:human_completion", options) if human else None
    if rating not in (-1, 0, 1):
        raise ImportFormatError(f"rating {rating!r} is not -1, 0, 1 or null")
    return c.label(rating, "prm800k:human", options)


def _rest(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k != "text"}


def _alternative(raw: dict[str, Any], options: ImportOptions) -> dict[str, Any]:
    """A completion off the rated path: its text, its own label, the rest of its keys as evidence."""
    lb = _rated(raw, options)
    return {"text": raw["text"], "label": lb.model_dump() if lb else None, "evidence": {"human": _rest(raw)}}


class _Prm800k:
    name = "prm800k"
    summary = "PRM800K lines (phase 1 or 2)"

    def to_trace(self, row: dict[str, Any], options: ImportOptions) -> Trace:
        c.need(row, ["question", "label"])
        q, lab = row["question"], row["label"]
        c.need(q, ["problem"], "question.")
        c.need(lab, ["steps", "finish_reason"], "label.")
        pre = q.get("pre_generated_steps")
        texts: list[str] = []
        labels: list[Label | None] = []
        evidence: list[dict[str, Any]] = []
        alternatives: list[list[dict[str, Any]]] = []
        raw_ratings: list[int | None] = []
        untaken = None
        for i, ls in enumerate(lab["steps"]):
            comps, chosen, human = ls["completions"] or [], ls.get("chosen_completion"), ls.get("human_completion")
            if chosen is not None:
                k: int | None = chosen
            elif human is not None:
                k = None
            else:
                k = next((j for j, x in enumerate(comps) if pre and i < len(pre) and x["text"] == pre[i]), None)
                if k is None:  # the rated path ends here: nothing chosen, written or pre-generated
                    untaken = lab["steps"][i:]
                    break
            traj = comps[k] if k is not None else human
            texts.append(traj["text"])
            labels.append(_rated(traj, options, human=k is None))
            raw_ratings.append(traj.get("rating") if k is not None else labels[-1].rating if labels[-1] else None)
            evidence.append({"human": _rest(traj) if k is not None else {},
                             "prm800k": {"position": k, "chosen_completion": chosen, "human_completion": human}})
            alternatives.append([_alternative(x, options) for j, x in enumerate(comps) if j != k])
        n_labelled = len(texts)
        question_rest = {k: v for k, v in q.items() if k not in QUESTION or k == "pre_generated_verifier_score"}
        if pre is not None:
            if pre[:n_labelled] != texts[: len(pre)]:
                question_rest["pre_generated_steps"] = pre  # the rated path left the pre-generated one
            else:
                texts += pre[n_labelled:]
        n = len(texts)
        labels += [None] * (n - n_labelled)
        evidence += [{}] * (n - n_labelled)
        alternatives += [[]] * (n - n_labelled)
        if "pre_generated_answer" in q:
            final = q["pre_generated_answer"]
        else:
            m = _ANSWER.search(texts[-1]) if texts else None
            final = m.group(1).strip() if m else None
        fei: int | None = c.first_error(raw_ratings)
        if fei == -1 and lab["finish_reason"] != "solution":
            fei = None
        extras: dict[str, Any] = {k: v for k, v in row.items() if k not in ("question", "label")}
        if question_rest:
            extras["question"] = question_rest
        extras["label"] = {k: v for k, v in lab.items() if k not in ("steps", "finish_reason")}
        if not extras["label"]:
            del extras["label"]
        if untaken is not None:
            extras["_untaken_steps"] = untaken
        layout = {name: order for name, order in (("keys", c.key_order(row, TOP)), ("question", c.key_order(q, QUESTION)),
                                                   ("label", c.key_order(lab, LABEL))) if order is not None}
        if layout:
            extras["_layout"] = layout
        return Trace(
            id="prm800k-" + c.digest(row),
            domain="math",
            task=Task(task_id="prm800k/" + c.digest(q["problem"]), prompt=q["problem"], source="prm800k",
                      reference=Reference(answer=q.get("ground_truth_answer"), solution=q.get("ground_truth_solution"))),
            generation=c.generation("prm800k", texts, SEP),
            segmentation=c.segmentation(SEP),
            steps=c.steps(texts, SEP, labels, evidence, alternatives),
            final_answer=final,
            outcome=c.outcome("prm800k", None, "none", {"note": "PRM800K rates steps; the final answer is not graded here"}),
            first_error_index=fei,
            error_indices=[i for i, r in enumerate(raw_ratings) if r == -1],
            finish_reason=lab["finish_reason"],
            labeling=c.labeling("human", options, until_first_error=True),
            provenance=c.provenance("prm800k", options),
            extras={"prm800k": extras},
        )


IMPORTERS.register("prm800k", _Prm800k())
