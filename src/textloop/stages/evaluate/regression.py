"""``textloop evaluate RUN`` for a regression project: errors, plots, largest misses.

Registered for ``RegressionTask`` with ``result.evaluate_split``; writes the same files
(``report.html``, ``metrics.json``, the model card) into the same folder as classification,
and logs the headline metrics under ``SPLIT/``, so promotion and ``textloop runs`` treat both
kinds alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.regression_metrics import HEADLINE, regression_metrics
from textloop.progress import NULL_PROGRESS, Progress
from textloop.reports.regression import write_regression_report
from textloop.stages.evaluate.error_analysis import split_provenance
from textloop.stages.evaluate.error_analysis.regression_split import RegressionSplit
from textloop.stages.evaluate.error_analysis.slice_metrics import slice_metrics
from textloop.stages.evaluate.result import (
    EvaluateOptions,
    EvaluationResult,
    evaluate_split,
    record_evaluation,
    report_context,
)
from textloop.stages.release import ReleaseData
from textloop.stages.runs.loading import model_inputs, run_and_split
from textloop.storage import Store
from textloop.tasks import RegressionTask


@evaluate_split.register
def evaluate_regression(task: RegressionTask, store: Store, project: Project, run_ref: str,
                        split: str, options: EvaluateOptions,
                        progress: Progress = NULL_PROGRESS) -> EvaluationResult:
    """Score the split with the run's regressor, write the report and the model card."""
    loaded, data = run_and_split(store, run_ref, split)
    run, part = loaded.run, data.splits[split]
    if not loaded.is_regressor:
        raise InvalidInputError(f"run {run['name']} holds a classifier, but this project's task "
                                "is regression", hint="evaluate a run of a regressor "
                                                      "(tfidf-ridge, embed-ridge, ...)")
    x = model_inputs(loaded.model, part.texts, store, progress)
    with progress.task(f"Scoring {len(part.texts):,} {split} rows", total=None):
        pred = np.asarray(loaded.model.predict(x), dtype=np.float64)
    truth = np.asarray(part.labels, dtype=np.float64)
    train = np.asarray(data.splits["train"].labels, dtype=np.float64)
    train_mean = float(train.mean()) if train.size else None
    metrics = regression_metrics(truth, pred, train_mean)
    metrics["slices"] = _slices(project, data, split, truth, pred)
    goal = project.spec.goal
    folder = store.path_for("runs", run["name"], f"evaluation-{split}")
    html, json_path = write_regression_report(
        folder, title=f"{run['name']} on {data.id}/{split}", metrics=metrics, truth=truth,
        pred=pred, texts=part.texts, ids=part.ids,
        context=report_context(run, data.id, split, goal.model_dump()),
        training=loaded.meta.get("training"))
    return record_evaluation(store, project, run, split, metrics, HEADLINE, html, json_path,
                             rows=len(part.ids))


def _slices(project: Project, data: ReleaseData, split: str, truth: np.ndarray,
            pred: np.ndarray) -> dict[str, Any]:
    """Regression metrics per slice declared in ``textloop.yaml`` (empty without slices)."""
    specs = project.spec.slices
    if not specs:
        return {}
    part = data.splits[split]
    sources = (split_provenance(data, split) if any(s.source is not None for s in specs)
               else None)
    return slice_metrics(specs, RegressionSplit(part.texts, truth, pred, part.meta, sources))
