"""The span default: cold start until a span model answers for enough labels, then MNLP."""

from __future__ import annotations

import numpy as np

from tests.unit.strategies.query.pools import blobs, context
from tests.unit.strategies.query.test_sequence_uncertainty import tagged
from textloop.strategies.query import get_strategy


def test_cold_start_without_a_span_model_one_text_per_cluster() -> None:
    X, groups, _ = blobs([20, 15, 10])
    full, strategy = get_strategy("span-default")
    picks = strategy.select(context(X), 3)
    assert full == "textloop.query.span-default.v1"
    assert sorted(groups[picks].tolist()) == [0, 1, 2]
    assert strategy.uses_cold_start(context(X))


def test_mnlp_once_the_span_model_answers_for_enough_labels() -> None:
    X, _, _ = blobs([20, 15, 10])
    sure = [tagged([[0.9, 0.1]] * 3, 0.9 ** 3)] * 45
    unsure = list(sure)
    unsure[7] = tagged([[0.5, 0.5]] * 3, 0.125)
    unsure[30] = tagged([[0.6, 0.4]] * 3, 0.2)
    _, strategy = get_strategy("span-default")
    few = context(X, labeled_X=X[:5])
    few.tagged = unsure
    assert strategy.uses_cold_start(few)  # 5 labeled texts: still cold start
    enough = context(X, labeled_X=np.vstack([X] * 2)[:10])
    enough.tagged = unsure
    assert not strategy.uses_cold_start(enough)
    assert strategy.select(enough, 2).tolist() == [7, 30]
