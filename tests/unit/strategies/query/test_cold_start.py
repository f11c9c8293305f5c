"""Cold start: one item per cluster, the most central one, largest cluster first."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.query.pools import blobs, context
from textloop.strategies.query import get_strategy
from textloop.strategies.query.cold_start import ColdStart


def test_one_pick_per_cluster_on_clearly_clustered_data() -> None:
    X, groups, _ = blobs([60, 40, 30, 20, 10])
    picks = ColdStart().select(context(X, seed=1), 5)
    assert sorted(groups[picks].tolist()) == [0, 1, 2, 3, 4]
    assert groups[picks].tolist() == [0, 1, 2, 3, 4]  # largest cluster first


def test_each_pick_is_the_item_nearest_its_cluster_centre() -> None:
    X, groups, _ = blobs([50, 50, 50])
    picks = ColdStart().select(context(X, seed=2), 3)
    for pick in picks:
        members = np.flatnonzero(groups == groups[pick])
        centre = X[members].mean(axis=0)
        nearest = members[np.argmin(((X[members] - centre) ** 2).sum(axis=1))]
        assert pick == nearest


def test_subsampled_clustering_still_covers_every_cluster() -> None:
    X, groups, _ = blobs([400, 300, 200, 100])
    picks = ColdStart(max_fit=60).select(context(X, seed=3), 4)
    assert sorted(groups[picks].tolist()) == [0, 1, 2, 3]


def test_cold_start_is_deterministic_unique_and_needs_no_model() -> None:
    X, _, _ = blobs([30] * 6, seed=4)
    full, strategy = get_strategy("cold-start")
    assert full == "textloop.query.cold-start.v1" and not strategy.needs_model
    first = strategy.select(context(X, seed=5), 12)
    assert first.tolist() == strategy.select(context(X, seed=5), 12).tolist()
    assert len(set(first.tolist())) == 12


def test_duplicate_points_still_give_distinct_items() -> None:
    X = np.repeat(np.eye(4, dtype=np.float32)[:2], 5, axis=0)  # two points, five copies each
    picks = ColdStart().select(context(X), 4)
    assert len(set(picks.tolist())) == 4
    assert ColdStart().select(context(X[:3]), 5).tolist() == [0, 1, 2]
