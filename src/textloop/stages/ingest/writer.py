"""Writing validated records and their imported labels inside the caller's transaction.

Shared by file import and the crawler, so every way into the store dedupes by content
hash and records provenance the same way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import Connection

from textloop.stages.ingest.rows import content_hash, record_id
from textloop.storage import annotations, jsoncol, records
from textloop.types import AnnotationKind, NewRecord

IMPORT_ANNOTATOR = "import"


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
        """Insert ``batch``; ``hashes`` may be passed when the caller already computed them."""
        if not batch:
            return
        now = time.time()
        hashes = hashes or [content_hash(r.text) for r in batch]
        record_rows = []
        label_rows = []
        for rec, digest in zip(batch, hashes, strict=True):
            rid = record_id(digest)
            record_rows.append({
                "id": rid, "content_hash": digest, "text": rec.text,
                "external_id": rec.external_id, "meta": jsoncol.dumps(rec.meta),
                "source_kind": self.source_kind, "source_ref": rec.source_ref or self.source_ref,
                "source_line": rec.source_line, "import_id": self.import_id, "created_at": now,
            })
            if rec.label is not None:
                label_rows.append({
                    "record_id": rid, "label": rec.label, "kind": AnnotationKind.IMPORT.value,
                    "annotator": IMPORT_ANNOTATOR, "created_at": now, "import_id": self.import_id,
                })
        self.records_new += records.insert(self.conn, record_rows)
        self.annotations_new += annotations.insert(self.conn, label_rows)
