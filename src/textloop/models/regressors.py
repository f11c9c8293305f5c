"""Baseline regressors for a numeric target, following the scikit-learn estimator convention.

Ridge regression on TF-IDF n-grams or on sentence embeddings: the regression counterparts of
``tfidf-lr`` and ``embed-lr``, with the same featurizers and the same no-pickle bundles. A
regressor has no classes (``classes_`` is empty) and no ``predict_proba``; ``predict``
returns numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.utils.validation import check_is_fitted

from textloop.models import tfidf
from textloop.models.embedding_space import embedder_id, embedder_params, features, same_space
from textloop.models.precision import head_input
from textloop.models.search_space import FloatRange, IntRange, Space
from textloop.models.tags import ModelTags

State = tuple[dict[str, np.ndarray], dict[str, Any]]


class _RidgeHead(RegressorMixin, BaseEstimator):
    """Shared ridge head: fitting, prediction and state export."""

    alpha: float

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="regression")

    def _fit_head(self, x: Any, y: Sequence[Any]) -> None:
        self.head_ = Ridge(alpha=self.alpha).fit(head_input(x), np.asarray(y, dtype=np.float64))
        self.classes_ = np.array([], dtype=object)

    def _predict_head(self, x: Any) -> np.ndarray:
        check_is_fitted(self, "head_")
        return np.asarray(self.head_.predict(head_input(x)), dtype=np.float64)

    def _head_state(self) -> dict[str, np.ndarray]:
        return {"coef": np.asarray(self.head_.coef_, dtype=np.float64),
                "intercept": np.atleast_1d(np.asarray(self.head_.intercept_, dtype=np.float64))}

    def _restore_head(self, arrays: dict[str, np.ndarray]) -> None:
        head = Ridge(alpha=self.alpha)
        head.coef_ = arrays["coef"]
        head.intercept_ = float(arrays["intercept"][0])
        head.n_features_in_ = arrays["coef"].shape[0]
        self.head_ = head
        self.classes_ = np.array([], dtype=object)


class TfidfRidge(tfidf.LanguageTfidf, _RidgeHead):
    """TF-IDF n-grams + ridge regression: fast, no model files. Its featurizer follows the
    project's language exactly as ``tfidf-lr``'s does (``tfidf.LanguageTfidf``)."""

    search_space: ClassVar[Space] = {"alpha": FloatRange(0.01, 100.0, log=True),
                                     "ngram_max": IntRange(1, 3), "min_df": IntRange(1, 3)}

    def __init__(self, alpha: float = 1.0, ngram_max: int = 2, min_df: int = 1,
                 max_features: int | None = 200_000, analyzer: str = "word",
                 char_min: int = 1, char_max: int = 4) -> None:
        self.alpha = alpha
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.max_features = max_features
        self.analyzer = analyzer
        self.char_min = char_min
        self.char_max = char_max

    def __textloop_tags__(self) -> ModelTags:
        return replace(super().__textloop_tags__(), follows_language=True)

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> TfidfRidge:
        self._fit_head(self._fit_tfidf(X), y)
        return self

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self._predict_head(self._tfidf(X))

    def export_state(self) -> State:
        arrays, extra = self._tfidf_state()
        return {**arrays, **self._head_state()}, extra

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> TfidfRidge:
        model = cls(**params)
        model._restore_tfidf(arrays, extra)
        model._restore_head(arrays)
        return model


class EmbedRidge(_RidgeHead):
    """Sentence embeddings (MiniLM or USE-multilingual-v3 on ONNX Runtime) + ridge regression."""

    language_params = staticmethod(embedder_params)  # the embedder follows the language
    search_space: ClassVar[Space] = {"alpha": FloatRange(0.01, 100.0, log=True)}

    def __init__(self, embedder: str = "minilm-int8", alpha: float = 1.0) -> None:
        self.embedder = embedder
        self.alpha = alpha

    def __textloop_tags__(self) -> ModelTags:
        return replace(super().__textloop_tags__(), needs_embeddings=True,
                       embedder=self.embedder, follows_language=True)

    def fit(self, X: Any, y: Sequence[Any]) -> EmbedRidge:
        self.embedder_id_ = embedder_id(self.embedder)
        self._fit_head(features(self.embedder, X), y)
        return self

    def predict(self, X: Any) -> np.ndarray:
        return self._predict_head(features(self.embedder, X))

    def export_state(self) -> State:
        return self._head_state(), {"embedder_id": self.embedder_id_}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> EmbedRidge:
        """Refuses a head trained on other vectors than this textloop's embedder produces."""
        model = cls(**params)
        model.embedder_id_ = same_space(model.embedder, extra.get("embedder_id"), "embed-ridge")
        model._restore_head(arrays)
        return model
