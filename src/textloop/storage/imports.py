"""The import log: one row per import, written in the same transaction as its records."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Connection, func, select

from textloop.storage import jsoncol
from textloop.storage.schema import imports, records, release_rows


def start(conn: Connection, source: str, source_kind: str, file_sha256: str | None,
          options: dict[str, Any]) -> int:
    result = conn.execute(imports.insert().values(
        source=source, source_kind=source_kind, file_sha256=file_sha256,
        options=jsoncol.dumps(options), started_at=time.time()))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def finish(conn: Connection, import_id: int, *, file_sha256: str | None, rows_read: int,
           records_new: int, annotations_new: int, rows_skipped: int,
           report_path: str | None) -> None:
    conn.execute(imports.update().where(imports.c.id == import_id).values(
        finished_at=time.time(), file_sha256=file_sha256, rows_read=rows_read,
        records_new=records_new, annotations_new=annotations_new, rows_skipped=rows_skipped,
        report_path=report_path))


def same_file(conn: Connection, file_sha256: str, exclude_id: int) -> list[int]:
    """Ids of earlier imports of a file with identical bytes."""
    query = select(imports.c.id).where(imports.c.file_sha256 == file_sha256,
                                       imports.c.id != exclude_id).order_by(imports.c.id)
    return [row[0] for row in conn.execute(query)]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(imports)).scalar_one()


def licenses(conn: Connection) -> dict[str, str]:
    """Source (the imported file's path, a record's ``source_ref``) -> the license recorded
    with its import (``textloop import --license``); the latest import of a path wins."""
    query = select(imports.c.source, imports.c.options).order_by(imports.c.id)
    out: dict[str, str] = {}
    for source, options in conn.execute(query):
        license = (jsoncol.loads(options) or {}).get("license")
        if license:
            out[source] = str(license)
    return out


def recent(conn: Connection, limit: int = 10) -> list[dict[str, Any]]:
    query = select(imports).order_by(imports.c.id.desc()).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def options_for_record(conn: Connection, record_id: str) -> dict[str, Any] | None:
    """The options of the import that first stored a record; None when no file import did
    (crawled, synthetic or production records)."""
    query = (select(imports.c.options).select_from(records.join(
        imports, records.c.import_id == imports.c.id)).where(records.c.id == record_id))
    options = conn.execute(query).scalar_one_or_none()
    return jsoncol.loads(options) if options else None


def for_release(conn: Connection, release_id: str) -> list[dict[str, Any]]:
    """The imports whose records a release holds: ``id``, ``source``, ``options`` (with the
    ``license`` and ``redistribute`` given at import) and ``rows`` (how many of the
    release's records that import first stored), by import id. Records no file import
    stored (crawled, synthetic, production) are not counted here."""
    query = (select(imports.c.id, imports.c.source, imports.c.options, func.count())
             .select_from(release_rows.join(records, release_rows.c.record_id == records.c.id)
                          .join(imports, records.c.import_id == imports.c.id))
             .where(release_rows.c.release_id == release_id)
             .group_by(imports.c.id, imports.c.source, imports.c.options)
             .order_by(imports.c.id))
    return [{"id": int(i), "source": source, "options": jsoncol.loads(options) or {},
             "rows": int(n)} for i, source, options, n in conn.execute(query)]
