"""Span cluster-MNLP: the least sure texts, one per region of the pool."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.query.pools import context, unit_rows
from tests.unit.strategies.query.test_sequence_uncertainty import tagged
from textloop.strategies.query import get_strategy


def near_duplicate_pool():
    """30 near-copies of one text the model is least sure of (MNLP 0.69-0.60 per token),
    then 30 distinct texts it is surer of (0.50-0.20)."""
    rng = np.random.default_rng(0)
    copies = np.eye(32)[0] + rng.normal(0.0, 0.001, size=(30, 32))
    distinct = np.eye(32)[1:31] + rng.normal(0.0, 0.001, size=(30, 32))
    X = unit_rows(np.vstack([copies, distinct]))
    per_token = np.concatenate([np.linspace(0.69, 0.60, 30), np.linspace(0.50, 0.20, 30)])
    answers = [tagged([[0.5, 0.5]] * 2, float(np.exp(-2 * u))) for u in per_token]
    ctx = context(X, seed=1)
    ctx.tagged = answers
    return ctx


def test_mnlp_alone_fills_the_batch_with_copies() -> None:
    _, mnlp = get_strategy("span-mnlp")
    assert (mnlp.select(near_duplicate_pool(), 5) < 30).all()


def test_cluster_mnlp_takes_one_copy_and_then_distinct_texts() -> None:
    full, strategy = get_strategy("span-cluster-mnlp")
    picks = strategy.select(near_duplicate_pool(), 5)
    assert full == "textloop.query.span-cluster-mnlp.v1"
    assert picks[0] == 0  # the copies' least sure member, first
    assert (picks < 30).sum() == 1 and len(set(picks.tolist())) == 5
