"""The TF-IDF featurizer follows the project's language, and its bundles rebuild exactly."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.models import tfidf
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.classifiers import TfidfLogReg, make_model

# one school, three particles: 학교에 (to school), 학교가 (school as subject), 학교를 (object)
KOREAN = ["학교에 가기 싫다 진짜", "학교가 너무 멀어요", "학교를 그만두고 싶다",
          "영화가 정말 재밌었다", "영화를 또 보고 싶어요", "영화에 감동받았다 최고"] * 3
KOREAN_LABELS = ["school", "school", "school", "movie", "movie", "movie"] * 3
ENGLISH = ["free prize now", "claim free cash", "lunch at noon", "see you at home"] * 4
ENGLISH_LABELS = ["spam", "spam", "ham", "ham"] * 4


@pytest.mark.parametrize("language", ["ko", "ko-KR", "ja", "zh", "th"])
def test_languages_without_word_units_get_character_ngrams(language: str) -> None:
    _, model = make_model("tfidf-lr", language=language)
    assert model.analyzer == tfidf.LANGUAGE_ANALYZER != "word"
    assert (model.char_min, model.char_max) == tfidf.LANGUAGE_CHAR_RANGE


@pytest.mark.parametrize("language", [None, "en", "und-Latn", "mul", "ru"])
def test_other_languages_keep_the_word_default(language: str | None) -> None:
    _, model = make_model("tfidf-lr", language=language)
    assert model.get_params() == TfidfLogReg().get_params()
    assert model.analyzer == "word"


def test_explicit_params_win_over_the_language_default() -> None:
    _, model = make_model("tfidf-lr", {"analyzer": "word", "C": 3.0}, language="ko")
    assert model.analyzer == "word" and model.C == 3.0


def test_models_that_do_not_follow_language_ignore_it() -> None:
    _, model = make_model("setfit", language="ko")  # tunes MiniLM whatever the language
    assert model.get_params() == make_model("setfit")[1].get_params()


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_the_regressor_follows_the_language_as_the_classifier_does(language: str) -> None:
    _, ridge = make_model("tfidf-ridge", language=language)
    assert ridge.analyzer == tfidf.LANGUAGE_ANALYZER
    assert (ridge.char_min, ridge.char_max) == tfidf.LANGUAGE_CHAR_RANGE
    _, english = make_model("tfidf-ridge", language="en")
    assert english.analyzer == "word"


def test_korean_regression_shares_stems_a_particle_separates() -> None:
    """Trained on 학교에/학교가 (school) and 영화를/영화가 (movie), the Korean ridge scores
    학교를, a form it never saw, as school; word n-grams see an unknown word and cannot."""
    texts = ["학교에 갔다", "학교가 좋다", "영화를 봤다", "영화가 좋다"] * 3
    targets = [1.0, 1.0, 0.0, 0.0] * 3
    _, korean = make_model("tfidf-ridge", {"alpha": 0.1}, language="ko")
    _, word = make_model("tfidf-ridge", {"alpha": 0.1}, language="en")
    unseen = ["학교를", "영화에"]
    school, movie = korean.fit(texts, targets).predict(unseen)
    assert school - movie > 0.5
    np.testing.assert_allclose(*word.fit(texts, targets).predict(unseen))
    rebuilt = from_bundle(to_bundle(korean, "textloop.model.tfidf-ridge.v1", {}), "here")
    assert rebuilt.analyzer == "char"
    np.testing.assert_array_equal(rebuilt.predict(texts + unseen), korean.predict(texts + unseen))


def test_character_ngrams_link_forms_a_particle_separates() -> None:
    """Word features see 학교에 and 학교를 as unrelated words; character n-grams share 학교."""
    texts = ["학교에", "학교를"]
    for analyzer, related in (("word", False), ("char_wb", True), ("word+char_wb", True)):
        matrix = tfidf.make_vectorizer(analyzer=analyzer).fit_transform(texts)
        similarity = (matrix[0] @ matrix[1].T).toarray()[0, 0]
        assert bool(similarity > 0.1) is related, (analyzer, similarity)


def test_union_terms_keep_words_and_characters_apart() -> None:
    vectorizer = tfidf.make_vectorizer(analyzer="word+char_wb", char_min=2, char_max=2)
    vectorizer.fit(["ab ab"])
    assert {"ab", "ab ab", "c: a", "c:ab", "c:b "} <= set(vectorizer.vocabulary_)


def test_character_analyzers_keep_hangul_syllables_whole() -> None:
    vocabulary = tfidf.make_vectorizer(analyzer="char", char_max=1).fit(["학교"]).vocabulary_
    assert set(vocabulary) == {"학", "교"}  # not decomposed into jamo by accent stripping


@pytest.mark.parametrize("analyzer", tfidf.ANALYZERS)
def test_bundle_round_trip_predicts_identically(analyzer: str) -> None:
    model = TfidfLogReg(analyzer=analyzer, char_min=1, char_max=3).fit(KOREAN, KOREAN_LABELS)
    contents = to_bundle(model, "textloop.model.tfidf-lr.v1", {})
    assert contents.meta["params"]["analyzer"] == analyzer
    rebuilt = from_bundle(contents, "here")
    unseen = ["학교는 싫어", "영화관에서 봤다", "school"]
    np.testing.assert_array_equal(rebuilt.predict_proba(KOREAN + unseen),
                                  model.predict_proba(KOREAN + unseen))


def test_a_bundle_saved_before_the_analyzer_param_loads_as_word_ngrams() -> None:
    model = TfidfLogReg().fit(ENGLISH, ENGLISH_LABELS)
    contents = to_bundle(model, "textloop.model.tfidf-lr.v1", {})
    for key in ("analyzer", "char_min", "char_max"):  # what older bundles hold
        del contents.meta["params"][key]
    rebuilt = from_bundle(contents, "here")
    assert rebuilt.analyzer == "word"
    np.testing.assert_array_equal(rebuilt.predict_proba([*ENGLISH, "free lunch"]),
                                  model.predict_proba([*ENGLISH, "free lunch"]))


@pytest.mark.parametrize(("params", "message"), [
    ({"analyzer": "morpheme"}, "analyzer 'morpheme' is not known"),
    ({"analyzer": "char", "char_min": 4, "char_max": 2}, "char_min 4 and char_max 2"),
])
def test_bad_featurizer_params_are_refused_with_the_fix(params: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        TfidfLogReg(**params).fit(ENGLISH, ENGLISH_LABELS)
