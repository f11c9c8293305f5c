"""The evaluation report: one self-contained HTML page and a JSON file per evaluated run.

The HTML carries everything inline (CSS, plots as SVG, a few lines of script for sorting),
so it can be mailed, attached to a ticket or opened offline years later. Every user string
is escaped by the template engine; texts in examples are untrusted input.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from textloop.artifacts import write_text_atomic
from textloop.config import LOWER_IS_BETTER as GOAL_LOWER_IS_BETTER
from textloop.errors import InvalidInputError
from textloop.reports.calibration import calibration_view
from textloop.reports.confusion import confusion_plots
from textloop.reports.curves import curve_plots
from textloop.reports.error_analysis import error_analysis_view
from textloop.reports.examples import confident_mistakes, confusion_examples
from textloop.reports.figures import Plot
from textloop.reports.plots import confidence_plot, f1_plot
from textloop.reports.templating import render
from textloop.reports.training_curves import training_view

REPORT_FILE = "report.html"
METRICS_FILE = "metrics.json"
CONTEXT_NAMES = {"run": "Run", "run_id": "Run id", "model": "Model", "release": "Release",
                 "split": "Split", "created": "Created", "textloop_version": "textloop"}
HEADLINE = (("accuracy", "Accuracy"), ("macro_f1", "Macro F1"), ("roc_auc", "ROC-AUC"),
            ("pr_auc", "PR-AUC"), ("log_loss", "Log loss"), ("brier_score", "Brier score"))
LOWER_IS_BETTER = frozenset({"log_loss", "brier_score"})
CONFUSION_PAIRS = 5
PAIR_EXAMPLES = 3


def write_evaluation_report(folder: Path, *, title: str, metrics: dict[str, Any],
                            y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str],
                            context: dict[str, Any], texts: Sequence[str] | None = None,
                            record_ids: Sequence[str] | None = None,
                            max_examples: int = 20, training: dict[str, Any] | None = None
                            ) -> tuple[Path, Path]:
    """Write ``report.html`` and ``metrics.json`` into ``folder``; returns both paths.

    ``metrics`` is what ``compute_metrics`` returned for the same ``y_true``/``proba``/
    ``labels``; ``context`` holds display facts (run, model, release, split, created,
    textloop_version, goal {metric, target}); ``training`` is a monitored run's history and
    verdict (``MonitoredFit.to_json()``), shown as learning curves with the verdict sentence.
    The error analysis (``slices``, ``fairness``, ``robustness``) is read from ``metrics``
    when present. With ``texts`` (and their ``record_ids``, which the page and
    ``metrics.json`` name each mistake by) the most confident mistakes and the top
    confusions' examples are listed.
    """
    labels = [str(label) for label in labels]
    probs, y_idx = _encode(y_true, proba, labels, texts, record_ids)
    mistakes = pairs = None
    if texts is not None and record_ids is not None:
        mistakes = confident_mistakes(record_ids, texts, y_idx, probs, labels, max_examples)
        pairs = confusion_examples(record_ids, texts, y_idx, probs, labels,
                                   metrics["top_confusions"][:CONFUSION_PAIRS], PAIR_EXAMPLES)
    examples = {} if mistakes is None or pairs is None else {
        "mistakes": [asdict(m) for m in mistakes],
        "confusion_examples": [asdict(p) for p in pairs]}
    folder.mkdir(parents=True, exist_ok=True)
    metrics_path = folder / METRICS_FILE
    write_text_atomic(metrics_path, json.dumps({**metrics, **examples, "context": context},
                                           indent=2, allow_nan=False, default=str) + "\n")
    html = render("evaluation.html", title=title, metrics=metrics, labels=labels,
                  context_rows=context_rows(context),
                  goal=goal_status(metrics, context.get("goal")),
                  headline=_headline(metrics, context.get("goal")),
                  per_class=_per_class_rows(metrics),
                  confusions=_confusion_rows(metrics),
                  plots=_plots(metrics, y_idx, probs, labels),
                  mistakes=mistakes, pairs=pairs,
                  analysis=error_analysis_view(metrics, (context.get("goal") or {}).get(
                      "metric", "macro_f1")),
                  errors=int(np.sum(probs.argmax(axis=1) != y_idx)),
                  metrics_file=METRICS_FILE, training=training_view(training),
                  calibration=calibration_view(metrics.get("calibration")),
                  inference=metrics.get("inference"),
                  bands=metrics.get("bands"))
    report_path = folder / REPORT_FILE
    write_text_atomic(report_path, html)
    return report_path, metrics_path


def goal_status(metrics: dict[str, Any], goal: dict[str, Any] | None) -> dict[str, Any] | None:
    """The goal with its measured value, a state (``pass``, ``fail`` or ``unknown``) and
    the comparison (``≥``, or ``≤`` for an error metric such as ``mae``)."""
    if not goal or "metric" not in goal or "target" not in goal:
        return None
    value = metrics.get(goal["metric"])
    measurable = isinstance(value, int | float) and not isinstance(value, bool)
    lower = goal["metric"] in GOAL_LOWER_IS_BETTER  # error metrics of a regression goal
    met = measurable and (value <= goal["target"] if lower else value >= goal["target"])
    state = "unknown" if not measurable else "pass" if met else "fail"
    return {"metric": goal["metric"], "target": float(goal["target"]),
            "value": value if measurable else None, "state": state,
            "op": "≤" if lower else "≥"}


def context_rows(context: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, value) pairs to display: known facts first in a fixed order, then the rest."""
    known = [(name, context[key]) for key, name in CONTEXT_NAMES.items()
             if context.get(key) not in (None, "")]
    extra = [(key, value) for key, value in context.items()
             if key not in CONTEXT_NAMES and key != "goal" and value not in (None, "")]
    return [(name, value if isinstance(value, str) else json.dumps(value, default=str))
            for name, value in known + extra]


