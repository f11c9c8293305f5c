"""Cluster-margin: the most uncertain items, spread over distinct regions of the pool.

Plain margin sampling fills a batch of 50 with near-copies when the model is unsure about
one kind of text (the same template message, the same question asked ten ways): the batch
then teaches the model one thing 50 times. Here the ``candidates × batch`` lowest-margin
items are clustered into ``batch`` groups by their embeddings and each group contributes its
lowest-margin item (after Citovsky et al. 2021, "Batch Active Learning at Scale").
"""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.clustering import kmeans
from textloop.strategies.query.ranking import batch_size, require_proba, top_k
from textloop.strategies.query.uncertainty import margin


class ClusterMargin:
    """Lowest margin per cluster of the ``candidates × batch`` lowest-margin items.

    Ranks the whole pool at once (not ``pointwise``): the clusters are drawn over the
    candidates of the entire pool, so ``suggest`` cannot score it chunk by chunk."""

    needs_model = True

    def __init__(self, candidates: int = 10) -> None:
        self.candidates = candidates

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        uncertainty = -margin(require_proba(ctx, "cluster-margin"))
        return most_uncertain_per_cluster(ctx, uncertainty, k, self.candidates)


def most_uncertain_per_cluster(ctx: QueryContext, uncertainty: np.ndarray, k: int,
                               candidates: int) -> np.ndarray:
    """The ``candidates × k`` most uncertain pool items clustered by their embeddings into
    ``k`` groups, each giving its most uncertain item (most uncertain pick first).

    Any uncertainty score works (a classifier's margin, a span model's sequence score), so
    the span strategies' diverse batch is this same choice.
    """
    shortlist = top_k(uncertainty, candidates * k)
    if shortlist.shape[0] <= k:
        return shortlist
    groups = kmeans(ctx.pool_X[shortlist], k, ctx.rng, max_fit=shortlist.shape[0]).labels_
    # the shortlist is sorted most uncertain first: a group's first member is its pick
    _, first = np.unique(groups, return_index=True)
    picks = shortlist[np.sort(first)]
    if picks.shape[0] < k:  # fewer distinct groups than asked (duplicate texts)
        rest = shortlist[~np.isin(shortlist, picks)]
        picks = np.concatenate([picks, rest[: k - picks.shape[0]]])
    return picks
