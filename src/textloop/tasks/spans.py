"""Spans: each record gets a list of ``(start, end, label)`` spans over its text — named
entities, personal data to mask, toxic spans inside an otherwise fine comment.

A value is the canonical JSON of ``textloop.spans`` (code points over the stored text,
sorted, no duplicates), checked against the record's own text, the project's labels and
``spans.overlapping``. A span project imports, measures agreement (``stages.agreement``),
is adjudicated, runs its span rules, queues records by rule coverage, releases, trains span
models (``models.span_model``; ``span-rules`` by default, ``minilm-crf`` in a project
without span rules), is evaluated with entity-level
scores, and registers and promotes versions on ``entity_micro_f1``; each other verb refuses
it up front until it handles spans (``verbs`` lists what works).
People's answers resolve by a span-level majority (``majority``), never by Dawid-Skene
(``estimates_ties``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from textloop.config import SPAN_METRICS
from textloop.config.monitoring import PERFORMANCE_CHECKS, checks_reading
from textloop.errors import InvalidInputError
from textloop.models.span_model import ScoredSpan
from textloop.spans import Span, SpanError, check_spans, decode_spans, encode_spans
from textloop.spans.voting import span_majority
from textloop.tasks.base import BaseTask, ValueKind, ValueProblem, value_majority

if TYPE_CHECKING:
    from textloop.config import ProjectSpec
    from textloop.measures.validation_fit import ValidationFit

RULES_MODEL = "span-rules"
LEARNED_MODEL = "minilm-crf"
"""The default where there are no span rules: it learns from the labels alone, with no torch."""
ENTITY_F1 = PERFORMANCE_CHECKS[1]
"""The realized entity F1 check (``stages.monitor.span_performance``)."""


@dataclass(frozen=True)
class SpanOutput:
    """What a span model gives for a split: its texts and each text's scored spans
    (``SpanModel.predict_scored``); scoring needs the texts for the token accuracy."""

    texts: list[str]
    scored: list[list[ScoredSpan]]

    def spans(self) -> list[list[Span]]:
        return [[span for span, _ in row] for row in self.scored]


def by_record(rows: Sequence[Any]) -> dict[str, Any]:
    """Rows keyed by their position, as the span measures take them (record id -> ...)."""
    return {str(i): row for i, row in enumerate(rows)}


class SpanTask(BaseTask):
    name = "spans"
    value_kind: ValueKind = "spans"
    default_model = RULES_MODEL
    """The project's span rules as a model, the baseline a learned model has to beat;
    ``model_for`` trains ``minilm-crf`` where there are no rules to predict with."""
    model_task = "spans"
    headline_metrics = SPAN_METRICS
    goal_metrics = SPAN_METRICS
    default_goal = ("entity_micro_f1", 0.8)
    summary_metrics = ("entity_micro_f1", "partial_micro_f1")
    report_sections = ("summary", "per_label", "boundary_errors", "label_confusions",
                       "errors")
    prediction_fields = ("spans",)
    serving_route = "/v1/extract"
    monitored_reads = frozenset({"texts", "vectors", "spans"})
    """Input drift as for classification (texts, sentence vectors) and the span detectors;
    no labels, bands or class probabilities to compare."""
    verbs = frozenset({"import", "crawl", "label", "preannotate", "release", "agreement",
                       "rules", "suggest", "clean", "review", "train", "evaluate", "predict",
                       "register", "promote", "rollback", "serve", "monitor", "synth",
                       "publish"})
    """Grows as span labeling, agreement, rules, exports and models arrive; every other verb
    refuses a span project up front, naming these."""
    export_formats = MappingProxyType({
        "conll": "spans-conll", "jsonl": "spans-jsonl", "doccano": "spans-doccano",
        "label-studio": "spans-label-studio", "hf": "spans-hf", "parquet": "table-parquet",
        "csv": "table-csv"})
    """Other tools' span files, and the release table (spans as canonical JSON, imported
    back with ``--label-col spans``) for Parquet and CSV."""

    @property
    def monitoring_checks(self) -> tuple[str, ...]:
        """Every registered detector's checks that read what a span side holds (derived
        from the registry), then realized entity F1 from feedback."""
        return (*checks_reading(self.monitored_reads), ENTITY_F1)

    def check_value(self, value: str, spec: ProjectSpec, text: str = "") -> str:
        try:
            spans = check_spans(text, decode_spans(value), spec.label_names,
                                overlapping=spec.spans.overlapping)
        except SpanError as exc:
            raise ValueProblem(str(exc), fix=exc.fix) from None
        return encode_spans(spans)

    def model_for(self, spec: ProjectSpec) -> str:
        """``span-rules`` with span rules; without, a model that learns from the labels
        (a new project with labeled spans and no rules trains without naming a model)."""
        return RULES_MODEL if spec.span_rules else LEARNED_MODEL

    def check_train_labels(self, release_id: str, values: Sequence[str]) -> None:
        if not any(decode_spans(value) for value in values):
            raise InvalidInputError(f"release {release_id}: the train split has no spans "
                                    f"({len(values):,} records, none with a span)",
                                    hint="label or import records with spans and release "
                                         "again")

    def targets(self, values: Sequence[str]) -> list[list[Span]]:
        """Each record's spans: what a span model's ``fit`` takes."""
        return [decode_spans(value) for value in values]

    def strata(self, values: Sequence[str], labels: Sequence[str]) -> tuple[list[int], int]:
        """The set of labels a record's spans carry (no spans is a set too), so every split
        gets records of each label mix."""
        keys = [tuple(sorted({span.label for span in decode_spans(value)})) for value in values]
        index = {key: i for i, key in enumerate(sorted(set(keys)))}
        return [index[key] for key in keys], len(index)

    def model_output(self, estimator: Any, x: Any) -> SpanOutput:
        return SpanOutput(list(x), [list(row) for row in estimator.predict_scored(x)])

    def served_output(self, loaded: Any, x: Any) -> SpanOutput:
        """The run's spans with their scores (``predict_scored``) through the span
        calibrator the bundle holds (``LoadedRun.span_calibration``; a run saved without
        one serves its raw scores): what ``/v1/extract`` serves and thresholds."""
        return self.calibrated(loaded, self.model_output(loaded.model, x))

    def calibrated(self, loaded: Any, output: SpanOutput) -> SpanOutput:
        """``output`` (the model's raw scored spans) as the run serves it: through the
        run's span calibrator, unchanged for a run without one."""
        calibration = loaded.span_calibration
        if calibration is None:
            return output
        return SpanOutput(output.texts, calibration.calibrate(output.scored))

    def score(self, values: Sequence[str], output: SpanOutput, labels: Sequence[str], *,
              estimator: Any, reference: Sequence[str]) -> dict[str, float]:
        """The entity-level scores of ``measures.span_metrics`` named in ``SPAN_METRICS``."""
        found = self.entity_scores(values, output, labels)
        return {key: float(found[key]) for key in self.headline_metrics}

    def entity_scores(self, values: Sequence[str], output: SpanOutput,
                      labels: Sequence[str]) -> dict[str, Any]:
        """Everything ``measures.span_metrics`` gives for ``output`` against the stored
        ``values`` (``per_type`` too, which the promotion policy compares)."""
        from textloop.measures.span_metrics import span_metrics

        return span_metrics(by_record(self.targets(values)), by_record(output.spans()),
                            by_record(output.texts), labels=labels)

    def fit_on_validation(self, output: SpanOutput | None, values: Sequence[str],
                          estimator: Any, spec: ProjectSpec,
                          calibration: str | None) -> ValidationFit:
        """The span calibrator (``measures.span_calibration``: a span's score made the
        probability that it is exactly right, for ``calibration.method``; ``none`` fits
        nothing) and, on the calibrated scores, a threshold per span type for the targets
        under ``spans.targets`` (``measures.span_thresholds``), so serving thresholds what it
        serves. Saved in the bundle as ``span_calibration`` and ``span_thresholds``; the
        span ECE before and after is logged as ``val/span_ece`` and
        ``val/span_calibrated_ece``."""
        from textloop.measures.span_calibration import (
            fit_span_calibration,
            span_calibration_report,
            span_outcomes,
        )
        from textloop.measures.span_thresholds import span_thresholds
        from textloop.measures.validation_fit import ValidationFit

        targets = spec.spans.targets
        method = calibration or spec.calibration.method
        if output is None:
            return ValidationFit(notes=["no validation split: span scores are not calibrated"]
                                 + (["no validation split: no span thresholds for "
                                     "spans.targets"] if targets else []))
        if any(score is None for row in output.scored for _, score in row):
            return ValidationFit(notes=["the model gives spans without scores: nothing to "
                                        "calibrate"] + (["the model gives spans without "
                                                         "scores: no span thresholds for "
                                                         "spans.targets"] if targets else []))
        gold = self.targets(values)
        scores, correct, types = span_outcomes(gold, output.scored)
        fitted = fit_span_calibration(scores, correct, types, method)
        scored, meta, metrics = output.scored, {}, {}
        if fitted is not None:
            scored = fitted.calibrate(output.scored)
            after, _, _ = span_outcomes(gold, scored)
            found = span_calibration_report(scores, after, correct, fitted.method,
                                            spec.calibration.bins)
            meta["span_calibration"] = {**fitted.to_json(), "fitted_on": "validation",
                                        "bins": found["bins"], "spans": found["spans"],
                                        "ece_before": found["ece_before"],
                                        "ece_after": found["ece_after"]}
            metrics = {"val/span_ece": found["ece_before"],
                       "val/span_calibrated_ece": found["ece_after"]}
        if not targets:
            return ValidationFit(meta=meta, metrics=metrics)
        chosen = span_thresholds(by_record(gold), by_record(scored), by_record(output.texts),
                                 targets, labels=spec.label_names)
        return ValidationFit(meta={**meta, "span_thresholds": chosen.to_dict()},
                             metrics=metrics,
                             notes=[f"span target unmet: {why}" for why in chosen.unmet])

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
