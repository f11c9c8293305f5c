"""``/metrics`` shows the latest stored monitor report's checks as gauges."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from tests.unit.server.fixtures import client_for, wait_ready
from tests.unit.server.test_app import metric
from tests.unit.stages.monitor.stored_reports import stored_report
from textloop.server.drift_metrics import DriftCollector

CHECKS = [{"name": "oov", "score": 0.17, "rows": ["r1"]},
          {"name": "oov", "slice": "length=<40", "score": 0.02, "status": "ok"},
          {"name": "performance", "score": None, "status": "not enough data"}]


def scrape(collector: DriftCollector) -> str:
    registry = CollectorRegistry()
    registry.register(collector)
    return generate_latest(registry).decode()


def test_metrics_show_the_latest_report_scores_and_alerts(served) -> None:
    project, store = served
    stored_report(store, [{"name": "oov", "score": 0.9}])
    stored_report(store, CHECKS)
    with client_for(project, store) as client:
        wait_ready(client)
        text = client.get("/metrics").text
    assert metric(text, 'textloop_drift_score{check="oov",slice="all"}') == 0.17
    assert metric(text, 'textloop_drift_alert{check="oov",slice="all"}') == 1
    assert metric(text, 'textloop_drift_score{check="oov",slice="length=<40"}') == 0.02
    assert metric(text, 'textloop_drift_alert{check="oov",slice="length=<40"}') == 0
    assert metric(text, 'textloop_drift_alert{check="performance",slice="all"}') == 0
    assert 'textloop_drift_score{check="performance"' not in text


def test_no_report_yet_means_no_series(project, store) -> None:
    assert "textloop_drift_score{" not in scrape(DriftCollector(store))


def test_scores_are_read_again_only_after_the_ttl(project, store) -> None:
    stored_report(store, [{"name": "oov", "score": 0.5}])
    cached, fresh = DriftCollector(store, ttl=3600.0), DriftCollector(store, ttl=0.0)
    assert 'check="oov",slice="all"} 0.5' in scrape(cached)
    stored_report(store, [{"name": "oov", "score": 0.25}])
    assert 'check="oov",slice="all"} 0.5' in scrape(cached)
    assert 'check="oov",slice="all"} 0.25' in scrape(fresh)
