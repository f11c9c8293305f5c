"""Dawid-Skene: recovers labels and voter reliability where majority vote cannot."""

from __future__ import annotations

import numpy as np

from textloop.strategies.label_model.dawid_skene import dawid_skene, one_hot_votes


def test_one_hot_marks_votes_and_leaves_abstentions_empty() -> None:
    onehot = one_hot_votes(np.array([[0, -1], [1, 1]]), 2)
    assert onehot.tolist() == [[[1, 0], [0, 0]], [[0, 1], [0, 1]]]


def test_reliable_voters_outweigh_a_noisy_one_on_ties() -> None:
    rng = np.random.default_rng(0)
    n = 600
    truth = rng.integers(0, 2, n)
    accuracy = np.array([0.95, 0.9, 0.55])  # two careful annotators, one nearly a coin flip
    right = rng.random((n, 3)) < accuracy
    votes = np.where(right, truth[:, None], 1 - truth[:, None])
    absent = rng.integers(0, 3, n)  # each item gets two of the three annotators
    votes[np.arange(n), absent] = -1
    fit = dawid_skene(votes, 2)
    tie = (votes.max(axis=1) != np.where(votes < 0, 2, votes).min(axis=1))
    assert tie.sum() > 50  # plenty of items where a majority vote is split 1:1
    assert (fit.labels[tie] == truth[tie]).mean() > 0.75
    assert fit.confusion[0, 0, 0] > 0.85 and fit.confusion[2, 0, 0] < 0.7
    np.testing.assert_allclose(fit.posteriors.sum(axis=1), 1.0)


def test_abstentions_and_a_class_no_one_voted() -> None:
    votes = np.array([[0, 0, -1], [-1, 1, 1], [2, -1, 2], [-1, -1, -1]])
    fit = dawid_skene(votes, 4)
    assert fit.labels[:3].tolist() == [0, 1, 2]
    assert fit.posteriors.shape == (4, 4)
    assert np.isfinite(fit.posteriors).all()
    assert fit.iterations >= 1
