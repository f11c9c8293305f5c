"""Monitoring over time as plain data: what ``stages.monitor.history`` reads from the store
and ``reports.monitor_history`` draws.

It lives below both (no store, no matplotlib), so the report never imports the stage and the
stage can import this without loading the plotting stack; ``textloop.stages.monitor.history``
re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ALL = "all"
"""The slice of every row, checked beside the named slices."""
SPAN_DAYS = 7.0
"""Days of the prediction log the traffic chart covers by default."""
PERCENTILES = (50.0, 95.0, 99.0)
"""The request latency percentiles kept per traffic bucket."""


@dataclass(frozen=True)
class CheckPoint:
    """One run's outcome of a check; ``score`` and ``threshold`` are None when the run had
    not enough data for it."""

    report_id: str
    at: float
    status: str
    score: float | None
    threshold: float | None
    p_value: float | None


@dataclass(frozen=True)
class CheckSeries:
    name: str
    points: list[CheckPoint]


@dataclass(frozen=True)
class PerformancePoint:
    """One run's accuracy: estimated from probabilities (with its standard error), realized
    on the rows with feedback (None without), and the reference's (realized on its split)."""

    report_id: str
    at: float
    status: str
    estimated: float | None
    estimated_se: float | None
    estimated_macro_f1: float | None
    realized: float | None
    realized_macro_f1: float | None
    realized_rows: int
    reference: float | None


@dataclass(frozen=True)
class TrafficBucket:
    """Logged predictions (rows) and requests starting in ``[start, start + width)``, and the
    latency percentiles (ms, ``PERCENTILES``) of those requests; None when there were none."""

    start: float
    predictions: int
    requests: int
    latency: tuple[float, ...] | None


@dataclass(frozen=True)
class Traffic:
    width: float
    buckets: list[TrafficBucket]

    @property
    def predictions(self) -> int:
        return sum(b.predictions for b in self.buckets)


@dataclass(frozen=True)
class AlertView:
    """A check that drifted in the latest run, with its driving rows (most driving first)."""

    check: str
    slice: str
    score: float | None
    threshold: float | None
    rows: list[dict[str, Any]]


@dataclass
class MonitorHistory:
    latest: dict[str, Any] | None
    """The newest monitor run (``storage.monitoring.get_report``), None before the first."""
    traffic: Traffic
    log_texts: str
    span_days: float = SPAN_DAYS
    slice: str = ALL
    slices: list[str] = field(default_factory=list)
    drift: list[CheckSeries] = field(default_factory=list)
    performance: list[PerformancePoint] = field(default_factory=list)
    alerts: list[AlertView] = field(default_factory=list)
    report_html: Path | None = None

    @property
    def texts_note(self) -> str | None:
        """Why production texts are missing from the page, or None when they are logged."""
        if self.log_texts != "full":
            return (f"The prediction log keeps no texts (serving.log_texts: {self.log_texts}): "
                    "alerts show request ids and text hashes, and input drift and slices "
                    "cannot be checked.")
        window = (self.latest or {}).get("summary", {}).get("window", {})
        if window.get("texts_logged") is False:
            return ("The latest monitor run's window keeps no texts (it was logged while "
                    "serving.log_texts was hash or none): input drift and slices were not "
                    "checked.")
        return None
