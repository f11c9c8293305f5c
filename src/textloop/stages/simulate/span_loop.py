"""One simulated span-labeling session: a strategy, a seed, and the file's spans as the oracle.

As for labels (``loop.py``): each round fits the learner on the sentences labeled so far,
scores it on the test set (entity-level strict micro-F1, ``measures.span_metrics``), feeds the
stopping signal, and asks the strategy for the next sentences. The learner is the one
``textloop suggest`` fits (``active_learn.span_learner``: ``minilm-crf``, L-BFGS bounded),
warm-started: each round's fit starts from the previous round's weights, which under the
same bound ends nearer the optimum than a fit from zeros (the labeled set grew by one
batch, and the optimum moved little). Each round tags every pool sentence it reads once:
the stop set, and for span strategies the unlabeled pool (``_tag_once``).
Span strategies get its answer for every unlabeled sentence (``predict_tagged``); one that
needs a model gets a cold-start batch while none can be trained (no labeled span yet).

Rounds follow the plan's label counts (``Plan.sizes``: e.g. 50, 100, 200 ... sentences):
fits cost seconds to minutes here, so a growing batch spends them where the curve moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from textloop.measures.span_metrics import span_metrics
from textloop.models.span_model import TaggedText
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans import Span
from textloop.stages.active_learn.span_learner import (
    fit_span_learner,
    make_span_learner,
    tag_pool,
)
from textloop.stages.simulate.loop import Curve, SpanPoint, first_batch
from textloop.strategies.query import QueryContext, QueryStrategy
from textloop.strategies.query.cold_start import ColdStart
from textloop.strategies.stopping import StabilizingPredictions

NO_TAG = "O"


@dataclass
class SpanSession:
    """What one seed offers every strategy: pool, test set, first batch and stop set."""

    texts: list[str]
    """Pool texts; positions below index into them."""
    spans: list[list[Span]]
    X_pool: np.ndarray
    """Sentence embeddings of the pool (cold start and clustering read them)."""
    test_texts: list[str]
    test_spans: list[list[Span]]
    initial: np.ndarray
    """Pool positions of the cold-start batch: the first batch of strategies that need a model."""
    stop_set: np.ndarray
    seed: int = 0


def entity_scores(model: MiniLMCrf | None, texts: Sequence[str], gold: Sequence[Sequence[Span]]
                  ) -> dict[str, float]:
    """Entity-level strict micro scores of ``model`` on ``texts`` (no model: no spans)."""
    predicted = model.predict(list(texts)) if model is not None else [[] for _ in texts]
    keys = [str(i) for i in range(len(texts))]
    found = span_metrics(dict(zip(keys, gold, strict=True)),
                         dict(zip(keys, predicted, strict=True)),
                         dict(zip(keys, texts, strict=True)))
    return {name: float(found[f"entity_micro_{name}"]) for name in ("f1", "precision", "recall")}


def run_span_session(name: str, strategy: QueryStrategy, needs_tagged: bool,
                     session: SpanSession, seed: int, *, sizes: Sequence[int],
                     rng: np.random.Generator,
                     on_round: Callable[[], None] = lambda: None) -> Curve:
    """The learning curve of ``strategy`` at each of ``sizes`` labeled sentences."""
    curve = Curve(name, seed)
    if strategy.needs_model:
        labeled = session.initial.copy()
    else:
        labeled = first_batch(strategy, session.X_pool, seed, session.initial.shape[0])
    taken = np.zeros(len(session.texts), dtype=bool)
    taken[labeled] = True
    tracker = StabilizingPredictions()
    learner = make_span_learner(warm_start=True)
    for step, _ in enumerate(sizes):
        started = time.perf_counter()
        model = fit_span_learner([session.texts[i] for i in labeled],
                                 [session.spans[i] for i in labeled], learner)
        curve.fit_seconds += time.perf_counter() - started
        scores = entity_scores(model, session.test_texts, session.test_spans)
        curve.points.append(SpanPoint(int(labeled.shape[0]), scores["f1"],
                                      scores["precision"], scores["recall"]))
        last = step + 1 == len(sizes) or taken.all()
        started = time.perf_counter()
        answers = _tag_once(model, session, taken, needs_tagged and not last)
        curve.query_seconds += time.perf_counter() - started
        tracker.update(_stop_tags(answers, session))
        if curve.stop_at is None and tracker.stable:
            curve.stop_at = int(labeled.shape[0])
        on_round()
        if last:
            return curve
        started = time.perf_counter()
        chosen = _query(strategy, answers if needs_tagged else None, session, labeled, taken, rng,
                        sizes[step + 1] - labeled.shape[0])
        curve.query_seconds += time.perf_counter() - started
        labeled = np.concatenate([labeled, chosen])
        taken[chosen] = True
    return curve


def _tag_once(model: MiniLMCrf | None, session: SpanSession, taken: np.ndarray,
              for_query: bool) -> dict[int, TaggedText] | None:
    """The model's answer for each pool position the round reads: the stop set's, and with
    ``for_query`` every unlabeled sentence's, each tagged once. (The stop set is up to
    ``STOP_SET`` pool sentences, so for pools of that size or less it is the whole pool:
    tagging it and the unlabeled pool apart tagged most sentences twice a round.) None
    without a model."""
    wanted = session.stop_set
    if for_query:
        wanted = np.union1d(wanted, np.flatnonzero(~taken))
    tagged = tag_pool(model, [session.texts[i] for i in wanted])
    if tagged is None:
        return None
    return dict(zip(wanted.tolist(), tagged, strict=True))


def _stop_tags(answers: dict[int, TaggedText] | None, session: SpanSession) -> np.ndarray:
    """The model's tags of every token of the stop set, one after another (all O without a
    model): what the stabilizing-predictions signal compares between rounds."""
    if answers is None:
        from textloop.spans.matching import word_tokens

        texts = [session.texts[i] for i in session.stop_set]
        return np.array([NO_TAG] * sum(len(word_tokens(t)) for t in texts) or [NO_TAG])
    return np.array([tag for i in session.stop_set for tag in answers[int(i)].tags]
                    or [NO_TAG])


def _query(strategy: QueryStrategy, answers: dict[int, TaggedText] | None,
           session: SpanSession, labeled: np.ndarray, taken: np.ndarray,
           rng: np.random.Generator, k: int) -> np.ndarray:
    """Pool positions of the next ``k`` sentences to label; ``answers``: the model's for
    every unlabeled sentence (``_tag_once``) when the strategy ranks by them, else None."""
    unlabeled = np.flatnonzero(~taken)
    tagged = None if answers is None else [answers[int(i)] for i in unlabeled]
    ctx = QueryContext(pool_X=session.X_pool[unlabeled], labeled_X=session.X_pool[labeled],
                       labeled_y=np.array([len(session.spans[i]) for i in labeled]),
                       tagged=tagged, rng=rng)
    chooser: QueryStrategy = strategy
    if tagged is None and strategy.needs_model:
        chooser = ColdStart()
    return unlabeled[np.asarray(chooser.select(ctx, min(k, unlabeled.shape[0])), dtype=np.intp)]
