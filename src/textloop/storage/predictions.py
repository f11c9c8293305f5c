"""The prediction log and the feedback on it: bulk inserts and lookups by request id."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage import jsoncol
from textloop.storage.schema import prediction_feedback, predictions

COLUMNS = ("request_id", "idx", "created_at", "model_version", "run_name", "api_key", "text",
           "text_hash", "label", "probabilities", "score", "band", "value", "latency_ms", "spans")
"""The keys of a logged row (``probabilities`` a dict and ``spans`` a list or None, encoded as
JSON here)."""


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert logged predictions with one executemany; returns how many were written."""
    if not rows:
        return 0
    encoded = [{**row, "probabilities": jsoncol.dumps(row["probabilities"]),
                "spans": None if row.get("spans") is None else jsoncol.dumps(row["spans"])}
               for row in rows]
    conn.execute(predictions.insert(), encoded)
    return len(encoded)


def get(conn: Connection, request_id: str, idx: int = 0) -> dict[str, Any] | None:
    query = select(predictions).where(predictions.c.request_id == request_id,
                                      predictions.c.idx == idx)
    row = conn.execute(query).mappings().first()
    return None if row is None else decoded(row)


def decoded(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A stored prediction row with its probabilities as a dict and its spans (a span
    model's row) as a list again."""
    spans = row.get("spans")
    return {**row, "probabilities": jsoncol.loads(row["probabilities"]),
            "spans": None if spans is None else jsoncol.loads(spans)}


def add_feedback(conn: Connection, *, request_id: str, idx: int, label: str,
                 api_key: str | None, record_id: str | None,
                 annotation_id: int | None) -> int:
    """Store one true label for a logged prediction; returns the feedback row's id."""
    result = conn.execute(prediction_feedback.insert().values(
        request_id=request_id, idx=idx, label=label, created_at=time.time(), api_key=api_key,
        record_id=record_id, annotation_id=annotation_id))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def feedback_for(conn: Connection, request_id: str) -> list[dict[str, Any]]:
    """Every feedback row given for a request, oldest first."""
    query = select(prediction_feedback).where(
        prediction_feedback.c.request_id == request_id).order_by(prediction_feedback.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def delete_request(conn: Connection, request_id: str) -> int:
    """Remove every logged row of one request (a batch job that failed takes back what it
    logged, so a rerun logs each row once); returns how many went."""
    return conn.execute(predictions.delete().where(predictions.c.request_id == request_id)
                        ).rowcount
