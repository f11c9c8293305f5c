"""The default strategy's first version (``textloop.query.default.v1``, by name since
"default" means version 2): cold start until a model makes sense, then margin."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.query.pools import blobs, context
from textloop.strategies.query import get_strategy
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.query.margin import Margin


def pool_with_proba() -> tuple[np.ndarray, np.ndarray]:
    X, _, _ = blobs([20, 20, 20], seed=3)
    proba = np.random.default_rng(3).dirichlet([1.0, 1.0], size=X.shape[0])
    return X, proba


V1 = "textloop.query.default.v1"


def test_default_is_registered_and_never_needs_a_model() -> None:
    full, strategy = get_strategy(V1)
    assert full == V1
    assert not strategy.needs_model


def test_falls_back_to_cold_start_without_probabilities() -> None:
    X, _ = pool_with_proba()
    _, strategy = get_strategy(V1)
    expected = ColdStart().select(context(X, seed=9), 3)
    assert strategy.select(context(X, seed=9), 3).tolist() == expected.tolist()


def test_falls_back_with_too_few_labels_or_a_single_class() -> None:
    X, proba = pool_with_proba()
    _, strategy = get_strategy(V1, min_labels=4)
    cold = ColdStart().select(context(X, seed=9), 3).tolist()
    few = context(X, proba, labeled_X=X[:3], labeled_y=["a", "b", "a"], seed=9)
    one_class = context(X, proba, labeled_X=X[:6], labeled_y=["a"] * 6, seed=9)
    assert strategy.select(few, 3).tolist() == cold
    assert strategy.select(one_class, 3).tolist() == cold


def test_with_a_model_it_queries_like_its_model_strategy() -> None:
    X, proba = pool_with_proba()
    _, strategy = get_strategy(V1)
    ctx = context(X, proba, labeled_X=X[:12], labeled_y=["a", "b"] * 6)
    assert not strategy.uses_cold_start(ctx)
    assert strategy.select(ctx, 5).tolist() == Margin().select(ctx, 5).tolist()
