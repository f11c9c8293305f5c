"""Feedback: checked against the project's labels, linked to the prediction and its record."""

from __future__ import annotations

import pytest

from tests.unit.stages.serving.test_prediction_log import prediction
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.queue import encode_labels
from textloop.stages.serving.feedback import record_feedback
from textloop.stages.serving.prediction_log import PredictionLog, log_row
from textloop.storage import annotation_log, predictions, records


def logged(store, text: str, log_texts: str, request_id: str = "req1") -> None:
    log = PredictionLog(store).start()
    log.offer([log_row(prediction(text), request_id=request_id, idx=0, version=1,
                       api_key="app", latency_ms=1.0, log_texts=log_texts)])
    log.close()


def test_feedback_on_a_new_text_creates_a_production_record(project, store) -> None:
    logged(store, " never seen before ", "full")
    stored = record_feedback(store, project, request_id="req1", idx=0, label="ham",
                             api_key="app")
    with store.read() as conn:
        (record,) = records.get_many(conn, [stored.record_id])
        (annotation,) = annotation_log.history(conn, stored.record_id)
        (feedback,) = predictions.feedback_for(conn, "req1")
    assert record.text == "never seen before" and record.source_kind == "production"
    assert record.source_ref == "prediction:req1/0"
    assert (annotation["label"], annotation["kind"], annotation["annotator"]) == (
        "ham", "production", "api:app")
    assert feedback["annotation_id"] == annotation["id"] == stored.annotation_id


def test_with_hashed_texts_only_an_existing_record_is_labeled(project, store, tmp_path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text\nknown text\n")
    import_file(store, project, data, ImportOptions())
    logged(store, "known text", "hash", "r1")
    logged(store, "unknown text", "hash", "r2")
    known = record_feedback(store, project, request_id="r1", idx=0, label="spam", api_key=None)
    unknown = record_feedback(store, project, request_id="r2", idx=0, label="spam",
                              api_key=None)
    assert known.record_id is not None and known.annotation_id is not None
    assert unknown.record_id is None and unknown.annotation_id is None
    with store.read() as conn:
        assert records.count(conn) == 1
        assert annotation_log.history(conn, known.record_id)[-1]["annotator"] == "api:anonymous"


def test_unknown_labels_and_requests_are_refused(project, store) -> None:
    logged(store, "some text", "none")
    with pytest.raises(InvalidInputError, match=r"unknown label 'eggs' \(known labels: spam, "
                                                r"ham\)"):
        record_feedback(store, project, request_id="req1", idx=0, label="eggs", api_key=None)
    with pytest.raises(NotFoundError, match="no logged prediction 1 of request 'req1'"):
        record_feedback(store, project, request_id="req1", idx=1, label="ham", api_key=None)
    stored = record_feedback(store, project, request_id="req1", idx=0, label="ham", api_key=None)
    assert stored.record_id is None  # log_texts none: the feedback row stands alone


def test_feedback_waits_for_a_row_still_in_the_log_queue(project, store) -> None:
    log = PredictionLog(store)  # not started: the row is still queued
    log.offer([log_row(prediction(), request_id="late", idx=0, version=1, api_key=None,
                       latency_ms=1.0, log_texts="full")])

    def flush() -> None:
        log.start()
        log.flush()

    stored = record_feedback(store, project, request_id="late", idx=0, label="spam",
                             api_key=None, flush=flush)
    log.close()
    assert stored.record_id is not None


def test_a_logged_text_the_store_refuses_in_records_never_becomes_one(project, store) -> None:
    logged(store, "nul \x00 in a text logged before texts were checked", "full")
    with pytest.raises(InvalidInputError, match="cannot become a record: it contains a NUL"):
        record_feedback(store, project, request_id="req1", idx=0, label="spam", api_key="app")
    with store.read() as conn:
        assert records.count(conn) == 0 and predictions.feedback_for(conn, "req1") == []


def test_a_key_gives_feedback_only_on_its_own_predictions(project, store) -> None:
    logged(store, "a text from the app", "full")  # logged under the key "app"
    with pytest.raises(NotFoundError, match="no logged prediction 0 of request 'req1'"):
        record_feedback(store, project, request_id="req1", idx=0, label="spam",
                        api_key="mallory")
    assert record_feedback(store, project, request_id="req1", idx=0, label="spam",
                           api_key="app").record_id is not None


def test_multilabel_feedback_is_stored_as_a_labeling_answer_is(project, store) -> None:
    project.spec.task = "multilabel"
    logged(store, "a text with two labels", "full")
    stored = record_feedback(store, project, request_id="req1", idx=0, label="spam",
                             api_key="app")
    with store.read() as conn:
        (annotation,) = annotation_log.history(conn, stored.record_id)
    assert annotation["label"] == encode_labels(project, ["spam"]) == '["spam"]'
