"""The regression half of ``textloop train``: fit a regressor and score it on validation.

Nothing is calibrated and no action bands are fitted: a regressor returns numbers, not
probabilities. Iterative regressors (``embed-mlp-regressor``) train under the same early
stopping and verdict as classifiers, watching ``val/loss`` by default.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.regression_metrics import HEADLINE, regression_metrics
from textloop.progress import Progress
from textloop.stages.train.fitting import fit_on_train_split
from textloop.stages.train.monitoring import MonitoredFit
from textloop.storage import Store


def check_task(project: Project, estimator: Any, model: str, regressors: list[str]) -> None:
    """Refuse a classifier on a regression project and the other way round."""
    kind = getattr(estimator, "task", "classification")
    wanted = "regression" if project.spec.task == "regression" else "classification"
    if kind != wanted:
        hint = (f"use a regressor: {', '.join(regressors)}" if wanted == "regression"
                else "use a classifier such as tfidf-lr, embed-lr or embed-mlp")
        raise InvalidInputError(f"model {model} is a {kind} model, but this project's task is "
                                f"{project.spec.task}", hint=hint)


def fit_and_score_regression(store: Store, project: Project, estimator: Any, data: Any,
                             progress: Progress
                             ) -> tuple[dict[str, float], MonitoredFit | None]:
    """Train/validation metrics under ``train/`` and ``val/``, and the monitored history."""
    train_split, val_split = data.splits["train"], data.splits["validation"]
    if len(train_split.labels) < 2 or len(set(train_split.labels)) < 2:
        raise InvalidInputError(f"release {data.id}: the train split needs at least two rows "
                                "with different targets", hint="import more rows and release "
                                                                "again")
    x_train, x_val, monitored = fit_on_train_split(store, project, estimator, data, progress)
    mean = float(np.mean(train_split.labels))
    metrics = _prefixed("train", regression_metrics(train_split.labels,
                                                    estimator.predict(x_train), mean))
    if x_val is not None:
        metrics |= _prefixed("val", regression_metrics(val_split.labels,
                                                       estimator.predict(x_val), mean))
    return metrics, monitored


def _prefixed(prefix: str, computed: dict[str, Any]) -> dict[str, float]:
    return {f"{prefix}/{key}": float(computed[key]) for key in (*HEADLINE, "baseline_mae")
            if computed.get(key) is not None}
