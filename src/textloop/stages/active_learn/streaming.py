"""Scoring a pool chunk by chunk, keeping only the best: ``suggest`` over pools of any size.

A strategy that scores each item from its own probabilities alone (``pointwise``: margin,
entropy, least confidence) does not need the whole pool's probabilities at once. The pool
goes to the executor in chunks (``map_batches``: the fitted classifier and the strategy
travel once per worker); each chunk comes back as its own top ``k`` (positions and scores),
and the running top ``k`` is merged with it here. So the probabilities and scores held at
any time are one chunk's, not the pool's, and the work spreads over a Ray cluster.

The picks equal ``select`` over the whole pool: items are ordered by score, ties by the
lower pool position, and an item in the overall top ``k`` is in its own chunk's top ``k``
under that same order (fewer than ``k`` items of its chunk come before it).

Strategies that compare items with each other (the adaptive default, clustering and
diversity, query-by-committee) need the whole pool at once and are ranked as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np

from textloop.executors import Executor, LocalExecutor
from textloop.strategies.query.ranking import top_k

CHUNK = 8192
"""Pool items per scoring batch: one chunk's probabilities and scores are what is held."""

Chunk = tuple[int, np.ndarray]
"""(position of the chunk's first item in the pool, its features)."""
Best = tuple[np.ndarray, np.ndarray]
"""(pool positions, scores) of a top ``k``, best first."""


def streams(strategy: Any) -> bool:
    """Whether ``strategy`` can be scored chunk by chunk (it declares ``pointwise``)."""
    return bool(getattr(strategy, "pointwise", False))


def streamed_top(pool_x: np.ndarray, model: Any, strategy: Any, k: int,
                 executor: Executor | None = None, chunk: int | None = None) -> np.ndarray:
    """Pool positions of the ``k`` items ``strategy`` ranks first, best first; the pool's
    probabilities are computed by ``model`` on ``executor``, ``chunk`` items (default
    ``CHUNK``) at a time."""
    k = min(k, int(pool_x.shape[0]))
    chunk = chunk or CHUNK
    chunks: Iterator[Chunk] = ((start, pool_x[start:start + chunk])
                               for start in range(0, int(pool_x.shape[0]), chunk))
    best: Best = (np.empty(0, dtype=np.int64), np.empty(0))
    runner = executor or LocalExecutor()
    for found in runner.map_batches(partial(_chunk_scorer, model, strategy, k), chunks):
        best = merge(best, found, k)
    return best[0]


def merge(best: Best, found: Best, k: int) -> Best:
    """The top ``k`` of two tops, ties to the lower pool position."""
    positions = np.concatenate([best[0], found[0]])
    scores = np.concatenate([best[1], found[1]])
    keep = top_k(scores, k, tiebreak=-positions.astype(np.float64))
    return positions[keep], scores[keep]


def _chunk_scorer(model: Any, strategy: Any, k: int) -> Callable[[Chunk], Best]:
    """A worker's scorer: the classifier's probabilities, the strategy's score, the top."""

    def score(item: Chunk) -> Best:
        start, features = item
        scores = np.asarray(strategy.uncertainty(model.predict_proba(features)),
                            dtype=np.float64)
        keep = top_k(scores, k)
        return start + keep.astype(np.int64), scores[keep]

    return score
