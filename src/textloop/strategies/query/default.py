"""The default strategy: cold start until a model can be trained, then margin sampling.

Chosen from the benchmark in BENCHMARKS.md ("Active learning"); docs/active-learning.md
says why. Safe in any state of a project: with no model, too few labels or a single class it
falls back to cold start instead of failing.
"""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.query.margin import Margin

MIN_LABELS = 10


class DefaultStrategy:
    """Margin sampling once a model exists; cold start before (see ``uses_cold_start``).

    Ranks the whole pool at once (not ``pointwise``): its cold start clusters the pool."""

    needs_model = False

    def __init__(self, min_labels: int = MIN_LABELS) -> None:
        self.min_labels = min_labels
        self.model_strategy = Margin()
        self.cold_start = ColdStart()

    def uses_cold_start(self, ctx: QueryContext) -> bool:
        """True without model probabilities, below ``min_labels`` labels, or with one class."""
        labels = np.asarray(ctx.labeled_y)
        return (ctx.proba is None or labels.shape[0] < self.min_labels
                or np.unique(labels.astype(str)).shape[0] < 2)

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        if self.uses_cold_start(ctx):
            return self.cold_start.select(ctx, batch)
        return self.model_strategy.select(ctx, batch)
