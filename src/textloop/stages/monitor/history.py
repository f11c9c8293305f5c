"""Monitoring over time: what the web app's monitoring page plots and lists.

Every ``textloop monitor`` run stores its checks (``storage.monitoring``), so the history of a
check is a read, not a recomputation: the page stays cheap however long the history grows and
shows exactly the numbers each run reported. Four things are gathered:

- each drift check's score and calibrated threshold over the stored runs (one slice at a time,
  ``all`` by default), from the checks the latest run made;
- performance over the same runs: the label-free estimate (CBPE) and, where feedback came
  back, the realized accuracy, beside the reference's;
- the prediction log's volume and latency percentiles per time bucket over the last days;
- the latest run's alerts, each with the production rows that drove it as logged now (with
  the feedback given since).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.reports.monitor_data import (
    PERCENTILES,
    SPAN_DAYS,
    AlertView,
    CheckPoint,
    CheckSeries,
    MonitorHistory,
    PerformancePoint,
    Traffic,
    TrafficBucket,
)
from textloop.stages.monitor.performance import NAME as PERFORMANCE
from textloop.stages.monitor.sides import ALL, DRIFT
from textloop.storage import Store, monitoring

if TYPE_CHECKING:
    from textloop.reports.figures import Plot
    from textloop.reports.monitoring import EstimateView

DAY = 86_400.0
MAX_BUCKETS = 60
BUCKET_SECONDS = (60.0, 300.0, 900.0, 3_600.0, 3 * 3_600.0, 6 * 3_600.0, DAY, 7 * DAY)
"""Bucket widths to choose from: the narrowest that keeps a span within ``MAX_BUCKETS``."""


def monitor_history(store: Store, project: Project, slice_key: str = ALL,
                    span_days: float = SPAN_DAYS) -> MonitorHistory:
    """Every stored monitor run's checks for ``slice_key``, performance, the latest run's
    alerts, and the traffic of the log's last ``span_days`` days."""
    with store.read() as conn:
        latest = _latest(conn)
        history = MonitorHistory(latest, traffic_buckets(
            monitoring.traffic(conn, span_days * DAY)), project.spec.serving.log_texts,
            span_days, slice_key)
        if latest is None:
            return history
        checks = monitoring.checks(conn, latest["id"])
        history.slices = list(dict.fromkeys(c["slice"] for c in checks))
        if slice_key not in history.slices:
            raise InvalidInputError(
                f"the latest monitor run {latest['id']} has no slice {slice_key!r}",
                hint=f"choose one of: {', '.join(history.slices)}")
        names = [c["name"] for c in checks if c["slice"] == slice_key]
        history.drift = [CheckSeries(name, [_point(row) for row in
                                            monitoring.check_history(conn, name, slice_key)])
                         for name in names if name != PERFORMANCE]
        history.performance = [_performance(row) for row in
                               monitoring.check_history(conn, PERFORMANCE, slice_key)]
        history.alerts = _alerts(conn, latest["id"], checks)
    history.report_html = _report_html(store, latest)
    return history


def report_file(store: Store, report_id: str) -> Path:
    """The stored ``report.html`` of a monitor run, or a not-found error saying why."""
    with store.read() as conn:
        report = monitoring.get_report(conn, report_id)
    path = _report_html(store, report)
    if path is None:
        raise NotFoundError(f"monitor run {report_id} has no report.html in the store",
                            hint="run `textloop monitor` again to write one")
    return path


def traffic_buckets(rows: Sequence[tuple[float, int, float]],
                    max_buckets: int = MAX_BUCKETS) -> Traffic:
    """Rows of ``storage.monitoring.traffic`` counted per time bucket, with the latency
    percentiles of the requests (first rows) in each; empty buckets in between are kept so
    a quiet hour shows as zero."""
    if not rows:
        return Traffic(BUCKET_SECONDS[0], [])
    at = np.array([r[0] for r in rows])
    width = bucket_width(float(at.max() - at.min()), max_buckets)
    which = np.floor(at / width).astype(np.int64)
    first = np.array([r[1] == 0 for r in rows])
    latency = np.array([r[2] for r in rows])
    buckets = []
    for index in range(int(which.min()), int(which.max()) + 1):
        mask = which == index
        requests = latency[mask & first]
        buckets.append(TrafficBucket(
            index * width, int(mask.sum()), len(requests),
            tuple(float(v) for v in np.percentile(requests, PERCENTILES))
            if len(requests) else None))
    return Traffic(width, buckets)


