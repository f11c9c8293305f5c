"""``suggest --from production``: disputed, drifted and uncertain production rows come back to
the labeling queue with their request ids, once, and reach the next release once labeled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.stages.monitor.stored_reports import stored_report
from tests.unit.stages.pipeline_fixtures import released
from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.stages.active_learn.production import suggest_from_production
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.history import record_history
from textloop.stages.label.queue import next_item, submit
from textloop.stages.predict.prediction import Prediction
from textloop.stages.release import create_release
from textloop.stages.release.loader import load_release
from textloop.stages.serving.prediction_log import log_row
from textloop.storage import Store, predictions, queue, records
from textloop.types import SourceKind


def logged(store: Store, rows: list[tuple[str, str, float]], log_texts: str = "full",
           feedback: dict[str, str] | None = None) -> None:
    """Log (request id, text, spam probability) rows as the server does, one second apart,
    and ``feedback`` (request id -> true label) on them."""
    out = []
    for i, (request, text, spam) in enumerate(rows):
        proba = {"spam": spam, "ham": 1 - spam}
        label = "spam" if spam >= 0.5 else "ham"
        prediction = Prediction(text, label, proba, max(proba.values()), "", "tfidf-lr-1")
        row = log_row(prediction, request_id=request, idx=0, version=1, api_key=None,
                      latency_ms=1.0, log_texts=log_texts)  # type: ignore[arg-type]
        out.append({**row, "created_at": 1000.0 + i})
    with store.write() as conn:
        predictions.insert_many(conn, out)
        for request, label in (feedback or {}).items():
            predictions.add_feedback(conn, request_id=request, idx=0, label=label,
                                     api_key=None, record_id=None, annotation_id=None)


TRAFFIC = [
    ("r-sure", "dinner at home later tonight", 0.02),
    ("r-close", "claim your lunch now", 0.52),
    ("r-wrong", "free movie tickets for mum", 0.91),
    ("r-odd", "zzkq qqxv wwpt", 0.10),
    ("r-fairly", "call me about the meeting", 0.30),
]


@pytest.fixture
def production(project: Project, store: Store, tmp_path: Path) -> tuple[Project, Store]:
    released(store, project, tmp_path)
    logged(store, TRAFFIC, feedback={"r-wrong": "ham"})
    return project, store


def all_records(store: Store) -> list:
    with store.read() as conn:
        return list(records.iter_all(conn))


def queued_reasons(store: Store) -> dict[str, str]:
    with store.read() as conn:
        return {item["record_id"]: item["strategy"] for item in queue.active_items(conn)}


def test_disputed_drifted_and_uncertain_rows_are_queued_with_why(production) -> None:
    project, store = production
    report = stored_report(store, [{"name": "oov", "score": 0.3, "rows": ["r-odd"]}])
    result = suggest_from_production(store, project, batch=3)
    assert [p.request_id for p in result.picks] == ["r-wrong", "r-odd", "r-close"]
    assert result.report_id == report
    reasons = queued_reasons(store)
    by_request = {p.request_id: reasons[p.record_id] for p in result.picks}
    assert by_request["r-wrong"].startswith("production r-wrong/0: disputed (feedback 'ham', "
                                            "predicted 'spam')")
    assert by_request["r-odd"].startswith(f"production r-odd/0: drifted (oov alert in {report})")
    assert "uncertain (margin 0.040)" in by_request["r-close"]


def test_new_texts_become_production_records_named_by_request(production) -> None:
    project, store = production
    result = suggest_from_production(store, project, batch=5)
    pick = next(p for p in result.picks if p.request_id == "r-close")
    history = record_history(store, project, pick.record_id)
    assert history.record.source_kind == SourceKind.PRODUCTION
    assert history.record.source_ref == "prediction:r-close/0"
    assert history.record.text == "claim your lunch now"
    assert [item["strategy"] for item in history.queued] == [pick.why]


def test_a_text_already_in_the_store_reuses_its_record(production, tmp_path: Path) -> None:
    project, store = production
    pool = tmp_path / "pool.csv"
    pool.write_text("text\nsee the movie later with mum\n")
    import_file(store, project, pool, ImportOptions())
    labeled = load_release(store).splits["train"].texts[0]
    logged(store, [("r-pool", " see the movie later with mum ", 0.5),
                   ("r-labeled", labeled, 0.5)])
    picks = {p.request_id: p for p in suggest_from_production(store, project, batch=10).picks}
    (imported,) = (r for r in all_records(store) if r.text == "see the movie later with mum")
    assert picks["r-pool"].record_id == imported.id and imported.source_kind == "file"
    assert "r-labeled" not in picks  # labeled by an import: nothing to ask


def test_running_twice_queues_nothing_new(production) -> None:
    project, store = production
    first = suggest_from_production(store, project, batch=10)
    second = suggest_from_production(store, project, batch=10)
    assert first.queued == len(TRAFFIC) and second.queued == 0
    assert second.skipped == len(TRAFFIC)
    assert len(queued_reasons(store)) == len(TRAFFIC)


@pytest.mark.parametrize("log_texts", ["hash", "none"])
def test_without_logged_texts_nothing_can_be_queued(project, store, log_texts) -> None:
    logged(store, TRAFFIC, log_texts=log_texts)
    with pytest.raises(InvalidInputError, match="keep no texts") as caught:
        suggest_from_production(store, project)
    assert "log_texts: full" in (caught.value.hint or "")
    assert queued_reasons(store) == {}


def test_labeled_production_records_reach_the_next_release(production) -> None:
    project, store = production
    picks = suggest_from_production(store, project, batch=3).picks
    while (item := next_item(store, "ana")) is not None:
        submit(store, project, "ana", item.record_id, ["ham"])
    release = load_release(store, create_release(store, project).id)
    ids = {rid for split in release.splits.values() for rid in split.ids}
    assert {p.record_id for p in picks} <= ids


def test_a_labeling_refresh_keeps_production_rows_at_the_front(production, tmp_path) -> None:
    from textloop.stages.active_learn import refresh, suggest

    project, store = production
    unlabeled = tmp_path / "unlabeled.csv"
    unlabeled.write_text("text\nwin a free phone today\nlunch at noon?\nprize draw winner\n"
                         "meeting moved to friday\n", encoding="utf-8")
    import_file(store, project, unlabeled, ImportOptions())
    suggest(store, project, batch=3)  # the project's own strategy queues some records first
    result = suggest_from_production(store, project, batch=3)
    with store.read() as conn:
        before = {i["record_id"]: i["priority"] for i in queue.active_items(conn)}
    assert refresh(store, project).updated == 6
    with store.read() as conn:
        items = queue.active_items(conn)
    after = {i["record_id"]: i["priority"] for i in items}
    picked = {p.record_id for p in result.picks}
    assert {rid: after[rid] for rid in picked} == {rid: before[rid] for rid in picked}
    others = [i["priority"] for i in items if i["record_id"] not in picked]
    assert min(after[rid] for rid in picked) > max(others, default=float("-inf"))


def test_the_annotator_sees_why_a_production_row_came_back(production) -> None:
    project, store = production
    suggest_from_production(store, project, batch=1)
    item = next_item(store, "ana")
    assert item is not None and item.text == "free movie tickets for mum"
    assert item.picked_because is not None
    assert item.picked_because.startswith("production r-wrong/0: disputed (feedback 'ham'")
