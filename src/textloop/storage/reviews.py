"""Review decisions on findings and the exclusions they make; nothing here is ever deleted.

A decision row is the provenance of a review action (reviewer, time, finding, run, action,
the label annotation it wrote, the findings it closed). An exclusion row takes a record out
of releases until it is restored. Undo stamps ``undone_at`` / ``restored_at`` instead of
deleting, so the history of every record can be read back.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from textloop.storage import jsoncol
from textloop.storage.schema import exclusions, findings, review_decisions

EXCLUDED = "excluded"
DUPLICATE = "duplicate"


def add_decision(conn: Connection, *, finding: dict[str, Any], action: str, reviewer: str,
                 label: str | None = None, annotation_id: int | None = None,
                 details: dict[str, Any] | None = None) -> int:
    """Store one decision on ``finding`` (a row of ``findings``); returns its id."""
    result = conn.execute(review_decisions.insert().values(
        finding_id=finding["id"], cleaning_id=finding["cleaning_id"],
        record_id=finding["record_id"], action=action, reviewer=reviewer,
        created_at=time.time(), label=label, annotation_id=annotation_id,
        details=jsoncol.dumps(details or {})))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def get_decision(conn: Connection, decision_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(review_decisions).where(review_decisions.c.id == decision_id)
                       ).mappings().first()
    return None if row is None else _decision(row)


def latest_standing(conn: Connection, reviewer: str) -> dict[str, Any] | None:
    """The reviewer's most recent decision that is not undone (what ``U`` takes back)."""
    query = (select(review_decisions)
             .where(review_decisions.c.reviewer == reviewer,
                    review_decisions.c.undone_at.is_(None))
             .order_by(review_decisions.c.created_at.desc(), review_decisions.c.id.desc())
             .limit(1))
    row = conn.execute(query).mappings().first()
    return None if row is None else _decision(row)


def recent(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    """The latest decisions by anyone, newest first, undone ones included."""
    query = select(review_decisions).order_by(review_decisions.c.id.desc()).limit(limit)
    return [_decision(row) for row in conn.execute(query).mappings()]


def for_finding(conn: Connection, finding_id: int) -> list[dict[str, Any]]:
    """Every decision ever made on a finding, oldest first."""
    query = (select(review_decisions).where(review_decisions.c.finding_id == finding_id)
             .order_by(review_decisions.c.id))
    return [_decision(row) for row in conn.execute(query).mappings()]


def standing_with_kind(conn: Connection) -> list[dict[str, Any]]:
    """Every decision not undone, with its finding's ``kind``, oldest first."""
    query = (select(review_decisions, findings.c.kind)
             .join(findings, findings.c.id == review_decisions.c.finding_id)
             .where(review_decisions.c.undone_at.is_(None))
             .order_by(review_decisions.c.id))
    return [_decision(row) for row in conn.execute(query).mappings()]


def mark_undone(conn: Connection, decision_id: int, by: str) -> None:
    conn.execute(review_decisions.update().where(review_decisions.c.id == decision_id)
                 .values(undone_at=time.time(), undone_by=by))


def exclude(conn: Connection, record_ids: Sequence[str], *, decision_id: int | None, by: str,
            reason: str = EXCLUDED, duplicate_of: str | None = None) -> None:
    """Take records out of releases on behalf of a decision (None: of no review decision,
    e.g. a synthetic batch held back)."""
    now = time.time()
    if record_ids:
        conn.execute(exclusions.insert(), [
            {"record_id": rid, "reason": reason, "duplicate_of": duplicate_of,
             "decision_id": decision_id, "excluded_by": by, "created_at": now}
            for rid in record_ids])


def restore(conn: Connection, decision_id: int, by: str) -> int:
    """Put back the records a decision excluded; returns how many exclusions ended."""
    done = conn.execute(exclusions.update()
                        .where(exclusions.c.decision_id == decision_id,
                               exclusions.c.restored_at.is_(None))
                        .values(restored_at=time.time(), restored_by=by))
    return int(done.rowcount or 0)


def restore_records(conn: Connection, record_ids: Sequence[str], *, reason: str,
                    by: str) -> int:
    """End the standing exclusions of ``reason`` on these records; returns how many."""
    if not record_ids:
        return 0
    done = conn.execute(exclusions.update()
                        .where(exclusions.c.record_id.in_(list(record_ids)),
                               exclusions.c.reason == reason,
                               exclusions.c.restored_at.is_(None))
                        .values(restored_at=time.time(), restored_by=by))
    return int(done.rowcount or 0)


def excluded_ids(conn: Connection) -> set[str]:
    """Records with a standing exclusion (left out of releases)."""
    query = select(exclusions.c.record_id).where(exclusions.c.restored_at.is_(None))
    return {row[0] for row in conn.execute(query)}


def exclusions_of(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    """A record's exclusions, standing or restored, oldest first."""
    query = (select(exclusions).where(exclusions.c.record_id == record_id)
             .order_by(exclusions.c.id))
    return [dict(row) for row in conn.execute(query).mappings()]


def _decision(row: Any) -> dict[str, Any]:
    return {**row, "details": jsoncol.loads(row["details"])}
