"""Setting up each seed: the split, the first batches, the stop set and the reference.

Every strategy of a seed is scored on the same test set and draws its first batch from the
same seeded generator: random sampling gets a random batch (the baseline is labeling without
any active learning), cold start and the default get the seed's cold-start batch, and a
strategy that needs a model starts from that same cold-start batch, as ``textloop suggest``
would. So the differences between curves are the strategies' doing, not the draw's.
"""

from __future__ import annotations

import numpy as np

from textloop.stages.simulate.learner import make_classifier, scores
from textloop.stages.simulate.loop import Session, first_batch
from textloop.stages.simulate.splits import Split
from textloop.strategies.query.cold_start import ColdStart

STOP_SET = 2000
"""Items whose predictions the stopping signal compares (the paper used about 2,000)."""


def build_session(X: np.ndarray, y: np.ndarray, classes: np.ndarray, split: Split, seed: int,
                  initial: int) -> Session:
    X_pool, y_pool = X[split.pool], y[split.pool]
    first = first_batch(ColdStart(), X_pool, seed, initial)
    rng = np.random.default_rng([seed, 1])
    stop_set = np.sort(rng.choice(X_pool.shape[0], min(STOP_SET, X_pool.shape[0]),
                                  replace=False))
    return Session(X_pool, y_pool, X[split.test], y[split.test], classes, first, stop_set,
                   seed=seed)


def reference_scores(session: Session) -> dict[str, float]:
    """The model trained on the whole pool: what "full-data macro-F1" means."""
    if np.unique(session.y_pool).shape[0] < 2:
        predicted = np.full(session.y_test.shape[0], session.y_pool[0])
    else:
        model = make_classifier().fit(session.X_pool, session.y_pool)
        predicted = model.predict(session.X_test)
    f1, accuracy = scores(session.y_test, predicted, len(session.classes))
    return {"macro_f1": f1, "accuracy": accuracy}
