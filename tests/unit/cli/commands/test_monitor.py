"""``textloop monitor`` as a user types it: the table, the exit codes, the JSON."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from typer.testing import CliRunner

from tests.unit.stages.monitor.fixtures import log_traffic, served_project, windows
from textloop.cli.commands.monitor import DRIFT_EXIT_CODE, parse_time
from textloop.cli.main import app
from textloop.errors import InvalidInputError
from textloop.storage import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project, held_out = served_project(tmp_path_factory.mktemp("cli-monitor"))
    _, shifted = windows(held_out)
    with Store.for_project(project) as store:
        log_traffic(store, shifted, start=time.time() - 600, tag="b")
    return project


def invoke(project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "monitor", *args])


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["monitor", "--help"])
    assert result.exit_code == 0 and "textloop monitor --since 24h" in result.output


def test_drift_prints_the_checks_and_fails_only_when_asked(project) -> None:
    flagged = invoke(project, "--model", "1", "--fail-on-drift")
    assert flagged.exit_code == DRIFT_EXIT_CODE, flagged.output
    assert "domain_classifier" in flagged.output and "Status: drift" in flagged.output
    assert "report.html" in flagged.output
    listed = invoke(project, "--model", "challenger", "--since", "1h", "--json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert data["status"] == "drift" and data["window"]["rows"] == 150
    assert data["report"].endswith("report.html") and data["alerts"] >= 1


def test_a_small_window_is_not_enough_data(project) -> None:
    result = invoke(project, "--model", "1", "--window", "20", "--fail-on-drift", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "not enough data"
    assert all("monitoring.min_rows is 30" in c["reason"] for c in data["checks"])


def test_bad_times_and_unknown_versions_are_clean_errors(project) -> None:
    bad = invoke(project, "--since", "yesterday")
    assert bad.exit_code == 2 and "neither a date/time nor an age" in bad.output
    missing = invoke(project, "--model", "7")
    assert missing.exit_code == 3 and "no model version '7'" in missing.output


def test_times_are_dates_or_ages() -> None:
    assert parse_time(None, "--since") is None
    assert abs(parse_time("24h", "--since") - (time.time() - 86400)) < 5
    assert parse_time("2025-03-01T12:00", "--until") == dt.datetime(2025, 3, 1, 12).timestamp()
    with pytest.raises(InvalidInputError, match="--until '3 days'"):
        parse_time("3 days", "--until")


def test_alert_rules_fire_and_an_unreachable_webhook_is_reported(project) -> None:
    import socket

    from textloop.config import AlertRule

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"  # closed once the block ends
    project.spec.alerts = [AlertRule(name="drift", check="status", threshold=0.5, webhook=url),
                           AlertRule(name="never", check="oov", threshold=1e9)]
    project.save()
    try:
        result = invoke(project, "--model", "1")
        listed = invoke(project, "--model", "1", "--json")
    finally:
        project.spec.alerts = []
        project.save()
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Fired: alert 'drift': status status 1 > 0.5" in text
    assert "webhook NOT delivered after 3 tries (ConnectError" in text
    assert "'never'" not in text
    (fired,) = json.loads(listed.output)["fired"]
    assert fired["rule"] == "drift" and fired["webhook"]["delivered"] is False
    assert fired["rows"] and fired["report_id"] == json.loads(listed.output)["report_id"]
