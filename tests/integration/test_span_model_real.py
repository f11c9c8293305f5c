"""``minilm-crf`` on a slice of real WNUT-17 tweets: it trains in seconds, every predicted
span is a valid span of its text on token boundaries, and it finds entities far better than
chance (the full splits are measured by ``benchmarks/span_model.py``)."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from textloop.measures.span_metrics import span_metrics
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans import check_spans
from textloop.spans.conll import read_conll
from textloop.spans.matching import word_tokens

# WNUT-17 token vectors are encoded once per session (tests/token_vectors.py)
pytestmark = [pytest.mark.integration, pytest.mark.model,
              pytest.mark.usefixtures("token_vectors_memo")]


def test_a_small_wnut17_slice_trains_and_finds_entities() -> None:
    train = list(read_conll(shared_data("spans", "wnut17/train.conll")))[:300]
    dev = list(read_conll(shared_data("spans", "wnut17/dev.conll")))[:150]
    model = MiniLMCrf(max_iter=100).fit([r.text for r in train], [r.spans for r in train])
    texts = [r.text for r in dev]
    scored = model.predict_scored(texts)
    for text, pairs in zip(texts, scored, strict=True):
        spans = [span for span, _ in pairs]
        assert check_spans(text, spans, model.classes_, overlapping=False) == spans
        bounds = word_tokens(text)
        assert {s.start for s in spans} <= {a for a, _ in bounds}
        assert {s.end for s in spans} <= {b for _, b in bounds}
    ids = [str(i) for i in range(len(dev))]
    scores = span_metrics({i: r.spans for i, r in zip(ids, dev, strict=True)},
                          {i: [s for s, _ in p] for i, p in zip(ids, scored, strict=True)},
                          dict(zip(ids, texts, strict=True)))
    assert scores["n_predicted"] > 0
    assert scores["entity_micro_precision"] > 0.3 and scores["entity_micro_f1"] > 0.15
