"""Prediction-log windows and monitor runs in the store."""

from __future__ import annotations

import pytest

from textloop.errors import NotFoundError
from textloop.storage import Store, monitoring, predictions


def logged(request_id: str, created_at: float, run: str = "m-1") -> dict:
    return {"request_id": request_id, "idx": 0, "created_at": created_at, "model_version": 1,
            "run_name": run, "api_key": None, "text": f"text {request_id}", "text_hash": None,
            "label": "ham", "probabilities": {"ham": 0.9, "spam": 0.1}, "score": 0.9,
            "band": "allow", "value": None, "latency_ms": 1.0}


@pytest.fixture
def log(store: Store) -> Store:
    with store.write() as conn:
        predictions.insert_many(conn, [logged(f"r{i}", float(i)) for i in range(6)]
                                + [logged("other", 2.5, run="m-2")])
        for label in ("spam", "ham"):  # the newest feedback wins
            predictions.add_feedback(conn, request_id="r4", idx=0, label=label, api_key=None,
                                     record_id=None, annotation_id=None)
    return store


def test_a_window_is_the_latest_rows_of_one_run_oldest_first(log: Store) -> None:
    with log.read() as conn:
        rows = monitoring.window(conn, "m-1", last=3)
        assert [r["request_id"] for r in rows] == ["r3", "r4", "r5"]
        assert [r["feedback"] for r in rows] == [None, "ham", None]
        assert rows[0]["probabilities"] == {"ham": 0.9, "spam": 0.1}
        between = monitoring.window(conn, "m-1", since=1.0, until=3.0)
        assert [r["request_id"] for r in between] == ["r1", "r2"]
        assert [r["request_id"] for r in monitoring.window(conn, "m-2")] == ["other"]


def test_a_monitor_run_keeps_its_checks_and_alert_rows(log: Store) -> None:
    check = {"slice": "all", "name": "input.mmd", "detector": "textloop.drift.mmd.v1",
             "status": "drift", "n_rows": 6, "score": 0.2, "threshold": 0.1, "p_value": 0.01,
             "fixed_threshold": 0.015, "fixed_drift": True, "details": {"k": 1}}
    with log.write() as conn:
        for status in ("ok", "drift"):
            report = monitoring.add_report(
                conn, model_version=None, run_name="m-1", release_id=None, window=(0.0, 5.0),
                n_rows=6, status=status, config={"window": 6}, summary={"checks": 1})
            check_id = monitoring.add_check(conn, report["id"], {**check, "status": status})
        monitoring.add_alert_rows(conn, report["id"], check_id, [
            {"request_id": "r5", "idx": 0, "neighbours": [{"record_id": "x"}]},
            {"request_id": "r4", "idx": 0}])
        monitoring.set_report_path(conn, report["id"], "monitor/mon2/report.html")
    with log.read() as conn:
        latest = monitoring.get_report(conn)
        assert (latest["id"], latest["status"], latest["config"]) == ("mon2", "drift",
                                                                       {"window": 6})
        assert latest["report_path"] == "monitor/mon2/report.html"
        (stored,) = monitoring.checks(conn, "mon2")
        assert stored["fixed_drift"] is True and stored["details"] == {"k": 1}
        history = monitoring.check_history(conn, "input.mmd")
        assert [h["status"] for h in history] == ["ok", "drift"]
        rows = monitoring.alert_rows(conn, stored["id"])
        assert [(r["request_id"], r["position"]) for r in rows] == [("r5", 0), ("r4", 1)]
        assert rows[0]["neighbours"] == [{"record_id": "x"}] and rows[1]["neighbours"] == []
        with pytest.raises(NotFoundError, match="no monitor report 'm9'"):
            monitoring.get_report(conn, "m9")
        # model versions are m1, m2: reports are mon1, mon2, and an older store's m1 still opens
        assert monitoring.get_report(conn, "mon1")["status"] == "ok"
        assert monitoring.get_report(conn, "m1")["id"] == "mon1"


def test_traffic_reads_times_and_latencies_of_the_span_up_to_the_newest_row(log: Store) -> None:
    with log.write() as conn:
        predictions.insert_many(conn, [{**logged("batch", 9.0), "idx": i, "latency_ms": 7.5}
                                       for i in range(2)])
    with log.read() as conn:
        assert monitoring.traffic(conn, span=4.0) == [
            (5.0, 0, 1.0), (9.0, 0, 7.5), (9.0, 1, 7.5)]
        everything = monitoring.traffic(conn, span=100.0)
        assert len(everything) == 9 and everything[0] == (0.0, 0, 1.0)
        assert [t for t, _, _ in everything] == sorted(t for t, _, _ in everything)


def test_traffic_of_an_empty_log_is_empty(store: Store) -> None:
    with store.read() as conn:
        assert monitoring.traffic(conn, span=100.0) == []


def test_logged_rows_come_back_in_the_order_asked_across_chunks(log: Store,
                                                                 monkeypatch) -> None:
    monkeypatch.setattr(monitoring, "CHUNK", 2)  # several IN lists for six requests
    keys = [("r5", 0), ("gone", 0), ("r0", 0), ("r4", 0), ("r5", 0), ("r2", 1), ("other", 0)]
    with log.read() as conn:
        rows = monitoring.logged_rows(conn, keys)
    assert [r["request_id"] for r in rows] == ["r5", "r0", "r4", "other"]
    assert [r["feedback"] for r in rows] == [None, None, "ham", None]
    assert rows[1]["text"] == "text r0"
