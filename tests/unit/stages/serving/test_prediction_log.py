"""The prediction log: rows reach the store in batches, overflow is counted, close flushes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select

from textloop.stages.predict.prediction import Prediction
from textloop.stages.serving.prediction_log import PredictionLog, log_row
from textloop.storage import Store, predictions, schema
from textloop.texts import content_hash


def prediction(text: str = "  win a prize  ") -> Prediction:
    return Prediction(text=text, label="spam", probabilities={"spam": 0.9, "ham": 0.1},
                      score=0.9, band="block", model="tfidf-lr-1")


def row(i: int, log_texts: str = "full") -> dict:
    return log_row(prediction(), request_id=f"r{i}", idx=0, version=3, api_key="app",
                   latency_ms=1.5, log_texts=log_texts)


def count(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(schema.predictions)).scalar_one()


def test_redaction_keeps_the_text_its_hash_or_neither() -> None:
    full, hashed, none = (row(0, mode) for mode in ("full", "hash", "none"))
    digest = content_hash("win a prize")  # the record's hash: trimmed as an import trims
    assert (full["text"], full["text_hash"]) == ("  win a prize  ", digest)
    assert (hashed["text"], hashed["text_hash"]) == (None, digest)
    assert (none["text"], none["text_hash"]) == (None, None)
    assert full["model_version"] == 3 and full["run_name"] == "tfidf-lr-1"


def test_rows_are_written_and_close_flushes_the_queue(store) -> None:
    log = PredictionLog(store, capacity=1000, batch=7).start()
    assert log.offer([row(i) for i in range(50)]) == 0
    log.close()
    assert count(store) == 50 and log.written == 50 and log.dropped == 0
    with store.read() as conn:
        stored = predictions.get(conn, "r7")
    assert stored["probabilities"] == {"spam": 0.9, "ham": 0.1} and stored["api_key"] == "app"


def test_a_full_queue_drops_and_counts_instead_of_waiting(store) -> None:
    dropped: list[int] = []
    depths: list[int] = []
    log = PredictionLog(store, capacity=3, on_drop=dropped.append,
                        on_depth=depths.append)  # writer not started yet
    assert log.offer([row(i) for i in range(5)]) == 2
    assert log.depth == 3 and log.dropped == 2 and dropped == [2]
    assert depths == [3]  # what an operator sees before the writer catches up
    log.start()
    assert log.flush()
    log.close()
    assert count(store) == 3 and depths[-1] == 0


def test_a_refused_batch_loses_only_the_row_the_store_refuses(store) -> None:
    log = PredictionLog(store).start()
    log.offer([row(1), row(2), row(1)])  # request r1 index 0 twice: the batch is refused
    log.close()
    assert log.dropped == 1 and log.written == 2 and count(store) == 2


def run_together(targets: list[Callable[[], None]], timeout: float = 120.0) -> None:
    """Run each target in its own thread, all at once, and wait for every one."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def bad_row(i: int) -> dict:
    """A row whose text UTF-8 cannot encode (what a lone surrogate in JSON becomes)."""
    return log_row(prediction("evil \ud800 row"), request_id=f"bad{i}", idx=0, version=3,
                   api_key="mallory", latency_ms=1.0, log_texts="full")


def test_an_unencodable_text_costs_no_other_row_of_its_batch(store) -> None:
    dropped: list[int] = []
    log = PredictionLog(store, batch=500, on_drop=dropped.append)  # one batch of all rows
    log.offer([row(i) for i in range(5)] + [bad_row(0)] + [row(i) for i in range(5, 10)])
    log.start()
    log.close()
    assert count(store) == 10 and log.written == 10
    assert log.dropped == 1 and sum(dropped) == 1
    with store.read() as conn:
        assert predictions.get(conn, "bad0") is None and predictions.get(conn, "r9")


def test_under_concurrent_writers_every_good_row_is_stored_and_only_bad_ones_dropped(
        store) -> None:
    dropped: list[int] = []
    log = PredictionLog(store, capacity=100_000, batch=64, on_drop=dropped.append).start()
    start = threading.Barrier(5)

    def good(client: int) -> None:
        start.wait()
        for i in range(300):
            log.offer([log_row(prediction(f"text {client} {i}"), request_id=f"c{client}-{i}",
                               idx=0, version=3, api_key="app", latency_ms=1.0,
                               log_texts="full")])

    def bad() -> None:
        start.wait()
        for i in range(40):
            log.offer([bad_row(i)])

    run_together([lambda c=c: good(c) for c in range(4)] + [bad])
    log.close()
    assert count(store) == 4 * 300 == log.written  # count in = count stored
    assert log.dropped == 40 == sum(dropped)


def test_a_busy_store_drops_the_batch_without_retrying_each_row(store) -> None:
    busy = Store(store.url, store.artifact_root, busy_timeout=0.2)
    log = PredictionLog(busy, batch=500)
    log.offer([row(i) for i in range(20)])
    with store.write():  # another writer holds the store for the whole write attempt
        started = time.monotonic()
        log.start()
        assert log.flush(timeout=30)
        took = time.monotonic() - started
    log.close()
    busy.close()
    assert log.dropped == 20 and count(store) == 0
    assert took < 2.0  # one busy timeout, not one per row


def test_an_unexpected_row_error_does_not_stop_the_writer(store) -> None:
    log = PredictionLog(store, batch=1).start()
    bad = {key: value for key, value in row(1).items() if key != "probabilities"}  # broken
    log.offer([bad])
    assert log.flush()
    log.offer([row(2)])
    assert log.flush()
    log.close()
    assert log.dropped == 1 and count(store) == 1


def test_flush_waits_for_the_rows_queued_before_it_only(store) -> None:
    log = PredictionLog(store, capacity=100)  # writer not started: nothing is settled
    log.offer([row(1)])
    assert not log.flush(timeout=0.05)  # row 1 is still waiting
    log.start()
    assert log.flush()
    log.close()
    assert count(store) == 1


def test_a_span_models_row_holds_its_spans_and_no_label(store) -> None:
    from textloop.stages.serving.extract import ExtractedSpan, Extraction

    text = "😀 Ana at Acme"
    found = Extraction(text=text, model="span-rules-1", spans=[
        ExtractedSpan(2, 5, "PER", "Ana", 0.5), ExtractedSpan(9, 13, "ORG", "Acme", None)])
    logged = log_row(found, request_id="s1", idx=0, version=2, api_key=None, latency_ms=1.0,
                     log_texts="full")
    log = PredictionLog(store).start()
    log.offer([logged, row(1)])
    log.close()
    with store.read() as conn:
        spans_row, label_row = predictions.get(conn, "s1"), predictions.get(conn, "r1")
    assert spans_row["spans"] == [{"start": 2, "end": 5, "label": "PER", "score": 0.5},
                                  {"start": 9, "end": 13, "label": "ORG", "score": None}]
    assert (spans_row["label"], spans_row["band"], spans_row["text"]) == (None, None, text)
    assert spans_row["text_hash"] == content_hash(text)
    assert (label_row["label"], label_row["spans"]) == ("spam", None)
