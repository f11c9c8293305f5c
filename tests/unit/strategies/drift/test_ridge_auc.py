"""Out-of-fold ridge scores and column-wise AUC, checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import roc_auc_score

from textloop.strategies.drift.ridge_auc import CrossValidatedRidge, column_auc, fold_ids


def test_column_auc_matches_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(0)
    labels = np.stack([rng.permutation(np.r_[np.zeros(30), np.ones(20)]) for _ in range(4)], 1)
    scores = np.round(rng.normal(size=(50, 4)) + labels, 1)  # rounding makes ties
    expected = [roc_auc_score(labels[:, j], scores[:, j]) for j in range(4)]
    assert column_auc(scores, labels) == pytest.approx(expected)


def test_each_column_is_the_ridge_fit_on_the_other_folds() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 5)) * np.arange(1, 6)
    labels = np.stack([rng.integers(0, 2, 60).astype(float) for _ in range(3)], axis=1)
    folds = fold_ids(60, 3, rng)
    scores = CrossValidatedRidge(x, [folds], ridge=0.5).scores(labels)
    for fold in range(3):
        held = folds == fold
        centred = x[~held] - x[~held].mean(axis=0)
        penalty = 0.5 * np.trace(centred.T @ centred) / 5
        for j in range(3):
            fit = Ridge(alpha=penalty).fit(x[~held], labels[~held, j])
            assert scores[held, j] == pytest.approx(fit.predict(x[held]))


def test_repeated_assignments_average_each_rows_out_of_fold_scores() -> None:
    rng = np.random.default_rng(4)
    x, labels = rng.normal(size=(50, 4)), rng.integers(0, 2, (50, 2)).astype(float)
    first, second = fold_ids(50, 5, rng), fold_ids(50, 5, rng)
    both = CrossValidatedRidge(x, [first, second], ridge=1.0)
    alone = [CrossValidatedRidge(x, [folds], ridge=1.0).scores(labels) for folds in (first, second)]
    assert both.repeats == 2 and both.folds == 5
    assert both.scores(labels) == pytest.approx((alone[0] + alone[1]) / 2)


def test_folds_are_balanced_and_never_more_than_the_rows() -> None:
    rng = np.random.default_rng(2)
    assert np.bincount(fold_ids(103, 5, rng)).tolist() == [21, 21, 21, 20, 20]
    assert sorted(set(fold_ids(4, 10, rng).tolist())) == [0, 1, 2, 3]


def test_permuted_aucs_are_the_same_in_blocks() -> None:
    rng = np.random.default_rng(3)
    x, labels = rng.normal(size=(40, 3)), np.r_[np.zeros(25), np.ones(15)]
    model = CrossValidatedRidge(x, [fold_ids(40, 4, rng)], ridge=1.0)
    whole = model.permuted_aucs(labels, 30, np.random.default_rng(9))
    blocked = model.permuted_aucs(labels, 30, np.random.default_rng(9), block_cells=40 * 7)
    assert len(whole) == 30 and whole == pytest.approx(blocked)
    assert len(set(np.round(whole, 6))) > 10  # the shuffles differ
