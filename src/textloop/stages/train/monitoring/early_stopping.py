"""Early stopping: watch one metric per epoch, stop after ``patience`` epochs without a real
improvement, and put back the best epoch's weights.

It also keeps the per-epoch history (every metric the model reports, plus ``epoch``), which
the verdict, the run store, the report and TensorBoard all read. A non-finite monitored value
stops training at once: nothing useful comes after a NaN loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from textloop.errors import ConfigError

History = list[dict[str, float]]
LOWER_IS_BETTER_SUFFIX = "/loss"


@dataclass
class EarlyStopping:
    """``on_epoch`` is the model's epoch callback; ``finish`` restores the best weights.

    ``mode`` ``auto`` minimises losses and maximises everything else. An epoch improves when
    it beats the best so far by more than ``min_delta`` (absolute, in the metric's units).
    A ``val/`` monitor falls back to its ``train/`` counterpart when there is no validation
    split, and says so in ``fallback``.
    """

    monitor: str = "val/loss"
    mode: Literal["auto", "min", "max"] = "auto"
    patience: int = 5
    min_delta: float = 0.0
    restore_best: bool = True
    history: History = field(default_factory=list)
    best_epoch: int | None = None
    best_value: float | None = None
    stopped_early: bool = False
    fallback: str | None = None
    _best_weights: Any = None

    def on_epoch(self, epoch: int, metrics: dict[str, float], model: Any) -> bool:
        """Record the epoch; keep the weights when it is the best; True means stop."""
        self.history.append({"epoch": float(epoch), **metrics})
        value = metrics.get(self._key(metrics))
        if value is None or not math.isfinite(value):
            self.stopped_early = epoch < getattr(model, "epochs", epoch + 1)
            return True
        if self._improves(value):
            self.best_epoch, self.best_value = epoch, value
            if self.restore_best:
                self._best_weights = model.get_weights()
        assert self.best_epoch is not None  # set on the first finite epoch
        if epoch - self.best_epoch >= self.patience:
            self.stopped_early = epoch < getattr(model, "epochs", epoch + 1)
            return True
        return False

    def finish(self, model: Any) -> int | None:
        """Restore the best epoch's weights (when asked to); returns that epoch or None."""
        if not self.restore_best or self._best_weights is None:
            return None
        if self.best_epoch == len(self.history):
            return self.best_epoch
        model.set_weights(self._best_weights)
        return self.best_epoch

    @property
    def minimise(self) -> bool:
        if self.mode == "auto":
            return self.monitored.endswith(LOWER_IS_BETTER_SUFFIX)
        return self.mode == "min"

    @property
    def monitored(self) -> str:
        """The metric actually watched (after any fallback to the train split)."""
        return self.fallback or self.monitor

    def _key(self, metrics: dict[str, float]) -> str:
        if self.monitored in metrics:
            return self.monitored
        train_key = "train/" + self.monitor.split("/", 1)[-1]
        if self.monitor.startswith("val/") and train_key in metrics:
            self.fallback = train_key
            return train_key
        raise ConfigError(f"training.monitor {self.monitor!r} is not reported by this model",
                          hint=f"use one of {', '.join(sorted(metrics))}")

    def _improves(self, value: float) -> bool:
        if self.best_value is None:
            return True
        if self.minimise:
            return value < self.best_value - self.min_delta
        return value > self.best_value + self.min_delta
