"""``training:``: epochs, loss and early stopping of iterative models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from textloop.config.base import Strict

CLASSIFICATION_LOSSES = ("cross_entropy", "hinge")
REGRESSION_LOSSES = ("mse", "mae", "huber")
MONITORS = ("val/loss", "val/macro_f1", "val/accuracy", "train/loss", "val/entity_micro_f1")
"""What early stopping may watch; a task takes the losses and those of its own metrics."""


class TrainingSettings(Strict):
    """How iterative models (``embed-mlp``) train: epochs, loss, and early stopping.

    ``monitor`` is watched after every epoch; training stops after ``patience`` epochs
    without an improvement larger than ``min_delta``, and ``restore_best`` puts back the
    best epoch's weights. ``mode: auto`` minimises losses and maximises other metrics.
    A span project watches ``val/entity_micro_f1`` unless the section names a monitor (span
    models report no macro-F1). ``epochs`` and ``loss`` are defaults: ``--param epochs=...``
    overrides them per run.
    Models that are not trained epoch by epoch (``tfidf-lr``, ``embed-lr``) ignore this.
    """

    epochs: int = Field(50, ge=1, le=10_000)
    loss: Literal[CLASSIFICATION_LOSSES + REGRESSION_LOSSES] = "cross_entropy"  # type: ignore[valid-type]
    monitor: Literal[MONITORS] = "val/loss"  # type: ignore[valid-type]
    mode: Literal["auto", "min", "max"] = "auto"
    patience: int = Field(5, ge=1, le=10_000)
    min_delta: float = Field(0.0, ge=0.0)
    restore_best: bool = True
