"""The default for span projects: cold start until a span model can be trained, then MNLP.

Chosen from the benchmark in BENCHMARKS.md ("Active learning for spans"); docs/spans.md says
why. Safe in any state of a project: with no span model (no labels yet, or no labeled text
with a span to learn from) or fewer than ``min_labels`` labeled texts it falls back to cold
start (k-means on the pool's sentence embeddings, the classification cold start) instead of
failing.
"""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.query.sequence_uncertainty import SpanMnlp

MIN_LABELS = 10


class SpanDefaultStrategy:
    """MNLP once a span model exists; cold start before (see ``uses_cold_start``)."""

    needs_model = False

    def __init__(self, min_labels: int = MIN_LABELS) -> None:
        self.min_labels = min_labels
        self.model_strategy = SpanMnlp()
        self.cold_start = ColdStart()

    def uses_cold_start(self, ctx: QueryContext) -> bool:
        """True without the span model's answers or below ``min_labels`` labeled texts."""
        return ctx.tagged is None or ctx.labeled_X.shape[0] < self.min_labels

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        if self.uses_cold_start(ctx):
            return self.cold_start.select(ctx, batch)
        return self.model_strategy.select(ctx, batch)
