"""``embed-mlp``: an MLP head on sentence embeddings, trained epoch by epoch in numpy.

It follows the scikit-learn estimator convention like the other models, and adds what an
iterative model needs to be monitored: ``fit`` takes an optional validation set and an
``on_epoch`` callback that receives each epoch's metrics and may stop training, and
``get_weights``/``set_weights`` let early stopping keep and restore the best epoch. No torch:
the head is small and embeddings come from the store's cache, so numpy on CPU is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from textloop.errors import InvalidInputError
from textloop.models.embedding_space import embedder_id, embedder_params, features, same_space
from textloop.models.label_scoring import encode_labels, scored
from textloop.models.mlp.losses import LOSSES, softmax
from textloop.models.mlp.network import DTYPE, Adam, Weights, backward, forward, init_weights
from textloop.models.precision import head_input
from textloop.models.search_space import Choice, FloatRange, IntRange, Space
from textloop.models.tags import ModelTags

State = tuple[dict[str, np.ndarray], dict[str, Any]]
Validation = tuple[Any, Sequence[str]]


class EpochCallback(Protocol):
    """Called after every epoch with its metrics; returning True stops training."""

    def __call__(self, epoch: int, metrics: dict[str, float], model: Any) -> bool: ...


class EmbedMLP(ClassifierMixin, BaseEstimator):
    """Sentence embeddings + a one- or two-layer ReLU network (dropout, Adam, L2).

    ``X`` may be texts or a precomputed embedding matrix, as for ``embed-lr``. With the
    ``hinge`` loss, ``predict_proba`` is the softmax of the class scores: it ranks like the
    scores but is not calibrated.
    """

    language_params = staticmethod(embedder_params)  # the embedder follows the language
    losses: ClassVar[dict[str, Any]] = LOSSES
    search_space: ClassVar[Space] = {
        "hidden_units": IntRange(32, 512, log=True), "hidden_layers": Choice((1, 2)),
        "dropout": FloatRange(0.0, 0.5), "learning_rate": FloatRange(1e-4, 1e-2, log=True),
        "l2": FloatRange(1e-6, 1e-2, log=True), "epochs": IntRange(5, 60)}

    def __init__(self, embedder: str = "minilm-int8", loss: str = "cross_entropy",
                 hidden_units: int = 256, hidden_layers: int = 1, dropout: float = 0.2,
                 learning_rate: float = 1e-3, batch_size: int = 32, epochs: int = 50,
                 l2: float = 1e-4, seed: int = 0) -> None:
        self.embedder = embedder
        self.loss = loss
        self.hidden_units = hidden_units
        self.hidden_layers = hidden_layers
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.l2 = l2
        self.seed = seed

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(needs_embeddings=True, embedder=self.embedder, iterative=True,
                         follows_language=True)

    def fit(self, X: Any, y: Sequence[str], *, validation: Validation | None = None,
            on_epoch: EpochCallback | None = None) -> EmbedMLP:
        """Train for up to ``epochs`` epochs; ``on_epoch`` may stop earlier.

        The weights left are the last epoch's: restoring the best one is the caller's
        choice (see ``textloop.stages.train.monitoring.EarlyStopping``).
        """
        self._check_params()
        x = self._features(X)
        y_idx = self._learn_targets(y)
        val = None if validation is None else self._validation_arrays(validation)
        rng = np.random.default_rng(self.seed)
        sizes = [x.shape[1], *[self.hidden_units] * self.hidden_layers, self._n_outputs()]
        self.weights_ = init_weights(sizes, rng)
        self.embedder_id_ = embedder_id(self.embedder)
        optimizer = Adam(self.learning_rate)
        self.epochs_run_ = 0
        for epoch in range(1, self.epochs + 1):
            self._train_epoch(x, y_idx, optimizer, rng)
            self.epochs_run_ = epoch
            metrics = self._epoch_metrics(x, y_idx, val)
            if on_epoch is not None and on_epoch(epoch, metrics, self):
                break
        return self

    def _learn_targets(self, y: Sequence[str]) -> np.ndarray:
        """Learn the label set from ``y`` and return what the loss compares scores with."""
        self.classes_ = np.array(sorted(set(y)), dtype=object)
        return self._encode(y)

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def _train_epoch(self, x: np.ndarray, y_idx: np.ndarray, optimizer: Adam,
                     rng: np.random.Generator) -> None:
        loss = self.losses[self.loss]
        order = rng.permutation(len(y_idx))
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            scores, inputs = forward(self.weights_, x[batch], self.dropout, rng)
            _, grad = loss(scores, y_idx[batch])
            grads = backward(self.weights_, inputs, grad, self.l2, self.dropout)
            optimizer.step(self.weights_, grads)

    def _epoch_metrics(self, x: np.ndarray, y_idx: np.ndarray,
                       val: tuple[np.ndarray, np.ndarray] | None) -> dict[str, float]:
        """Loss (without the L2 term), accuracy and macro-F1 on train and validation."""
        metrics = self._scored("train", x, y_idx)
        if val is not None and len(val[1]):
            metrics |= self._scored("val", *val)
        return metrics

    def _scored(self, prefix: str, x: np.ndarray, y_idx: np.ndarray) -> dict[str, float]:
        return scored(prefix, forward(self.weights_, x)[0], y_idx, self.loss)

    def decision_function(self, X: Any) -> np.ndarray:
        """Class scores, in float64 (``models/precision.py``): training runs in float32, but a
        text must score the same alone (a served request) as within a batch."""
        check_is_fitted(self, "weights_")
        weights = {key: head_input(value) for key, value in self.weights_.items()}
        scores, _ = forward(weights, head_input(self._features(X)))
        return scores

    def predict_proba(self, X: Any) -> np.ndarray:
        return softmax(self.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:
        scores = self.decision_function(X)  # first: an unfitted model says so
        return self.classes_[np.argmax(scores, axis=1)]

    def get_weights(self) -> Weights:
        """A copy of the current weights (early stopping keeps the best epoch's)."""
        check_is_fitted(self, "weights_")
        return {key: value.copy() for key, value in self.weights_.items()}

    def set_weights(self, weights: Weights) -> None:
        self.weights_ = {key: np.asarray(value, dtype=DTYPE).copy()
                         for key, value in weights.items()}

    def export_state(self) -> State:
        return self.get_weights(), {"embedder_id": self.embedder_id_,
                                    "epochs_run": self.epochs_run_}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> EmbedMLP:
        """Refuses a head trained on other vectors than this textloop's embedder produces."""
        model = cls(**params)
        now = same_space(model.embedder, extra.get("embedder_id"), "embed-mlp")
        expected = 2 * (model.hidden_layers + 1)
        if len(arrays) != expected:
            raise ValueError(f"{len(arrays)} weight arrays, expected {expected}")
        model.set_weights(arrays)
        model.classes_ = np.asarray(classes, dtype=object)
        model.embedder_id_ = now
        model.epochs_run_ = int(extra.get("epochs_run", 0))
        return model

    def _check_params(self) -> None:
        problems = []
        if self.loss not in self.losses:
            problems.append(f"loss {self.loss!r} (use {' or '.join(self.losses)})")
        if self.hidden_layers not in (1, 2):
            problems.append(f"hidden_layers {self.hidden_layers} (use 1 or 2)")
        if not 0.0 <= self.dropout < 1.0:
            problems.append(f"dropout {self.dropout} (use 0 <= dropout < 1)")
        if min(self.hidden_units, self.batch_size, self.epochs) < 1:
            problems.append("hidden_units, batch_size and epochs must be at least 1")
        if problems:
            raise InvalidInputError(f"embed-mlp: invalid {'; '.join(problems)}",
                                    hint="fix the --param values or the training section")

    def _encode(self, y: Sequence[str]) -> np.ndarray:
        return encode_labels(self.classes_, y)

    def _validation_arrays(self, validation: Validation) -> tuple[np.ndarray, np.ndarray]:
        """Validation features and label indices; labels unseen in training are left out,
        because the network has no output for them."""
        x_val, y_val = self._features(validation[0]), list(validation[1])
        known = set(self.classes_)
        keep = np.array([label in known for label in y_val], dtype=bool)
        return x_val[keep], self._encode([label for label in y_val if label in known])

    def _features(self, X: Any) -> np.ndarray:
        return features(self.embedder, X).astype(DTYPE, copy=False)
