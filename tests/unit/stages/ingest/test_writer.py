"""RecordWriter: content-hash dedupe, import annotations, provenance, counts."""

from __future__ import annotations

from textloop.stages.ingest.writer import IMPORT_ANNOTATOR, RecordWriter
from textloop.storage import annotation_log, imports, records
from textloop.texts import content_hash, record_id
from textloop.types import NewRecord


def start(conn) -> int:
    return imports.start(conn, "test", "crawl", None, {})


def test_writes_records_and_import_labels(store) -> None:
    batch = [NewRecord("b text", label="spam", meta={"k": 1}, source_line=3),
             NewRecord("a text", source_ref="https://x.test/a")]
    with store.write() as conn:
        writer = RecordWriter(conn, start(conn), "crawl", "default-ref")
        writer.write(batch)
    assert (writer.records_new, writer.annotations_new) == (2, 1)
    with store.read() as conn:
        stored = {r.text: r for r in records.iter_all(conn)}
        votes = list(annotation_log.iter_votes(conn))
    assert stored["b text"].id == record_id(content_hash("b text"))
    assert stored["b text"].meta == {"k": 1} and stored["b text"].source_ref == "default-ref"
    assert stored["a text"].source_ref == "https://x.test/a"
    assert [(v[0], v[1], v[2]) for v in votes] == [(stored["b text"].id, "spam", "import")]


def test_same_text_is_stored_once_and_labels_are_not_repeated(store) -> None:
    with store.write() as conn:
        writer = RecordWriter(conn, start(conn), "file", None)
        writer.write([NewRecord("x", label="spam"), NewRecord("x", label="spam"),
                      NewRecord("x", label="ham")])
        writer.write([NewRecord("x", label="ham")])
    assert (writer.records_new, writer.annotations_new) == (1, 2)


def test_labels_of_one_record_keep_their_order(store) -> None:
    batch = [NewRecord(f"t{i}", label="spam") for i in range(50)] + [NewRecord("t0", label="ham")]
    with store.write() as conn:
        RecordWriter(conn, start(conn), "file", None).write(batch)
    with store.read() as conn:
        first = record_id(content_hash("t0"))
        labels = [v[1] for v in annotation_log.iter_votes(conn) if v[0] == first]
    assert labels == ["spam", "ham"]


def test_annotator_is_import(store) -> None:
    from sqlalchemy import select

    from textloop.storage.schema import annotations_table as table

    with store.write() as conn:
        RecordWriter(conn, start(conn), "file", None).write([NewRecord("x", label="spam")])
    with store.read() as conn:
        assert conn.execute(select(table.c.annotator)).scalar_one() == IMPORT_ANNOTATOR


def test_empty_batch_writes_nothing(store) -> None:
    with store.write() as conn:
        writer = RecordWriter(conn, start(conn), "file", None)
        writer.write([])
    assert (writer.records_new, writer.annotations_new) == (0, 0)
