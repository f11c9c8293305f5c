"""Standing labels of one machine annotator (a label model), and superseding them.

Annotations are never deleted or edited: when a label model's answer for a record changes,
or it no longer has one, its old annotation is retracted (the row stays, with the time, so
the history of weak labels remains readable) and the new one is appended. Exactly one
standing answer per record and label model is what lets re-runs write only what changed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, select

from textloop.storage.schema import annotations_table as table


def standing(conn: Connection, annotator: str, kind: str) -> dict[str, tuple[int, str]]:
    """record_id -> (annotation id, label) of the annotator's standing answers of ``kind``.

    Should a record hold several (written by older code), the newest one is returned.
    """
    query = (select(table.c.record_id, table.c.id, table.c.label)
             .where(table.c.annotator == annotator, table.c.kind == kind,
                    table.c.retracted_at.is_(None))
             .order_by(table.c.id))
    return {row[0]: (row[1], row[2]) for row in conn.execute(query)}


def retract_many(conn: Connection, annotation_ids: Sequence[int]) -> None:
    """Mark annotations as no longer standing (label resolution then ignores them)."""
    if not annotation_ids:
        return
    statement = (table.update().where(table.c.id == bindparam("annotation_id"))
                 .values(retracted_at=time.time()))
    conn.execute(statement, [{"annotation_id": i} for i in annotation_ids])
