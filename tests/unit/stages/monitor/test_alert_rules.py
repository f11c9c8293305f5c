"""Alert rules on a stored monitor report: which rules fire, the log line, and the webhook
(a real HTTP receiver on a loopback port that fails the first POST and accepts the next)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.unit.stages.monitor.stored_reports import stored_report
from textloop.config import AlertRule, Project
from textloop.stages.monitor.alert_rules import fire_alerts
from textloop.storage import Store

FAST = (0.01, 0.02)


class Receiver(ThreadingHTTPServer):
    """Answers 500 to the first ``failures`` POSTs, then 204; keeps every body it got."""

    def __init__(self, failures: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.failures = failures
        self.bodies: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.server.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        failed = len(self.server.bodies) <= self.server.failures
        self.send_response(500 if failed else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(failures=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def report(store: Store) -> str:
    return stored_report(store, [
        {"name": "oov", "score": 0.17, "p_value": 0.001, "rows": ["r1", "r2"]},
        {"name": "mmd", "score": 0.004, "p_value": 0.3, "status": "ok"},
        {"name": "oov", "slice": "length=<40", "score": 0.5, "n_rows": 40, "rows": ["r3"]}])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_matching_rules_fire_and_others_stay_quiet(project: Project, store: Store) -> None:
    project.spec.alerts = [
        AlertRule(name="oov-high", check="oov", threshold=0.1),
        AlertRule(name="mmd-high", check="mmd", threshold=0.01),
        AlertRule(name="mmd-rare", check="mmd", metric="p_value", op="<", threshold=0.05),
        AlertRule(name="short-oov", check="oov", slice="length=<40", threshold=0.1, window=50),
        AlertRule(name="drift", check="status", threshold=0.5)]
    report_id = report(store)
    fired = {f.payload["rule"]: f.payload for f in fire_alerts(store, project, report_id)}
    assert set(fired) == {"oov-high", "drift"}  # the slice had 40 rows, fewer than 50
    assert fired["oov-high"]["rows"] == [{"request_id": "r1", "idx": 0},
                                         {"request_id": "r2", "idx": 0}]
    assert (fired["drift"]["metric"], fired["drift"]["value"]) == ("status", 1.0)
    assert {r["request_id"] for r in fired["drift"]["rows"]} == {"r1", "r2", "r3"}


def test_a_rule_writes_a_log_line(project: Project, store: Store, caplog) -> None:
    project.spec.alerts = [AlertRule(name="oov-high", check="oov", threshold=0.1)]
    report_id = report(store)
    with caplog.at_level(logging.WARNING, logger="textloop.alerts"):
        fire_alerts(store, project, report_id)
    assert [r.name for r in caplog.records] == ["textloop.alerts"]
    assert caplog.records[0].getMessage() == (
        f"alert 'oov-high': oov score 0.17 > 0.1 (report {report_id}, 2 driving rows)")


def test_the_webhook_is_retried_until_accepted(project: Project, store: Store,
                                               receiver: Receiver) -> None:
    project.spec.alerts = [AlertRule(name="oov-high", check="oov", threshold=0.1,
                                     webhook=receiver.url)]
    report_id = report(store)
    (firing,) = fire_alerts(store, project, report_id, backoff=FAST)
    assert firing.delivery is not None
    assert (firing.delivery.delivered, firing.delivery.tries) == (True, 2)
    assert len(receiver.bodies) == 2 and receiver.bodies[0] == receiver.bodies[1]
    body = receiver.bodies[1]
    assert (body["rule"], body["check"], body["value"], body["threshold"], body["report_id"]) \
        == ("oov-high", "oov", 0.17, 0.1, report_id)
    assert [r["request_id"] for r in body["rows"]] == ["r1", "r2"]


def test_a_receiver_that_keeps_failing_gets_three_tries(project: Project, store: Store,
                                                        receiver: Receiver) -> None:
    receiver.failures = 10
    project.spec.alerts = [AlertRule(name="oov-high", check="oov", threshold=0.1,
                                     webhook=receiver.url)]
    (firing,) = fire_alerts(store, project, report(store), backoff=FAST)
    assert firing.delivery is not None and not firing.delivery.delivered
    assert (firing.delivery.tries, firing.delivery.error, len(receiver.bodies)) == (
        3, "HTTP 500", 3)


def test_an_unreachable_webhook_is_reported_not_raised(project: Project, store: Store,
                                                       caplog) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hook"
    project.spec.alerts = [AlertRule(name="oov-high", check="oov", threshold=0.1, webhook=url)]
    with caplog.at_level(logging.WARNING, logger="textloop.alerts"):
        (firing,) = fire_alerts(store, project, report(store), backoff=FAST)
    assert firing.delivery is not None and not firing.delivery.delivered
    assert firing.delivery.tries == 3 and "ConnectError" in (firing.delivery.error or "")
    assert firing.to_dict()["webhook"]["delivered"] is False
    assert any("failed after 3 tries" in r.getMessage() for r in caplog.records)
