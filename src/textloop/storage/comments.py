"""Free-text comments annotators leave on records (questions, edge cases, guideline gaps)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage.schema import comments as table


def add(conn: Connection, record_id: str, annotator: str, text: str) -> None:
    conn.execute(table.insert().values(record_id=record_id, annotator=annotator, text=text,
                                       created_at=time.time()))


def for_record(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    query = select(table).where(table.c.record_id == record_id).order_by(table.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]
