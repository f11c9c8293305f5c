"""Query-by-committee: the items a committee of bootstrap models disagrees on most.

Uncertainty of one model says where its decision boundary is; disagreement between models
trained on resamples of the labels says where the boundary is not yet pinned down by the
data (Seung et al. 1992; vote entropy from Dagan & Engelson 1995). It costs ``members``
extra trainings per query.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from textloop.errors import InvalidInputError
from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.ranking import batch_size, top_k
from textloop.strategies.query.uncertainty import entropy


class QueryByCommittee:
    """Highest vote entropy over ``members`` bootstrap models; ties by the committee's mean
    probabilities (consensus entropy), since votes take only a few distinct values.

    Ranks the whole pool at once (not ``pointwise``): the committee is trained per call and
    votes on the entire pool."""

    needs_model = True

    def __init__(self, members: int = 5) -> None:
        self.members = members

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray:
        k = batch_size(ctx, batch)
        classes, y = _encoded_labels(ctx)
        votes = np.zeros((ctx.pool_X.shape[0], classes.shape[0]))
        mean_proba = np.zeros_like(votes)
        # one BLAS thread: these fits are small, and threaded BLAS made them up to 15x slower
        # on a busy machine (same models)
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in range(self.members):
                proba = _member_proba(ctx, y, classes.shape[0])
                votes[np.arange(votes.shape[0]), proba.argmax(axis=1)] += 1.0
                mean_proba += proba / self.members
        return top_k(entropy(votes / self.members), k, tiebreak=entropy(mean_proba))


def _encoded_labels(ctx: QueryContext) -> tuple[np.ndarray, np.ndarray]:
    if ctx.make_classifier is None:
        raise InvalidInputError("query-by-committee needs a classifier factory (found none)",
                                hint="pass make_classifier in the QueryContext")
    classes, y = np.unique(np.asarray(ctx.labeled_y).astype(str), return_inverse=True)
    if classes.shape[0] < 2:
        raise InvalidInputError(
            f"query-by-committee needs labels of at least 2 classes (found {classes.shape[0]})",
            hint="label a first batch with the cold-start strategy, or use the default strategy")
    return classes, y


def _member_proba(ctx: QueryContext, y: np.ndarray, n_classes: int) -> np.ndarray:
    """One bootstrap member's probabilities on the pool, columns for every labeled class.

    A resample may miss classes: the member gives them probability 0 (it cannot vote for
    them). A resample with a single class votes for that class everywhere.
    """
    rows = ctx.rng.integers(0, y.shape[0], size=y.shape[0])
    present = np.unique(y[rows])
    proba = np.zeros((ctx.pool_X.shape[0], n_classes))
    if present.shape[0] == 1:
        proba[:, present[0]] = 1.0
        return proba
    assert ctx.make_classifier is not None
    member: Any = ctx.make_classifier()
    member.fit(ctx.labeled_X[rows], y[rows])
    proba[:, np.asarray(member.classes_, dtype=np.intp)] = member.predict_proba(ctx.pool_X)
    return proba
