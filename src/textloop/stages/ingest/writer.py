"""Writing validated records and their imported labels inside the caller's transaction.

Shared by file import and the crawler, so every way into the store dedupes by content
hash and records provenance the same way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from operator import itemgetter

from sqlalchemy import Connection

from textloop.storage import annotation_log, jsoncol, records
from textloop.texts import content_hash, record_id
from textloop.types import AnnotationKind, NewRecord

IMPORT_ANNOTATOR = "import"
_RECORD_COLUMNS = ("id", "content_hash", "text", "external_id", "meta", "source_kind",
                   "source_ref", "source_line", "import_id", "created_at", "split",
                   "split_import_id")
_LABEL_COLUMNS = ("record_id", "label", "kind", "annotator", "created_at", "import_id")


class RecordWriter:
    """Writes batches for one import; counts what was new."""

    def __init__(self, conn: Connection, import_id: int, source_kind: str,
                 source_ref: str | None) -> None:
        self.conn = conn
        self.import_id = import_id
        self.source_kind = source_kind
        self.source_ref = source_ref
        self.records_new = 0
        self.annotations_new = 0

    def write(self, batch: Sequence[NewRecord], hashes: Sequence[str] | None = None) -> None:
        """Insert ``batch``; ``hashes`` may be passed when the caller already computed them.

        Rows go in sorted by record id (a stable sort, so a record's labels keep file order):
        ids are hashes, and sorted inserts touch each index page once per batch.
        """
        if not batch:
            return
        now = time.time()
        hashes = hashes or [content_hash(r.text) for r in batch]
        kind, ref, import_id = self.source_kind, self.source_ref, self.import_id
        label_kind = AnnotationKind.IMPORT.value
        record_rows = []
        label_rows = []
        for rec, digest in zip(batch, hashes, strict=True):
            rid = record_id(digest)
            record_rows.append((rid, digest, rec.text, rec.external_id, jsoncol.dumps(rec.meta),
                                kind, rec.source_ref or ref, rec.source_line, import_id, now,
                                rec.split, import_id if rec.split else None))
            if rec.label is not None:
                label_rows.append((rid, rec.label, label_kind, IMPORT_ANNOTATOR, now, import_id))
        record_rows.sort(key=itemgetter(0))
        label_rows.sort(key=itemgetter(0))
        self.records_new += records.insert_values(self.conn, _RECORD_COLUMNS, record_rows)
        self.annotations_new += annotation_log.insert_values(self.conn, _LABEL_COLUMNS, label_rows)
