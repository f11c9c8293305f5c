"""Monitoring over time, read back from real ``monitor`` runs on clinc150 traffic: an
unshifted window with feedback, then a window with out-of-scope queries and a script tag."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tests.unit.stages.monitor.fixtures import (
    SCRIPT,
    SETTINGS,
    log_traffic,
    served_project,
    windows,
)
from textloop.config import Project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.monitor import MonitorOptions, MonitorResult, monitor
from textloop.stages.monitor.history import (
    bucket_width,
    monitor_history,
    monitoring_page,
    report_file,
    traffic_buckets,
)
from textloop.storage import Store, predictions

# no embedding checks: the history reads whatever checks were stored, and these run fast
DETECTORS = ["text-stats", "oov", "label-psi", "confidence"]


@dataclass
class Runs:
    project: Project
    store: Store
    first: MonitorResult
    second: MonitorResult
    feedback: dict[int, str]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    project, held_out = served_project(tmp_path_factory.mktemp("history"))
    project.spec.monitoring = SETTINGS.model_copy(update={"detectors": DETECTORS,
                                                          "neighbours": 0})
    unshifted, shifted = windows(held_out)
    intents = project.spec.label_names
    feedback = {i: intents[i % 3] for i in range(0, 60, 2)}  # 30 rows, some right
    store = Store.for_project(project)
    log_traffic(store, unshifted, start=1000.0, tag="a", feedback=feedback)
    log_traffic(store, shifted, start=5000.0, tag="b")
    first = monitor(store, project, MonitorOptions(model="1", until=2000.0))
    second = monitor(store, project, MonitorOptions(model="1"))
    yield Runs(project, store, first, second, feedback)
    store.close()


def overall(result: MonitorResult, slice_key: str = "all") -> dict:
    return {c.name: c for c in result.checks if c.slice == slice_key}


def test_each_check_is_a_series_over_the_stored_runs(runs: Runs) -> None:
    history = monitor_history(runs.store, runs.project)
    assert history.latest["id"] == runs.second.report_id and history.slice == "all"
    names = [s.name for s in history.drift]
    assert names == [n for n in overall(runs.second) if n != "performance"]
    assert "performance" not in names and len(names) == 5  # label and band PSI
    for series in history.drift:
        assert [p.report_id for p in series.points] == [runs.first.report_id,
                                                        runs.second.report_id]
        for point, result in zip(series.points, (runs.first, runs.second), strict=True):
            check = overall(result)[series.name]
            assert point.status == check.status
            assert point.score == pytest.approx(check.result.score)
            assert point.threshold == pytest.approx(check.result.threshold)
    oov = next(s for s in history.drift if s.name == "oov")
    assert [p.status for p in oov.points] == ["ok", "drift"]
    assert oov.points[0].at < oov.points[1].at


def test_performance_holds_the_estimate_and_the_accuracy_on_feedback(runs: Runs) -> None:
    first, second = monitor_history(runs.store, runs.project).performance
    estimated = overall(runs.first)["performance"].result.details["estimated"]
    assert first.estimated == pytest.approx(estimated["accuracy"])
    assert first.estimated_se == pytest.approx(estimated["accuracy_se"])
    assert first.estimated_macro_f1 == pytest.approx(estimated["macro_f1"])
    assert runs.first.window["feedback_rows"] == len(runs.feedback)
    right = np.mean([_logged_label(runs.store, f"a{i}") == label
                     for i, label in runs.feedback.items()])
    assert (first.realized, first.realized_rows) == (pytest.approx(right), 30)
    assert first.reference == pytest.approx(1.0, abs=0.05)
    assert second.realized is None and second.realized_rows == 0
    assert second.estimated < first.estimated  # out-of-scope rows are less sure


def _logged_label(store: Store, request_id: str) -> str:
    with store.read() as conn:
        row = predictions.get(conn, request_id)
    assert row is not None
    return str(row["label"])


def test_a_slice_has_its_own_series_and_an_unknown_one_is_refused(runs: Runs) -> None:
    history = monitor_history(runs.store, runs.project, "length=<40")
    assert history.slices == ["all", "length=<40", "length=≥40"]
    oov = next(s for s in history.drift if s.name == "oov")
    assert oov.points[-1].score == pytest.approx(
        overall(runs.second, "length=<40")["oov"].result.score)
    assert len(history.performance) == 2
    with pytest.raises(InvalidInputError, match="no slice 'topic=x'") as caught:
        monitor_history(runs.store, runs.project, "topic=x")
    assert "length=<40" in str(caught.value.hint)


def test_alerts_carry_the_driving_rows_as_logged(runs: Runs) -> None:
    history = monitor_history(runs.store, runs.project)
    drifted = [(c.name, c.slice) for c in runs.second.checks if c.status == "drift"]
    assert [(a.check, a.slice) for a in history.alerts] == drifted
    oov = next(a for a in history.alerts if (a.check, a.slice) == ("oov", "all"))
    stored = next(a for a in runs.second.alerts if (a.check.name, a.check.slice) == ("oov", "all"))
    assert [r["request_id"] for r in oov.rows] == [r["request_id"] for r in stored.rows]
    assert all(r["found"] and r["text"] for r in oov.rows)
    assert SCRIPT in [r["text"] for a in history.alerts for r in a.rows]
    assert oov.score == pytest.approx(stored.check.result.score)
    assert all(0 < r["confidence"] <= 1 and r["label"] for r in oov.rows)
    assert history.texts_note is None


def test_feedback_given_after_a_run_shows_on_its_alert_rows(runs: Runs) -> None:
    history = monitor_history(runs.store, runs.project)
    row = history.alerts[0].rows[-1]
    assert row["feedback"] is None
    with runs.store.write() as conn:
        predictions.add_feedback(conn, request_id=row["request_id"], idx=row["idx"],
                                 label="later", api_key=None, record_id=None, annotation_id=None)
    again = monitor_history(runs.store, runs.project).alerts[0].rows[-1]
    assert (again["request_id"], again["feedback"]) == (row["request_id"], "later")


def test_traffic_counts_the_log_per_bucket(runs: Runs) -> None:
    traffic = monitor_history(runs.store, runs.project).traffic
    # 150 rows from t=1000 and 150 from t=5000, one second apart: 4,149 s in 5-minute buckets
    assert traffic.width == 300.0 and traffic.predictions == 300
    counts = {b.start: b.predictions for b in traffic.buckets if b.predictions}
    assert counts == {900.0: 150, 4800.0: 100, 5100.0: 50}
    assert len(traffic.buckets) == 15  # the quiet buckets between are kept, empty
    assert all(b.latency == (1.0, 1.0, 1.0) for b in traffic.buckets if b.requests)
    recent = monitor_history(runs.store, runs.project, span_days=200 / 86_400).traffic
    assert recent.predictions == 150 and recent.width == 60.0


def test_the_latest_report_file_is_found_and_others_are_not(runs: Runs) -> None:
    history = monitor_history(runs.store, runs.project)
    assert history.report_html == runs.second.report_html
    assert report_file(runs.store, runs.first.report_id) == runs.first.report_html
    with pytest.raises(NotFoundError, match="no monitor report 'm9'"):
        report_file(runs.store, "m9")


def test_the_page_draws_drift_performance_and_traffic(runs: Runs) -> None:
    page = monitoring_page(runs.store, runs.project)
    assert set(page.plots) == {"drift", "performance", "traffic"}
    assert all(name in page.plots["drift"].svg for name in ("oov", "confidence", "band_psi"))
    assert "realized accuracy (feedback)" in page.plots["performance"].svg
    assert "predictions per 5 min" in page.plots["traffic"].svg


def test_a_store_without_runs_has_only_its_traffic(project: Project, store: Store) -> None:
    history = monitor_history(store, project)
    assert history.latest is None and history.drift == [] and history.alerts == []
    assert history.traffic.buckets == [] and history.report_html is None
    assert monitoring_page(store, project).plots == {}


def test_a_log_without_texts_is_said(project: Project, store: Store) -> None:
    project.spec.serving.log_texts = "hash"
    note = monitor_history(store, project).texts_note
    assert note is not None and "serving.log_texts: hash" in note


def test_latency_percentiles_read_each_request_once() -> None:
    # a request of 3 texts (one latency) and 100 single requests of 1..100 ms, in one minute
    rows = [(0.0, i, 500.0) for i in range(3)] + [(1.0 + i / 10, 0, float(i + 1))
                                                  for i in range(100)]
    (bucket,) = traffic_buckets(rows).buckets
    assert (bucket.predictions, bucket.requests) == (103, 101)
    assert bucket.latency == pytest.approx(tuple(np.percentile(
        [500.0, *range(1, 101)], [50, 95, 99])))


def test_buckets_are_aligned_and_quiet_ones_are_empty() -> None:
    traffic = traffic_buckets([(30.0, 0, 2.0), (200.0, 0, 4.0)])
    assert traffic.width == 60.0
    assert [(b.start, b.predictions, b.latency) for b in traffic.buckets] == [
        (0.0, 1, (2.0, 2.0, 2.0)), (60.0, 0, None), (120.0, 0, None),
        (180.0, 1, (4.0, 4.0, 4.0))]
    assert traffic_buckets([]).buckets == []


@pytest.mark.parametrize(("span", "width"), [(0.0, 60.0), (3_599.0, 60.0), (3_600.0, 300.0),
                                             (7 * 86_400.0, 3 * 3_600.0),
                                             (10_000 * 86_400.0, 7 * 86_400.0)])
def test_the_bucket_width_keeps_a_span_within_sixty_buckets(span: float, width: float) -> None:
    assert bucket_width(span) == width
