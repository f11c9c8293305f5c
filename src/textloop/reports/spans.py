"""The evaluation report of a span model: ``report.html`` and ``metrics.json``.

Same shape and guarantees as the classification report (self-contained, escaped, written
atomically), with the sections a span project needs: the entity-level summary against the
goal, scores per type, the mistakes by kind with examples (the gold and the predicted span
highlighted in the text around them), and the confusion of types. It renders the plain
dicts ``measures.span_metrics`` and ``measures.span_errors`` give (``metrics["errors"]``),
so it needs no store and no measures. Record texts are untrusted: the template escapes them,
and highlighting only cuts them into escaped pieces.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np

from textloop.artifacts import write_text_atomic
from textloop.reports.calibration import reliability_plot
from textloop.reports.confusion import confusion_plots
from textloop.reports.evaluation import METRICS_FILE, REPORT_FILE, context_rows, goal_status
from textloop.reports.plots import f1_plot
from textloop.reports.templating import render
from textloop.reports.training_curves import training_view

HEADLINE = (("entity_micro_f1", "Entity F1 (micro)"), ("entity_macro_f1", "Entity F1 (macro)"),
            ("entity_micro_precision", "Precision"), ("entity_micro_recall", "Recall"),
            ("partial_micro_f1", "Partial F1"), ("token_accuracy", "Token accuracy"))
KIND_NAMES = {"missed": "Missed", "spurious": "Spurious", "wrong_type": "Wrong type",
              "wrong_boundary": "Wrong boundary",
              "wrong_type_and_boundary": "Wrong type and boundary"}
KIND_NOTES = {"missed": "a gold span the model did not mark at all",
              "spurious": "a span the model marked where no gold span is",
              "wrong_type": "the right words, the wrong type",
              "wrong_boundary": "the right type, overlapping the gold span with other "
                                "boundaries (earns partial credit)",
              "wrong_type_and_boundary": "overlapping a gold span, with another type and "
                                         "other boundaries"}
NO_SPAN = "(none)"
"""How the confusion matrix names its last row and column: no gold or no predicted span."""


def highlighted(example: dict[str, Any]) -> list[dict[str, Any]]:
    """An example's context cut into pieces, each with the gold and the predicted label
    covering it (None outside), for the template to wrap in ``<mark>``: the cut is at the
    spans' offsets only, so the text is rendered whole and escaped."""
    text, offset = example["context"], example["context_start"]
    spans = {role: example[role] for role in ("gold", "predicted") if example.get(role)}
    cuts = {0, len(text)}
    for span in spans.values():
        cuts |= {min(max(span["start"] - offset, 0), len(text)),
                 min(max(span["end"] - offset, 0), len(text))}
    edges = sorted(cuts)
    pieces = []
    for lo, hi in itertools.pairwise(edges):
        if lo == hi:
            continue
        at = {role: span["label"] for role, span in spans.items()
              if span["start"] - offset <= lo and hi <= span["end"] - offset}
        pieces.append({"text": text[lo:hi], "gold": at.get("gold"),
                       "predicted": at.get("predicted")})
    return pieces


def _span_calibration_view(section: dict[str, Any] | None) -> dict[str, Any] | None:
    """The span ECE numbers and the reliability diagram of span correctness (the
    classification report's diagram, its axis saying what the confidence is here)."""
    if not section:
        return None
    return {**section, "plots": [reliability_plot(
        [("Span correctness", "span score (probability the span is exactly right)",
          section["before"]["reliability"], section["after"]["reliability"])],
        section.get("method"))]}


def write_span_report(folder: Path, *, title: str, metrics: dict[str, Any],
                      context: dict[str, Any],
                      training: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write ``report.html`` and ``metrics.json`` (``metrics`` with ``context``) into
    ``folder``; ``training`` (a monitored run's history and verdict) adds the Training
    section, as in a classifier's report."""
    folder.mkdir(parents=True, exist_ok=True)
    metrics_path = folder / METRICS_FILE
    write_text_atomic(metrics_path, json.dumps({**metrics, "context": context}, indent=2,
                                               allow_nan=False, default=str,
                                               ensure_ascii=False) + "\n")
    goal = context.get("goal") or {}
    errors = metrics.get("errors") or {}
    per_type = metrics.get("per_type") or {}
    confusion = errors.get("confusion") or {"labels": [], "counts": []}
    axis = [NO_SPAN if label is None else str(label) for label in confusion["labels"]]
    plots = [plot for plot in [f1_plot(per_type, float(metrics.get("entity_macro_f1", 0.0)))]
             if plot is not None]
    confusion_figures = (confusion_plots(np.asarray(confusion["counts"]), axis)
                         if len(axis) > 1 else [])
    kinds = [{"key": key, "name": name, "note": KIND_NOTES[key],
              "count": (errors.get("counts") or {}).get(key, 0),
              "examples": [{**example, "pieces": highlighted(example)}
                           for example in (errors.get("examples") or {}).get(key, [])]}
             for key, name in KIND_NAMES.items()]
    html = render("spans.html", title=title, metrics=metrics, errors=errors,
                  context_rows=context_rows(context), goal=goal_status(metrics, goal),
                  headline=[{"name": name, "value": metrics.get(key),
                             "is_goal": key == goal.get("metric"), "lower_is_better": False}
                            for key, name in HEADLINE],
                  per_type=per_type, plots=plots, kinds=kinds, confusion_axis=axis,
                  confusion=confusion["counts"], confusion_figures=confusion_figures,
                  thresholds=metrics.get("span_thresholds"),
                  calibration=_span_calibration_view(metrics.get("span_calibration")),
                  split=context.get("split", "this split"),
                  metrics_file=METRICS_FILE, training=training_view(training))
    report_path = folder / REPORT_FILE
    write_text_atomic(report_path, html)
    return report_path, metrics_path
