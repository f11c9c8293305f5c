"""TF-IDF featurizer with defaults that make a strong baseline for short texts.

Word unigrams and bigrams with sublinear term frequency: the classic recipe that stays
competitive with small embedding models on intent and spam tasks. Where words are not
units (Korean glues particles to every noun, Japanese, Chinese and Thai write no spaces)
the analyzer follows the project's language instead: character n-grams, or words and
character n-grams together (see ``ANALYZERS`` and ``params_for_language``). The fitted state
is a vocabulary (list of terms) and an idf vector, so it saves without pickle, whatever the
analyzer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from textloop.errors import InvalidInputError
from textloop.languages import words_are_units

# word: word n-grams (the English default); char / char_wb: character n-grams across or
# within words; word+char_wb: both, in one vocabulary (character terms carry a prefix)
ANALYZERS = ("word", "char", "char_wb", "word+char_wb")
_CHAR_PREFIX = "c:"  # a word token is \w+ and never holds ':', so the two never collide
_WORD_TOKENS = r"(?u)\b\w+\b"
# the featurizer where words are not units, chosen on Korean hate speech and NSMC
LANGUAGE_ANALYZER = "char"
LANGUAGE_CHAR_RANGE = (1, 4)


def params_for_language(language: str | None) -> dict[str, Any]:
    """Featurizer parameters for a language tag; empty (the word default) where words are
    units. Chosen by measurement, see BENCHMARKS.md "Korean: TF-IDF featurizer"."""
    if words_are_units(language):
        return {}
    return {"analyzer": LANGUAGE_ANALYZER, "char_min": LANGUAGE_CHAR_RANGE[0],
            "char_max": LANGUAGE_CHAR_RANGE[1]}


def describe_for_language(language: str | None) -> str:
    """One line saying which features tfidf models use for ``language`` and why."""
    params = params_for_language(language)
    if not params:
        return "tfidf models use word 1-2-grams (the default where words are units)"
    kind = {"char": "character", "char_wb": "character (within words)",
            "word+char_wb": "word + character"}[params["analyzer"]]
    return (f"tfidf models use {kind} {params['char_min']}-{params['char_max']}-grams: "
            f"words are not units in {language} (particles and endings attach to them, or "
            "no spaces separate them)")


class _UnionAnalyzer:
    """Word n-grams plus prefixed character n-grams of one text: a module-level class (not a
    closure) so a fitted vectorizer still pickles for process-based executors."""

    def __init__(self, word: TfidfVectorizer, char: TfidfVectorizer) -> None:
        self.word = word.build_analyzer()
        self.char = char.build_analyzer()

    def __call__(self, doc: str) -> list[str]:
        return [*self.word(doc), *(_CHAR_PREFIX + gram for gram in self.char(doc))]


def make_vectorizer(ngram_max: int = 2, min_df: int = 1, max_features: int | None = 200_000,
                    sublinear_tf: bool = True, analyzer: str = "word", char_min: int = 1,
                    char_max: int = 4) -> TfidfVectorizer:
    """A vectorizer for ``analyzer``: ``ngram_max`` bounds word n-grams, ``char_min`` and
    ``char_max`` character n-grams.

    Character analyzers keep accents: ``strip_accents`` decomposes each Hangul syllable
    into its jamo, which turns character n-grams into sub-syllable fragments.
    """
    if analyzer not in ANALYZERS:
        raise InvalidInputError(f"analyzer {analyzer!r} is not known",
                                hint=f"use one of {', '.join(ANALYZERS)}")
    if not 1 <= char_min <= char_max:
        raise InvalidInputError(f"char_min {char_min} and char_max {char_max}: expected "
                                "1 <= char_min <= char_max", hint="e.g. char_min=1 char_max=4")
    common: dict[str, Any] = {"lowercase": True, "min_df": min_df,
                              "max_features": max_features, "sublinear_tf": sublinear_tf,
                              "dtype": np.float32}
    word = TfidfVectorizer(strip_accents="unicode", ngram_range=(1, ngram_max),
                           token_pattern=_WORD_TOKENS, **common)
    if analyzer == "word":
        return word
    char = TfidfVectorizer(analyzer=analyzer.removeprefix("word+"),
                           ngram_range=(char_min, char_max), **common)
    if analyzer != "word+char_wb":
        return char
    return TfidfVectorizer(analyzer=_UnionAnalyzer(word, char), **common)


def export_vectorizer(vectorizer: TfidfVectorizer) -> tuple[dict[str, np.ndarray], list[str]]:
    """(arrays, terms in column order) for a fitted vectorizer."""
    terms = [""] * len(vectorizer.vocabulary_)
    for term, column in vectorizer.vocabulary_.items():
        terms[column] = term
    return {"tfidf_idf": np.asarray(vectorizer.idf_, dtype=np.float64)}, terms


def restore_vectorizer(params: dict[str, Any], idf: np.ndarray,
                       terms: Sequence[str]) -> TfidfVectorizer:
    vectorizer = make_vectorizer(**params)
    vectorizer.vocabulary_ = {term: i for i, term in enumerate(terms)}
    vectorizer.idf_ = idf
    return vectorizer


def transform(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
    return vectorizer.transform(list(texts))


class LanguageTfidf:
    """The TF-IDF half of a ``tfidf-*`` estimator (classifier or regressor), written once so
    both follow the project's language the same way: the estimator's tags declare
    ``follows_language``, which tells ``make_model`` to start from ``language_params``, and
    the featurizer's params (saved in the run and the bundle) say what was chosen. The
    estimator's ``__init__`` stores ``ngram_max``, ``min_df``, ``max_features``,
    ``analyzer``, ``char_min`` and ``char_max``; ``analyzer`` defaults to ``word``, what
    bundles saved before it held.
    """

    ngram_max: int
    min_df: int
    max_features: int | None
    analyzer: str
    char_min: int
    char_max: int

    @staticmethod
    def language_params(language: str | None) -> dict[str, Any]:
        """Defaults for a project's language (``{}`` where the word default fits)."""
        return params_for_language(language)

    def _vectorizer_params(self) -> dict[str, Any]:
        return {"ngram_max": self.ngram_max, "min_df": self.min_df,
                "max_features": self.max_features, "analyzer": self.analyzer,
                "char_min": self.char_min, "char_max": self.char_max}

    def _fit_tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Learn the vocabulary and idf on ``texts``; their feature matrix."""
        self.vectorizer_ = make_vectorizer(**self._vectorizer_params())
        return self.vectorizer_.fit_transform(list(texts))

    def _tfidf(self, texts: Sequence[str]) -> sparse.csr_matrix:
        check_is_fitted(self, "vectorizer_")
        return transform(self.vectorizer_, texts)

    def _tfidf_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays, terms = export_vectorizer(self.vectorizer_)
        return arrays, {"terms": terms}

    def _restore_tfidf(self, arrays: dict[str, np.ndarray], extra: dict[str, Any]) -> None:
        self.vectorizer_ = restore_vectorizer(self._vectorizer_params(), arrays["tfidf_idf"],
                                              extra["terms"])
