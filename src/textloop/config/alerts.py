"""``alerts:``: rules that turn a stored monitoring report into a log line or a webhook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from textloop.config.base import Strict
from textloop.config.monitoring import PERFORMANCE_CHECKS, drift_checks, drift_detectors

if TYPE_CHECKING:
    ALERT_CHECKS: tuple[str, ...]


def alert_checks() -> tuple[str, ...]:
    """What an alert rule may watch: the report's ``status``, every registered drift
    detector's checks (``drift_checks``) and the performance checks (``performance``,
    ``entity_f1``)."""
    drift = (check for detector in drift_detectors() for check in drift_checks(detector))
    return ("status", *drift, *PERFORMANCE_CHECKS)


def __getattr__(name: str) -> Any:
    """``ALERT_CHECKS``, derived from the registry when asked for (see ``alert_checks``)."""
    if name == "ALERT_CHECKS":
        return alert_checks()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AlertRule(Strict):
    """An alert rule: after ``textloop monitor`` stores a report, a check whose ``metric``
    compares with ``threshold`` by ``op`` fires a log line and, with ``webhook``, a JSON POST
    (docs/monitoring.md, "Alerts").

    ``check`` ``status`` is 1 when the report's status is drift, else 0 (``metric`` unused).
    ``slice``: which rows of the check (``all``, or a slice value such as ``length=<40``).
    ``window``: the fewest rows the check must have been computed on; smaller windows are
    too noisy to page anyone.
    """

    name: str = Field(min_length=1, max_length=100)
    check: str
    metric: Literal["score", "p_value"] = "score"
    op: Literal[">", "<"] = ">"
    threshold: float
    window: int = Field(0, ge=0)
    slice: str = "all"
    webhook: str | None = Field(None, pattern=r"^https?://")

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        known = alert_checks()
        if value not in known:
            raise ValueError(f"unknown check {value!r}: use one of {', '.join(known)}")
        return value
