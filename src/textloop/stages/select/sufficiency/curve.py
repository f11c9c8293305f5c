"""Scores on growing, nested, stratified fractions of the labels, cross-validated.

For each fold, the rows it trains on are put in one stratified order: within each label the
rows are shuffled, and a row's place in the order is its rank within its label divided by
the label's size. Any prefix of that order then holds every label in its share (within one
row), starts with one row of each label, and contains every shorter prefix, so 20% of the
labels are the 10% plus more, as they would be if labeling went on. Each prefix is scored
on the fold's held-out rows, which never change with the fraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.select.cross_validate import fit_and_score
from textloop.stages.select.folds import take

FRACTIONS = (0.1, 0.2, 0.35, 0.5, 0.7, 1.0)


@dataclass
class CurvePoint:
    """One fraction: labels trained on (mean over folds), and the metric's mean ± std."""

    fraction: float
    labels: int
    mean: float
    std: float
    scores: list[float] = field(default_factory=list)


def stratified_order(y: Sequence[str], rows: np.ndarray, rng: np.random.Generator
                     ) -> np.ndarray:
    """``rows`` ordered so that every prefix is a stratified sample (see the module docstring)."""
    labels = np.asarray([y[i] for i in rows], dtype=object)
    keys = np.empty(len(rows))
    class_rank = np.empty(len(rows))
    for position, label in enumerate(sorted(set(labels))):
        members = np.flatnonzero(labels == label)
        members = members[rng.permutation(len(members))]
        keys[members] = np.arange(len(members)) / len(members)
        class_rank[members] = position
    return rows[np.lexsort((class_rank, keys))]


def prefix_size(fraction: float, available: int, n_labels: int) -> int:
    """Rows in a fraction; never fewer than one per label, so every fit sees every class."""
    return min(available, max(n_labels, round(fraction * available)))


def measure_curve(estimator: Any, x: Any, y: Sequence[str], labels: Sequence[str],
                  folds: list[tuple[np.ndarray, np.ndarray]], metric: str,
                  fractions: Sequence[float] = FRACTIONS, seed: int = 0,
                  progress: Progress = NULL_PROGRESS, score_labels: Sequence[str] = ()
                  ) -> list[CurvePoint]:
    """One point per fraction, each the mean ± std of ``metric`` over the folds
    (``score_labels`` decide the positive class of an AUC metric)."""
    rng = np.random.default_rng(seed)
    n_labels = len(set(y))
    per_fraction: dict[float, list[tuple[int, float]]] = {f: [] for f in fractions}
    with progress.task(f"Learning curve: {len(fractions)} fractions × {len(folds)} folds",
                       total=len(fractions) * len(folds)) as task:
        for fit_rows, held_rows in folds:
            order = stratified_order(y, fit_rows, rng)
            x_held, y_held = take(x, held_rows), [y[i] for i in held_rows]
            for fraction in fractions:
                subset = order[:prefix_size(fraction, len(order), n_labels)]
                scores = fit_and_score(estimator, take(x, subset), [y[i] for i in subset],
                                       x_held, y_held, labels, (metric,), score_labels)
                if metric in scores:
                    per_fraction[fraction].append((len(subset), scores[metric]))
                task.advance()
    return [_point(f, measured) for f, measured in per_fraction.items() if measured]


def _point(fraction: float, measured: list[tuple[int, float]]) -> CurvePoint:
    sizes = [n for n, _ in measured]
    scores = [s for _, s in measured]
    std = float(np.std(scores, ddof=1)) if len(scores) > 1 else 0.0
    return CurvePoint(fraction, round(float(np.mean(sizes))), float(np.mean(scores)), std,
                      scores)
