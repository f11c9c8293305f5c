"""``suggest --from production`` on a span project: rows whose feedback corrects the served
spans, rows a span alert names and rows with the least sure spans come back to labeling,
with the served spans offered on the labeling page, once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.server.span_fixtures import SCORED_RULES, log_extractions, span_champion
from tests.unit.stages.monitor.stored_reports import stored_report
from textloop.stages.active_learn.production import suggest_from_production
from textloop.stages.label.span_suggestions import StoredModelSuggester
from textloop.storage import Store, predictions, queue, records
from textloop.types import SourceKind

TRAFFIC = {
    "d-wrong": "Call 010-1111-2222 about Globex",  # feedback adds the missed Globex
    "d-right": "Ana met Acme",  # feedback agrees with the served spans: no dispute
    "x-new": "Call 010-3333-4444 now",  # named by a new_span_strings alert
    "u-unsure": "Bob met Ana",  # Bob: one PER rule of two (score 0.5)
    "s-sure": "Acme hired Ana",
}


def spans(*items: tuple[int, int, str]) -> str:
    return json.dumps([{"start": s, "end": e, "label": label} for s, e, label in items])


def logged(store: Store) -> None:
    log_extractions(store, list(TRAFFIC.values()), start=1000.0, tag="", ids=list(TRAFFIC))
    with store.write() as conn:
        for request, value in (("d-wrong", spans((5, 18, "PHONE"), (25, 31, "ORG"))),
                               ("d-right", spans((0, 3, "PER"), (8, 12, "ORG")))):
            predictions.add_feedback(conn, request_id=request, idx=0, label=value,
                                     api_key=None, record_id=None, annotation_id=None)


def strategies(store: Store) -> dict[str, str]:
    with store.read() as conn:
        texts = {r.id: r.text for r in records.iter_all(conn)}
        return {texts[item["record_id"]]: item["strategy"]
                for item in queue.active_items(conn)}


def test_disputed_drifted_and_unsure_span_rows_are_queued_with_why(tmp_path: Path) -> None:
    with span_champion(tmp_path, rules=SCORED_RULES) as (project, store):
        logged(store)
        report = stored_report(store, [{"name": "new_span_strings", "score": 0.4,
                                        "rows": ["x-new"]}])
        result = suggest_from_production(store, project, batch=3)
        assert [(p.request_id, p.kind) for p in result.picks] == [
            ("d-wrong", "disputed"), ("x-new", "drifted"), ("u-unsure", "uncertain")]
        why = strategies(store)
        assert why[TRAFFIC["d-wrong"]].startswith(
            "production d-wrong/0: disputed (feedback 2 spans, served 1: 1 missed, 0 wrong)")
        assert why[TRAFFIC["x-new"]].startswith(
            f"production x-new/0: drifted (new_span_strings alert in {report})")
        assert why[TRAFFIC["u-unsure"]] == (
            "production u-unsure/0: uncertain (span score 0.500 (PER 'Bob'))")
        with store.read() as conn:
            made = {r.text: r for r in records.iter_all(conn) if r.text in why}
        assert made[TRAFFIC["x-new"]].source_kind == SourceKind.PRODUCTION
        assert made[TRAFFIC["x-new"]].source_ref == "prediction:x-new/0"
        # the served spans are the model's suggestions on the labeling page
        suggester = StoredModelSuggester(store, tuple(project.spec.label_names), False)
        unsure, new = suggester.suggest([TRAFFIC["u-unsure"], TRAFFIC["x-new"]])
        with store.read() as conn:
            served = predictions.get(conn, "u-unsure", 0)["spans"]
        assert [(s.start, s.end, s.label, s.score) for s in unsure] == [
            (0, 3, "PER", served[0]["score"]), (8, 11, "PER", served[1]["score"])]
        assert served[0]["score"] < served[1]["score"]  # Bob (one rule of two) below Ana
        assert [(s.start, s.end, s.label) for s in new] == [(5, 18, "PHONE")]


def test_running_twice_queues_nothing_new_and_agreeing_feedback_is_no_dispute(
        tmp_path: Path) -> None:
    with span_champion(tmp_path, rules=SCORED_RULES) as (project, store):
        logged(store)
        first = suggest_from_production(store, project, batch=10)
        second = suggest_from_production(store, project, batch=10)
        assert [p.kind for p in first.picks].count("disputed") == 1
        assert {p.request_id for p in first.picks} == {"d-wrong", "x-new", "u-unsure",
                                                       "d-right", "s-sure"}
        assert second.queued == 0 and second.skipped == len(TRAFFIC)
        assert len(strategies(store)) == len(TRAFFIC)
