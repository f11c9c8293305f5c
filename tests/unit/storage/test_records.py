"""Record reads: keyset pagination, lookups by id and by external id."""

from __future__ import annotations

import time

from textloop.storage import records


def rows(n: int) -> list[dict]:
    return [{"id": f"{i:016x}", "content_hash": f"{i:064x}", "text": f"text {i}",
             "external_id": f"ext{i}" if i % 2 else None, "meta": f'{{"i": {i}}}',
             "source_kind": "file", "source_ref": "f.csv", "source_line": i, "import_id": None,
             "created_at": time.time()} for i in range(n)]


def test_iter_all_pages_through_more_rows_than_a_batch(store) -> None:
    with store.write() as conn:
        records.insert(conn, rows(23))
    with store.read() as conn:
        got = list(records.iter_all(conn, batch=5))
    assert [r.id for r in got] == [f"{i:016x}" for i in range(23)]
    assert got[7].meta == {"i": 7} and got[7].external_id == "ext7"


def test_iter_all_on_an_empty_store(store) -> None:
    with store.read() as conn:
        assert list(records.iter_all(conn, batch=2)) == []


def test_get_many_keeps_the_order_asked_and_skips_unknown_ids(store) -> None:
    with store.write() as conn:
        records.insert(conn, rows(5))
    with store.read() as conn:
        got = records.get_many(conn, [f"{3:016x}", "nope", f"{1:016x}"])
    assert [r.text for r in got] == ["text 3", "text 1"]


def test_external_id_owners_across_chunks(store) -> None:
    with store.write() as conn:
        records.insert(conn, rows(2001))
    wanted = [f"ext{i}" for i in range(2001)]
    with store.read() as conn:
        owners = records.external_id_owners(conn, wanted)
    assert len(owners) == 1000 and owners["ext1999"] == f"{1999:064x}"
