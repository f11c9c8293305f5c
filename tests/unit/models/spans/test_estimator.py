"""``minilm-crf``: learns a plain pattern, maps spans back to exact code points over Hangul,
emoji and CRLF texts, survives a bundle round trip, and refuses bad input by name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from textloop.errors import IntegrityError, InvalidInputError
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.spans.crf import Layout
from textloop.models.spans.estimator import MiniLMCrf
from textloop.models.tags import model_tags
from textloop.spans import Span
from textloop.spans.matching import word_tokens
from textloop.spans.schemes import tag_rules, tags_to_spans
from textloop.spans.tokens import to_char_spans
from textloop.storage.bundles import load_bundle, save_bundle

pytestmark = pytest.mark.model

TEMPLATES = ["We flew to {} last week", "{} is lovely in spring",
             "She moved to {} 👩\u200d💻 for work", "The weather in {}\r\nis fine today",
             "Tickets to {} are cheap"]
CITIES = ["Paris", "Berlin", "Madrid", "Lisbon", "Vienna", "서울", "부산", "New York", "Oslo"]


def _example(template: str, city: str) -> tuple[str, list[Span]]:
    start = template.index("{}")
    return template.format(city), [Span(start, start + len(city), "LOC")]


def corpus() -> tuple[list[str], list[list[Span]]]:
    pairs = [_example(t, c) for t in TEMPLATES for c in CITIES]
    pairs.append(("Nothing to see here", []))
    return [p[0] for p in pairs], [p[1] for p in pairs]


@pytest.fixture(scope="module")
def fitted() -> MiniLMCrf:
    texts, spans = corpus()
    return MiniLMCrf(l2=1e-4, max_iter=150).fit(texts, spans)


def test_spans_map_back_exactly_over_hangul_emoji_and_crlf(fitted) -> None:
    texts, spans = corpus()
    predicted = fitted.predict(texts)
    assert predicted == spans
    hangul = texts[TEMPLATES.index("She moved to {} 👩\u200d💻 for work") * len(CITIES) + 5]
    (span,) = fitted.predict([hangul])[0]
    assert span.text_of(hangul) == "서울" and hangul[span.end:].startswith(" 👩")


def test_a_tiny_fit_generalises_the_pattern_to_new_names(fitted) -> None:
    texts = ["We flew to Dublin last week", "Tickets to Warsaw are cheap"]
    assert fitted.predict(texts) == [[Span(11, 17, "LOC")], [Span(11, 17, "LOC")]]


def test_scores_are_probabilities_and_sure_spans_score_high(fitted) -> None:
    texts, _ = corpus()
    scored = fitted.predict_scored(texts)
    values = [score for row in scored for _, score in row]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert np.median(values) > 0.9


def test_tagged_texts_agree_with_the_predicted_spans(fitted) -> None:
    texts = ["We flew to Oslo last week", "Nothing to see here", "부산 is lovely in spring"]
    tagged = fitted.predict_tagged(texts)
    for text, row, spans in zip(texts, tagged, fitted.predict(texts), strict=True):
        assert [tuple(t) for t in row.tokens] == [tuple(t) for t in word_tokens(text)]
        assert row.marginals.shape == (len(row.tokens), len(row.tag_names))
        np.testing.assert_allclose(row.marginals.sum(axis=1), 1.0, atol=1e-6)
        # the best sequence's tags read into exactly the predicted spans
        assert to_char_spans(tags_to_spans(row.tags, fitted.scheme), row.tokens) == spans
        # no token is surer of its tag than the whole sequence is of all of them together
        chosen = [row.marginals[t, row.tag_names.index(tag)] for t, tag in enumerate(row.tags)]
        assert 0.0 < row.sequence_probability <= min(chosen) + 1e-9
    assert tagged[0].tags[3] == "B-LOC" and tagged[1].tags == ["O"] * 4
    assert model_tags(fitted).tags_tokens


def test_a_bundle_round_trip_predicts_identically(fitted, tmp_path: Path) -> None:
    save_bundle(tmp_path / "bundle", to_bundle(fitted, "textloop.model.minilm-crf.v1", {}))
    restored = from_bundle(load_bundle(tmp_path / "bundle"), "bundle")
    assert isinstance(restored, MiniLMCrf) and restored.get_params() == fitted.get_params()
    assert not any(p.suffix == ".pkl" for p in (tmp_path / "bundle").rglob("*"))
    texts = ["We flew to Dublin last week", "서울 is lovely in spring", "x"]
    assert restored.predict_scored(texts) == fitted.predict_scored(texts)


def test_a_bundle_from_other_token_vectors_is_refused(fitted) -> None:
    arrays, extra = fitted.export_state()
    with pytest.raises(IntegrityError, match="retrain"):
        MiniLMCrf.from_state(fitted.get_params(), arrays,
                             {**extra, "encoder_id": "all-MiniLM-L6-v2/int8-old/tokens"},
                             list(fitted.classes_))


def test_tags_declare_a_span_model() -> None:
    assert model_tags(MiniLMCrf).task == "spans"


@pytest.mark.parametrize(("spans", "message"), [
    ([[Span(0, 5, "LOC"), Span(3, 8, "ORG")], []], "text 0: spans 0-5 .* overlap"),
    ([[], [Span(4, 99, "LOC")]], "text 1: span 4-99"),
    ([[], []], "no spans to learn from"),
    ([[]], "1 span lists for 2 texts"),
])
def test_bad_training_input_is_refused_naming_the_text(spans, message) -> None:
    with pytest.raises(InvalidInputError, match=message):
        MiniLMCrf().fit(["Paris in spring", "Bonn"], spans)


def test_warm_start_weights_score_tokens_as_before_under_new_scaling_and_tags() -> None:
    """A refit's start is the old model itself: each token's score for each known tag is
    unchanged though the feature scaling moved, and a newly seen label starts at zero."""
    texts, spans = corpus()
    model = MiniLMCrf(context=0, max_iter=40, warm_start=True).fit(texts, spans)
    tokens = [word_tokens(t) for t in texts]
    features = model._features(texts, tokens)
    rng = np.random.default_rng(0)
    mean = model.mean_ + rng.normal(scale=0.1, size=model.mean_.shape).astype(np.float32)
    scale = model.scale_ * rng.uniform(0.5, 2.0, size=model.scale_.shape).astype(np.float32)
    tags = list(tag_rules(["LOC", "PER"], "IOB2").tags)
    init = model._warm_weights(tags, mean, scale)
    assert init is not None
    crf = model.crf_
    layout = Layout.of([len(t) for t in tokens])
    before = crf._emissions(model._standardised(features), crf.weights,
                            crf._neighbours(layout, len(features)))
    after = crf._emissions(((features - mean) / scale).astype(np.float32), init,
                           crf._neighbours(layout, len(features)))
    for i, tag in enumerate(tags):
        if tag in model.tags_:
            np.testing.assert_allclose(after[:, i], before[:, model.tags_.index(tag)],
                                       rtol=1e-3, atol=1e-3)
        else:
            assert not after[:, i].any()


def test_a_warm_refit_starts_where_the_last_fit_ended_and_learns_new_labels() -> None:
    texts, spans = corpus()
    model = MiniLMCrf(l2=1e-4, max_iter=300, warm_start=True).fit(texts, spans)
    first = model.n_iter_
    assert model.fit(texts, spans).n_iter_ <= 3 < first  # already at the optimum
    assert model.predict(texts) == spans
    people = [("Ana lives here now", [Span(0, 3, "PER")]),
              ("Ben lives here now", [Span(0, 3, "PER")]),
              ("Omar lives here now", [Span(0, 4, "PER")])]
    model.fit(texts + [t for t, _ in people], spans + [s for _, s in people])
    assert list(model.classes_) == ["LOC", "PER"]
    assert model.predict(["Lena lives here now", "We flew to Oslo last week"]) == \
        [[Span(0, 4, "PER")], [Span(11, 15, "LOC")]]
    cold = MiniLMCrf(l2=1e-4, max_iter=300)
    cold.fit(texts, spans)
    assert cold.fit(texts, spans).n_iter_ == first  # without warm_start: from zeros again
