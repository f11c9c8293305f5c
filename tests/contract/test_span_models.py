"""The span-model contract, checked on every registered model whose tags say ``task="spans"``.

Each is fitted on a small in-test corpus and must: ``fit(texts, spans)`` return self;
``predict`` give one canonical list of ``Span`` per text, inside the text, not overlapping
and on the project's token boundaries (``word_tokens``), and ``predict_scored`` the same
spans with scores in [0, 1] or None (``models.span_model.SpanModel``); ``clone()`` to an
unfitted estimator with equal parameters; survive a bundle written to disk and read back
with identical output; predict a text the same alone as within a batch (a served request is
a batch of one); fit to the same model twice. A span model registered later is checked
without touching this file.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import make_model, model_names
from textloop.models.span_model import SpanModel
from textloop.models.tags import model_tags
from textloop.registry import REGISTRY
from textloop.spans import Span, canonical
from textloop.spans.matching import word_tokens
from textloop.storage.bundles import load_bundle, save_bundle

FAST: dict[str, dict[str, Any]] = {
    "minilm-crf": {"max_iter": 80},
    "minilm-tagger": {"epochs": 3, "max_seq_len": 32, "batch_size": 8, "learning_rate": 3e-4,
                      "head_learning_rate": 3e-3}}
"""Settings that keep a fit within seconds; the contract holds for any settings."""

PEOPLE = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "김연아", "Linus"]
PLACES = ["London", "Seoul", "Paris", "New Zealand", "부산"]
TEXTS = [f"{p} visited {q} in May" for p in PEOPLE for q in PLACES[:3]] + [
    f"Yesterday {p} flew to {q} 🎉\r\nGreat trip" for p in PEOPLE[2:] for q in PLACES[2:]] + [
    "nothing here at all"]
UNSEEN = ["Marie Curie visited Warsaw in May", "Yesterday 이순신 flew to Rome 🎉\r\nok",
          "", "no names"]


def _spans(text: str) -> list[Span]:
    found = []
    for label, names in (("PER", PEOPLE), ("LOC", PLACES)):
        for name in names:
            at = text.find(name)
            if at >= 0:
                found.append(Span(at, at + len(name), label))
    return canonical(found)


SPANS = [_spans(t) for t in TEXTS]
RULES = [{"name": "people", "label": "PER", "phrases": PEOPLE},
         {"name": "places", "label": "LOC", "phrases": PLACES}]
PARAMS: dict[str, dict[str, Any]] = {**FAST, "span-rules": {"rules": RULES}}
"""What each model needs besides the texts and spans (span-rules: its rules)."""


def _span_models() -> list[str]:
    return [name for name in model_names()
            if model_tags(REGISTRY.resolve("model", name)[1]).task == "spans"]


def _marks(name: str) -> list[pytest.MarkDecorator]:
    cls = REGISTRY.resolve("model", name)[1]
    marks = []
    if "encoder" in cls().get_params() or model_tags(cls).fine_tunes:
        marks.append(pytest.mark.model)  # MiniLM files
    if model_tags(cls).fine_tunes:
        marks.append(pytest.mark.slow)  # torch fine-tuning (textloop[train])
    return marks


MODELS = [pytest.param(name, id=name, marks=_marks(name)) for name in _span_models()]


def _fitted(name: str) -> Any:
    _, model = make_model(name, PARAMS.get(name))
    returned = model.fit(TEXTS, SPANS)
    assert returned is model, f"{name}: fit must return self"
    assert isinstance(model, SpanModel), f"{name}: not a SpanModel once fitted"
    return model


@pytest.fixture(scope="module")
def fitted(request: pytest.FixtureRequest) -> Any:
    return _fitted(request.param)


def test_there_is_a_span_model() -> None:
    assert "minilm-crf" in _span_models()


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_predictions_are_canonical_spans_on_token_boundaries(fitted) -> None:
    texts = [*UNSEEN, *TEXTS[:3]]
    predicted = fitted.predict(texts)
    scored = fitted.predict_scored(texts)
    assert len(predicted) == len(scored) == len(texts)
    assert set(fitted.classes_) == {"LOC", "PER"}
    for text, spans, pairs in zip(texts, predicted, scored, strict=True):
        assert spans == canonical(spans) == [span for span, _ in pairs]
        starts = {start for start, _ in word_tokens(text)}
        ends = {end for _, end in word_tokens(text)}
        for span in spans:
            assert isinstance(span, Span) and span.label in fitted.classes_
            assert 0 <= span.start < span.end <= len(text)
            assert span.start in starts and span.end in ends
        assert all(not a.overlaps(b) for a, b in itertools.pairwise(spans))
        assert all(s is None or (isinstance(s, float) and 0.0 <= s <= 1.0) for _, s in pairs)
    assert fitted.predict(TEXTS) == SPANS, "the training corpus is learnable (or its rules')"


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_clone_is_unfitted_with_equal_params(fitted) -> None:
    copy = clone(fitted)
    assert type(copy) is type(fitted) and copy.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        copy.predict(UNSEEN)


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_bundle_round_trip_predicts_identically(fitted, tmp_path: Path) -> None:
    name = next(n for n in _span_models() if type(fitted) is REGISTRY.resolve("model", n)[1])
    full = REGISTRY.resolve("model", name)[0]
    save_bundle(tmp_path / "bundle", to_bundle(fitted, full, {"release_id": "v1"}))
    restored = from_bundle(load_bundle(tmp_path / "bundle"), "bundle")
    assert type(restored) is type(fitted)
    assert restored.get_params() == fitted.get_params()
    assert list(restored.classes_) == list(fitted.classes_)
    assert restored.predict_scored(UNSEEN) == fitted.predict_scored(UNSEEN)


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_a_text_predicts_the_same_alone_as_in_a_batch(fitted) -> None:
    batch = [*UNSEEN, *TEXTS[:4]]
    together = fitted.predict_scored(batch)
    for text, pairs in zip(batch, together, strict=True):
        alone = fitted.predict_scored([text])[0]
        assert [span for span, _ in alone] == [span for span, _ in pairs]
        for (_, a), (_, b) in zip(alone, pairs, strict=True):
            assert (a is None and b is None) or abs(a - b) <= 1e-6


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_same_data_same_model(fitted) -> None:
    name = next(n for n in _span_models() if type(fitted) is REGISTRY.resolve("model", n)[1])
    assert _fitted(name).predict_scored(UNSEEN) == fitted.predict_scored(UNSEEN)


@pytest.mark.parametrize("fitted", MODELS, indirect=True)
def test_token_taggers_answer_with_probabilities_matching_their_spans(fitted) -> None:
    """A model tagged ``tags_tokens`` gives token marginals and a sequence probability whose
    best tags read into exactly its predicted spans; one that is not has no such method."""
    if not model_tags(fitted).tags_tokens:
        assert not hasattr(fitted, "predict_tagged")
        return
    texts = [*UNSEEN, *TEXTS[:3]]
    from textloop.spans.schemes import tags_to_spans
    from textloop.spans.tokens import to_char_spans

    for text, row, spans in zip(texts, fitted.predict_tagged(texts), fitted.predict(texts),
                                strict=True):
        assert [tuple(t) for t in row.tokens] == [tuple(t) for t in word_tokens(text)]
        assert row.marginals.shape == (len(row.tokens), len(row.tag_names))
        np.testing.assert_allclose(row.marginals.sum(axis=1), 1.0, atol=1e-6)
        assert to_char_spans(tags_to_spans(row.tags, fitted.get_params().get("scheme", "IOB2")),
                             row.tokens) == spans
        assert 0.0 < row.sequence_probability <= 1.0
