"""Cross-validation folds as pure, picklable work, run on an executor.

``clean`` (out-of-fold probabilities), ``cv`` and ``search`` (fold scores) all fit a fresh
clone of an estimator on the rows a fold trains on and predict the rows it holds out. Each
fold is one ``Fold``: the estimator (unfitted), its slices of the inputs and the labels,
and nothing else, so it runs the same in this process or as a Ray task on another node
(``executor.map_tasks``), and a task rerun after its worker died gives the same answer.
Folds are sliced here, once, so a task receives only its own rows, not the whole data set.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone

from textloop.executors import Executor, LocalExecutor
from textloop.measures.probabilities import align_proba
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress


@dataclass(frozen=True)
class Fold:
    """One fold's work. ``classes``: the probability columns, in this order."""

    estimator: Any
    x_fit: Any
    y_fit: Any
    x_held: Any
    classes: list[str]
    deadline: float | None = None
    """Wall-clock time (``time.time()``) past which the fold is not started (a search's
    budget); None: always run."""
    progress: Progress = field(default=NULL_PROGRESS, compare=False)
    """Where a model that reports its own progress (a fine-tuned encoder) shows it; only
    the local executor runs such folds, since a progress bar lives in this process."""


def take(x: Any, rows: np.ndarray) -> Any:
    """Rows of model inputs: a list of texts or a matrix of embeddings."""
    return x[rows] if isinstance(x, np.ndarray) else [x[i] for i in rows]


def fold_proba(fold: Fold) -> np.ndarray | None:
    """Held-out probabilities ``[len(x_held), len(classes)]`` of a clone fitted on the fold's
    training rows; None when the fold's deadline had passed before it started."""
    if fold.deadline is not None and time.time() > fold.deadline:
        return None
    model = clone(fold.estimator)
    if model_tags(model).reports_progress:
        model.fit(fold.x_fit, fold.y_fit, progress=fold.progress)
    else:
        model.fit(fold.x_fit, fold.y_fit)
    return align_proba(model.predict_proba(fold.x_held), list(model.classes_),
                       list(fold.classes))


def make_folds(estimator: Any, x: Any, y: Sequence[str] | np.ndarray,
               splits: Sequence[tuple[np.ndarray, np.ndarray]], classes: Sequence[str], *,
               deadline: float | None = None, progress: Progress = NULL_PROGRESS
               ) -> list[Fold]:
    """One ``Fold`` per (fit rows, held-out rows), its inputs sliced from ``x`` and ``y``."""
    labels = np.asarray(y, dtype=object)
    return [Fold(estimator, take(x, fit), labels[fit], take(x, held), list(classes),
                 deadline, progress) for fit, held in splits]


def run_folds(folds: Sequence[Fold], executor: Executor | None = None
              ) -> list[np.ndarray | None]:
    """``fold_proba`` of every fold, in order, on ``executor`` (default: this process)."""
    return (executor or LocalExecutor()).map_tasks(fold_proba, list(folds))
