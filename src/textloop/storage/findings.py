"""``textloop clean`` runs (``c1``, ``c2``...) and their findings, one row per flagged record.

A finding names the record, its kind (``label_issue``, the span kinds ``missing_span``,
``spurious_span``, ``wrong_type``, ``wrong_boundary``, ``inconsistent_type``, ``duplicate``,
``conflict``, ``outlier``, ``empty``, ``garbage``, ``overlong``, ``pii``, ``leakage``), a
score where the kind has one, JSON details (suggested label or span, cluster, matched
record, personal-data kinds) and a review status that starts ``open``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, case, func, select

from textloop.errors import InvalidInputError, NotFoundError
from textloop.storage import jsoncol
from textloop.storage.dialect import next_number
from textloop.storage.schema import cleanings, findings, release_rows

STATUSES = ("open", "accepted", "kept", "relabeled", "excluded", "merged")
OPEN = "open"
# Review order: what most often changes a label first, cosmetic problems last.
PRIORITY = ("label_issue", "missing_span", "spurious_span", "wrong_type", "wrong_boundary",
            "inconsistent_type", "conflict", "duplicate", "leakage", "outlier", "garbage",
            "empty", "pii", "overlong")
LOWEST_FIRST = ("label_issue", "missing_span", "spurious_span", "wrong_type", "wrong_boundary")
"""Kinds scored by label quality (lower is more suspicious): reviewed lowest score first."""
_BATCH = 20_000


def add(conn: Connection, *, config: dict[str, Any], summary: dict[str, Any],
        rows: Sequence[dict[str, Any]], report_path: str | None = None) -> dict[str, Any]:
    """Catalog a cleaning run and its findings in the caller's transaction; returns the run.

    The number is taken inside the transaction, so concurrent runs never share one.
    ``rows`` are dicts with ``record_id``, ``kind``, ``score`` and ``details``, and a
    ``status`` when the finding is already settled (a carried review decision).
    """
    number = next_number(conn, cleanings.c.number)
    cleaning_id = f"c{number}"
    created = time.time()
    conn.execute(cleanings.insert().values(
        id=cleaning_id, number=number, created_at=created, config=jsoncol.dumps(config),
        summary=jsoncol.dumps(summary), report_path=report_path))
    for start in range(0, len(rows), _BATCH):
        conn.execute(findings.insert(), [
            {"cleaning_id": cleaning_id, "record_id": r["record_id"], "kind": r["kind"],
             "score": r.get("score"), "details": jsoncol.dumps(r.get("details") or {}),
             "status": r.get("status", OPEN)} for r in rows[start:start + _BATCH]])
    return {"id": cleaning_id, "number": number, "created_at": created}


def set_report_path(conn: Connection, cleaning_id: str, path: str) -> None:
    conn.execute(cleanings.update().where(cleanings.c.id == cleaning_id)
                 .values(report_path=path))


def get(conn: Connection, ref: str = "latest") -> dict[str, Any]:
    """A cleaning run by id (``c3``), or the newest for ``latest``."""
    query = select(cleanings)
    if ref == "latest":
        query = query.order_by(cleanings.c.number.desc()).limit(1)
    else:
        query = query.where(cleanings.c.id == ref)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"no cleaning run {ref!r}",
                            hint="run `textloop clean` first" if ref == "latest"
                            else "list runs with `textloop clean --help`")
    return {**row, "config": jsoncol.loads(row["config"]),
            "summary": jsoncol.loads(row["summary"])}


def list_for(conn: Connection, cleaning_id: str, *, kind: str | None = None,
             status: str | None = None) -> list[dict[str, Any]]:
    """Findings of one run in insertion order, optionally of one kind and status."""
    query = select(findings).where(findings.c.cleaning_id == cleaning_id)
    if kind is not None:
        query = query.where(findings.c.kind == kind)
    if status is not None:
        query = query.where(findings.c.status == status)
    rows = conn.execute(query.order_by(findings.c.id)).mappings().all()
    return [{**row, "details": jsoncol.loads(row["details"])} for row in rows]


def set_status(conn: Connection, finding_id: int, status: str) -> None:
    """Record a reviewer's decision on a finding (``accepted``, ``kept``, ...)."""
    if status not in STATUSES:
        raise InvalidInputError(f"unknown finding status {status!r}",
                                hint=f"use one of {', '.join(STATUSES)}")
    done = conn.execute(findings.update().where(findings.c.id == finding_id)
                        .values(status=status))
    if done.rowcount == 0:
        raise NotFoundError(f"no finding {finding_id}", hint="list findings of a cleaning run")


