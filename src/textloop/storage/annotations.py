"""Annotations: every label ever given to a record, by whom and how. Nothing is overwritten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage.dialect import insert_ignore
from textloop.storage.schema import annotations


def insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Add annotations; an imported label already on the record is skipped. Returns new rows."""
    return insert_ignore(conn, annotations, rows)


def iter_votes(conn: Connection) -> Iterator[tuple[str, str, str, float]]:
    """(record_id, label, kind, created_at) for every annotation, grouped by record."""
    query = select(annotations.c.record_id, annotations.c.label, annotations.c.kind,
                   annotations.c.created_at).order_by(annotations.c.record_id, annotations.c.id)
    for row in conn.execute(query):
        yield row[0], row[1], row[2], row[3]


def label_counts(conn: Connection) -> Counter[str]:
    """How many annotations carry each label (any kind)."""
    query = select(annotations.c.label)
    return Counter(row[0] for row in conn.execute(query))
