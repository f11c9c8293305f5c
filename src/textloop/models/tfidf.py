"""TF-IDF featurizer with defaults that make a strong baseline for short texts.

Word unigrams and bigrams with sublinear term frequency: the classic recipe that stays
competitive with small embedding models on intent and spam tasks. The fitted state is a
vocabulary (list of terms) and an idf vector, so it saves without pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def make_vectorizer(ngram_max: int = 2, min_df: int = 1, max_features: int | None = 200_000,
                    sublinear_tf: bool = True) -> TfidfVectorizer:
    return TfidfVectorizer(
        lowercase=True, strip_accents="unicode", ngram_range=(1, ngram_max), min_df=min_df,
        max_features=max_features, sublinear_tf=sublinear_tf, dtype=np.float32,
        token_pattern=r"(?u)\b\w+\b",
    )


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
