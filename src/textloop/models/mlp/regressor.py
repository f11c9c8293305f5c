"""``embed-mlp-regressor``: the MLP head on sentence embeddings, predicting a number.

Same network, optimizer, early stopping and verdict as ``embed-mlp``; one output unit and a
regression loss (``mse``, ``mae`` or ``huber``). Targets are standardized with the training
split's mean and spread (saved in the bundle), which keeps Adam's default step size and the
Huber delta meaningful for any scale, from a 0-1 share to a 1-5 star rating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from textloop.models.mlp.estimator import EmbedMLP, Validation
from textloop.models.mlp.network import forward
from textloop.models.mlp.regression_losses import REGRESSION_LOSSES
from textloop.models.tags import ModelTags


class EmbedMLPRegressor(RegressorMixin, EmbedMLP):
    """Sentence embeddings + a ReLU network with one linear output."""

    losses: ClassVar[dict[str, Any]] = REGRESSION_LOSSES

    def __init__(self, embedder: str = "minilm-int8", loss: str = "mse",
                 hidden_units: int = 256, hidden_layers: int = 1, dropout: float = 0.1,
                 learning_rate: float = 1e-3, batch_size: int = 32, epochs: int = 50,
                 l2: float = 1e-4, seed: int = 0) -> None:
        super().__init__(embedder=embedder, loss=loss, hidden_units=hidden_units,
                         hidden_layers=hidden_layers, dropout=dropout,
                         learning_rate=learning_rate, batch_size=batch_size, epochs=epochs,
                         l2=l2, seed=seed)

    def __textloop_tags__(self) -> ModelTags:
        return replace(super().__textloop_tags__(), task="regression")

    def _learn_targets(self, y: Sequence[Any]) -> np.ndarray:
        values = np.asarray(y, dtype=np.float64)
        self.classes_ = np.array([], dtype=object)  # a bundle records no labels
        self.target_mean_ = float(values.mean())
        self.target_scale_ = float(values.std()) or 1.0
        return self._encode(values)

    def _n_outputs(self) -> int:
        return 1

    def _encode(self, y: Sequence[Any] | np.ndarray) -> np.ndarray:
        return (np.asarray(y, dtype=np.float64) - self.target_mean_) / self.target_scale_

    def _validation_arrays(self, validation: Validation) -> tuple[np.ndarray, np.ndarray]:
        return self._features(validation[0]), self._encode(validation[1])

    def _scored(self, prefix: str, x: np.ndarray, y_std: np.ndarray) -> dict[str, float]:
        """Loss on the standardized scale (what training minimises); errors on the target's."""
        scores, _ = forward(self.weights_, x)
        with np.errstate(all="ignore"):
            loss, _ = self.losses[self.loss](scores.astype(np.float64), y_std)
        error = (scores[:, 0].astype(np.float64) - y_std) * self.target_scale_
        spread = float(np.sum((y_std - y_std.mean()) ** 2)) * self.target_scale_ ** 2
        r2 = 1.0 - float(np.sum(error ** 2)) / spread if spread > 0 else 0.0
        return {f"{prefix}/loss": loss, f"{prefix}/mae": float(np.mean(np.abs(error))),
                f"{prefix}/rmse": float(np.sqrt(np.mean(error ** 2))), f"{prefix}/r2": r2}

    def predict(self, X: Any) -> np.ndarray:
        return self.decision_function(X)[:, 0] * self.target_scale_ + self.target_mean_

    @available_if(lambda _: False)  # hasattr(model, "predict_proba") is False, as for ridge
    def predict_proba(self, X: Any) -> np.ndarray:
        """A regressor predicts numbers, not probabilities (hidden from ``hasattr``)."""
        raise AttributeError("a regressor predicts numbers, not probabilities")

    def export_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays, extra = super().export_state()
        return arrays, {**extra, "target_mean": self.target_mean_,
                        "target_scale": self.target_scale_}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> EmbedMLPRegressor:
        model = super().from_state(params, arrays, extra, classes)
        model.target_mean_ = float(extra["target_mean"])
        model.target_scale_ = float(extra["target_scale"])
        return model
