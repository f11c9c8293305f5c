"""Cluster-margin: uncertain items, but never a batch of near-copies."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.query.pools import context, unit_rows
from textloop.errors import InvalidInputError
from textloop.strategies.query import get_strategy


def near_duplicate_pool() -> tuple[np.ndarray, np.ndarray]:
    """30 near-copies of one text with the lowest margins, then 30 distinct texts.

    Margins: copies 0.00-0.03, distinct texts 0.05-0.20 (columns: two classes).
    """
    rng = np.random.default_rng(0)
    copies = np.eye(32)[0] + rng.normal(0.0, 0.001, size=(30, 32))
    distinct = np.eye(32)[1:31] + rng.normal(0.0, 0.001, size=(30, 32))
    X = unit_rows(np.vstack([copies, distinct]))
    margins = np.concatenate([np.linspace(0.0, 0.03, 30), np.linspace(0.05, 0.20, 30)])
    proba = np.column_stack([(1 + margins) / 2, (1 - margins) / 2])
    return X, proba


def test_margin_alone_fills_the_batch_with_copies() -> None:
    X, proba = near_duplicate_pool()
    _, margin = get_strategy("margin")
    assert (margin.select(context(X, proba), 5) < 30).all()


def test_cluster_margin_takes_one_copy_and_then_distinct_items() -> None:
    X, proba = near_duplicate_pool()
    full, strategy = get_strategy("cluster-margin")
    picks = strategy.select(context(X, proba, seed=1), 5)
    assert full == "textloop.query.cluster-margin.v1"
    assert (picks < 30).sum() == 1
    assert picks[0] == 0  # the copies' most uncertain member, first
    assert len(set(picks.tolist())) == 5


def test_small_pools_and_missing_probabilities() -> None:
    X, proba = near_duplicate_pool()
    _, strategy = get_strategy("cluster-margin")
    assert strategy.select(context(X[:3], proba[:3]), 5).tolist() == [0, 1, 2]
    with pytest.raises(InvalidInputError):
        strategy.select(context(X), 5)


def test_cluster_margin_is_deterministic_per_seed() -> None:
    rng = np.random.default_rng(5)
    X = unit_rows(rng.normal(size=(500, 16)))
    proba = rng.dirichlet([1.0, 1.0, 1.0], size=500)
    _, strategy = get_strategy("cluster-margin")
    first = strategy.select(context(X, proba, seed=3), 20)
    assert first.tolist() == strategy.select(context(X, proba, seed=3), 20).tolist()
    assert len(set(first.tolist())) == 20
