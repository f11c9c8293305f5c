"""``calibration:``: how ``textloop train`` calibrates probabilities."""

from __future__ import annotations

from pydantic import Field

from textloop.config.base import Strict


class CalibrationSettings(Strict):
    """How ``textloop train`` calibrates probabilities on the validation split.

    ``method``: ``temperature`` (default: one parameter, keeps the predicted label),
    ``isotonic`` (more flexible, needs more validation rows per class) or ``none``.
    ``bins``: equal-width confidence bins for the expected calibration error.
    """

    method: str = Field("temperature", min_length=1)
    bins: int = Field(15, ge=2, le=100)
