"""Random sampling: the baseline every other strategy is measured against."""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.ranking import batch_size


class RandomSampling:
    """A uniform sample of the pool without replacement, drawn from ``ctx.rng``.

    Also a sound choice in its own right when the labeled set must estimate the data's
    label distribution without bias.
    """

    needs_model = False

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        return ctx.rng.choice(ctx.pool_X.shape[0], size=k, replace=False)
