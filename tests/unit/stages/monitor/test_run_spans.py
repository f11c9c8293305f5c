"""``monitor`` on a span project: a span-rules champion, its extractions logged as the
server logs them, an unchanged window against one with new phone numbers and a missed
company, and feedback with corrected spans."""

from __future__ import annotations

import json

import pytest

from tests.unit.server.span_fixtures import SCORED_RULES, champion_of, log_extractions
from tests.unit.stages.span_run_fixtures import KINDS, released_span_project
from textloop.config import MonitoringSettings, Project
from textloop.stages.monitor import MonitorOptions, MonitorResult, monitor
from textloop.storage import Store, monitoring, predictions
from textloop.tasks import SPANS

SETTINGS = MonitoringSettings(
    window=60, min_rows=5, permutations=99, reference_split="train", alert_rows=5,
    neighbours=0, detectors=["text-stats", "oov", "label-psi", "confidence", "span-rate",
                             "span-presence", "span-length", "span-confidence",
                             "new-span-strings"])
SHIFTED = "Call 010-{:04d}-{:04d} about Globex <b>now</b>"
"""A new phone number each time (new strings, more PHONE spans), a company no rule knows,
and markup that the report must show as text."""


def corrected(text: str) -> str:
    """The true spans of a shifted text: its phone number and Globex."""
    phone = text.index("010")
    return json.dumps([{"start": phone, "end": phone + 13, "label": "PHONE"},
                       {"start": text.index("Globex"), "end": text.index("Globex") + 6,
                        "label": "ORG"}])


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Project, MonitorResult, MonitorResult]:
    folder = tmp_path_factory.mktemp("span-monitor")
    with released_span_project(folder, rules=SCORED_RULES) as (project, store, _):
        project.spec.monitoring = SETTINGS
        project.save()
        champion_of(store, project)
        same = [f"{KINDS[i % len(KINDS)].text} #{100 + i}" for i in range(60)]
        shifted = [SHIFTED.format(1000 + i, 7 * i) for i in range(60)]
        log_extractions(store, same, start=1000.0, tag="a")
        log_extractions(store, shifted, start=5000.0, tag="b")
        with store.write() as conn:
            for i in range(6):
                predictions.add_feedback(conn, request_id=f"b{i}", idx=0,
                                         label=corrected(shifted[i]), api_key=None,
                                         record_id=None, annotation_id=None)
        first = monitor(store, project, MonitorOptions(model="1", until=2000.0))
        second = monitor(store, project, MonitorOptions(model="champion"))
        yield project, first, second


def by_name(result: MonitorResult) -> dict:
    return {c.name: c for c in result.checks if c.slice == "all"}


def test_the_task_decides_the_checks(runs) -> None:
    _, unshifted, _ = runs
    names = list(by_name(unshifted))
    # label, band and class-confidence checks read what a span model does not give
    assert names == ["text_stats", "oov", "span_rate", "span_presence", "span_length",
                     "span_confidence", "new_span_strings", "entity_f1"]
    assert set(names) <= set(SPANS.monitoring_checks) | {"text_stats", "oov"}


def test_an_unchanged_window_raises_no_span_alert(runs) -> None:
    _, unshifted, _ = runs
    checks = by_name(unshifted)
    for name in ("span_rate", "span_presence", "span_length", "span_confidence",
                 "new_span_strings"):
        assert checks[name].status == "ok", (name, checks[name].result)
    assert checks["entity_f1"].status == "not enough data"
    assert "no feedback" in checks["entity_f1"].reason


def test_new_phone_numbers_are_new_strings_named_with_their_request_ids(runs) -> None:
    _, _, shifted = runs
    checks = by_name(shifted)
    assert shifted.status == "drift"
    assert checks["new_span_strings"].status == "drift"
    assert checks["span_rate"].status == "drift"
    rates = checks["span_rate"].result.details["types"]
    assert rates["PHONE"]["current_rate"] == 1.0 > rates["PHONE"]["reference_rate"]
    strings = checks["new_span_strings"].to_dict()["details"]["new_strings"]
    assert strings[0]["string"] == "010-1000-0000" and strings[0]["count"] == 1
    assert strings[0]["requests"] == [{"request_id": "b0", "idx": 0,
                                       "text": "Call 010-1000-0000 about Globex <b>now</b>"}]
    alert = next(a for a in shifted.alerts if a.check.name == "new_span_strings")
    assert [row["request_id"] for row in alert.rows] == ["b0", "b1", "b2", "b3", "b4"]
    served = dict(alert.rows[0]["spans"][0])
    score = served.pop("score")
    assert served == {"start": 5, "end": 18, "label": "PHONE", "text": "010-1000-0000"}
    assert 0.0 < score < 1.0  # the rule's 1.0, calibrated: its spans are not always right


def test_realized_entity_f1_from_feedback_alerts_naming_the_disputed_rows(runs) -> None:
    _, _, shifted = runs
    check = by_name(shifted)["entity_f1"]
    realized = check.result.details["realized"]
    # each of 6 rows: the phone found (1 of 1 predicted), Globex missed (1 of 2 gold)
    assert (realized["rows"], realized["n_correct"], realized["n_predicted"],
            realized["n_gold"]) == (6, 6, 6, 12)
    assert realized["entity_micro_f1"] == pytest.approx(2 / 3)
    assert check.result.details["expected"]["goal"] == 0.8
    assert check.status == "drift"
    alert = next(a for a in shifted.alerts if a.check.name == "entity_f1")
    assert [row["request_id"] for row in alert.rows] == ["b0", "b1", "b2", "b3", "b4"]
    assert json.loads(alert.rows[0]["feedback"])[1]["label"] == "ORG"



def test_the_report_shows_the_span_sections_escaped(runs) -> None:
    project, _, shifted = runs
    html = shifted.report_html.read_text(encoding="utf-8")
    for section in ('id="span-rates"', 'id="span-lengths"', 'id="new-strings"',
                    'id="entity-f1"'):
        assert section in html
    assert "<mark>010-1000-0000</mark> about Globex &lt;b&gt;now&lt;/b&gt;" in html
    assert "<b>now" not in html
    stored = json.loads(shifted.report_json.read_text(encoding="utf-8"))
    assert {c["name"] for c in stored["checks"]} >= {"new_span_strings", "entity_f1"}
    with Store.for_project(project) as store, store.read() as conn:
        named = {(r["check"], r["request_id"]) for r in
                 monitoring.report_alert_rows(conn, shifted.report_id)}
    assert ("new_span_strings", "b0") in named and ("entity_f1", "b0") in named
