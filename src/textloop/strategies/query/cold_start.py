"""Cold start: diverse, representative items for the first labels, before any model exists."""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.clustering import kmeans, nearest_unique
from textloop.strategies.query.ranking import batch_size


class ColdStart:
    """k-means on the pool's embeddings into ``batch`` clusters; the item nearest each centroid.

    Each pick stands for one region of the data (representative), and no two come from the
    same region (diverse), so the first batch covers the topics a random batch of the same
    size could miss. Picks come largest cluster first. Needs no labels and no model.

    Needs the whole pool at once (not ``pointwise``): k-means runs over every item.
    """

    needs_model = False

    def __init__(self, max_fit: int = 10_000) -> None:
        self.max_fit = max_fit

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        X = ctx.pool_X
        if k == X.shape[0]:
            return np.arange(k)
        model = kmeans(X, k, ctx.rng, self.max_fit)
        sizes = np.bincount(model.labels_, minlength=k)
        order = np.lexsort((np.arange(k), -sizes))
        return nearest_unique(X, model.cluster_centers_, order)
