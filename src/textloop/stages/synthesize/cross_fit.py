"""Cross-fitted evidence for a batch when the release's test split is too small to tell.

With a few labeled rows per class the test split holds one or two rows of a class: a batch
moves none of their predictions (a tie, accepted by "macro-F1 does not fall") or flips one
(a loss of 50 F1 points), and either is noise. Measured at 8 labeled examples per class,
decisions taken that way let through batches that lowered macro-F1 on fresh real data by 2
points (BENCHMARKS.md, "Synthetic data"). Here every real row of the release is predicted,
per seed, by a model that did not see it: stratified k-fold over train, validation and test
together, the folds reshuffled per seed, each fold's model trained with and without the
batch. The paired per-class and macro deltas are then taken on all real rows at once.

An item made from seed rows (an edit of a row, or a prompt that showed it) is left out of a
fold's training when any of its seeds is held out by that fold: otherwise an edit of a
held-out row would be scored on that row. Synthetic rows of earlier batches train every
fold in both arms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from textloop.config import Project
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.select.cross_validate import stratified_folds
from textloop.stages.synthesize.ablation import (
    Comparison,
    Inputs,
    fit_arm,
    seeded,
    summarise,
)

MAX_FOLDS = 5


@dataclass(frozen=True)
class Pool:
    """What cross-fitting draws on: the real rows with their record ids, the rows that
    train every fold (earlier synthetic ones), and the batch with each item's seed ids."""

    real: Inputs
    real_ids: list[str]
    fixed: Inputs
    extra: Inputs
    extra_seeds: list[frozenset[str]]


def folds_possible(labels: Sequence[str]) -> int:
    """How many folds the real rows allow: at most 5, at most the smallest class's count
    (every class in every held-out fold); below 2 cross-fitting cannot run."""
    counts = Counter(labels)
    return min(MAX_FOLDS, min(counts.values())) if counts else 0


def cross_compare(estimator: object, project: Project, pool: Pool, labels: Sequence[str],
                  seeds: int, progress: Progress = NULL_PROGRESS) -> tuple[Comparison, int]:
    """(the paired comparison over out-of-fold predictions of all real rows, the folds)."""
    k = folds_possible(pool.real.y)
    if k < 2:
        raise ValueError("cross-fitting needs at least 2 real rows of every class")
    scores: dict[str, list[dict[str, object]]] = {"without": [], "with": []}
    with progress.task(f"Cross-fitting with and without the batch ({seeds} seeds x {k} "
                       "folds)", total=2 * seeds * k) as task:
        for seed in range(seeds):
            folds = stratified_folds(pool.real.y, k, seed)
            for arm in ("without", "with"):
                proba = _out_of_fold(estimator, project, pool, labels, folds, seed,
                                     arm == "with", task.advance)
                scores[arm].append(compute_metrics(pool.real.y, proba, labels))
    return summarise(list(range(seeds)), scores, labels), k


def _out_of_fold(estimator: object, project: Project, pool: Pool, labels: Sequence[str],
                 folds: list[tuple[np.ndarray, np.ndarray]], seed: int, with_batch: bool,
                 advance: Callable[[], None]) -> np.ndarray:
    """[rows, labels] probabilities, each row's from the fold model that held it out."""
    proba = np.zeros((len(pool.real), len(labels)))
    for fit, held in folds:
        rows = pool.real.take(fit).plus(pool.fixed)
        if with_batch:
            rows = rows.plus(pool.extra.take(_items_allowed(pool, held)))
        model = fit_arm(seeded(estimator, seed), project, rows, None)
        proba[held] = align_proba(model.predict_proba(pool.real.take(held).x),
                                  [str(c) for c in model.classes_], list(labels))
        advance()
    return proba


def _items_allowed(pool: Pool, held: np.ndarray) -> np.ndarray:
    """Indices of the batch items none of whose seeds is held out."""
    out = {pool.real_ids[i] for i in held}
    return np.array([i for i, seeds in enumerate(pool.extra_seeds) if not seeds & out],
                    dtype=np.int64)
