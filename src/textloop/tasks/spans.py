"""Spans: each record gets a list of ``(start, end, label)`` spans over its text — named
entities, personal data to mask, toxic spans inside an otherwise fine comment.

A value is the canonical JSON of ``textloop.spans`` (code points over the stored text,
sorted, no duplicates), checked against the record's own text, the project's labels and
``spans.overlapping``. A span project imports, measures agreement (``stages.agreement``),
is adjudicated, runs its span rules, queues records by rule coverage and releases today;
each other verb refuses it up front until it handles spans (``verbs`` lists what works).
People's answers resolve by a span-level majority (``majority``), never by Dawid-Skene
(``estimates_ties``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textloop.config import SPAN_METRICS
from textloop.errors import ConfigError
from textloop.spans import SpanError, check_spans, decode_spans, encode_spans
from textloop.spans.voting import span_majority
from textloop.tasks.base import BaseTask, ValueKind, ValueProblem, value_majority

if TYPE_CHECKING:
    import numpy as np

    from textloop.config import ProjectSpec
    from textloop.measures.validation_fit import ValidationFit

_NO_MODELS = "span models are not available yet: import and release span projects today"


class SpanTask(BaseTask):
    name = "spans"
    value_kind: ValueKind = "spans"
    default_model = None
    model_task = "spans"
    headline_metrics = SPAN_METRICS
    goal_metrics = SPAN_METRICS
    default_goal = ("span_f1", 0.8)
    summary_metrics = ("span_f1", "partial_f1")
    report_sections = ("summary", "per_label", "boundary_errors", "label_confusions",
                       "errors")
    prediction_fields = ("spans",)
    monitoring_checks = ()
    verbs = frozenset({"import", "crawl", "label", "release", "agreement", "rules", "suggest"})
    """Grows as span labeling, agreement, rules, exports and models arrive; every other verb
    refuses a span project up front, naming these."""

    def check_value(self, value: str, spec: ProjectSpec, text: str = "") -> str:
        try:
            spans = check_spans(text, decode_spans(value), spec.label_names,
                                overlapping=spec.spans.overlapping)
        except SpanError as exc:
            raise ValueProblem(str(exc), fix=exc.fix) from None
        return encode_spans(spans)

    def check_train_labels(self, release_id: str, values: Sequence[str]) -> None:
        raise ConfigError(_NO_MODELS)

    def strata(self, values: Sequence[str], labels: Sequence[str]) -> tuple[list[int], int]:
        """The set of labels a record's spans carry (no spans is a set too), so every split
        gets records of each label mix."""
        keys = [tuple(sorted({span.label for span in decode_spans(value)})) for value in values]
        index = {key: i for i, key in enumerate(sorted(set(keys)))}
        return [index[key] for key in keys], len(index)

    def model_output(self, estimator: Any, x: Any) -> np.ndarray:
        raise ConfigError(_NO_MODELS)

    def score(self, values: Sequence[str], output: np.ndarray, labels: Sequence[str], *,
              estimator: Any, reference: Sequence[str]) -> dict[str, float]:
        raise ConfigError(_NO_MODELS)

    def fit_on_validation(self, output: np.ndarray | None, values: Sequence[str],
                          estimator: Any, spec: ProjectSpec,
                          calibration: str | None) -> ValidationFit:
        raise ConfigError(_NO_MODELS)

    estimates_ties = False
    """Dawid-Skene needs one value per record from a fixed set; a span list is not one
    (ties wait for an adjudicator instead)."""

    def majority(self, answers: Mapping[str, str]) -> tuple[str, str] | None:
        """Span-level majority (``spans.voting``): a span is kept when more than half of the
        annotators marked exactly it; None when one was marked by exactly half."""
        if len(set(answers.values())) == 1:
            return value_majority(answers)  # everyone gave the same spans (or one answer)
        found = span_majority({name: decode_spans(value) for name, value in answers.items()})
        if found.n_tied:
            return None
        kept = len(found.spans)
        return encode_spans(found.spans), (
            f"span majority of {len(answers)} ({', '.join(sorted(answers))}): {kept} "
            f"span{'s' if kept != 1 else ''} kept, {found.n_dropped} dropped")

    def tally(self, values: Iterable[str], labels: Sequence[str]) -> dict[str, int]:
        """Spans per label (the project's labels first), not records per distinct value."""
        return super().tally((span.label for value in values for span in decode_spans(value)),
                             labels)

    def describe_values(self, counts: Mapping[str, int]) -> str:
        if not any(counts.values()):
            return "no spans"
        shown = ", ".join(f"{label} {n:,}" for label, n in counts.items() if n)
        return f"{sum(counts.values()):,} spans: {shown}"

    def intended_use(self, spec: ProjectSpec, goal_line: str) -> tuple[list[str], list[str]]:
        kind = "possibly overlapping" if spec.spans.overlapping else "non-overlapping"
        paragraphs = [f"Marks {kind} spans of {len(spec.labels)} labels in the "
                      f"`{spec.text_field}` field of {spec.name}. Goal: {goal_line}."]
        bullets = [f"{label.name}: {label.description or '(no description)'}"
                   for label in spec.labels]
        return paragraphs, bullets


SPANS = SpanTask()
