"""The latest stored monitor report's checks as Prometheus gauges.

``textloop monitor`` runs as a cron job or CI step, not inside the server; exposing its last
scores on the server's ``/metrics`` lets the dashboards and alert rules that already scrape
the server plot drift beside latency. The values are read from the store at scrape time
and kept for ``TTL`` seconds, so frequent scrapes (or several scrapers) cost one small query
every few seconds, never one per scrape.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from textloop.errors import NotFoundError
from textloop.storage import Store, monitoring

TTL = 5.0
LABELS = ("check", "slice")


class DriftCollector(Collector):
    def __init__(self, store: Store, ttl: float = TTL) -> None:
        self.store = store
        self.ttl = ttl
        self._lock = threading.Lock()
        self._read_at = -float("inf")
        self._checks: list[dict[str, Any]] = []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        score = GaugeMetricFamily("textloop_drift_score", "Score of each check in the latest "
                                  "monitor report (see its threshold in the report)",
                                  labels=LABELS)
        alert = GaugeMetricFamily("textloop_drift_alert", "1 when the check drifted in the "
                                  "latest monitor report, else 0", labels=LABELS)
        for check in self.latest_checks():
            labels = [check["name"], check["slice"]]
            if check["score"] is not None:
                score.add_metric(labels, float(check["score"]))
            alert.add_metric(labels, 1.0 if check["status"] == "drift" else 0.0)
        yield score
        yield alert

    def latest_checks(self) -> list[dict[str, Any]]:
        """The newest report's checks, read again once ``ttl`` seconds have passed."""
        with self._lock:
            if time.monotonic() - self._read_at >= self.ttl:
                self._checks = _read_latest(self.store)
                self._read_at = time.monotonic()
            return self._checks


def _read_latest(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        try:
            report = monitoring.get_report(conn)
        except NotFoundError:
            return []
        return monitoring.checks(conn, report["id"])
