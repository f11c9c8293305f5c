"""Fractions are stratified, nested and scored on the same held-out rows per fold."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest

from textloop.stages.release import load_release
from textloop.stages.select.cross_validate import stratified_folds
from textloop.stages.select.sufficiency.curve import measure_curve, prefix_size, stratified_order

LABELS = ["a"] * 60 + ["b"] * 30 + ["c"] * 10


def test_every_prefix_keeps_the_label_shares_within_one_row() -> None:
    rows = np.arange(len(LABELS))
    order = stratified_order(LABELS, rows, np.random.default_rng(0))
    assert sorted(order.tolist()) == rows.tolist()  # a permutation: nothing lost or doubled
    assert {LABELS[i] for i in order[:3]} == {"a", "b", "c"}  # one of each label first
    for size in range(1, len(order) + 1):
        counts = Counter(LABELS[i] for i in order[:size])
        for label, total in Counter(LABELS).items():
            assert abs(counts[label] - size * total / len(LABELS)) <= 1.0


def test_smaller_fractions_are_contained_in_larger_ones() -> None:
    rows = np.arange(len(LABELS))
    order = stratified_order(LABELS, rows, np.random.default_rng(1))
    sizes = [prefix_size(f, len(order), 3) for f in (0.1, 0.2, 0.35, 0.5, 0.7, 1.0)]
    subsets = [set(order[:n].tolist()) for n in sizes]
    assert sizes == sorted(sizes) and sizes[-1] == len(LABELS)
    assert all(small < large for small, large in pairwise(subsets))


def test_a_tiny_fraction_still_holds_one_row_per_label() -> None:
    assert prefix_size(0.01, 100, 3) == 3
    assert prefix_size(0.5, 100, 3) == 50


def test_curve_on_a_real_release_has_one_point_per_fraction(project, store, tmp_path) -> None:
    from tests.unit.stages.selection_fixtures import noisy_release
    from textloop.models.classifiers import make_model

    noisy_release(store, project, tmp_path)
    train = load_release(store).train
    folds = stratified_folds(train.labels, 3, seed=0)
    estimator = make_model("tfidf-lr")[1]
    points = measure_curve(estimator, train.texts, train.labels, ["spam", "ham"], folds,
                           "macro_f1", fractions=(0.2, 0.5, 1.0))
    fit_rows = np.mean([len(f) for f, _ in folds])
    assert [p.fraction for p in points] == [0.2, 0.5, 1.0]
    assert [p.labels for p in points] == [round(0.2 * fit_rows), round(0.5 * fit_rows),
                                          round(fit_rows)]
    assert all(len(p.scores) == 3 and 0.0 <= p.mean <= 1.0 for p in points)
    assert points[0].std == pytest.approx(np.std(points[0].scores, ddof=1))
    assert points[-1].mean > points[0].mean  # more labels help on this data
