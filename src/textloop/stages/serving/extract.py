"""Spans for ``POST /v1/extract``: a span model's scored spans, its per-type thresholds, and
masking.

Offsets are code points over the text exactly as it was sent (the text is never normalized
before the model sees it), as everywhere in textloop (``textloop.spans``). A span model's
bundle may hold a span calibrator (scores served are the probability that a span is exactly
right, ``measures.span_calibration``) and a score threshold per type, fitted on validation on
those calibrated scores for ``spans.targets``
(``SpanTask.fit_on_validation`` saves them as ``span_thresholds``): a span scoring below its
type's threshold is dropped, so the server keeps the precision or recall the target declared.
A span without a score (a model without confidences) and a type without a threshold are
kept.

Which route a project is served on is the Task's to say (``Task.serving_route``): the other
route refuses with a 400 naming the right one, before any text is read or queued.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.span_thresholds import kept_spans
from textloop.stages.runs.loading import LoadedRun
from textloop.tasks import SPANS, task_for


class WrongRouteError(InvalidInputError):
    """A route that does not serve this project's task (classify on spans, or the reverse)."""

    http_status = 400
    code = "wrong_route"


@dataclass(frozen=True)
class ExtractedSpan:
    """One predicted span: code points ``[start, end)`` of the text as sent, its label, the
    text it covers and the model's score (None for a model without confidences)."""

    start: int
    end: int
    label: str
    text: str
    score: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text,
                "score": self.score}


@dataclass(frozen=True)
class Extraction:
    """A span model's answer for one text."""

    text: str
    spans: list[ExtractedSpan]
    model: str
    """The run that answered."""
    dropped: int = 0
    """Spans removed because they scored below their type's threshold."""
    thresholds: dict[str, float] = field(default_factory=dict)


def span_thresholds_of(meta: Mapping[str, Any]) -> dict[str, float]:
    """type -> threshold from a bundle's meta (only the types whose target was met)."""
    found = (meta.get("span_thresholds") or {}).get("thresholds") or {}
    return {str(label): float(value) for label, value in found.items()}


def extractions_from(loaded: LoadedRun, texts: Sequence[str]) -> list[Extraction]:
    """The scored spans of a loaded span model for ``texts``, calibrated as the bundle says
    (``SpanTask.served_output``) and then thresholded, as the thresholds were fitted on
    calibrated scores (CPU-bound: call it from a worker thread)."""
    thresholds = span_thresholds_of(loaded.meta)
    out = []
    for text, row in zip(texts, SPANS.served_output(loaded, list(texts)).scored, strict=True):
        kept = [ExtractedSpan(span.start, span.end, span.label, span.text_of(text),
                              None if score is None else float(score))
                for span, score in kept_spans(row, thresholds)]
        out.append(Extraction(text=text, spans=kept, model=str(loaded.run["name"]),
                              dropped=len(row) - len(kept), thresholds=thresholds))
    return out


def mask_text(text: str, spans: Sequence[ExtractedSpan]) -> str:
    """``text`` with each span replaced by ``[LABEL]``, left to right. Of overlapping spans
    the outermost wins: the one that starts first (the longer one at the same start) is
    replaced whole, and spans starting inside it are dropped, so no part of any predicted
    span is left in clear."""
    parts: list[str] = []
    cursor = 0
    covered_to = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < covered_to:  # inside (or across the end of) a span already masked
            if span.end > covered_to:  # crossing: mask the rest too, under the outer label
                covered_to = cursor = span.end
            continue
        parts += [text[cursor:span.start], f"[{span.label}]"]
        cursor = covered_to = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def require_route(project: Project, route: str) -> None:
    """Refuse ``route`` for a project whose task is served on another one."""
    task = task_for(project)
    wanted = task.serving_route
    if route != wanted:
        raise WrongRouteError(f"{route} does not serve {project.spec.name}, a {task.name} "
                              f"project: its model answers on {wanted}",
                              hint=f"POST the same body to {wanted}")
