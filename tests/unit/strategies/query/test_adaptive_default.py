"""The default strategy, version 2: margin, diverse batches and noise down-weighting, each
switched on by what the context shows."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.query.pools import blobs, context, logistic
from textloop.strategies.query import get_strategy
from textloop.strategies.query.adaptive_default import AdaptiveDefault
from textloop.strategies.query.cluster_margin import ClusterMargin
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.query.default import DefaultStrategy
from textloop.strategies.query.margin import Margin


def test_version_2_and_version_1_stay_available_by_name() -> None:
    full, strategy = get_strategy("textloop.query.default.v2")
    assert full == "textloop.query.default.v2" and type(strategy) is AdaptiveDefault
    assert not strategy.needs_model
    old_name, old = get_strategy("textloop.query.default.v1")
    assert old_name == "textloop.query.default.v1" and type(old) is DefaultStrategy


def test_cold_start_without_a_model() -> None:
    X, _, _ = blobs([20, 20, 20], seed=3)
    expected = ColdStart().select(context(X, seed=9), 3).tolist()
    strategy = AdaptiveDefault()
    assert strategy.select(context(X, seed=9), 3).tolist() == expected
    assert strategy.last_choice == {"cold_start": True}


def two_regions(flipped: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Labeled: 25 records around direction 0 labeled "a" (``flipped`` of them "b") and 25
    around direction 1 labeled "b". Pool: 10 near each; the model is equally unsure of all,
    the first region's items a hair more (plain margin takes them first)."""
    X, groups, _ = blobs([35, 35], seed=5)
    labeled = np.r_[0:25, 35:60]
    labeled_X, pool_X = X[labeled], X[np.r_[25:35, 60:70]]
    y = np.where(groups[labeled] == 0, "a", "b").astype(object)
    y[:flipped] = "b"
    first = np.linspace(0.49, 0.495, 10)  # margins 0.02 .. 0.01: the first region's items
    second = np.full(10, 0.47)  # margin 0.06
    top = np.concatenate([1.0 - first, 1.0 - second])
    proba = np.stack([top, 1.0 - top], axis=1)
    return pool_X, proba, labeled_X, y


def test_clean_labels_few_classes_small_batch_is_plain_margin() -> None:
    pool_X, proba, labeled_X, y = two_regions(flipped=0)
    ctx = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y, make_classifier=logistic)
    strategy = AdaptiveDefault()
    assert strategy.select(ctx, 5).tolist() == Margin().select(ctx, 5).tolist()
    assert strategy.last_choice["noisy"] is False and strategy.last_choice["diverse"] is False
    assert strategy.last_choice["contradicted_share"] == 0.0


def test_labels_that_contradict_themselves_steer_away_from_their_region() -> None:
    """5 of the first region's 25 labels disagree with the rest (a fifth of the region,
    10% of all labels): its items are down-weighted, so the batch comes from the clean
    region, where plain margin would have taken the noisy one's."""
    pool_X, proba, labeled_X, y = two_regions(flipped=5)
    ctx = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y, make_classifier=logistic)
    assert set(Margin().select(ctx, 5).tolist()) <= set(range(10))
    strategy = AdaptiveDefault()
    picks = strategy.select(ctx, 5).tolist()
    assert strategy.last_choice["noisy"] is True
    assert strategy.last_choice["contradicted_share"] == 0.1
    assert set(picks) <= set(range(10, 20))
    # without a classifier factory there is no evidence, so no down-weighting
    blind = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y)
    assert strategy.select(blind, 5).tolist() == Margin().select(blind, 5).tolist()


def test_many_classes_or_a_large_batch_get_diverse_batches() -> None:
    rng = np.random.default_rng(0)
    X, _, _ = blobs([30] * 8, dim=24, seed=1)
    for n_classes, batch in ((24, 6), (2, 30)):
        proba = rng.dirichlet([1.0] * n_classes, size=X.shape[0])
        n = max(12, 2 * n_classes)
        labels = [f"c{i % n_classes}" for i in range(n)]
        ctx = context(X, proba, labeled_X=X[:n], labeled_y=labels, seed=4)
        strategy = AdaptiveDefault()
        picks = strategy.select(ctx, batch).tolist()
        expected = ClusterMargin().select(context(X, proba, labeled_X=X[:n],
                                                  labeled_y=labels, seed=4), batch).tolist()
        assert strategy.last_choice["diverse"] is True
        assert picks == expected
    assert not AdaptiveDefault().wants_diversity(4, 25)  # ag_news: 4 classes, batches of 25
    assert AdaptiveDefault().wants_diversity(3, 50)  # davidson: 3 classes, batches of 50


def test_a_large_labeled_set_is_checked_on_a_sample() -> None:
    """Beyond ``max_check`` labeled records, contradictions are looked for in a seeded
    sample: the same noisy region is still avoided."""
    pool_X, proba, labeled_X, y = two_regions(flipped=5)
    ctx = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y, make_classifier=logistic)
    strategy = AdaptiveDefault(max_check=40)
    picks = strategy.select(ctx, 5).tolist()
    assert strategy.last_choice["noisy"] is True and set(picks) <= set(range(10, 20))
