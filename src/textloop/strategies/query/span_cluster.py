"""Diverse span batches: the least sure texts by MNLP, one per region of the pool.

A span model is unsure about whole families of texts at once (every tweet quoting the same
headline, every sentence naming one new drug); a batch of the 50 lowest MNLP scores then
teaches it one thing 50 times. As cluster-margin does for classes, the ``candidates ×
batch`` least sure texts are clustered by their sentence embeddings into ``batch`` groups
and each group gives its least sure text (the same choice:
``cluster_margin.most_uncertain_per_cluster``).
"""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.cluster_margin import most_uncertain_per_cluster
from textloop.strategies.query.ranking import batch_size, require_tagged
from textloop.strategies.query.sequence_uncertainty import normalized_log_probability


class SpanClusterMnlp:
    """Highest MNLP uncertainty per cluster of the ``candidates × batch`` least sure texts."""

    needs_model = True

    def __init__(self, candidates: int = 10) -> None:
        self.candidates = candidates

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        uncertainty = normalized_log_probability(require_tagged(ctx, "span-cluster-mnlp"))
        return most_uncertain_per_cluster(ctx, uncertainty, k, self.candidates)
