"""``monitor`` end to end on real clinc150 traffic: unshifted vs out-of-scope windows."""

from __future__ import annotations

import json

import pytest

from tests.unit.stages.monitor.fixtures import SCRIPT, log_traffic, served_project, windows
from textloop.config import Project
from textloop.stages.monitor import MonitorOptions, MonitorResult, monitor
from textloop.storage import Store, monitoring


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Project, MonitorResult, MonitorResult]:
    project, held_out = served_project(tmp_path_factory.mktemp("monitor"))
    unshifted, shifted = windows(held_out)
    with Store.for_project(project) as store:
        log_traffic(store, unshifted, start=1000.0, tag="a")
        log_traffic(store, shifted, start=5000.0, tag="b")
        first = monitor(store, project, MonitorOptions(model="1", until=2000.0))
        second = monitor(store, project, MonitorOptions(model="challenger"))
    return project, first, second


def by_name(result: MonitorResult, slice_key: str = "all") -> dict:
    return {c.name: c for c in result.checks if c.slice == slice_key}


def test_an_unshifted_window_raises_no_alert(runs) -> None:
    _, unshifted, _ = runs
    assert unshifted.window["rows"] == 150 and unshifted.reference["split"] == "validation"
    assert unshifted.status == "ok" and unshifted.alerts == []
    checks = by_name(unshifted)
    assert checks["domain_classifier"].result.p_value > 0.001
    assert checks["performance"].status == "ok"


def test_out_of_scope_traffic_is_flagged_with_driving_rows_and_neighbours(runs) -> None:
    _, _, shifted = runs
    assert shifted.window["rows"] == 150 and shifted.status == "drift"
    checks = by_name(shifted)
    for name in ("domain_classifier", "oov", "confidence"):
        assert checks[name].status == "drift", name
    assert checks["mmd"].result.p_value < 0.01  # yet above 0.05 / 36 checks
    terms = [t["term"] for t in checks["oov"].result.details["new_terms"]]
    assert len(terms) == 20
    alert = next(a for a in shifted.alerts if a.check.name == "domain_classifier")
    assert len(alert.rows) == 5
    assert all(row["request_id"].startswith("b") and row["text"] for row in alert.rows)
    assert all(len(row["neighbours"]) == 2 for row in alert.rows)
    assert {n["label"] for row in alert.rows for n in row["neighbours"]} <= set(
        runs[0].spec.label_names)


def test_slices_get_the_same_checks(runs) -> None:
    _, _, shifted = runs
    slices = {c.slice for c in shifted.checks}
    assert {"all", "length=<40", "length=≥40"} <= slices
    short = by_name(shifted, "length=<40")
    assert set(short) == set(by_name(shifted))


def test_the_run_is_stored_for_plots_over_time(runs) -> None:
    project, first, second = runs
    with Store.for_project(project) as store, store.read() as conn:
        report = monitoring.get_report(conn)
        assert (report["id"], report["status"]) == (second.report_id, "drift")
        history = monitoring.check_history(conn, "domain_classifier")
        assert [(h["report_id"], h["status"]) for h in history] == [
            (first.report_id, "ok"), (second.report_id, "drift")]
        stored = {c["name"]: c for c in monitoring.checks(conn, second.report_id)
                  if c["slice"] == "all"}
        rows = monitoring.alert_rows(conn, stored["domain_classifier"]["id"])
        assert len(rows) == 5 and rows[0]["neighbours"][0]["record_id"]


def test_the_report_escapes_production_texts(runs) -> None:
    _, _, shifted = runs
    html = shifted.report_html.read_text(encoding="utf-8")
    assert SCRIPT in _alert_texts(shifted)  # every word unknown: the top OOV row
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html
    saved = json.loads(shifted.report_json.read_text(encoding="utf-8"))
    assert saved["status"] == "drift" and saved["model"]["version"] == 1
    assert shifted.report_html.parent.name == shifted.report_id


def _alert_texts(result: MonitorResult) -> list[str]:
    return [row["text"] for alert in result.alerts for row in alert.rows]


def test_the_report_and_the_page_show_the_estimate_the_same_way(runs) -> None:
    from textloop.stages.monitor.history import monitoring_page

    project, _, shifted = runs
    with Store.for_project(project) as store:
        estimate = monitoring_page(store, project).estimate  # the latest run's
    estimated = by_name(shifted)["performance"].result.details["estimated"]
    assert estimate.value == estimated["accuracy"]
    assert estimate.margin == pytest.approx(2 * estimated["accuracy_se"])
    html = shifted.report_html.read_text(encoding="utf-8")
    card = html[html.index('<div class="card" id="estimate">'):]
    card = card[:card.index("</div></div>") + len("</div></div>")]
    assert (f'<div class="name">{estimate.name}</div><div class="value">{estimate.text}'
            '</div>') in card
    assert "%" not in estimate.text and html.count(estimate.name) == 1
