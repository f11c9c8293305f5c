"""Span-model suggestions, cached per text (content hash) and run.

Written ahead of labeling (``textloop preannotate --source model``), one batch of texts at a
time, so an interrupted run keeps what was predicted and the next run predicts only the
rest; read by the labeling page, which never loads a model. Each text shows the spans of
the newest run that predicted it: a new model version pre-annotates again and takes over.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage import jsoncol
from textloop.storage.dialect import insert_ignore
from textloop.storage.llm_suggestions import hashes_in
from textloop.storage.schema import model_span_suggestions as table


def cached(conn: Connection, run_id: str, hashes: Sequence[str]) -> set[str]:
    """Those of ``hashes`` that already have suggestions from run ``run_id``."""
    return hashes_in(conn, table, hashes, table.c.run_id == run_id)


def put_many(conn: Connection, run_id: str,
             spans_by_hash: Mapping[str, Sequence[Mapping[str, Any]]]) -> int:
    """Store each text's suggestions from run ``run_id``; returns rows written (a text
    another process predicted first keeps its row)."""
    now = time.time()
    return insert_ignore(conn, table, [
        {"content_hash": key, "run_id": run_id, "spans": jsoncol.dumps(list(spans)),
         "created_at": now} for key, spans in spans_by_hash.items()])


def latest(conn: Connection, content_hash: str) -> list[Any] | None:
    """The suggestions of the newest run that predicted the text, None when none did."""
    query = (select(table.c.spans).where(table.c.content_hash == content_hash)
             .order_by(table.c.created_at.desc(), table.c.run_id.desc()).limit(1))
    value = conn.execute(query).scalar()
    return None if value is None else jsoncol.loads(value)

