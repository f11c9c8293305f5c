"""The simulated model: logistic regression on embeddings, as ``embed-lr`` trains it.

Refitting from scratch after every batch repeats most of the work: the labeled set grows by
a few percent and the solution barely moves. While the set of classes stays the same, each
fit starts from the previous coefficients (the loss is strictly convex, so it converges to
the same optimum, only sooner); a new class starts a fresh model.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from sklearn.linear_model import LogisticRegression

from textloop.models.classifiers import EmbedLogReg

C = EmbedLogReg().C
MAX_ITER = EmbedLogReg().max_iter


@contextmanager
def quiet_fits() -> Iterator[None]:
    """Few labels of many classes make scikit-learn suspect a regression target; it is not."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The number of unique classes is greater")
        yield


def make_classifier() -> LogisticRegression:
    """A fresh classifier with embed-lr's settings (query-by-committee trains these)."""
    return LogisticRegression(C=C, max_iter=MAX_ITER)


class WarmLearner:
    """Fits on integer class codes; ``predict`` works even when only one class is labeled."""

    def __init__(self) -> None:
        self.model: LogisticRegression | None = None
        self.only_class: int | None = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> WarmLearner:
        """Fit on the labels so far (scikit-learn's "more classes than half the samples"
        warning is expected early on with many classes, and silenced)."""
        classes = np.unique(y)
        if classes.shape[0] < 2:
            self.model, self.only_class = None, int(classes[0])
            return self
        if self.model is None or not np.array_equal(self.model.classes_, classes):
            self.model = LogisticRegression(C=C, max_iter=MAX_ITER, warm_start=True)
        with quiet_fits():
            self.model.fit(X, y)
        return self

    @property
    def classes(self) -> np.ndarray:
        """The class codes the model knows (the one labeled class when there is no model)."""
        if self.model is None:
            return np.array([self.only_class], dtype=np.intp)
        return np.asarray(self.model.classes_, dtype=np.intp)

    def predict_proba(self, X: np.ndarray) -> np.ndarray | None:
        return None if self.model is None else self.model.predict_proba(X)

    def predict(self, X: np.ndarray) -> np.ndarray:
        proba = self.predict_proba(X)
        if proba is None:
            return np.full(X.shape[0], self.only_class, dtype=np.intp)
        return self.classes[proba.argmax(axis=1)]


def scores(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> tuple[float, float]:
    """(macro-F1, accuracy) on integer codes, as scikit-learn computes them.

    The macro average runs over the classes present in ``y_true`` or predicted, like
    ``f1_score(average="macro")``; counting with ``bincount`` keeps it cheap enough to run
    after every batch.
    """
    true_n = np.bincount(y_true, minlength=n_classes)
    pred_n = np.bincount(y_pred, minlength=n_classes)
    hits = np.bincount(y_true[y_true == y_pred], minlength=n_classes)
    present = (true_n + pred_n) > 0
    f1 = 2.0 * hits[present] / (true_n[present] + pred_n[present])
    return float(f1.mean()), float(hits.sum() / y_true.shape[0])
