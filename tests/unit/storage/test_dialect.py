"""insert_ignore: unique conflicts are skipped and counted, other violations still raise."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from textloop.storage import annotation_log, records
from textloop.storage.dialect import insert_ignore, insert_ignore_values
from textloop.storage.schema import embeddings


def record(i: int, text: str | None = None, external_id: str | None = None) -> dict:
    return {"id": f"id{i:04d}", "content_hash": f"h{i:04d}", "text": text or f"t{i}",
            "external_id": external_id, "meta": "{}", "source_kind": "file",
            "source_ref": None, "source_line": i, "import_id": None, "created_at": time.time()}


def test_conflicts_on_any_unique_key_are_skipped_and_not_counted(store) -> None:
    with store.write() as conn:
        assert records.insert(conn, [record(1, external_id="e1"), record(2)]) == 2
        again = [record(1), {**record(3), "content_hash": "h0002"},
                 {**record(4), "external_id": "e1"}, record(5)]
        assert records.insert(conn, again) == 1
        assert records.count(conn) == 3


def test_not_null_violations_still_raise(store) -> None:
    with pytest.raises(SqlIntegrityError), store.write() as conn:
        records.insert(conn, [{**record(1), "text": None}])
    with store.read() as conn:
        assert records.count(conn) == 0


def test_value_tuples_and_dicts_store_the_same_rows(store) -> None:
    columns = tuple(record(0))
    with store.write() as conn:
        assert records.insert_values(conn, columns, [tuple(record(1).values())]) == 1
        records.insert(conn, [record(2)])
        stored = records.get_many(conn, ["id0001", "id0002"])
    assert [r.text for r in stored] == ["t1", "t2"]


def test_import_annotations_are_unique_per_record_and_label(store) -> None:
    now = time.time()
    label = {"record_id": "id0001", "label": "spam", "kind": "import", "annotator": "import",
             "created_at": now}
    human = {**label, "kind": "human", "annotator": "ann"}
    with store.write() as conn:
        records.insert(conn, [record(1)])
        assert annotation_log.insert(conn, [label, label, {**label, "label": "ham"}]) == 2
        assert annotation_log.insert(conn, [human, human]) == 2
        assert annotation_log.count(conn) == 4


def test_rows_missing_later_keys_fall_back_or_fail_like_sqlalchemy(store) -> None:
    with store.write() as conn:
        records.insert(conn, [record(1)])
        short = {"record_id": "id0001", "label": "x", "kind": "human", "annotator": "a",
                 "created_at": 1.0}
        assert annotation_log.insert(conn, [short]) == 1
        assert annotation_log.insert(conn, [{**short, "comment": "why"}]) == 1


def test_binary_columns_go_through_sqlalchemy(store) -> None:
    row = {"model_id": "m", "content_hash": "h", "vector": b"\x00\x01"}
    with store.write() as conn:
        assert insert_ignore(conn, embeddings, [row, row]) == 1
        assert insert_ignore_values(conn, embeddings, tuple(row), [tuple(row.values())]) == 0
    with store.read() as conn:
        assert conn.execute(select(embeddings.c.vector)).scalar_one() == b"\x00\x01"


def test_empty_inputs_insert_nothing(store) -> None:
    with store.write() as conn:
        assert insert_ignore(conn, embeddings, []) == 0
        assert insert_ignore_values(conn, embeddings, ("model_id",), []) == 0
