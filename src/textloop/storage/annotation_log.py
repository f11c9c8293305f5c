"""Annotations: every label ever given to a record, by whom and how. Nothing is overwritten."""

from __future__ import annotations

import hashlib
import json
import time
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


def iter_votes(conn: Connection, record_ids: Sequence[str] | None = None
               ) -> Iterator[tuple[str, str, str, float]]:
    """(record_id, label, kind, created_at) for every standing annotation, grouped by record.

    Retracted annotations (undone by their annotator) are left out. ``record_ids`` limits
    the rows to those records (a page showing a few records need not read them all).
    """
    query = select(table.c.record_id, table.c.label, table.c.kind,
                   table.c.created_at).where(table.c.retracted_at.is_(None)).order_by(
        table.c.record_id, table.c.id)
    for chunk in _chunks(record_ids):
        limited = query if chunk is None else query.where(table.c.record_id.in_(chunk))
        for row in conn.execute(limited):
            yield row[0], row[1], row[2], row[3]


def label_states(conn: Connection, record_ids: Sequence[str]) -> dict[str, str]:
    """record_id -> a fingerprint of its standing annotations (label, kind, time).

    It changes whenever a label is added to the record or retracted, and only then, so a
    review decision keyed on it holds exactly while the record's labels stay as they were.
    Records without a standing annotation are left out.
    """
    votes: dict[str, list[list[Any]]] = {}
    for record_id, label, kind, created_at in iter_votes(conn, record_ids):
        votes.setdefault(record_id, []).append([label, kind, created_at])
    return {record_id: hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()[:16]
            for record_id, rows in votes.items()}


HUMAN_KINDS = ("human", "adjudicated", "review")
"""Kinds a person gave: annotators' answers, adjudications and review decisions."""


def human_votes(conn: Connection, record_ids: Sequence[str] | None = None
                ) -> list[tuple[str, str, str, str, float]]:
    """(record_id, annotator, label, kind, created_at) of standing answers of ``HUMAN_KINDS``."""
    query = select(table.c.record_id, table.c.annotator, table.c.label, table.c.kind,
                   table.c.created_at).where(table.c.kind.in_(HUMAN_KINDS),
                                             table.c.retracted_at.is_(None)).order_by(
        table.c.record_id, table.c.id)
    out = []
    for chunk in _chunks(record_ids):
        limited = query if chunk is None else query.where(table.c.record_id.in_(chunk))
        out += [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(limited)]
    return out


def _chunks(ids: Sequence[str] | None, size: int = 900) -> Iterator[list[str] | None]:
    """``None`` once (no limit), else the ids in chunks under SQLite's parameter limit.

    Chunks are taken in sorted order so rows stay grouped by record across chunks.
    """
    if ids is None:
        yield None
        return
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def add_one(conn: Connection, *, record_id: str, label: str, kind: str, annotator: str,
            comment: str | None = None, meta: str | None = None) -> int:
    """Insert one annotation and return its id."""
    result = conn.execute(table.insert().values(
        record_id=record_id, label=label, kind=kind, annotator=annotator,
        created_at=time.time(), comment=comment, meta=meta))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def latest_by(conn: Connection, annotator: str,
              kinds: tuple[str, ...] = HUMAN_KINDS) -> dict[str, Any] | None:
    """The annotator's most recent standing answer (what ``undo`` takes back)."""
    query = (select(table).where(table.c.annotator == annotator, table.c.kind.in_(kinds),
                                 table.c.retracted_at.is_(None))
             .order_by(table.c.created_at.desc(), table.c.id.desc()).limit(1))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def retract(conn: Connection, annotation_id: int) -> None:
    conn.execute(table.update().where(table.c.id == annotation_id).values(
        retracted_at=time.time()))


def label_counts(conn: Connection) -> Counter[str]:
    """How many annotations carry each label (any kind)."""
    query = select(table.c.label)
    return Counter(row[0] for row in conn.execute(query))


def history(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    """Every annotation of one record, retracted ones included, oldest first."""
    query = select(table).where(table.c.record_id == record_id).order_by(
        table.c.created_at, table.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]
