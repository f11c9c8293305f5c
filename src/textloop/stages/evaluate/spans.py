"""``textloop evaluate RUN`` for a span project: entity-level scores, the mistakes by kind
with examples, the confusion of types, the report and the model card.

Registered for ``SpanTask`` with ``result.evaluate_split``; asks the run's model only what
the span-model protocol promises (``models.span_model``: ``predict_scored``), so a learned
span model is evaluated exactly as the ``span-rules`` baseline is. Writes ``report.html``,
``metrics.json`` and the model card into ``runs/NAME/evaluation-SPLIT/`` and logs the
headline scores under ``SPLIT/`` (``test/entity_micro_f1``), as for every task.
"""

from __future__ import annotations

from typing import Any

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.span_calibration import span_calibration_report, span_outcomes
from textloop.measures.span_errors import span_errors
from textloop.measures.span_metrics import span_metrics
from textloop.measures.span_thresholds import thresholds_on_split
from textloop.models.tags import model_tags
from textloop.progress import Progress
from textloop.reports.spans import write_span_report
from textloop.spans import Span, decode_spans
from textloop.spans.render import mark_spans
from textloop.stages.evaluate.result import (
    EvaluateOptions,
    EvaluationResult,
    evaluate_split,
    record_evaluation,
    report_context,
)
from textloop.stages.runs.loading import LoadedRun, model_inputs, run_and_split
from textloop.storage import Store
from textloop.tasks import SpanTask
from textloop.tasks.spans import SpanOutput

EXAMPLES = 5
"""Examples kept per kind of mistake."""
TRAINING_KEYS = ("monitor", "epochs_run", "best_epoch", "restored_epoch", "stopped_early",
                 "verdict")
"""What ``metrics.json`` says of a monitored run's training (the history stays in the run)."""


@evaluate_split.register
def evaluate_spans(task: SpanTask, store: Store, project: Project, run_ref: str, split: str,
                   options: EvaluateOptions, progress: Progress) -> EvaluationResult:
    """Predict the split's spans with the run's model, score them against the release's
    spans, write the report and the model card."""
    loaded, data = run_and_split(store, run_ref, split)
    run, part = loaded.run, data.splits[split]
    if (kind := model_tags(loaded.model).task) != task.model_task:
        raise InvalidInputError(f"run {run['name']} holds a {kind} model, but this project's "
                                "task is spans",
                                hint="evaluate a run of a span model (span-rules, ...)")
    x = model_inputs(loaded.model, part.texts, store, progress)
    with progress.task(f"Marking spans in {len(part.texts):,} {split} records", total=None):
        raw = task.model_output(loaded.model, x)
    output = task.calibrated(loaded, raw)
    gold = dict(zip(part.ids, (decode_spans(v) for v in part.labels), strict=True))
    predicted = dict(zip(part.ids, output.spans(), strict=True))
    texts = dict(zip(part.ids, part.texts, strict=True))
    labels = data.labels or project.spec.label_names
    metrics: dict[str, Any] = span_metrics(gold, predicted, texts, labels=labels)
    analysis = span_errors(gold, predicted, texts, labels=labels, examples=EXAMPLES).to_dict()
    for examples in analysis["examples"].values():
        for example in examples:
            example.update(_marked(example))
    metrics["errors"] = analysis
    metrics["n"] = len(part.ids)
    metrics |= _calibration(loaded, list(gold.values()), raw, output,
                            project.spec.calibration.bins)
    if "span_rules_choice" in loaded.meta:  # a learned model that kept or dropped the rules
        metrics["span_rules_choice"] = loaded.meta["span_rules_choice"]
    if "span_thresholds" in loaded.meta:
        metrics["span_thresholds"] = thresholds_on_split(
            loaded.meta["span_thresholds"], gold, dict(zip(part.ids, output.scored, strict=True)),
            texts, labels)
    training = loaded.meta.get("training")  # a model trained by epochs: how training went
    if training:
        metrics["training"] = {key: training.get(key) for key in TRAINING_KEYS}
    folder = store.path_for("runs", run["name"], f"evaluation-{split}")
    html, json_path = write_span_report(
        folder, title=f"{run['name']} on {data.id}/{split}", metrics=metrics,
        context=report_context(run, data.id, split, project.spec.goal.model_dump()),
        training=training)
    return record_evaluation(store, project, run, split, metrics, task.headline_metrics, html,
                             json_path, rows=len(part.ids))


def _calibration(loaded: LoadedRun, gold: list[list[Span]], raw: SpanOutput,
                 served: SpanOutput, bins: int) -> dict[str, Any]:
    """``span_calibration`` (ECE of the span scores before and after the run's calibrator,
    with both reliability tables), ``span_ece`` (as served) and ``span_uncalibrated_ece``;
    nothing for a model whose spans carry no scores."""
    if any(score is None for row in raw.scored for _, score in row):
        return {}
    before, correct, _ = span_outcomes(gold, raw.scored)
    after, _, _ = span_outcomes(gold, served.scored)
    saved = loaded.meta.get("span_calibration") or {}
    method = saved.get("method") if loaded.span_calibration is not None else None
    section = span_calibration_report(before, after, correct, method,
                                      int(saved.get("bins", bins)))
    return {"span_calibration": section, "span_ece": section["ece_after"],
            "span_uncalibrated_ece": section["ece_before"]}


def _marked(example: dict[str, Any]) -> dict[str, str]:
    """The example's context with its gold and its predicted span written in
    (``[Ana](PER) works``; brackets of the text escaped), for reading ``metrics.json``."""
    out = {}
    for role in ("gold", "predicted"):
        shown = example.get(role)
        spans = [] if shown is None else [Span(shown["start"] - example["context_start"],
                                               shown["end"] - example["context_start"],
                                               shown["label"])]
        out[f"{role}_marked"] = mark_spans(example["context"], spans)
    return out
