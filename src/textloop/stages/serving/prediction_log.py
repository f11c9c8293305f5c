"""The prediction log: every answer is queued here and written to the store in batches.

A request only puts rows on a bounded in-memory queue (``put_nowait``: it never waits for
the database). One writer thread takes up to ``batch`` rows at a time and inserts them with
one executemany in one transaction, so a burst of traffic costs a few commits rather than one
per prediction. When the queue is full the rows are dropped and counted (the server exports
the count as ``textloop_prediction_log_dropped_total``); a failed write is counted the same
way. A batch the store refuses because of a row in it is written again row by row, so a bad
row costs only itself, never the other clients' rows beside it. ``close`` writes what is
queued before it returns, so a graceful shutdown loses nothing.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from textloop.errors import StorageError, TextloopError
from textloop.stages.predict.prediction import Prediction
from textloop.stages.serving.extract import Extraction
from textloop.storage import Store, predictions
from textloop.texts import content_hash, normalize_text

LogTexts = Literal["full", "hash", "none"]
log = logging.getLogger(__name__)


def log_row(prediction: Prediction | Extraction, *, request_id: str, idx: int,
            version: int | None, api_key: str | None, latency_ms: float,
            log_texts: LogTexts) -> dict[str, Any]:
    """The row logged for one prediction; the text is kept, hashed or left out per
    ``log_texts``. The hash is a record's content hash, so feedback can find the record.
    A span model's row holds its spans (``[{start, end, label, score}]``, code points of the
    text as sent) and no label; a classifier's row holds no spans."""
    digest = content_hash(normalize_text(prediction.text)) if log_texts != "none" else None
    row: dict[str, Any] = {
        "request_id": request_id, "idx": idx, "created_at": time.time(),
        "model_version": version, "run_name": prediction.model, "api_key": api_key,
        "text": prediction.text if log_texts == "full" else None, "text_hash": digest,
        "latency_ms": latency_ms}
    if isinstance(prediction, Extraction):
        return {**row, "label": None, "probabilities": {}, "score": None, "band": None,
                "value": None, "spans": [{"start": s.start, "end": s.end, "label": s.label,
                                          "score": s.score} for s in prediction.spans]}
    return {**row, "label": prediction.label or None, "probabilities": prediction.probabilities,
            "score": prediction.score, "band": prediction.band or None,
            "value": prediction.value, "spans": None}


class PredictionLog:
    def __init__(self, store: Store, capacity: int = 10_000, batch: int = 500,
                 on_drop: Callable[[int], None] | None = None,
                 on_depth: Callable[[int], None] | None = None) -> None:
        """``on_drop`` hears of every row lost; ``on_depth`` of the queue's length after
        each offer and each write, so an operator sees the log falling behind before it
        drops anything."""
        self.store = store
        self.batch = batch
        self.on_drop = on_drop
        self.on_depth = on_depth
        self.queue: queue.Queue[dict[str, Any]] = queue.Queue(capacity)
        self.dropped = 0
        self.written = 0
        self._offered = 0  # rows accepted onto the queue so far
        self._settled = 0  # of those, rows written or given up on
        self._progress = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="textloop-prediction-log",
                                        daemon=True)

    def start(self) -> PredictionLog:
        self._thread.start()
        return self

    def offer(self, rows: Sequence[dict[str, Any]]) -> int:
        """Queue rows without ever waiting; returns how many were dropped (queue full)."""
        lost = 0
        for row in rows:
            try:
                with self._progress:
                    self.queue.put_nowait(row)
                    self._offered += 1
            except queue.Full:
                lost += 1
        self._count_drops(lost)
        self._report_depth()
        return lost

    @property
    def depth(self) -> int:
        return self.queue.qsize()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every row queued before this call is written (or dropped); False on
        timeout. Rows queued meanwhile are not waited for, so steady traffic cannot hold a
        caller (feedback looking for its prediction) for the whole timeout."""
        with self._progress:
            target = self._offered
            return self._progress.wait_for(lambda: self._settled >= target, timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the writer."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            try:
                rows = [self.queue.get(timeout=0.05)]
            except queue.Empty:
                if self._stop.is_set():
                    return
                continue
            while len(rows) < self.batch:
                try:
                    rows.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(rows)
            finally:  # whatever happened, these rows are settled and the writer goes on
                for _ in rows:
                    self.queue.task_done()
                with self._progress:
                    self._settled += len(rows)
                    self._progress.notify_all()
                self._report_depth()

    def _write(self, rows: list[dict[str, Any]]) -> None:
        """Write a batch; when the store refuses it because of its rows (not because the
        store is unavailable), write them one by one so only the refused rows are lost."""
        try:
            self._insert(rows)
        except Exception as exc:  # a row the store cannot take must not stop the log
            if len(rows) == 1 or _store_unavailable(exc):
                self._give_up(rows, exc)
            else:
                self._write_one_by_one(rows)

    def _write_one_by_one(self, rows: list[dict[str, Any]]) -> None:
        """Each row in its own transaction. Rows come from many clients: one client's row
        the store refuses (a duplicate, a text it cannot encode) must cost no one else's."""
        for i, row in enumerate(rows):
            try:
                self._insert([row])
            except Exception as exc:
                if _store_unavailable(exc):  # waiting again for every row would stall the log
                    self._give_up(rows[i:], exc)
                    return
                self._give_up([row], exc)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self.store.write() as conn:
            self.written += predictions.insert_many(conn, rows)

    def _give_up(self, rows: list[dict[str, Any]], exc: Exception) -> None:
        if isinstance(exc, SQLAlchemyError | TextloopError | UnicodeError):
            log.warning("prediction log: %d rows not written: %s", len(rows), exc)
        else:
            log.exception("prediction log: %d rows not written", len(rows))
        self._count_drops(len(rows))

    def _report_depth(self) -> None:
        if self.on_depth is not None:
            self.on_depth(self.queue.qsize())

    def _count_drops(self, n: int) -> None:
        if n:
            self.dropped += n
            if self.on_drop is not None:
                self.on_drop(n)


def _store_unavailable(exc: Exception) -> bool:
    """The store itself failed (busy past its timeout, unreachable), not one of the rows."""
    return isinstance(exc, StorageError | OperationalError)
