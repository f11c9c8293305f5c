"""The release catalog: which records, with which label, went into which split of which version."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from textloop.errors import ConflictError, NotFoundError
from textloop.storage import dialect, jsoncol
from textloop.storage.schema import release_rows, releases

_BATCH = 20_000
FOLDER = "releases"
"""Where release folders live under the store's artifact root (``releases/v3``)."""


def next_number(conn: Connection) -> int:
    return dialect.next_number(conn, releases.c.number)


def add(conn: Connection, *, release_id: str, number: int, parent_id: str | None, path: str,
        manifest_sha256: str, config: dict[str, Any], stats: dict[str, Any],
        rows: Sequence[tuple[str, str, str]]) -> None:
    """Catalog a release and its (record_id, split, label) rows in the caller's transaction."""
    conn.execute(releases.insert().values(
        id=release_id, number=number, parent_id=parent_id, created_at=time.time(), path=path,
        manifest_sha256=manifest_sha256, config=jsoncol.dumps(config), stats=jsoncol.dumps(stats)))
    for start in range(0, len(rows), _BATCH):
        conn.execute(release_rows.insert(), [
            {"release_id": release_id, "record_id": r, "split": s, "label": lab}
            for r, s, lab in rows[start:start + _BATCH]])


def add_next(conn: Connection, *, release_id: str, number: int, parent_id: str | None,
             **fields: Any) -> None:
    """``add``, refused when another release was catalogued since ``number`` was chosen.

    Two concurrent releases both pick the same number; the second to commit gets a
    ``ConflictError`` instead of a release whose parent and diff are out of date.
    """
    latest = conn.execute(select(releases.c.id).order_by(releases.c.number.desc()).limit(1)
                          ).scalar()
    retry = "another release was created meanwhile; run the command again"
    if next_number(conn) != number or latest != parent_id:
        raise ConflictError(f"release {release_id} was prepared on top of {parent_id or 'nothing'}"
                            f", but the newest release is now {latest}", hint=retry)
    try:
        add(conn, release_id=release_id, number=number, parent_id=parent_id, **fields)
    except SqlIntegrityError as exc:
        raise ConflictError(f"release {release_id} could not be catalogued: {exc.orig}",
                            hint=retry) from exc


def get(conn: Connection, release_id: str) -> dict[str, Any]:
    """A release by id (``v3``), or the newest for ``latest``."""
    query = select(releases)
    if release_id == "latest":
        query = query.order_by(releases.c.number.desc()).limit(1)
    else:
        query = query.where(releases.c.id == release_id)
    row = conn.execute(query).mappings().first()
    if row is None:
        known = ", ".join(r["id"] for r in list_all(conn)) or "none yet"
        raise NotFoundError(f"no release {release_id!r} (releases: {known})",
                            hint="create one with `textloop release`")
    return _decode(row)


def list_all(conn: Connection) -> list[dict[str, Any]]:
    query = select(releases).order_by(releases.c.number)
    return [_decode(row) for row in conn.execute(query).mappings()]


def rows(conn: Connection, release_id: str) -> list[tuple[str, str, str]]:
    """(record_id, split, label) of every row in a release."""
    query = select(release_rows.c.record_id, release_rows.c.split, release_rows.c.label).where(
        release_rows.c.release_id == release_id).order_by(release_rows.c.record_id)
    return [(r[0], r[1], r[2]) for r in conn.execute(query)]


def split_ids(conn: Connection, release_id: str, split: str) -> list[str]:
    """The record ids of one split of a release, sorted."""
    query = select(release_rows.c.record_id).where(
        release_rows.c.release_id == release_id, release_rows.c.split == split).order_by(
        release_rows.c.record_id)
    return list(conn.execute(query).scalars())


def split_counts(conn: Connection, release_id: str) -> dict[str, int]:
    """Number of rows per split of a release (what a model version's lineage reports)."""
    query = select(release_rows.c.split, func.count()).where(
        release_rows.c.release_id == release_id).group_by(release_rows.c.split)
    return {split: int(n) for split, n in conn.execute(query)}


def _decode(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["config"] = jsoncol.loads(out["config"])
    out["stats"] = jsoncol.loads(out["stats"])
    return out
