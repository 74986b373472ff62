"""What the card says of the labelling: the model cost summed over a run's records (kept traces and rejected
labelled candidates alike, for they were paid for too) and, for consensus, how often the two strategies agreed.
Accumulated record by record (records as JSON dicts), so a run of any size is summarised in constant memory."""

from __future__ import annotations

from collections import Counter
from typing import Any

FIELDS = ("rollouts", "judge_calls", "exec_runs", "prompt_tokens", "gen_tokens", "usd")


class LabelStats:
    def __init__(self) -> None:
        self.kept: Counter[str] = Counter()
        self.all: Counter[str] = Counter()
        self.n_kept = self.n_all = 0
        self.agree = self.disagree = 0
        self.pairs: Counter[str] = Counter()

    def _add(self, labeling: dict[str, Any], kept: bool) -> None:
        cost = labeling.get("cost") or {}
        for f in FIELDS:
            v = cost.get(f) or 0
            self.all[f] += v
            if kept:
                self.kept[f] += v
        self.n_all += 1
        self.n_kept += kept
        ag = labeling.get("agreement")
        if ag:
            self.pairs[" and ".join(ag.get("strategies") or [])] += 1
            if ag.get("agree"):
                self.agree += 1
            else:
                self.disagree += 1

    def add_trace(self, t: dict[str, Any]) -> None:
        self._add(t.get("labeling") or {}, True)

    def add_rejection(self, r: dict[str, Any]) -> None:
        cand = r.get("candidate") or {}
        if isinstance(cand.get("labeling"), dict):  # a labelled trace that the keep rule refused
            self._add(cand["labeling"], False)

    def section(self) -> str | None:
        """The card's section, or None when no model was asked and no consensus made."""
        if not (self.all["rollouts"] or self.all["judge_calls"] or self.agree or self.disagree):
            return None

        def row(name: str, c: Counter[str], n: int) -> str:
            cells = [name, n, c["rollouts"], c["judge_calls"], c["exec_runs"], c["prompt_tokens"], c["gen_tokens"],
                     round(c["usd"], 6)]
            return "| " + " | ".join(str(x) for x in cells) + " |"

        lines = ["## Labelling cost", "",
                 "| records | count | rollouts | judge calls | sandbox runs | prompt tokens | completion tokens "
                 "| USD |",
                 "|---|---|---|---|---|---|---|---|",
                 row("kept traces", self.kept, self.n_kept),
                 row("all labelled (kept and rejected)", self.all, self.n_all), ""]
        if self.n_kept:
            per = {f: self.all[f] / self.n_kept for f in FIELDS}
            lines.append(f"Per kept trace, counting what rejected candidates cost too: {per['rollouts']:.1f} rollouts, "
                         f"{per['judge_calls']:.1f} judge calls, {per['usd']:.6f} USD.")
        if self.agree or self.disagree:
            total = self.agree + self.disagree
            lines += ["", f"Consensus ({', '.join(self.pairs)}): the strategies agreed on the first error in "
                          f"{self.agree} of {total} labelled traces ({100 * self.agree / total:.1f}%); the others "
                          "are in `rejected.jsonl` as `labels_disagree`."]
        lines += ["", "Per-trace figures are in each trace's `labeling.cost` (tokens and dollars from the answers' "
                      "usage at the configured prices; answers replayed from a journal count as when first paid)."]
        return "\n".join(lines)
