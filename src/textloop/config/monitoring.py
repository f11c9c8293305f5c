"""``monitoring:``: what ``textloop monitor`` compares and when a difference is drift."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from textloop.config.base import Strict

DRIFT_DETECTORS = ("text-stats", "oov", "domain-classifier", "mmd", "label-psi",
                   "label-chi-square", "label-jensen-shannon", "confidence")


class MonitoringSettings(Strict):
    """What ``textloop monitor`` compares and when it calls a difference drift (docs/monitoring.md).

    ``window``: the latest rows of the prediction log checked by default. ``reference_split``:
    the release split production is compared with (validation: the model's predictions there
    are held out, as production's are). ``false_alarm_rate``: the share of unchanged windows
    each check may flag (its calibrated threshold). ``max_reference``: rows of the reference
    sample the embedding detectors use. ``permutations``: shuffles of the pooled rows that
    calibrate each check (at least; raised to reach the check's share of the false-alarm
    rate). ``null_windows``: unchanged windows that calibrated domain-classifier.v1, kept so
    older files still load. ``min_rows``: fewer rows in a window or slice is "not enough
    data". ``max_ece``: the validation calibration error above which the label-free
    performance estimate is not trusted.
    ``max_performance_drop``: a drop of the estimated (or realized) accuracy below the
    reference by more than this is an alert.
    """

    window: int = Field(500, ge=10, le=1_000_000)
    reference_split: Literal["train", "validation", "test"] = "validation"
    false_alarm_rate: float = Field(0.05, gt=0.0, le=0.5)
    detectors: list[Literal[DRIFT_DETECTORS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(DRIFT_DETECTORS))
    max_reference: int = Field(1000, ge=50, le=100_000)
    null_windows: int = Field(50, ge=5, le=10_000)
    permutations: int = Field(199, ge=19, le=100_000)
    min_rows: int = Field(50, ge=5)
    max_ece: float = Field(0.05, ge=0.0, le=1.0)
    max_performance_drop: float = Field(0.05, ge=0.0, le=1.0)
    alert_rows: int = Field(10, ge=1, le=1000)
    neighbours: int = Field(3, ge=0, le=50)
