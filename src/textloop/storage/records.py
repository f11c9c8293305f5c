"""Records: the texts themselves, deduplicated by content hash, with provenance."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from textloop.storage import jsoncol
from textloop.storage.dialect import insert_ignore, insert_ignore_values
from textloop.storage.schema import imports, records
from textloop.types import StoredRecord

_CHUNK = 900  # stays under SQLite's bound-parameter limit for IN (...) lists


def insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert records (already hashed); a known content hash is skipped. Returns new rows."""
    return insert_ignore(conn, records, rows)


def insert_values(conn: Connection, columns: Sequence[str],
                  values: Sequence[Sequence[Any]]) -> int:
    """``insert`` for rows as value tuples in ``columns`` order (bulk imports build no dicts)."""
    return insert_ignore_values(conn, records, columns, values)


def external_id_owners(conn: Connection, external_ids: Iterable[str]) -> dict[str, str]:
    """Map each already-stored external id to the content hash of the record holding it."""
    owners: dict[str, str] = {}
    ids = list(external_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        query = select(records.c.external_id, records.c.content_hash).where(
            records.c.external_id.in_(chunk))
        owners.update({row[0]: row[1] for row in conn.execute(query)})
    return owners


def stored_splits(conn: Connection, ids: Iterable[str]) -> dict[str, str | None]:
    """For each of ``ids`` already stored: the split it is pinned to (None: unpinned)."""
    out: dict[str, str | None] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), _CHUNK):
        query = select(records.c.id, records.c.split).where(
            records.c.id.in_(wanted[start:start + _CHUNK]))
        out.update({row[0]: row[1] for row in conn.execute(query)})
    return out


def pin_splits(conn: Connection, pins: Sequence[tuple[str, str]], import_id: int | None
               ) -> int:
    """Pin stored, still unpinned records ``(id, split)`` by ``import_id``; a pinned record
    keeps its pin (the importer refuses a different one before it gets here)."""
    if not pins:
        return 0
    stmt = (update(records)
            .where(records.c.id == bindparam("rid"), records.c.split.is_(None))
            .values(split=bindparam("pin"), split_import_id=import_id))
    result = conn.execute(stmt, [{"rid": rid, "pin": split} for rid, split in pins])
    return max(result.rowcount, 0)


def pins(conn: Connection) -> dict[str, tuple[str, str]]:
    """Every pinned record: id -> (split, the source of the import that pinned it)."""
    query = (select(records.c.id, records.c.split, imports.c.source)
             .join(imports, imports.c.id == records.c.split_import_id, isouter=True)
             .where(records.c.split.is_not(None)))
    return {rid: (split, source or "") for rid, split, source in conn.execute(query)}


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(records)).scalar_one()


def get_many(conn: Connection, ids: Sequence[str]) -> list[StoredRecord]:
    """Records by id, in the order asked; unknown ids are left out."""
    found: dict[str, StoredRecord] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(records).where(records.c.id.in_(ids[start:start + _CHUNK]))
        for row in conn.execute(query).mappings():
            found[row["id"]] = _to_record(row)
    return [found[i] for i in ids if i in found]


def iter_all(conn: Connection, batch: int = 5000) -> Iterator[StoredRecord]:
    """All records in id order, streamed in batches (keyset pagination, constant memory)."""
    last = ""
    while True:
        query = select(records).where(records.c.id > last).order_by(records.c.id).limit(batch)
        rows = conn.execute(query).mappings().all()
        if not rows:
            return
        yield from (_to_record(row) for row in rows)
        last = rows[-1]["id"]


def _to_record(row: Any) -> StoredRecord:
    return StoredRecord(
        id=row["id"], text=row["text"], content_hash=row["content_hash"],
        meta=jsoncol.loads(row["meta"]), source_kind=row["source_kind"],
        source_ref=row["source_ref"], external_id=row["external_id"],
    )
