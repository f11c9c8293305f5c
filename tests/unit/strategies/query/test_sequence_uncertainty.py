"""Span strategies rank pool texts by the span model's uncertainty about their tag sequence.

Four hand-made answers whose rankings differ by measure (two tags per token):

=====  ======  ==========  ================  ==============  ===============
text   tokens  P(best)     1 − P(best)       MNLP            mean / max H
=====  ======  ==========  ================  ==============  ===============
0      2       0.5         0.5               0.347           0.347 / 0.693
1      10      0.3         0.7               0.120           0.500 / 0.500
2      4       0.6         0.4               0.128           0.673 / 0.673
3      0       1.0         0                 0               0 / 0
=====  ======  ==========  ================  ==============  ===============
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.unit.strategies.query.pools import context, unit_rows
from textloop.errors import InvalidInputError
from textloop.models.span_model import TaggedText
from textloop.registry import REGISTRY
from textloop.strategies.query import get_strategy
from textloop.strategies.query.sequence_uncertainty import (
    max_token_entropy,
    mean_token_entropy,
    normalized_log_probability,
    sequence_least_confidence,
)

SPAN_NAMES = ["span-least-confidence", "span-mnlp", "span-token-entropy-mean",
              "span-token-entropy-max", "span-cluster-mnlp", "span-default"]


def tagged(rows: list[list[float]], p_best: float, log_prob: float | None = None
           ) -> TaggedText:
    """An answer with one token per row of [P(O), P(B-X)] (``log_prob`` exact if given)."""
    marginals = np.asarray(rows, dtype=np.float64).reshape(-1, 2)
    tokens = [(2 * i, 2 * i + 1) for i in range(len(rows))]
    return TaggedText(tokens, ["O"] * len(rows), ["O", "B-X"], marginals,
                      math.log(p_best) if log_prob is None else log_prob)


POOL = [tagged([[0.5, 0.5], [1.0, 0.0]], 0.5),
        tagged([[0.8, 0.2]] * 10, 0.3),
        tagged([[0.6, 0.4]] * 4, 0.6),
        tagged([], 1.0)]
ORDERS = {"span-least-confidence": [1, 0, 2, 3], "span-mnlp": [0, 2, 1, 3],
          "span-token-entropy-mean": [2, 1, 0, 3], "span-token-entropy-max": [0, 2, 1, 3]}


def pool_context(answers=POOL, seed: int = 0):
    X = unit_rows(np.eye(8)[: len(answers)] + 0.01)
    ctx = context(X, seed=seed)
    ctx.tagged = answers
    return ctx


def test_the_scores_are_the_published_measures() -> None:
    assert np.allclose(sequence_least_confidence(POOL), [0.5, 0.7, 0.4, 0.0])
    assert np.allclose(normalized_log_probability(POOL),
                       [math.log(2) / 2, -math.log(0.3) / 10, -math.log(0.6) / 4, 0.0])
    h = -(0.8 * math.log(0.8) + 0.2 * math.log(0.2))
    h2 = -(0.6 * math.log(0.6) + 0.4 * math.log(0.4))
    assert np.allclose(mean_token_entropy(POOL), [math.log(2) / 2, h, h2, 0.0])
    assert np.allclose(max_token_entropy(POOL), [math.log(2), h, h2, 0.0])


@pytest.mark.parametrize(("name", "order"), sorted(ORDERS.items()))
def test_each_measure_ranks_the_pool_its_own_way(name: str, order: list[int]) -> None:
    full, strategy = get_strategy(name)
    assert full == f"textloop.query.{name}.v1"
    assert strategy.select(pool_context(), 4).tolist() == order
    assert strategy.select(pool_context(), 2).tolist() == order[:2]


def test_mnlp_does_not_prefer_long_texts_as_least_confidence_does() -> None:
    """The same per-token certainty over 3 and 30 tokens: least confidence asks for the
    long one, MNLP sees them as equally sure (a tie goes to the lower index)."""
    short = tagged([[0.9, 0.1]] * 3, 0.0, log_prob=-1.5)
    long_ = tagged([[0.9, 0.1]] * 30, 0.0, log_prob=-15.0)
    _, lc = get_strategy("span-least-confidence")
    _, mnlp = get_strategy("span-mnlp")
    assert lc.select(pool_context([short, long_]), 1).tolist() == [1]
    assert normalized_log_probability([short, long_]).tolist() == [0.5, 0.5]
    assert mnlp.select(pool_context([short, long_]), 1).tolist() == [0]


@pytest.mark.parametrize("name", [*sorted(ORDERS), "span-cluster-mnlp"])
def test_without_a_span_model_they_say_what_works(name: str) -> None:
    _, strategy = get_strategy(name)
    with pytest.raises(InvalidInputError, match="span model") as info:
        strategy.select(context(unit_rows(np.eye(4))), 2)
    assert "span-default" in (info.value.hint or "")
    ctx = pool_context()
    ctx.tagged = POOL[:2]  # answers for another pool
    with pytest.raises(InvalidInputError, match="2 tagged texts for a pool of 4"):
        strategy.select(ctx, 2)


def test_span_strategies_are_registered_for_span_projects() -> None:
    assert set(SPAN_NAMES) <= set(REGISTRY.names("query"))
    assert all(REGISTRY.tags("query", name).get("task") == "spans" for name in SPAN_NAMES)
    assert REGISTRY.tags("query", "margin").get("task") is None
