"""``records``: solutions that are already labelled somewhere (stepforge's own traces or run folder, PRM800K,
ProcessBench, PRMBench, Math-Shepherd or TRL rows), labelled again by the run's strategy (``stepforge label``).

Each row is read with the importers (any format ``stepforge eval-labels`` reads, detected from the first row or
named), streamed, one unit each, in file order. A row becomes the candidate of its solution text: the task (with
its reference answer when the row has one), the steps as the row splits them, the generation. What the row says
about its labels (ratings, first error, injected error) is never read, so the new labels owe nothing to the old
ones; compare them with ``stepforge eval-labels IN OUT``. A row with no step is rejected (``no_steps``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stepforge.candidate import Candidate
from stepforge.errors import UserError
from stepforge.generators.sources import SOURCES, ProducingSource, SourceSettings, Unit
from stepforge.generators.sources import references as _references
from stepforge.schema import Rejection, Trace


def candidate_of(trace: Trace, index: int, origin: str) -> Candidate:
    """The solution a labelled trace holds, as an unlabelled candidate (labels and injected error dropped)."""
    meta = {k: v for k, v in trace.task.metadata.items() if k != "index"}
    steps = trace.steps
    spans = [s.span for s in steps] if steps and all(s.span is not None for s in steps) else None
    return Candidate(
        id=trace.id, index=index, domain=trace.domain,
        family=str(meta.get("family") or meta.get("template") or origin),
        task=trace.task.model_copy(update={"metadata": meta}),
        generation=trace.generation.model_copy(update={"injected_error": None}),
        segmentation=trace.segmentation, steps=[s.text for s in steps], spans=spans,  # type: ignore[arg-type]
        final_answer=trace.final_answer,
        code=code_of(trace),
        extras={**trace.extras, "relabelled": {"from": origin, "strategy": trace.labeling.strategy},
                **({SOURCE_OUTCOME: trace.outcome.model_dump(mode="json")} if _graded_by_source(trace) else {})},
    )


#: a row's own final-answer verdict (ProcessBench's ``final_answer_correct``), used when it has no reference answer
SOURCE_OUTCOME = "source_outcome"


def _graded_by_source(trace: Trace) -> bool:
    """The row grades its own final answer, and gives no reference answer to grade it again or takes one from
    ``--references`` (then the two verdicts must agree: ``pipeline.domains.math``)."""
    return (trace.domain == "math" and trace.outcome.correct is not None
            and trace.outcome.verifier.startswith("imported:")
            and (not trace.task.reference.answer or "reference_from" in trace.task.metadata))


def code_of(trace: Trace) -> str | None:
    """A code trace's program: the last step's ``code``, else the answer's fenced block when the last step holds it,
    else the last step's text (stepforge's procedural traces end with the code itself, unfenced)."""
    if trace.domain != "code" or not trace.steps:
        return None
    last = trace.steps[-1]
    if last.code:
        return last.code
    from stepforge.generators.llm.parse import parse_solution

    found = parse_solution(trace.generation.raw_response or "", "code").code
    if found is not None and found.strip() and found.strip() in last.text:
        return found
    return last.text if last.text.strip() else None


def survey(path: Path, fmt: str | None = None) -> tuple[str, int]:
    """The domain of the labelled solutions in ``path`` (one per run of ``stepforge label``) and how many there are,
    streamed."""
    from stepforge.datasets.eval_labels import labelled_traces

    domain, rows = None, 0
    for trace, _ in labelled_traces(path, fmt):
        rows += 1
        domain = domain or trace.domain
        if trace.domain != domain:
            raise UserError(f"{path}: row {rows} is a {trace.domain} solution after {domain} ones: label one domain "
                            "at a time")
    if domain is None:
        raise UserError(f"{path}: no labelled solutions in it")
    return domain, rows


class RecordsSource(ProducingSource):
    name = "records"

    def __init__(self, settings: SourceSettings) -> None:
        from stepforge.datasets.eval_labels import FORMATS

        opts = settings.options.get("records") or {}
        if not opts.get("path"):
            raise UserError("the records source needs the labelled file or run folder to read")
        if settings.families:
            raise UserError("--families selects procedural families; filter the input instead")
        self.settings = settings
        self.path = Path(opts["path"])
        self.format: str | None = opts.get("format")
        if self.format is not None and self.format not in FORMATS:
            raise UserError(f"unknown label format {self.format!r} (known: {', '.join(FORMATS)})")
        if not self.path.exists():
            raise UserError(f"{self.path} does not exist")
        self.rows: int | None = None
        self.referenced: int | None = None
        self.domains: set[str] = set()
        #: rows without a reference answer of their own take their problem's from these (a user's files, the
        #: GSM8K and MATH sets stepforge ships: ``references``); ``none`` turns it off
        self.reference_spec: str = opts.get("references") or _references.DEFAULT

    def _traces(self) -> Iterator[Trace]:
        from stepforge.datasets.eval_labels import labelled_traces

        refs = _references.load(self.reference_spec)  # here, not at set-up: a worker process never reads the rows
        for trace, _ in labelled_traces(self.path, self.format):
            yield trace if refs is None else _references.with_reference(trace, refs)

    def prepare(self) -> None:
        """Every row read once, up front (streaming: none is held), so a bad row fails before any work."""
        rows = referenced = 0
        for trace in self._traces():
            rows += 1
            referenced += "reference_from" in trace.task.metadata
            if trace.domain != self.settings.domain:
                raise UserError(f"{self.path}: row {rows} is a {trace.domain} solution, not {self.settings.domain}")
        if not rows:
            raise UserError(f"{self.path}: no labelled solutions in it")
        self.rows, self.referenced = rows, referenced

    def units(self, start: int) -> Iterator[Unit]:
        for i, trace in enumerate(self._traces()):
            if i >= start:
                yield Unit(i, None, {"trace": trace.model_dump(mode="json")})

    def candidates(self, unit: Unit) -> list[Candidate | Rejection]:
        trace = Trace.model_validate(unit.payload["trace"])
        if not trace.steps:
            return [Rejection(id=trace.id, index=unit.index, domain=trace.domain, reason="no_steps",
                              detail="the row has no steps to label", candidate=unit.payload["trace"])]
        return [candidate_of(trace, unit.index, str(self.path))]

    def describe(self) -> dict[str, Any]:
        return {"source": "records", "input": str(self.path), "format": self.format or "detected", "rows": self.rows,
                "labels read from the input": "none (texts only; compare with stepforge eval-labels)",
                "rows without a reference answer": "the row's own final-answer verdict when it has one "
                                                   "(ProcessBench's final_answer_correct), else outcome no_reference: "
                                                   "kept only where two strategies agree on a first error",
                "reference answers": _references.describe(self.reference_spec),
                "rows given a reference answer": self.referenced}


SOURCES.register(RecordsSource.name, RecordsSource)
