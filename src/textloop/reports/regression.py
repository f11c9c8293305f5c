"""The evaluation report of a regression model: ``report.html`` and ``metrics.json``.

Same shape and guarantees as the classification report (self-contained, escaped, written
atomically): the headline errors against the constant baseline, the goal, predicted-vs-true
and error plots, error per range of the target, and the rows with the largest errors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from textloop.artifacts import write_text_atomic
from textloop.reports.evaluation import METRICS_FILE, REPORT_FILE, context_rows, goal_status
from textloop.reports.regression_plots import (
    error_by_range_plot,
    predicted_vs_true_plot,
    residual_plot,
)
from textloop.reports.templating import render
from textloop.reports.training_curves import training_view

HEADLINE = (("mae", "MAE"), ("rmse", "RMSE"), ("r2", "R²"), ("spearman", "Spearman ρ"),
            ("baseline_mae", "MAE of the mean"))
LOWER_IS_BETTER = frozenset({"mae", "rmse", "baseline_mae"})  # shown as such on the cards
RANGES = 5
DISCRETE = 10  # at most this many distinct true values: one row each


def error_by_range(truth: np.ndarray, pred: np.ndarray, k: int = RANGES) -> list[dict[str, Any]]:
    """MAE and bias per range of the true value: one row per value when the target takes
    few values (a 1-5 rating), else ``k`` quantile ranges (ties merge ranges)."""
    distinct = np.unique(truth)
    if len(distinct) <= DISCRETE:
        groups = [(f"{value:.4g}", truth == value) for value in distinct]
    else:
        edges = np.unique(np.quantile(truth, np.linspace(0, 1, k + 1)))
        index = np.clip(np.searchsorted(edges, truth, side="right") - 1, 0, len(edges) - 2)
        groups = [(f"{edges[i]:.3g}–{edges[i + 1]:.3g}", index == i)
                  for i in range(len(edges) - 1)]
    out = []
    for name, rows in groups:
        if rows.any():
            error = pred[rows] - truth[rows]
            out.append({"range": name, "n": int(rows.sum()),
                        "mae": float(np.mean(np.abs(error))), "bias": float(np.mean(error))})
    return out


def largest_errors(texts: Sequence[str], truth: np.ndarray, pred: np.ndarray,
                   ids: Sequence[str], k: int = 20) -> list[dict[str, Any]]:
    """The ``k`` rows the model missed by most: first place to look for label mistakes."""
    order = np.argsort(-np.abs(pred - truth), kind="stable")[:k]
    return [{"id": ids[i], "text": texts[i], "true": float(truth[i]), "predicted": float(pred[i]),
             "error": float(pred[i] - truth[i])} for i in order]


def write_regression_report(folder: Path, *, title: str, metrics: dict[str, Any],
                            truth: np.ndarray, pred: np.ndarray, texts: Sequence[str],
                            ids: Sequence[str], context: dict[str, Any],
                            training: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write the report and metrics (with ``error_by_range`` added) into ``folder``."""
    metrics = {**metrics, "error_by_range": error_by_range(truth, pred)}
    folder.mkdir(parents=True, exist_ok=True)
    metrics_path = folder / METRICS_FILE
    write_text_atomic(metrics_path, json.dumps({**metrics, "context": context}, indent=2,
                                           allow_nan=False, default=str) + "\n")
    goal = context.get("goal") or {}
    plots = [predicted_vs_true_plot(truth, pred), residual_plot(truth, pred),
             error_by_range_plot(metrics["error_by_range"])]
    html = render("regression.html", title=title, metrics=metrics,
                  context_rows=context_rows(context), goal=goal_status(metrics, goal),
                  headline=[{"name": name, "value": metrics.get(key),
                             "is_goal": key == goal.get("metric"),
                             "lower_is_better": key in LOWER_IS_BETTER}
                            for key, name in HEADLINE],
                  plots=plots, worst=largest_errors(texts, truth, pred, ids),
                  slices=sorted((metrics.get("slices") or {}).items(),
                                key=lambda kv: -(kv[1].get("mae") or 0.0)),
                  training=training_view(training), metrics_file=METRICS_FILE)
    report_path = folder / REPORT_FILE
    write_text_atomic(report_path, html)
    return report_path, metrics_path
