"""Model refreshes during labeling: labels used, cross-validated score, prediction stability."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage import jsoncol
from textloop.storage.schema import al_rounds as table


def add(conn: Connection, *, n_labels: int, score: float | None, stability: float | None,
        model: str, details: dict[str, Any]) -> None:
    conn.execute(table.insert().values(created_at=time.time(), n_labels=n_labels, score=score,
                                       stability=stability, model=model,
                                       details=jsoncol.dumps(details)))


def all_rounds(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(table).order_by(table.c.id)).mappings()
    return [{**dict(row), "details": jsoncol.loads(row["details"])} for row in rows]
