"""Annotations: every label ever given to a record, by whom and how. Nothing is overwritten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from textloop.storage.dialect import insert_ignore, insert_ignore_values
from textloop.storage.schema import annotations_table as table


def insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Add annotations; an imported label already on the record is skipped. Returns new rows."""
    return insert_ignore(conn, table, rows)


def insert_values(conn: Connection, columns: Sequence[str],
                  values: Sequence[Sequence[Any]]) -> int:
    """``insert`` for rows as value tuples in ``columns`` order (bulk imports build no dicts)."""
    return insert_ignore_values(conn, table, columns, values)


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def iter_votes(conn: Connection) -> Iterator[tuple[str, str, str, float]]:
    """(record_id, label, kind, created_at) for every annotation, grouped by record."""
    query = select(table.c.record_id, table.c.label, table.c.kind,
                   table.c.created_at).order_by(table.c.record_id, table.c.id)
    for row in conn.execute(query):
        yield row[0], row[1], row[2], row[3]


def label_counts(conn: Connection) -> Counter[str]:
    """How many annotations carry each label (any kind)."""
    query = select(table.c.label)
    return Counter(row[0] for row in conn.execute(query))
