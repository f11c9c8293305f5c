"""One simulated span session: each round tags every pool sentence it reads once (the stop
set and the unlabeled pool overlap, up to being the same sentences), the shared answers are
the ones tagging apart gives, and the learner warm-starts from the previous round."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from tests.unit.stages.simulate.fakes import WordHashEmbedder
from tests.unit.stages.simulate.test_span_run import sentences
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans import Span
from textloop.stages.active_learn.span_learner import fit_span_learner, tag_pool
from textloop.stages.simulate.span_loop import SpanSession, _tag_once, run_span_session
from textloop.strategies.query import get_strategy

pytestmark = pytest.mark.model


def _session(n: int = 48, test: int = 12) -> SpanSession:
    texts, spans = [], []
    for row in sentences(n + test):
        words = [token for token, _ in row]
        text, found, at = " ".join(words), [], 0
        for token, tag in row:
            if tag != "O":
                found.append(Span(at, at + len(token), tag[2:]))
            at += len(token) + 1
        texts.append(text)
        spans.append(found)
    X = WordHashEmbedder().embed(texts)
    return SpanSession(texts[:n], spans[:n], X[:n], texts[n:], spans[n:],
                       initial=np.arange(6), stop_set=np.arange(n))  # the whole pool


def test_each_round_tags_a_pool_sentence_once(monkeypatch) -> None:
    session = _session()
    tagged: Counter[str] = Counter()
    calls: list[int] = []
    real = MiniLMCrf.predict_tagged

    def counting(self, X):
        calls.append(len(X))
        tagged.update(X)
        return real(self, X)

    monkeypatch.setattr(MiniLMCrf, "predict_tagged", counting)
    _, strategy = get_strategy("span-mnlp")
    curve = run_span_session("span-mnlp", strategy, True, session, 0, sizes=[6, 12, 24],
                             rng=np.random.default_rng(0))
    assert [p.labels for p in curve.points] == [6, 12, 24]
    # three rounds, one tagging call each, over the stop set (here: the whole pool)
    assert calls == [48, 48, 48]
    assert set(tagged.values()) == {3}


def test_the_shared_answers_are_those_of_tagging_the_unlabeled_pool_alone() -> None:
    session = _session()
    model = fit_span_learner(session.texts[:12], session.spans[:12])
    assert model is not None
    taken = np.zeros(len(session.texts), dtype=bool)
    taken[:12] = True
    session.stop_set = np.arange(0, 48, 3)  # a stop set smaller than the pool
    answers = _tag_once(model, session, taken, for_query=True)
    assert answers is not None and set(answers) == set(range(12, 48)) | set(range(0, 12, 3))
    alone = tag_pool(model, session.texts[12:])
    assert alone is not None
    for i, answer in zip(range(12, 48), alone, strict=True):
        assert answers[i].tags == answer.tags
        # equal up to float32 rounding (the features are float32, batched differently)
        np.testing.assert_allclose(answers[i].marginals, answer.marginals, atol=1e-6)
        assert answers[i].sequence_probability == pytest.approx(answer.sequence_probability,
                                                                rel=1e-5)
    only_stop = _tag_once(model, session, taken, for_query=False)
    assert only_stop is not None and sorted(only_stop) == list(range(0, 48, 3))


def test_rounds_warm_start_the_learner(monkeypatch) -> None:
    session = _session()
    starts: list[bool] = []
    real = MiniLMCrf.fit

    def recording(self, X, y):
        starts.append(self.warm_start and hasattr(self, "crf_"))
        return real(self, X, y)

    monkeypatch.setattr(MiniLMCrf, "fit", recording)
    _, strategy = get_strategy("span-mnlp")
    run_span_session("span-mnlp", strategy, True, session, 0, sizes=[6, 12, 24],
                     rng=np.random.default_rng(0))
    assert starts == [False, True, True]
