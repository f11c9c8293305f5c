"""``monitoring:``: what ``textloop monitor`` compares and when a difference is drift."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from textloop.config.base import Strict
from textloop.registry import REGISTRY

CATEGORICAL_SOURCES = ("label", "band")
"""What a categorical detector (``reads: categories``) compares: the predicted labels and
the action bands, one check each."""

if TYPE_CHECKING:
    DRIFT_DETECTORS: tuple[str, ...]


def drift_detectors() -> tuple[str, ...]:
    """Every registered drift detector, in the order ``textloop monitor`` runs them."""
    return tuple(REGISTRY.names("drift", sort=False))


def detector_reads(detector: str) -> str:
    """What a registered drift detector compares (its ``reads`` tag): ``texts``,
    ``vectors`` (sentence embeddings), ``categories`` (labels or bands) or ``confidence``."""
    return str(REGISTRY.tags("drift", detector).get("reads", ""))


def drift_checks(detector: str) -> tuple[str, ...]:
    """The checks ``detector`` runs, as reports and alert rules name them.

    The one rule that turns a detector's registered name into its checks' names: an input
    or confidence detector gives one check (``text-stats`` -> ``text_stats``); a
    categorical one gives a check per source (``label-psi`` -> ``label_psi``,
    ``band_psi``).
    """
    base = detector.replace("-", "_")
    if detector_reads(detector) != "categories":
        return (base,)
    return tuple(f"{source}_{base.removeprefix('label_')}" for source in CATEGORICAL_SOURCES)


PERFORMANCE_CHECKS = ("performance", "entity_f1")
"""The checks of performance against labels rather than drift: ``performance`` (CBPE and
realized accuracy, classification) and ``entity_f1`` (realized entity F1 from feedback,
spans); which one a project runs is its task's to say."""


def checks_reading(reads: Collection[str], detectors: Iterable[str] | None = None
                   ) -> tuple[str, ...]:
    """The checks of the ``detectors`` (default: every registered one) that read one of
    ``reads``: what a task whose monitored sides hold ``reads`` can check."""
    chosen = drift_detectors() if detectors is None else detectors
    return tuple(check for detector in chosen if detector_reads(detector) in reads
                 for check in drift_checks(detector))


def __getattr__(name: str) -> Any:
    """``DRIFT_DETECTORS``, read from the registry when asked for, so a detector registered
    after this module was imported is listed too."""
    if name == "DRIFT_DETECTORS":
        return drift_detectors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    detectors: list[str] = Field(default_factory=lambda: list(drift_detectors()))
    max_reference: int = Field(1000, ge=50, le=100_000)
    null_windows: int = Field(50, ge=5, le=10_000)
    permutations: int = Field(199, ge=19, le=100_000)
    min_rows: int = Field(50, ge=5)
    max_ece: float = Field(0.05, ge=0.0, le=1.0)
    max_performance_drop: float = Field(0.05, ge=0.0, le=1.0)
    alert_rows: int = Field(10, ge=1, le=1000)
    neighbours: int = Field(3, ge=0, le=50)

    @field_validator("detectors")
    @classmethod
    def _registered_detectors(cls, value: list[str]) -> list[str]:
        known = drift_detectors()
        unknown = [name for name in value if name not in known]
        if unknown:
            raise ValueError(f"unknown drift detector {', '.join(map(repr, unknown))}: use "
                             f"some of {', '.join(known)}")
        return value