def get_one(conn: Connection, finding_id: int) -> dict[str, Any]:
    row = conn.execute(select(findings).where(findings.c.id == finding_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no finding {finding_id}", hint="reload the review page")
    return {**row, "details": jsoncol.loads(row["details"])}


def in_review_order(conn: Connection, cleaning_id: str, status: str | None = None
                    ) -> list[dict[str, Any]]:
    """A run's findings (of ``status`` when given) in the order to review them: by kind
    (``PRIORITY``), then by how sure the run is.

    Label issues (of classes and of spans) come lowest label quality first; other scored
    kinds highest score first.
    """
    rank = case({kind: i for i, kind in enumerate(PRIORITY)}, value=findings.c.kind,
                else_=len(PRIORITY))
    surest = case((findings.c.kind.in_(LOWEST_FIRST), func.coalesce(findings.c.score, 0.0)),
                  else_=-func.coalesce(findings.c.score, 0.0))
    query = select(findings).where(findings.c.cleaning_id == cleaning_id)
    if status is not None:
        query = query.where(findings.c.status == status)
    rows = conn.execute(query.order_by(rank, surest, findings.c.id)).mappings().all()
    return [{**row, "details": jsoncol.loads(row["details"])} for row in rows]


def counts(conn: Connection, cleaning_id: str) -> dict[str, dict[str, int]]:
    """kind -> status -> number of findings of one run."""
    query = (select(findings.c.kind, findings.c.status, func.count())
             .where(findings.c.cleaning_id == cleaning_id)
             .group_by(findings.c.kind, findings.c.status))
    out: dict[str, dict[str, int]] = {}
    for kind, status, n in conn.execute(query):
        out.setdefault(kind, {})[status] = int(n)
    return out


def in_cluster(conn: Connection, cleaning_id: str, cluster: str) -> list[dict[str, Any]]:
    """Duplicate and conflict findings of one cluster (``d3``) of a run."""
    rows = list_for_kinds(conn, cleaning_id, ("duplicate", "conflict"))
    return [row for row in rows if row["details"].get("cluster") == cluster]


def list_for_kinds(conn: Connection, cleaning_id: str,
                   kinds: Sequence[str]) -> list[dict[str, Any]]:
    query = (select(findings).where(findings.c.cleaning_id == cleaning_id,
                                    findings.c.kind.in_(list(kinds)))
             .order_by(findings.c.id))
    return [{**row, "details": jsoncol.loads(row["details"])}
            for row in conn.execute(query).mappings()]


def open_records(conn: Connection, kind: str) -> tuple[int, list[str]]:
    """How many records hold an open finding of ``kind``, and the cleanings they come from
    (oldest first). Each `textloop clean` flags the same rows again, so a record counts
    once however many cleanings flagged it: counting findings would grow with every re-run.
    """
    query = (select(findings.c.record_id, findings.c.cleaning_id)
             .select_from(findings.join(cleanings, findings.c.cleaning_id == cleanings.c.id))
             .where(findings.c.kind == kind, findings.c.status == OPEN)
             .order_by(cleanings.c.number))
    rows = conn.execute(query).all()
    return len({record for record, _ in rows}), list(dict.fromkeys(c for _, c in rows))


def open_in_release(conn: Connection, kind: str, release_id: str) -> dict[str, list[str]]:
    """Records of a release that hold an open finding of ``kind``, each with the cleanings
    that flagged it (oldest first): what ``textloop publish`` must see settled first."""
    query = (select(findings.c.record_id, findings.c.cleaning_id)
             .select_from(findings.join(cleanings, findings.c.cleaning_id == cleanings.c.id)
                          .join(release_rows, release_rows.c.record_id == findings.c.record_id))
             .where(findings.c.kind == kind, findings.c.status == OPEN,
                    release_rows.c.release_id == release_id)
             .order_by(cleanings.c.number))
    out: dict[str, list[str]] = {}
    for record, cleaning in conn.execute(query):
        if cleaning not in out.setdefault(record, []):
            out[record].append(cleaning)
    return out
