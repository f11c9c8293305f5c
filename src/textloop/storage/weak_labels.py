"""Standing labels of one machine annotator (a label model), and superseding them.

Annotations are never deleted or edited: when a label model's answer for a record changes,
or it no longer has one, its old annotation is retracted (the row stays, with the time, so
the history of weak labels remains readable) and the new one is appended. Exactly one
standing answer per record and label model is what lets re-runs write only what changed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, select

from textloop.storage.schema import annotations_table as table


class StandingLabel(NamedTuple):
    id: int
    """Annotation id."""
    label: str
    meta: str | None
    """The JSON the label model stored with the label (confidence, voting rules)."""


def standing(conn: Connection, annotator: str, kind: str) -> dict[str, StandingLabel]:
    """record_id -> the annotator's standing answer of ``kind``.

    Should a record hold several (two runs racing, or older code), the newest one is
    returned; ``duplicates`` lists the others so they can be retracted.
    """
    return {record_id: rows[-1] for record_id, rows in _by_record(conn, annotator, kind).items()}


def duplicates(conn: Connection, annotator: str, kind: str) -> list[int]:
    """Ids of standing answers that a newer standing answer on the same record supersedes."""
    return [row.id for rows in _by_record(conn, annotator, kind).values() for row in rows[:-1]]


def _by_record(conn: Connection, annotator: str, kind: str) -> dict[str, list[StandingLabel]]:
    query = (select(table.c.record_id, table.c.id, table.c.label, table.c.meta)
             .where(table.c.annotator == annotator, table.c.kind == kind,
                    table.c.retracted_at.is_(None))
             .order_by(table.c.id))
    out: dict[str, list[StandingLabel]] = {}
    for row in conn.execute(query):
        out.setdefault(row[0], []).append(StandingLabel(row[1], row[2], row[3]))
    return out


def retract_many(conn: Connection, annotation_ids: Sequence[int]) -> None:
    """Mark annotations as no longer standing (label resolution then ignores them)."""
    if not annotation_ids:
        return
    statement = (table.update().where(table.c.id == bindparam("annotation_id"))
                 .values(retracted_at=time.time()))
    conn.execute(statement, [{"annotation_id": i} for i in annotation_ids])
