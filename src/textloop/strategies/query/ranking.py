"""Helpers every strategy shares: argument checks and a deterministic top-k.

Pools hold up to hundreds of thousands of items, so ranking uses a partial partition
(linear time) and sorts only the few candidates it keeps. Ties go to the lower pool index,
so a strategy's answer depends on its inputs and ``ctx.rng`` alone, never on sort internals.
"""

from __future__ import annotations

import numpy as np

from textloop.errors import InvalidInputError
from textloop.strategies.query.base import QueryContext, TaggedSequence


def batch_size(ctx: QueryContext, batch: int) -> int:
    """How many items to return: ``batch``, or the whole pool when it is smaller."""
    if batch < 1:
        raise InvalidInputError(f"batch must be at least 1 (found {batch})",
                                hint="ask for one or more items, e.g. --batch 50")
    return min(batch, int(ctx.pool_X.shape[0]))


def require_proba(ctx: QueryContext, strategy: str) -> np.ndarray:
    """The model's pool probabilities, or an error saying which strategy works without them."""
    if ctx.proba is None:
        raise InvalidInputError(
            f"the {strategy} strategy needs the current model's probabilities (found none: no "
            "model has been trained yet)",
            hint="label a first batch with the cold-start strategy, or use the default strategy, "
                 "which starts with cold start by itself")
    proba = np.asarray(ctx.proba, dtype=np.float64)
    if proba.ndim != 2 or proba.shape[0] != ctx.pool_X.shape[0]:
        raise InvalidInputError(
            f"probabilities have shape {proba.shape} (expected one row per pool item: "
            f"{ctx.pool_X.shape[0]} rows)", hint="predict the same pool that is passed as pool_X")
    return proba


def require_tagged(ctx: QueryContext, strategy: str) -> list[TaggedSequence]:
    """The span model's answer per pool text, or an error saying what works without one."""
    if ctx.tagged is None:
        raise InvalidInputError(
            f"the {strategy} strategy needs the current span model's tag probabilities (found "
            "none: no span model has been trained yet, or it does not tag tokens)",
            hint="label a first batch with the cold-start strategy, or use the span-default "
                 "strategy, which starts with cold start by itself")
    tagged = list(ctx.tagged)
    if len(tagged) != ctx.pool_X.shape[0]:
        raise InvalidInputError(
            f"{len(tagged)} tagged texts for a pool of {ctx.pool_X.shape[0]} (expected one "
            "each)", hint="tag the same pool that is passed as pool_X")
    return tagged


def top_k(scores: np.ndarray, k: int, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``k`` highest scores, highest first.

    Equal scores are ordered by the higher ``tiebreak`` value, then by the lower index.
    """
    n = scores.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.intp)
    if k < n:
        kth = np.partition(-scores, k - 1)[k - 1]
        candidates = np.flatnonzero(-scores <= kth)  # the top k and everything tied with it
    else:
        candidates = np.arange(n)
    keys: list[np.ndarray] = [candidates]
    if tiebreak is not None:
        keys.append(-tiebreak[candidates])
    keys.append(-scores[candidates])
    return candidates[np.lexsort(keys)][:k]


def seed_from(rng: np.random.Generator) -> int:
    """An integer seed drawn from ``rng`` for libraries that take ``random_state``."""
    return int(rng.integers(0, 2**31 - 1))
