"""Teach-mode verdicts on suggested spans; nothing here is ever deleted (undo stamps
``undone_at``), so a record's history shows what was accepted and rejected, and by whom."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage.schema import span_verdicts as table

ACCEPTED = "accepted"
REJECTED = "rejected"


def add(conn: Connection, *, record_id: str, annotator: str, start: int, end: int, label: str,
        source: str, verdict: str) -> int:
    """Store one verdict; returns its id."""
    result = conn.execute(table.insert().values(
        record_id=record_id, annotator=annotator, start=start, end=end, label=label,
        source=source, verdict=verdict, created_at=time.time()))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def standing(conn: Connection, annotator: str, record_id: str) -> list[dict[str, Any]]:
    """The annotator's verdicts on one record that are not undone, oldest first."""
    query = (select(table).where(table.c.annotator == annotator,
                                 table.c.record_id == record_id, table.c.undone_at.is_(None))
             .order_by(table.c.id))
    return [dict(row) for row in conn.execute(query).mappings()]


def latest_standing(conn: Connection, annotator: str) -> dict[str, Any] | None:
    """The annotator's most recent verdict that is not undone (what ``U`` takes back)."""
    query = (select(table).where(table.c.annotator == annotator, table.c.undone_at.is_(None))
             .order_by(table.c.created_at.desc(), table.c.id.desc()).limit(1))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def mark_undone(conn: Connection, verdict_id: int) -> None:
    conn.execute(table.update().where(table.c.id == verdict_id).values(undone_at=time.time()))
