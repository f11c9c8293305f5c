"""``textloop train``: fit a model on a release's train split, monitored, and record the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.train.monitoring import fit_monitored as fit_monitored
    from textloop.stages.train.training import TrainResult as TrainResult
    from textloop.stages.train.training import apply_span_rules as apply_span_rules
    from textloop.stages.train.training import apply_training_defaults as apply_training_defaults
    from textloop.stages.train.training import train as train

__all__, __getattr__ = lazy_front(__name__, {
    "training": ("TrainResult", "apply_span_rules", "apply_training_defaults", "train"),
    "monitoring": ("fit_monitored",),
})