def bucket_width(span: float, max_buckets: int = MAX_BUCKETS) -> float:
    """The narrowest of ``BUCKET_SECONDS`` that cuts ``span`` seconds into at most
    ``max_buckets`` buckets (the widest when none does)."""
    return next((w for w in BUCKET_SECONDS if span / w < max_buckets), BUCKET_SECONDS[-1])


def _latest(conn: Connection) -> dict[str, Any] | None:
    try:
        return monitoring.get_report(conn)
    except NotFoundError:
        return None


def _point(row: dict[str, Any]) -> CheckPoint:
    return CheckPoint(row["report_id"], row["created_at"], row["status"], row["score"],
                      row["threshold"], row["p_value"])


def _performance(row: dict[str, Any]) -> PerformancePoint:
    """The numbers the performance check stored (none when it had not enough data)."""
    details = row["details"]
    estimated = details.get("estimated", {})
    realized = details.get("realized", {})
    return PerformancePoint(
        row["report_id"], row["created_at"], row["status"], estimated.get("accuracy"),
        estimated.get("accuracy_se"), estimated.get("macro_f1"), realized.get("accuracy"),
        realized.get("macro_f1"), int(realized.get("rows", 0)),
        details.get("reference_realized", {}).get("accuracy"))


def _alerts(conn: Connection, report_id: str,
            checks: Sequence[dict[str, Any]]) -> list[AlertView]:
    """Each drifted check of the run with its driving rows as the log holds them now."""
    driving: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for row in monitoring.report_alert_rows(conn, report_id):
        driving.setdefault((row["check"], row["slice"]), []).append(
            (row["request_id"], row["idx"]))
    keys = [key for rows in driving.values() for key in rows]
    logged = {(r["request_id"], r["idx"]): r for r in monitoring.logged_rows(conn, keys)}
    return [AlertView(c["name"], c["slice"], c["score"], c["threshold"],
                      [_alert_row(key, logged.get(key))
                       for key in driving.get((c["name"], c["slice"]), [])])
            for c in checks if c["status"] == DRIFT]


def _alert_row(key: tuple[str, int], logged: dict[str, Any] | None) -> dict[str, Any]:
    """A driving row as shown: ``found`` is False once the log no longer holds it."""
    if logged is None:
        return {"request_id": key[0], "idx": key[1], "found": False}
    probabilities = logged["probabilities"] or {}
    return {"request_id": key[0], "idx": key[1], "found": True,
            "created_at": logged["created_at"], "text": logged["text"],
            "text_hash": logged["text_hash"], "label": logged["label"],
            "confidence": max(probabilities.values(), default=None),
            "feedback": logged["feedback"]}


def _report_html(store: Store, report: dict[str, Any]) -> Path | None:
    from textloop.reports.monitoring import REPORT_FILE  # matplotlib: only when asked

    if not report.get("report_path"):
        return None
    path = store.path_for(report["report_path"], REPORT_FILE)
    return path if path.is_file() else None


@dataclass(frozen=True)
class MonitoringPage:
    """The history and its charts (``reports.monitor_history``), as the web page shows them."""

    history: MonitorHistory
    plots: dict[str, Plot]
    estimate: EstimateView | None = None
    """The latest run's label-free estimate, shown as the run's report shows it."""


def monitoring_page(store: Store, project: Project, slice_key: str = ALL) -> MonitoringPage:
    from textloop.reports.monitor_history import history_plots
    from textloop.reports.monitoring import estimate_view

    history = monitor_history(store, project, slice_key)
    latest = history.performance[-1] if history.performance else None
    estimate = None if latest is None else estimate_view(latest.estimated, latest.estimated_se)
    return MonitoringPage(history, history_plots(history), estimate)
