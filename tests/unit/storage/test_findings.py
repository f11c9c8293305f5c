"""Cleaning runs and findings in the store: numbering, filters, review status, migration."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import inspect, text

from tests.unit.storage.test_migrations import SERVING_TABLES
from textloop.errors import InvalidInputError, NotFoundError
from textloop.storage import Store, findings, records, schema
from textloop.storage.migrations import MIGRATIONS


def add_records(store, n: int = 2) -> list[str]:
    rows = [{"id": f"r{i}", "content_hash": f"h{i}", "text": f"t{i}", "external_id": None,
             "meta": "{}", "source_kind": "file", "source_ref": None, "source_line": i,
             "import_id": None, "created_at": time.time()} for i in range(n)]
    with store.write() as conn:
        records.insert(conn, rows)
    return [r["id"] for r in rows]


def test_runs_are_numbered_and_findings_listed_by_kind(store) -> None:
    a, b = add_records(store)
    rows = [{"record_id": a, "kind": "label_issue", "score": 0.1,
             "details": {"given": "spam", "suggested": "ham"}},
            {"record_id": b, "kind": "pii", "score": None, "details": {"kinds": {"email": 1}}}]
    with store.write() as conn:
        first = findings.add(conn, config={"folds": 5}, summary={"n": 2}, rows=rows)
        second = findings.add(conn, config={}, summary={}, rows=[])
    assert (first["id"], second["id"]) == ("c1", "c2")
    with store.read() as conn:
        assert findings.get(conn, "latest")["id"] == "c2"
        run = findings.get(conn, "c1")
        issues = findings.list_for(conn, "c1", kind="label_issue")
    assert run["config"] == {"folds": 5}
    assert [(f["record_id"], f["details"]["suggested"], f["status"]) for f in issues] == [
        (a, "ham", "open")]


def test_review_status_is_recorded_and_checked(store) -> None:
    (a,) = add_records(store, 1)
    with store.write() as conn:
        findings.add(conn, config={}, summary={},
                     rows=[{"record_id": a, "kind": "outlier", "score": 0.9, "details": {}}])
    with store.read() as conn:
        finding_id = findings.list_for(conn, "c1")[0]["id"]
    with store.write() as conn:
        findings.set_status(conn, finding_id, "relabeled")
    with store.read() as conn:
        assert findings.list_for(conn, "c1", status="relabeled")[0]["id"] == finding_id
        assert findings.list_for(conn, "c1", status="open") == []
    with pytest.raises(InvalidInputError, match="unknown finding status"), \
            store.write() as conn:
        findings.set_status(conn, finding_id, "maybe")
    with pytest.raises(NotFoundError), store.write() as conn:
        findings.set_status(conn, 999, "kept")


def test_an_unknown_run_is_not_found(store) -> None:
    with pytest.raises(NotFoundError, match="no cleaning run 'latest'"), store.read() as conn:
        findings.get(conn, "latest")


def test_a_v2_store_gains_the_cleaning_tables(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store(url, tmp_path) as store, store.write() as conn:
        for name in (*SERVING_TABLES,  # v8, v7, v6
                     "model_alias_history", "model_aliases", "model_versions",  # v5
                     "exclusions", "review_decisions", "findings", "cleanings"):  # v4, v3
            conn.execute(text(f"DROP TABLE {name}"))
        conn.execute(schema.schema_migrations.delete())
        conn.execute(schema.schema_migrations.insert().values(
            version=2, name=MIGRATIONS[1].name, applied_at=time.time()))
    with Store(url, tmp_path) as store:
        assert {"cleanings", "findings"} <= set(inspect(store.engine).get_table_names())
        with store.read() as conn:
            versions = conn.execute(schema.schema_migrations.select()).mappings().all()
    assert [v["version"] for v in versions] == [m.version for m in MIGRATIONS if m.version >= 2]
    assert MIGRATIONS[2].version == 3


def test_open_findings_of_a_release_name_each_record_once_with_its_cleanings(store) -> None:
    from textloop.storage import releases

    a, b, c = add_records(store, 3)
    pii = {"kind": "pii", "score": None, "details": {"kinds": {"email": 1}}}
    with store.write() as conn:
        releases.add_next(conn, release_id="v1", number=1, parent_id=None, path="releases/v1",
                          manifest_sha256="0" * 64, rows=[(a, "train", "spam"),
                                                          (b, "test", "ham")],
                          config={}, stats={})
        findings.add(conn, config={}, summary={}, rows=[{"record_id": a, **pii},
                                                        {"record_id": b, **pii},
                                                        {"record_id": c, **pii}])
        findings.add(conn, config={}, summary={}, rows=[{"record_id": a, **pii}])
        settled = findings.list_for(conn, "c1", kind="pii")[1]["id"]
        findings.set_status(conn, settled, "kept")
    with store.read() as conn:
        # b's finding was settled, c is not in the release, a was flagged twice
        assert findings.open_in_release(conn, "pii", "v1") == {a: ["c1", "c2"]}
        assert findings.open_in_release(conn, "outlier", "v1") == {}
