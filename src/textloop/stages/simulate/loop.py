"""One simulated labeling session: a strategy, a seed, and the file's labels as the oracle.

Each round trains the model on the labels so far, scores it on the test set, records
whether its predictions have stabilized, and asks the strategy for the next batch. A
strategy that needs a model gets a cold-start batch while none can be trained (a single
labeled class), as ``textloop suggest`` would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from textloop.stages.simulate.learner import WarmLearner, make_classifier, quiet_fits, scores
from textloop.strategies.query import QueryContext, QueryStrategy
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.stopping import StabilizingPredictions


@dataclass(frozen=True)
class Point:
    labels: int
    macro_f1: float
    accuracy: float

    @property
    def score(self) -> float:
        """The headline score the savings table and the figure read: macro-F1."""
        return self.macro_f1


@dataclass(frozen=True)
class SpanPoint:
    """A span session's point: entity-level strict micro scores (``measures.span_metrics``)."""

    labels: int
    entity_micro_f1: float
    entity_micro_precision: float
    entity_micro_recall: float

    @property
    def score(self) -> float:
        return self.entity_micro_f1


@dataclass
class Session:
    """What one seed offers every strategy: the same pool, test set, first batch and stop set."""

    X_pool: np.ndarray
    y_pool: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: np.ndarray
    """Class names; ``y_*`` are codes into it."""
    initial: np.ndarray
    """Pool positions of the cold-start batch: the first batch of strategies that need a model."""
    stop_set: np.ndarray
    """Pool positions whose predictions the stopping signal watches."""
    seed: int = 0


@dataclass
class Curve:
    strategy: str
    seed: int
    points: list[Point | SpanPoint] = field(default_factory=list)
    stop_at: int | None = None
    """Labels at which predictions on the stop set had stabilized (None: not within budget)."""
    fit_seconds: float = 0.0
    query_seconds: float = 0.0


def run_session(name: str, strategy: QueryStrategy, session: Session, seed: int, *,
                budget: int, batch: int, rng: np.random.Generator,
                on_round: Callable[[], None] = lambda: None) -> Curve:
    """The learning curve of ``strategy`` from ``session.initial`` up to ``budget`` labels."""
    curve = Curve(name, seed)
    labeled = _first_batch(strategy, session)
    taken = np.zeros(session.y_pool.shape[0], dtype=bool)
    taken[labeled] = True
    learner, tracker = WarmLearner(), StabilizingPredictions()
    while True:
        started = time.perf_counter()
        learner.fit(session.X_pool[labeled], session.y_pool[labeled])
        curve.fit_seconds += time.perf_counter() - started
        _record(curve, learner, session, tracker, labeled.shape[0])
        on_round()
        if labeled.shape[0] >= budget or taken.all():
            return curve
        started = time.perf_counter()
        with quiet_fits():  # query-by-committee trains on small resamples
            chosen = _query(strategy, learner, session, labeled, taken, rng,
                            min(batch, budget - labeled.shape[0]))
        curve.query_seconds += time.perf_counter() - started
        labeled = np.concatenate([labeled, chosen])
        taken[chosen] = True


def _first_batch(strategy: QueryStrategy, session: Session) -> np.ndarray:
    """A strategy that needs no model picks its own first batch; the others start from cold
    start's. Cold start and the default pick exactly ``session.initial`` (same generator)."""
    if strategy.needs_model:
        return session.initial.copy()
    return first_batch(strategy, session.X_pool, session.seed, session.initial.shape[0])


def first_batch(strategy: QueryStrategy, X_pool: np.ndarray, seed: int,
                initial: int) -> np.ndarray:
    """The strategy's own choice of ``initial`` items with no labels, from the seed's generator.

    The generator is the same for every strategy of a seed, so the cold-start strategy and
    the default (which starts with cold start) pick the very same batch.
    """
    empty = np.empty((0, X_pool.shape[1]), dtype=X_pool.dtype)
    ctx = QueryContext(pool_X=X_pool, labeled_X=empty, labeled_y=np.empty(0, dtype=object),
                       rng=np.random.default_rng([seed, 0]))
    return np.asarray(strategy.select(ctx, initial), dtype=np.intp)



def _record(curve: Curve, learner: WarmLearner, session: Session,
            tracker: StabilizingPredictions, n_labels: int) -> None:
    f1, accuracy = scores(session.y_test, learner.predict(session.X_test), len(session.classes))
    curve.points.append(Point(n_labels, f1, accuracy))
    tracker.update(learner.predict(session.X_pool[session.stop_set]))
    if curve.stop_at is None and tracker.stable:
        curve.stop_at = n_labels


def _query(strategy: QueryStrategy, learner: WarmLearner, session: Session, labeled: np.ndarray,
           taken: np.ndarray, rng: np.random.Generator, k: int) -> np.ndarray:
    """Pool positions of the next ``k`` items to label."""
    unlabeled = np.flatnonzero(~taken)
    X = session.X_pool[unlabeled]
    proba = learner.predict_proba(X)
    ctx = QueryContext(pool_X=X, labeled_X=session.X_pool[labeled],
                       labeled_y=session.classes[session.y_pool[labeled]], proba=proba,
                       classes=[str(c) for c in session.classes[learner.classes]],
                       make_classifier=make_classifier, rng=rng)
    chooser: QueryStrategy = strategy
    if proba is None and strategy.needs_model:
        chooser = ColdStart()
    return unlabeled[np.asarray(chooser.select(ctx, k), dtype=np.intp)]
