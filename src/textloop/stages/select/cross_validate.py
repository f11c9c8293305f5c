"""``textloop cv``: k-fold cross-validation of a model on a release, mean ± std per metric.

One validation split gives one number of unknown noise; k folds give k numbers, and their
spread says whether the gap between two models or two settings is larger than luck. Folds
are stratified (every fold keeps the label shares) and cover the release's train and
validation splits together: the test split stays untouched for the final word on the model
chosen. Model inputs are computed once (embeddings come from the store's cache) and sliced
per fold, and every fold fits a fresh ``clone`` of the estimator.

Models trained by epochs (``embed-mlp``) run for the ``training:`` section's epochs without
early stopping inside a fold: stopping on the held-out fold would leak it into the score.

The pieces (``stratified_folds``, ``fit_and_score``, ``cross_validate_inputs``) are shared by
the hyper-parameter search and the data-sufficiency curve.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.executors import Executor, executor_scope
from textloop.measures.metrics import compute_metrics
from textloop.models.classifiers import make_model
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release import ReleaseData, load_release
from textloop.stages.runs.loading import model_inputs
from textloop.stages.runs.record import recorded_run
from textloop.stages.select.folds import Fold, fold_proba, make_folds, run_folds
from textloop.stages.train.training import apply_training_defaults
from textloop.storage import Store, runs
from textloop.tasks import require_verb
from textloop.tasks.classification import HEADLINE
from textloop.types import Jsonable

POOL = ("train", "validation")
FoldCallback = Callable[[int, dict[str, float]], None]
"""Called after each fold with its 1-based number and scores (progress, time budgets)."""


@dataclass
class CVSummary:
    """Per-fold scores and their mean and standard deviation (n − 1) per metric."""

    per_fold: list[dict[str, float]]

    @property
    def mean(self) -> dict[str, float]:
        return {key: float(np.mean(values)) for key, values in self._columns().items()}

    @property
    def std(self) -> dict[str, float]:
        return {key: float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
                for key, values in self._columns().items()}

    def _columns(self) -> dict[str, list[float]]:
        keys = [k for k in self.per_fold[0] if all(k in f for f in self.per_fold)] \
            if self.per_fold else []
        return {k: [fold[k] for fold in self.per_fold] for k in keys}


@dataclass
class CVResult(Jsonable):
    run_name: str
    model: str
    release_id: str
    folds: int
    n_rows: int
    summary: CVSummary
    params: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The run, each fold's scores, and their mean and standard deviation per metric."""
        return {**super().to_dict(), "mean": self.summary.mean, "std": self.summary.std}


def metric_keys(project: Project) -> tuple[str, ...]:
    """The headline metrics plus the goal's metric, each once."""
    goal = project.spec.goal.metric
    return HEADLINE if goal in HEADLINE else (*HEADLINE, goal)


def build_estimator(project: Project, model: str, params: dict[str, Any] | None
                    ) -> tuple[str, Any]:
    """(full name, estimator) with the ``training:`` defaults for models trained by epochs."""
    full_name, estimator = make_model(model, params, project.spec.language)
    if model_tags(estimator).iterative:
        apply_training_defaults(estimator, params or {}, project)
    return full_name, estimator


def pool_rows(data: ReleaseData, splits: Sequence[str] = POOL) -> tuple[list[str], list[str]]:
    """Texts and labels of the named splits, in split order."""
    texts = [t for name in splits for t in data.splits[name].texts]
    labels = [y for name in splits for y in data.splits[name].labels]
    return texts, labels