def _encode(y_true: Sequence[str], proba: np.ndarray, labels: list[str],
            texts: Sequence[str] | None, record_ids: Sequence[str] | None
            ) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, true label indices), refusing inputs that do not line up."""
    probs = np.asarray(proba, dtype=float)
    index = {label: i for i, label in enumerate(labels)}
    problem = _mismatch(probs, y_true, index, texts)
    if problem is None and texts is not None:
        problem = _ids_mismatch(record_ids, len(texts))
    if problem is not None:
        raise InvalidInputError(problem, hint="pass the same y_true, proba and labels that "
                                              "compute_metrics was given, and one text and "
                                              "record id per row")
    return probs, np.array([index[str(y)] for y in y_true], dtype=np.int64)


def _mismatch(probs: np.ndarray, y_true: Sequence[str], index: dict[str, int],
              texts: Sequence[str] | None) -> str | None:
    if probs.shape != (len(y_true), len(index)):
        return f"proba has shape {probs.shape}, expected ({len(y_true)}, {len(index)})"
    unknown = next((str(y) for y in y_true if str(y) not in index), None)
    if unknown is not None:
        return f"y_true contains {unknown!r}, which is not in labels"
    if texts is not None and len(texts) != len(y_true):
        return f"texts has {len(texts)} rows but y_true has {len(y_true)}"
    return None


def _ids_mismatch(record_ids: Sequence[str] | None, rows: int) -> str | None:
    """Mistakes are named by record id, so texts need their ids."""
    if record_ids is None:
        return "texts were given without record_ids (mistakes are listed by record id)"
    if len(record_ids) != rows:
        return f"record_ids has {len(record_ids)} rows but texts has {rows}"
    return None


def _headline(metrics: dict[str, Any], goal: dict[str, Any] | None) -> list[dict[str, Any]]:
    goal_metric = (goal or {}).get("metric")
    return [{"key": key, "name": name, "value": metrics.get(key),
             "lower_is_better": key in LOWER_IS_BETTER, "is_goal": key == goal_metric}
            for key, name in HEADLINE]


def _per_class_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-class rows, worst F1 first; classes without an F1 go last."""
    rows = [{"label": label, **values} for label, values in metrics["per_class"].items()]
    return sorted(rows, key=lambda r: (r["f1"] is None, r["f1"] or 0.0, r["label"]))


def _confusion_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Top confusions with the share of the true class they take."""
    support = {label: v["support"] for label, v in metrics["per_class"].items()}
    return [{**c, "share": c["count"] / support[c["true"]] if support.get(c["true"]) else None}
            for c in metrics["top_confusions"]]


def _plots(metrics: dict[str, Any], y_idx: np.ndarray, probs: np.ndarray,
           labels: list[str]) -> dict[str, list[Plot]]:
    f1 = f1_plot(metrics["per_class"], metrics["macro_f1"])
    return {"f1": [f1] if f1 else [],
            "confusion": confusion_plots(np.array(metrics["confusion_matrix"]["counts"]), labels),
            "curves": curve_plots(y_idx, probs, labels, metrics["per_class"],
                                  metrics.get("auc_method", {}).get("positive")),
            "confidence": [confidence_plot(y_idx, probs)]}
