"""Fitting a model on a release's train split, shared by classification and regression.

Inputs are built once (cached embeddings for embedding models) and returned, so the caller
scores the same matrices it trained on. Models that train epoch by epoch go through early
stopping and get a verdict; the others are fitted in one call.
"""

from __future__ import annotations

from typing import Any

from textloop.config import Project
from textloop.models.tags import model_tags
from textloop.progress import Progress
from textloop.stages.runs.loading import model_inputs
from textloop.stages.train.monitoring import MonitoredFit, fit_monitored
from textloop.storage import Store
from textloop.tasks import task_for


def fit_on_train_split(store: Store, project: Project, estimator: Any, data: Any,
                       progress: Progress) -> tuple[Any, Any | None, MonitoredFit | None]:
    """(train inputs, validation inputs or None, the monitored history or None)."""
    train_split, val_split = data.splits["train"], data.splits["validation"]
    x_train = model_inputs(estimator, train_split.texts, store, progress)
    x_val = model_inputs(estimator, val_split.texts, store, progress) if val_split.texts else None
    targets = task_for(project).targets  # stored values → what fit takes (spans decoded)
    if model_tags(estimator).iterative:
        validation = None if x_val is None else (x_val, targets(val_split.labels))
        monitored = fit_monitored(estimator, x_train, targets(train_split.labels), validation,
                                  project.spec.training, project.spec.goal, progress)
        return x_train, x_val, monitored
    with progress.task(f"Fitting on {len(train_split.texts):,} rows", total=None):
        estimator.fit(x_train, targets(train_split.labels))
    return x_train, x_val, None