def stratified_folds(labels: Sequence[str], k: int, seed: int = 0
                     ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit rows, held-out rows) per fold; refuses k that a label cannot fill."""
    if k < 2:
        raise InvalidInputError(f"--folds {k}: cross-validation needs at least 2 folds",
                                hint="use --folds 5 (the usual choice) or 10")
    values, counts = np.unique(np.asarray(labels, dtype=object), return_counts=True)
    if len(values) < 2:
        raise InvalidInputError("cross-validation needs at least two labels in the data",
                                hint="label records of another class and release again")
    smallest = int(counts.min())
    if smallest < k:
        name = values[int(counts.argmin())]
        raise InvalidInputError(
            f"label {name!r} has only {smallest} rows, fewer than the {k} folds",
            hint=f"use --folds {max(2, smallest)} or label more {name!r} records")
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    y = np.asarray(labels, dtype=object)
    return [(fit, held) for fit, held in splitter.split(np.zeros(len(y)), y)]


def fit_and_score(estimator: Any, x_fit: Any, y_fit: Sequence[str], x_eval: Any,
                  y_eval: Sequence[str], labels: Sequence[str], keys: Sequence[str],
                  score_labels: Sequence[str] = ()) -> dict[str, float]:
    """Fit a clone on one part, score the other; metrics undefined on the part are left out.
    ``score_labels`` (the project's) decide the positive class of ``roc_auc``/``pr_auc``."""
    proba = fold_proba(Fold(estimator, x_fit, list(y_fit), x_eval, list(labels)))
    assert proba is not None  # no deadline, so the fold always runs
    return score_proba(proba, y_eval, labels, keys, score_labels)


def score_proba(proba: np.ndarray, y_eval: Sequence[str], labels: Sequence[str],
                keys: Sequence[str], score_labels: Sequence[str] = ()) -> dict[str, float]:
    """The ``keys`` metrics of held-out probabilities; undefined ones are left out."""
    computed = compute_metrics(list(y_eval), proba, labels, score_labels)
    return {key: float(computed[key]) for key in keys
            if isinstance(computed.get(key), int | float) and math.isfinite(computed[key])}


def cross_validate_inputs(estimator: Any, x: Any, y: Sequence[str], labels: Sequence[str],
                          folds: list[tuple[np.ndarray, np.ndarray]], keys: Sequence[str],
                          on_fold: FoldCallback | None = None,
                          score_labels: Sequence[str] = (), *,
                          executor: Executor | None = None,
                          deadline: float | None = None) -> CVSummary | None:
    """Scores of ``estimator`` on each held-out fold, the folds fitted on ``executor``
    (``folds.run_folds``); scoring happens here, from the folds' probabilities.

    ``deadline`` (``time.time()``): a fold not started by then is skipped, and the result
    is None (a search's budget ran out inside the trial); the first fold always runs.
    """
    work = make_folds(estimator, x, y, folds, labels)
    if deadline is not None:
        work = [work[0], *(replace(fold, deadline=deadline) for fold in work[1:])]
    probas = run_folds(work, executor)
    scores = []
    for number, (proba, (_, held_rows)) in enumerate(zip(probas, folds, strict=True), start=1):
        if proba is None:
            return None
        fold = score_proba(proba, [y[i] for i in held_rows], labels, keys, score_labels)
        scores.append(fold)
        if on_fold is not None:
            on_fold(number, fold)
    return CVSummary(scores)


def cross_validate(store: Store, project: Project, *, model: str = "tfidf-lr",
                   release: str = "latest", folds: int = 5, params: dict[str, Any] | None = None,
                   seed: int = 0, executor: Executor | str | None = None,
                   progress: Progress = NULL_PROGRESS) -> CVResult:
    """Cross-validate ``model`` on the release's train + validation rows and record a run.

    The folds are fitted on ``executor`` (an ``Executor``, or ``local``/``ray``; default:
    the project's ``execution:`` settings, see ``executors.executor_for``); the scores are
    the same on every engine."""
    require_verb(project, "cv")
    started = time.perf_counter()
    data = load_release(store, release)
    full_name, estimator = build_estimator(project, model, params)
    texts, y = pool_rows(data)
    splits = stratified_folds(y, folds, seed)
    config = {"model": full_name, "params": estimator.get_params(), "release": data.id,
              "folds": folds, "seed": seed, "splits": list(POOL)}
    logged = {**(params or {}), "release": data.id, "folds": folds, "n_rows": len(y)}
    with executor_scope(executor, project.spec.execution) as engine, \
            recorded_run(store, kind="cv", model=full_name, release_id=data.id, config=config,
                         params=logged) as run:
        x = model_inputs(estimator, texts, store, progress, engine)
        with progress.task(f"Cross-validating {full_name.split('.')[2]} ({folds} folds)",
                           total=folds) as task:
            summary = cross_validate_inputs(estimator, x, y, data.labels, splits,
                                            metric_keys(project), lambda *_: task.advance(),
                                            project.spec.actions.score_labels,
                                            executor=engine)
        assert summary is not None  # no deadline, so every fold ran
        with store.write() as conn:
            log_summary(conn, run["id"], summary)
    return CVResult(run["name"], full_name, data.id, folds, len(y), summary,
                    dict(params or {}), time.perf_counter() - started)


def log_summary(conn: Any, run_id: str, summary: CVSummary) -> None:
    """``cv/KEY`` (mean) and ``cv/KEY_std``; each fold's scores as ``fold/KEY`` at step = fold."""
    for number, fold in enumerate(summary.per_fold, start=1):
        runs.log_metrics(conn, run_id, {f"fold/{k}": v for k, v in fold.items()}, step=number)
    runs.log_metrics(conn, run_id, {**{f"cv/{k}": v for k, v in summary.mean.items()},
                                    **{f"cv/{k}_std": v for k, v in summary.std.items()}})
