"""Uncertainty of a model's class probabilities, one score per pool item (higher = less sure).

The three classic measures differ in what they look at: least confidence only at the top
class, margin at the top two (the "breaking ties" criterion: an item the model hesitates
between two labels on), entropy at the whole distribution (it favours items spread over many
classes, which matters when there are dozens of labels).
"""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.ranking import batch_size, require_proba, top_k


def least_confidence(proba: np.ndarray) -> np.ndarray:
    """1 − probability of the predicted class."""
    return 1.0 - proba.max(axis=1)


def margin(proba: np.ndarray) -> np.ndarray:
    """Top-1 minus top-2 probability (small = a near tie). One class: margin 1, nothing to break."""
    if proba.shape[1] < 2:
        return np.ones(proba.shape[0])
    top2 = np.partition(proba, -2, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def entropy(proba: np.ndarray) -> np.ndarray:
    """Shannon entropy in nats; 0·log 0 counts as 0."""
    p = np.clip(proba, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0.0, p * np.log(p), 0.0)
    return -terms.sum(axis=1)


class UncertaintySampling:
    """Shared ``select`` for strategies that rank the pool by one uncertainty score.

    ``pointwise``: an item's score depends on its own probabilities alone, so a pool can be
    scored chunk by chunk, keeping only each chunk's best (``stages.active_learn.streaming``),
    and the picks are those of ``select`` over the whole pool.
    """

    needs_model = True
    pointwise = True
    name = "uncertainty"

    def uncertainty(self, proba: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        return top_k(self.uncertainty(require_proba(ctx, self.name)), k)
