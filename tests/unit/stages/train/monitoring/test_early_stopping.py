"""Early stopping: patience, min_delta, mode, fallback, and restoring the best weights."""

from __future__ import annotations

import math

import numpy as np
import pytest

from textloop.errors import ConfigError
from textloop.models.mlp import EmbedMLP
from textloop.stages.train.monitoring import EarlyStopping


class Weights:
    """A stand-in model whose weights are the epoch number they were set at."""

    epochs = 100

    def __init__(self) -> None:
        self.value = 0

    def get_weights(self) -> dict[str, np.ndarray]:
        return {"w": np.array([self.value])}

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        self.value = int(weights["w"][0])


def run(stopper: EarlyStopping, losses: list[float], key: str = "val/loss") -> tuple[int, Weights]:
    """Feed one loss per epoch until the stopper says stop; returns (epochs run, model)."""
    model = Weights()
    for epoch, loss in enumerate(losses, start=1):
        model.value = epoch
        if stopper.on_epoch(epoch, {key: loss, "train/loss": loss}, model):
            return epoch, model
    return len(losses), model


def test_stops_after_patience_epochs_without_improvement_and_restores_best() -> None:
    stopper = EarlyStopping(patience=3)
    epochs, model = run(stopper, [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.5])
    assert epochs == 6 and stopper.stopped_early
    assert stopper.finish(model) == 3 and model.value == 3
    assert [row["epoch"] for row in stopper.history] == [1, 2, 3, 4, 5, 6]


def test_min_delta_ignores_tiny_improvements() -> None:
    stopper = EarlyStopping(patience=2, min_delta=0.05)
    epochs, model = run(stopper, [1.0, 0.98, 0.97, 0.5])
    assert epochs == 3 and stopper.best_epoch == 1
    assert stopper.finish(model) == 1 and model.value == 1


def test_without_restore_the_last_weights_stay() -> None:
    stopper = EarlyStopping(patience=1, restore_best=False)
    epochs, model = run(stopper, [1.0, 0.5, 0.9])
    assert epochs == 3 and stopper.finish(model) is None and model.value == 3


def test_max_mode_for_scores() -> None:
    stopper = EarlyStopping(monitor="val/macro_f1", patience=2)
    assert not stopper.minimise
    run(stopper, [0.5, 0.7, 0.6, 0.65], key="val/macro_f1")
    assert stopper.best_epoch == 2 and stopper.best_value == 0.7


def test_non_finite_monitored_value_stops_at_once() -> None:
    stopper = EarlyStopping(patience=10)
    epochs, model = run(stopper, [1.0, 0.9, math.nan, 0.1])
    assert epochs == 3 and stopper.finish(model) == 2 and model.value == 2


def test_val_monitor_falls_back_to_train_without_validation() -> None:
    stopper = EarlyStopping(patience=2)
    model = Weights()
    stopper.on_epoch(1, {"train/loss": 1.0}, model)
    assert stopper.fallback == "train/loss" and stopper.monitored == "train/loss"


def test_unknown_monitor_names_the_metrics_there_are() -> None:
    with pytest.raises(ConfigError, match="train/loss"):
        EarlyStopping(monitor="train/recall").on_epoch(1, {"train/loss": 1.0}, Weights())


def test_restores_the_best_epochs_real_weights() -> None:
    """On a real model: after early stopping, predictions equal those at the best epoch."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 8)).astype(np.float32)
    y = ["a" if v > 0 else "b" for v in x[:, 0] + rng.normal(scale=2.0, size=120)]
    snapshots: dict[int, np.ndarray] = {}
    stopper = EarlyStopping(patience=3)

    def on_epoch(epoch: int, metrics: dict[str, float], model: EmbedMLP) -> bool:
        snapshots[epoch] = model.decision_function(x)
        return stopper.on_epoch(epoch, metrics, model)

    model = EmbedMLP(hidden_units=64, dropout=0.0, learning_rate=0.01, epochs=60)
    model.fit(x[:60], y[:60], validation=(x[60:], y[60:]), on_epoch=on_epoch)
    best = stopper.finish(model)
    assert stopper.stopped_early and best is not None and best < len(stopper.history)
    np.testing.assert_array_equal(model.decision_function(x), snapshots[best])
