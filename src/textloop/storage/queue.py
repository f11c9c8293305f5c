"""The labeling queue and its assignments (see ``schema.queue_items`` for the states).

Every function takes the caller's connection, so an answer, its annotation and the queue
counters change in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select, update

from textloop.storage.schema import assignments, queue_items

OPEN, FULL, DONE, REMOVED = "open", "full", "done", "removed"
ACTIVE = (OPEN, FULL)
REMAINING_CAP = 1000
"""The most items ``remaining_for`` counts."""

PRODUCTION_STRATEGY = "production"
"""The ``strategy`` of an item brought back from production (``production REQUEST/IDX:
why``): labeling shows why, and a refresh leaves such items at the front."""


def enqueue(conn: Connection, items: Sequence[dict[str, Any]]) -> int:
    """Add items (record_id, priority, strategy, batch_id, overlap, suggestion, confidence)."""
    now = time.time()
    rows = [{**item, "status": OPEN, "n_assigned": 0, "n_answered": 0, "created_at": now}
            for item in items]
    if rows:
        conn.execute(queue_items.insert(), rows)
    return len(rows)


def active_record_ids(conn: Connection) -> set[str]:
    """Records waiting in the queue (open or held by annotators)."""
    query = select(queue_items.c.record_id).where(queue_items.c.status.in_(ACTIVE))
    return {row[0] for row in conn.execute(query)}


def ever_queued(conn: Connection, record_ids: Sequence[str]) -> set[str]:
    """Those of ``record_ids`` that have a queue item in any state (waiting, done, removed)."""
    out: set[str] = set()
    ids = list(record_ids)
    for start in range(0, len(ids), 900):
        query = select(queue_items.c.record_id).where(
            queue_items.c.record_id.in_(ids[start:start + 900]))
        out.update(row[0] for row in conn.execute(query))
    return out


def items_for_record(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    """A record's queue items, oldest first: when and why (``strategy``) it was queued."""
    query = select(queue_items).where(queue_items.c.record_id == record_id).order_by(
        queue_items.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def top_priority(conn: Connection) -> float:
    """The highest priority among waiting items (0 when none wait)."""
    query = select(func.max(queue_items.c.priority)).where(queue_items.c.status.in_(ACTIVE))
    return float(conn.execute(query).scalar() or 0.0)


def open_assignment(conn: Connection, annotator: str) -> dict[str, Any] | None:
    """The annotator's unfinished assignment, newest first.

    Normally an annotator holds one; an undo reopens an answered one beside the record on
    screen, and the undone record (reopened last) must be the one shown next.
    """
    query = (select(assignments, queue_items.c.suggestion, queue_items.c.confidence,
                    queue_items.c.strategy)
             .join(queue_items, queue_items.c.id == assignments.c.queue_id)
             .where(assignments.c.annotator == annotator, assignments.c.status == OPEN)
             .order_by(assignments.c.assigned_at.desc(), assignments.c.id.desc()).limit(1))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def claim_next(conn: Connection, annotator: str) -> dict[str, Any] | None:
    """Assign the highest-priority open item this annotator has not seen; None when empty.

    On PostgreSQL annotators claim at the same time: the item is locked as it is read
    (``FOR UPDATE``), and an item another claim holds is passed over (``SKIP LOCKED``), so
    no item is handed out past its overlap and no claim waits on another. (SQLite's write
    transactions run one at a time; it has no row locks and needs none.)
    """
    seen = exists().where(and_(assignments.c.queue_id == queue_items.c.id,
                               assignments.c.annotator == annotator))
    query = (select(queue_items.c.id, queue_items.c.record_id, queue_items.c.overlap,
                    queue_items.c.n_assigned)
             .where(queue_items.c.status == OPEN, ~seen)
             .order_by(queue_items.c.priority.desc(), queue_items.c.id).limit(1)
             .with_for_update(skip_locked=True, of=queue_items))
    item = conn.execute(query).mappings().first()
    if item is None:
        return None
    conn.execute(assignments.insert().values(
        queue_id=item["id"], record_id=item["record_id"], annotator=annotator, status=OPEN,
        assigned_at=time.time()))
    full = item["n_assigned"] + 1 >= item["overlap"]
    conn.execute(update(queue_items).where(queue_items.c.id == item["id"]).values(
        n_assigned=queue_items.c.n_assigned + 1, status=FULL if full else OPEN))
    return open_assignment(conn, annotator)


def assignment_for(conn: Connection, annotator: str, record_id: str) -> dict[str, Any] | None:
    """The annotator's newest assignment of a record (any status)."""
    query = (select(assignments).where(assignments.c.annotator == annotator,
                                       assignments.c.record_id == record_id)
             .order_by(assignments.c.id.desc()).limit(1))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def mark_answered(conn: Connection, assignment: dict[str, Any]) -> None:
    if assignment["status"] == "answered":
        return
    conn.execute(update(assignments).where(assignments.c.id == assignment["id"]).values(
        status="answered", answered_at=time.time()))
    _count_answer(conn, assignment["queue_id"], +1)


def mark_skipped(conn: Connection, assignment: dict[str, Any]) -> None:
    """Skipping frees the slot for another annotator; this one is not offered it again."""
    conn.execute(update(assignments).where(assignments.c.id == assignment["id"]).values(
        status="skipped", answered_at=time.time()))
    conn.execute(update(queue_items).where(queue_items.c.id == assignment["queue_id"]).values(
        n_assigned=queue_items.c.n_assigned - 1, status=OPEN))


def reopen(conn: Connection, assignment: dict[str, Any]) -> None:
    """Undo: the assignment is open again (and counted unanswered) for the same annotator."""
    if assignment["status"] == "answered":
        _count_answer(conn, assignment["queue_id"], -1)
    elif assignment["status"] == "skipped":
        conn.execute(update(queue_items).where(queue_items.c.id == assignment["queue_id"])
                     .values(n_assigned=queue_items.c.n_assigned + 1))
    conn.execute(update(assignments).where(assignments.c.id == assignment["id"]).values(
        status=OPEN, answered_at=None, assigned_at=time.time()))


def _count_answer(conn: Connection, queue_id: int, delta: int) -> None:
    conn.execute(update(queue_items).where(queue_items.c.id == queue_id).values(
        n_answered=queue_items.c.n_answered + delta))
    item = conn.execute(select(queue_items.c.n_answered, queue_items.c.n_assigned,
                               queue_items.c.overlap).where(queue_items.c.id == queue_id)).one()
    status = DONE if item.n_answered >= item.overlap else (
        FULL if item.n_assigned >= item.overlap else OPEN)
    conn.execute(update(queue_items).where(queue_items.c.id == queue_id).values(status=status))


def open_items(conn: Connection) -> list[dict[str, Any]]:
    """Items nobody holds yet (they may be re-ranked or withdrawn by a refresh)."""
    query = select(queue_items).where(queue_items.c.status == OPEN,
                                      queue_items.c.n_assigned == 0)
    return [dict(row) for row in conn.execute(query).mappings()]


def active_items(conn: Connection) -> list[dict[str, Any]]:
    query = select(queue_items).where(queue_items.c.status.in_(ACTIVE))
    return [dict(row) for row in conn.execute(query).mappings()]


def update_items(conn: Connection, changes: Sequence[dict[str, Any]]) -> None:
    """Set suggestion/confidence/priority of items, by ``id``.

    Items are updated in ``id`` order: two refreshes (two app processes) updating
    overlapping items then lock them in the same order and cannot deadlock each other.
    """
    for change in sorted(changes, key=lambda change: change["id"]):
        values = {k: v for k, v in change.items() if k != "id"}
        conn.execute(update(queue_items).where(queue_items.c.id == change["id"]).values(**values))


def remaining_for(conn: Connection, annotator: str, cap: int = REMAINING_CAP) -> int:
    """How many items this annotator could still be given (open and unseen, plus held).

    Counting stops at ``cap``: the labeling page asks after every answer, and an exact count
    over a queue of 100,000 costs more than the rest of the answer. Callers show ``cap`` as
    "cap+" (see ``REMAINING_CAP``).
    """
    seen = exists().where(and_(assignments.c.queue_id == queue_items.c.id,
                               assignments.c.annotator == annotator))
    candidates = (select(queue_items.c.id).where(queue_items.c.status == OPEN, ~seen)
                  .limit(cap).subquery())
    unseen = conn.execute(select(func.count()).select_from(candidates)).scalar_one()
    held = conn.execute(select(func.count()).select_from(assignments).where(
        assignments.c.annotator == annotator, assignments.c.status == OPEN)).scalar_one()
    return min(int(unseen + held), cap)


def counts(conn: Connection) -> dict[str, int]:
    query = select(queue_items.c.status, func.count()).group_by(queue_items.c.status)
    return {status: int(n) for status, n in conn.execute(query)}


def waiting_record_ids(conn: Connection, limit: int | None = None) -> list[str]:
    """Records waiting in the queue (open or held), in the order annotators are given them
    (highest priority first), each once; the first ``limit`` of them."""
    priority, first = func.max(queue_items.c.priority), func.min(queue_items.c.id)
    query = (select(queue_items.c.record_id).where(queue_items.c.status.in_(ACTIVE))
             .group_by(queue_items.c.record_id).order_by(priority.desc(), first))
    if limit is not None:
        query = query.limit(limit)
    return [row[0] for row in conn.execute(query)]
