"""Baseline classifiers following the scikit-learn estimator convention.

``__init__`` only stores hyper-parameters, ``fit`` learns and returns ``self``, learned
attributes end in ``_``: so ``clone()``, cross-validation and cleanlab work on them. Each
model can export its learned state as plain arrays plus JSON (see ``bundle.py``), never as
a pickle, and be rebuilt from that state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from textloop.models import tfidf
from textloop.models.embedding_space import embedder_id, embedder_params, features, same_space
from textloop.models.precision import head_input
from textloop.models.search_space import Choice, FloatRange, IntRange, Space
from textloop.models.tags import ModelTags, model_tags
from textloop.registry import REGISTRY

State = tuple[dict[str, np.ndarray], dict[str, Any]]


class _LinearHead(ClassifierMixin, BaseEstimator):
    """Shared logistic-regression head: fitting, probabilities, and state export."""

    C: float
    class_weight: str | None
    max_iter: int

    def _fit_head(self, features: Any, y: Sequence[str]) -> None:
        labels = np.asarray(y, dtype=object)
        self.head_ = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                        max_iter=self.max_iter, random_state=0)
        self.head_.fit(head_input(features), labels)
        self.classes_ = self.head_.classes_

    def _head_proba(self, features: Any) -> np.ndarray:
        check_is_fitted(self, "head_")
        return self.head_.predict_proba(head_input(features))

    def _head_state(self) -> dict[str, np.ndarray]:
        return {"coef": self.head_.coef_, "intercept": self.head_.intercept_}

    def _restore_head(self, arrays: dict[str, np.ndarray], classes: Sequence[str]) -> None:
        head = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        head.classes_ = np.asarray(classes, dtype=object)
        head.coef_ = arrays["coef"]
        head.intercept_ = arrays["intercept"]
        head.n_features_in_ = arrays["coef"].shape[1]
        self.head_ = head
        self.classes_ = head.classes_

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class TfidfLogReg(tfidf.LanguageTfidf, _LinearHead):
    """TF-IDF n-grams + logistic regression: fast, strong on short texts, no model files.

    ``analyzer`` is ``word`` by default (what every bundle before it used, so old bundles load
    unchanged); a project whose language does not split into words gets character n-grams
    through ``language_params`` (see ``make_model``).
    """

    search_space: ClassVar[Space] = {
        "C": FloatRange(0.01, 100.0, log=True), "ngram_max": IntRange(1, 3),
        "min_df": IntRange(1, 3), "class_weight": Choice((None, "balanced"))}

    def __init__(self, C: float = 10.0, ngram_max: int = 2, min_df: int = 1,
                 max_features: int | None = 200_000, class_weight: str | None = None,
                 max_iter: int = 2000, analyzer: str = "word", char_min: int = 1,
                 char_max: int = 4) -> None:
        self.C = C
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.max_features = max_features
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.analyzer = analyzer
        self.char_min = char_min
        self.char_max = char_max

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(follows_language=True)

    def fit(self, X: Sequence[str], y: Sequence[str]) -> TfidfLogReg:
        self._fit_head(self._fit_tfidf(X), y)
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "head_")
        return self._head_proba(self._tfidf(X))

    def export_state(self) -> State:
        arrays, extra = self._tfidf_state()
        return {**arrays, **self._head_state()}, extra

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> TfidfLogReg:
        model = cls(**params)
        model._restore_tfidf(arrays, extra)
        model._restore_head(arrays, classes)
        return model


class EmbedLogReg(_LinearHead):
    """Sentence embeddings (MiniLM or USE-multilingual-v3 on ONNX Runtime) + logistic regression.

    ``X`` may be texts or a precomputed float matrix of embeddings: stages pass cached
    embeddings so nothing is embedded twice; serving passes raw texts.
    """

    language_params = staticmethod(embedder_params)  # the embedder follows the language
    search_space: ClassVar[Space] = {
        "C": FloatRange(0.01, 100.0, log=True), "class_weight": Choice((None, "balanced"))}

    def __init__(self, embedder: str = "minilm-int8", C: float = 10.0,
                 class_weight: str | None = None, max_iter: int = 2000) -> None:
        self.embedder = embedder
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(needs_embeddings=True, embedder=self.embedder, follows_language=True)

    def _features(self, X: Any) -> np.ndarray:
        return features(self.embedder, X)

    def fit(self, X: Any, y: Sequence[str]) -> EmbedLogReg:
        self.embedder_id_ = embedder_id(self.embedder)
        self._fit_head(self._features(X), y)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "head_")
        return self._head_proba(self._features(X))

    def export_state(self) -> State:
        return self._head_state(), {"embedder_id": self.embedder_id_}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> EmbedLogReg:
        """Refuses a head trained on other vectors than this textloop's embedder produces."""
        model = cls(**params)
        model.embedder_id_ = same_space(model.embedder, extra.get("embedder_id"), "embed-lr")
        model._restore_head(arrays, classes)
        return model


def model_names() -> list[str]:
    return REGISTRY.names("model")


def model_task(name: str) -> str:
    """The task a registered model is built for (``classification`` or ``regression``)."""
    return model_tags(REGISTRY.resolve("model", name)[1]).task


def regressor_names() -> list[str]:
    """Short names of the models that predict a number (for a regression task)."""
    return [name for name in model_names() if model_task(name) == "regression"]


def make_model(name: str, params: dict[str, Any] | None = None,
               language: str | None = None) -> tuple[str, Any]:
    """(full registry name, unfitted estimator) for a short or full model name.

    A model that ``follows_language`` starts from its defaults for the project's
    ``language`` (character n-grams for Korean); explicit ``params`` override them, and the
    estimator's params (saved in the run and the bundle) record what was chosen.
    """
    full, cls = REGISTRY.resolve("model", name)
    defaults = cls.language_params(language) if model_tags(cls).follows_language else {}
    try:
        return full, cls(**{**defaults, **(params or {})})
    except TypeError as exc:
        from textloop.errors import InvalidInputError

        raise InvalidInputError(f"model {name}: {exc}",
                                hint=f"valid parameters: {', '.join(cls().get_params())}") from exc
