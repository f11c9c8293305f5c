"""Schema versions: fresh stores are stamped, newer ones refused, reopening changes nothing."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from textloop.errors import StorageError
from textloop.storage import Store, schema
from textloop.storage.engine import WRITE
from textloop.storage.migrations import LATEST, MIGRATIONS, current_version


def versions_from(first: int) -> list[int]:
    """The migration versions from ``first`` on (numbers may skip: they are pre-assigned)."""
    return [m.version for m in MIGRATIONS if m.version >= first]

def name_of(version: int) -> str:
    return next(m.name for m in MIGRATIONS if m.version == version)


def stamp_as(conn, version: int) -> None:
    """Stamp the store as ``version`` left it (only that version recorded), so opening it
    runs every later migration."""
    conn.execute(schema.schema_migrations.delete())
    conn.execute(schema.schema_migrations.insert().values(
        version=version, name=name_of(version), applied_at=time.time()))


SPAN_SUGGESTION_TABLES = ("llm_span_suggestions",)
SYNTH_TABLES = (*SPAN_SUGGESTION_TABLES, "synth_items", "synth_batches")
MONITOR_TABLES = (*SYNTH_TABLES, "monitor_alert_rows", "monitor_checks", "monitor_reports")
SERVING_TABLES = (*MONITOR_TABLES, "prediction_feedback", "predictions", "api_keys")


def open_store(tmp_path, **kwargs) -> Store:
    return Store(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "artifacts", **kwargs)


def stamps(store: Store) -> list[tuple[int, str]]:
    with store.read() as conn:
        rows = conn.execute(select(schema.schema_migrations.c.version,
                                   schema.schema_migrations.c.name)).all()
    return [tuple(row) for row in rows]


def test_fresh_store_is_stamped_with_the_latest_version(tmp_path) -> None:
    with open_store(tmp_path) as store:
        assert stamps(store) == [(LATEST, MIGRATIONS[-1].name)]
        with store.read() as conn:
            assert current_version(conn) == LATEST


def test_reopening_is_idempotent(tmp_path) -> None:
    open_store(tmp_path).close()
    with open_store(tmp_path) as store:
        assert stamps(store) == [(LATEST, MIGRATIONS[-1].name)]


def test_store_from_a_newer_textloop_is_refused(tmp_path) -> None:
    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(schema.schema_migrations.insert().values(
            version=LATEST + 1, name="future", applied_at=time.time()))
    with pytest.raises(StorageError, match=f"schema version {LATEST + 1}, newer") as info:
        open_store(tmp_path)
    assert "pip install -U textloop" in (info.value.hint or "")


def test_pending_migrations_run_in_order_and_are_stamped(tmp_path, monkeypatch) -> None:
    from textloop.storage import migrations

    open_store(tmp_path).close()
    applied: list[int] = []
    extra = (migrations.Migration(LATEST + 1, "add a thing", lambda c: applied.append(1)),
             migrations.Migration(LATEST + 2, "add another", lambda c: applied.append(2)))
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, *extra))
    monkeypatch.setattr(migrations, "LATEST", LATEST + 2)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == [LATEST, LATEST + 1, LATEST + 2]
    assert applied == [1, 2]


def test_opening_an_up_to_date_store_does_not_wait_for_a_writer(tmp_path) -> None:
    with open_store(tmp_path) as writer, writer.write() as conn:
        conn.execute(schema.imports.insert().values(
            source="x", source_kind="file", options="{}", started_at=0.0))
        with open_store(tmp_path, busy_timeout=0.1) as second, second.read() as read:
            assert current_version(read) == LATEST


def test_write_option_name_is_stable() -> None:
    assert WRITE == {"textloop_write": True}


def _make_v1_store(tmp_path) -> None:
    """A store in the exact v1 shape: no labeling tables, annotations without undo."""
    from sqlalchemy import text

    with open_store(tmp_path) as store, store.write() as conn:
        for name in (*SERVING_TABLES, "model_alias_history", "model_aliases", "model_versions",
                     "exclusions", "review_decisions", "findings", "cleanings", "al_rounds",
                     "comments", "assignments", "queue_items", "annotators"):
            conn.execute(text(f"DROP TABLE {name}"))
        conn.execute(text("DROP INDEX ix_annotations_annotator"))
        conn.execute(text("ALTER TABLE annotations DROP COLUMN retracted_at"))
        stamp_as(conn, 1)
        conn.execute(schema.records.insert().values(
            id="r1", content_hash="h1", text="kept", source_kind="file", created_at=0.0))
        conn.execute(text("INSERT INTO annotations (record_id, label, kind, annotator, "
                          "created_at) VALUES ('r1', 'spam', 'import', 'import', 0)"))


def test_a_v1_store_is_upgraded_to_v2_without_losing_rows(tmp_path) -> None:
    from sqlalchemy import inspect

    from textloop.storage import annotation_log

    _make_v1_store(tmp_path)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(1)
        tables = set(inspect(store.engine).get_table_names())
        assert {"annotators", "queue_items", "assignments", "comments", "al_rounds"} <= tables
        assert {"cleanings", "findings"} <= tables
        assert {"review_decisions", "exclusions"} <= tables
        assert {"model_versions", "model_aliases", "model_alias_history"} <= tables
        with store.read() as conn:
            assert list(annotation_log.iter_votes(conn)) == [("r1", "spam", "import", 0.0)]


def test_a_v3_store_gains_the_review_tables_and_keeps_its_findings(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import findings

    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(schema.records.insert().values(
            id="r1", content_hash="h1", text="kept", source_kind="file", created_at=0.0))
        findings.add(conn, config={}, summary={}, rows=[
            {"record_id": "r1", "kind": "outlier", "score": 0.9, "details": {}}])
        for name in (*SERVING_TABLES, "model_alias_history", "model_aliases", "model_versions",
                     "exclusions", "review_decisions"):
            conn.execute(text(f"DROP TABLE {name}"))
        stamp_as(conn, 3)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(3)
        assert {"review_decisions", "exclusions"} <= set(inspect(store.engine).get_table_names())
        with store.read() as conn:
            assert [f["record_id"] for f in findings.list_for(conn, "c1")] == ["r1"]


def test_a_v4_store_gains_the_registry_tables_and_keeps_its_runs(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import runs

    with open_store(tmp_path) as store, store.write() as conn:
        runs.create(conn, model="m", short_name="m", release_id=None, config={})
        for name in (*SERVING_TABLES, "model_alias_history", "model_aliases", "model_versions"):
            conn.execute(text(f"DROP TABLE {name}"))
        stamp_as(conn, 4)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(4)
        tables = set(inspect(store.engine).get_table_names())
        assert {"model_versions", "model_aliases", "model_alias_history"} <= tables
        with store.read() as conn:
            assert [r["name"] for r in runs.list_all(conn)] == ["m-1"]


def test_a_v5_store_gains_the_serving_tables_and_keeps_its_versions(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import model_versions, runs

    with open_store(tmp_path) as store, store.write() as conn:
        run = runs.create(conn, model="m", short_name="m", release_id=None, config={})
        model_versions.add_version(conn, run_id=run["id"], run_name=run["name"], release_id=None,
                             metrics={}, actor="ana")
        for name in SERVING_TABLES:
            conn.execute(text(f"DROP TABLE {name}"))
        stamp_as(conn, 5)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(5)
        assert set(SERVING_TABLES) <= set(inspect(store.engine).get_table_names())
        with store.read() as conn:
            assert [v["run_name"] for v in model_versions.list_versions(conn)] == ["m-1"]


def test_a_v6_store_gains_the_monitoring_tables_and_keeps_its_prediction_log(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import predictions

    row = {"request_id": "r1", "idx": 0, "created_at": 1.0, "model_version": None,
           "run_name": "m-1", "api_key": None, "text": "hi", "text_hash": None, "label": "a",
           "probabilities": {"a": 1.0}, "score": 1.0, "band": None, "value": None,
           "latency_ms": 2.0}
    with open_store(tmp_path) as store, store.write() as conn:
        predictions.insert_many(conn, [row])
        for name in MONITOR_TABLES:
            conn.execute(text(f"DROP TABLE {name}"))
        stamp_as(conn, 6)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(6)
        assert set(MONITOR_TABLES) <= set(inspect(store.engine).get_table_names())
        with store.read() as conn:
            assert predictions.get(conn, "r1")["text"] == "hi"


def test_a_v7_store_gains_the_synth_tables_and_keeps_its_monitor_reports(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import monitoring

    with open_store(tmp_path) as store, store.write() as conn:
        monitoring.add_report(conn, model_version=None, run_name="m-1", release_id=None,
                              window=(None, None), n_rows=0, status="ok", config={},
                              summary={})
        for name in SYNTH_TABLES:
            conn.execute(text(f"DROP TABLE {name}"))
        stamp_as(conn, 7)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(7)
        assert set(SYNTH_TABLES) <= set(inspect(store.engine).get_table_names())
        with store.read() as conn:
            assert monitoring.get_report(conn)["run_name"] == "m-1"


def test_a_v8_store_keeps_its_api_keys_with_both_scopes(tmp_path) -> None:
    """Keys made before scopes existed could classify and send feedback; they still can."""
    from sqlalchemy import text

    from textloop.stages.serving.api_keys import list_keys

    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(text("DROP TABLE api_keys"))  # the v8 shape: no scopes column
        conn.execute(text("CREATE TABLE api_keys (name VARCHAR(100) PRIMARY KEY, key_id "
                          "VARCHAR(32) NOT NULL UNIQUE, secret_hash TEXT NOT NULL, rate "
                          "VARCHAR(32), created_at FLOAT NOT NULL, revoked_at FLOAT)"))
        conn.execute(text("INSERT INTO api_keys (name, key_id, secret_hash, rate, created_at) "
                          "VALUES ('old-app', 'abc123', 'scrypt$x', '10/s', 1.0)"))
        stamp_as(conn, 8)
    with open_store(tmp_path) as store:
        assert (9, "api key scopes: classify, feedback") in stamps(store)
        (key,) = list_keys(store)
        assert (key.name, key.rate, key.scopes) == ("old-app", "10/s", ("classify", "feedback"))


def test_a_v8_store_gains_run_owners_and_lower_case_statuses(tmp_path) -> None:
    from sqlalchemy import text

    from textloop.storage import runs

    with open_store(tmp_path) as store, store.write() as conn:
        for name in ("done", "broken", "busy"):
            runs.create(conn, model="m", short_name=name, release_id=None, config={})
        for column in ("owner_pid", "owner_host", "owner_started"):
            conn.execute(text(f"ALTER TABLE runs DROP COLUMN {column}"))
        for name, old in (("done-1", "FINISHED"), ("broken-2", "FAILED"), ("busy-3", "RUNNING")):
            conn.execute(text("UPDATE runs SET status = :s WHERE name = :n"), {"s": old, "n": name})
        stamp_as(conn, 8)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(8)
        with store.read() as conn:
            stored = dict(conn.execute(text("SELECT name, status FROM runs")).all())
            assert runs.get(conn, "busy-3")["owner_pid"] is None
        assert stored == {"done-1": "finished", "broken-2": "failed", "busy-3": "running"}


def test_a_v12_store_gains_the_llm_span_suggestion_cache_and_keeps_its_records(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import llm_suggestions

    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(text("DROP TABLE llm_span_suggestions"))
        conn.execute(schema.records.insert().values(
            id="r1", content_hash="h1", text="Ana", source_kind="file", created_at=0.0))
        conn.execute(schema.schema_migrations.delete())
        conn.execute(schema.schema_migrations.insert().values(
            version=12, name="runs: owning process, lower-case statuses", applied_at=time.time()))
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(12)
        assert "llm_span_suggestions" in inspect(store.engine).get_table_names()
        with store.write() as conn:
            assert llm_suggestions.put(conn, content_hash="h1", model="m", prompt="spans.v1",
                                       spans=[{"start": 0, "end": 3, "label": "PER",
                                               "text": "Ana"}], dropped={}, examples=[])
            assert not llm_suggestions.put(conn, content_hash="h1", model="m",
                                           prompt="spans.v1", spans=[], dropped={},
                                           examples=[])
            assert llm_suggestions.get(conn, "m", "spans.v1", "h1")[0]["text"] == "Ana"
            assert llm_suggestions.get(conn, "m", "spans.v2", "h1") is None
            assert conn.execute(text("SELECT text FROM records")).scalar_one() == "Ana"


def test_a_v13_store_gains_the_span_verdicts_table(tmp_path) -> None:
    from sqlalchemy import inspect, text

    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(text("DROP TABLE span_verdicts"))
        stamp_as(conn, 13)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(13)
        assert inspect(store.engine).has_table("span_verdicts")


def test_a_v14_store_gains_the_model_span_suggestion_cache(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import model_suggestions, runs

    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(text("DROP TABLE model_span_suggestions"))
        stamp_as(conn, 14)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(14)
        assert inspect(store.engine).has_table("model_span_suggestions")
        with store.write() as conn:
            run = runs.create(conn, model="m", short_name="m", release_id=None, config={})
            spans = [{"start": 0, "end": 3, "label": "PER", "text": "Ana", "score": 0.5}]
            assert model_suggestions.put_many(conn, run["id"], {"h1": spans}) == 1
            assert model_suggestions.put_many(conn, run["id"], {"h1": []}) == 0  # kept
            assert model_suggestions.cached(conn, run["id"], ["h1", "h2"]) == {"h1"}
            assert model_suggestions.latest(conn, "h1") == spans
            assert model_suggestions.latest(conn, "h2") is None


def test_a_v15_store_gains_span_columns_in_the_prediction_log(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import predictions

    with open_store(tmp_path) as store, store.write() as conn:
        conn.execute(text("ALTER TABLE predictions DROP COLUMN spans"))
        conn.execute(text("INSERT INTO predictions (request_id, idx, created_at, run_name, "
                          "label, latency_ms) VALUES ('old', 0, 1.0, 'tfidf-lr-1', 'spam', 2.0)"))
        stamp_as(conn, 15)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(15)
        columns = {c["name"] for c in inspect(store.engine).get_columns("predictions")}
        assert "spans" in columns
        with store.write() as conn:
            old = predictions.get(conn, "old")
            assert (old["label"], old["spans"]) == ("spam", None)  # logged before: no spans
            spans = [{"start": 0, "end": 3, "label": "PER", "score": 0.75}]
            predictions.insert_many(conn, [{**old, "request_id": "new", "label": None,
                                            "spans": spans}])
            assert predictions.get(conn, "new")["spans"] == spans


def test_a_v16_store_gains_record_split_pins_and_keeps_its_records(tmp_path) -> None:
    from sqlalchemy import inspect, text

    from textloop.storage import records

    with open_store(tmp_path) as store, store.write() as conn:
        # records as v16 made it (SQLite cannot drop a column under a foreign key)
        conn.execute(text("CREATE TABLE records_v16 (id VARCHAR(32) PRIMARY KEY, content_hash "
                          "VARCHAR(64) NOT NULL UNIQUE, text TEXT NOT NULL, external_id TEXT "
                          "UNIQUE, meta TEXT DEFAULT '{}' NOT NULL, source_kind VARCHAR(32) NOT "
                          "NULL, source_ref TEXT, source_line INTEGER, import_id INTEGER "
                          "REFERENCES imports (id), created_at FLOAT NOT NULL)"))
        conn.execute(text("DROP TABLE records"))
        conn.execute(text("ALTER TABLE records_v16 RENAME TO records"))
        conn.execute(text("INSERT INTO records (id, content_hash, text, meta, source_kind, "
                          "created_at) VALUES ('r1', 'h1', 'kept', '{}', 'file', 0.0)"))
        stamp_as(conn, 16)
    with open_store(tmp_path) as store:
        assert [v for v, _ in stamps(store)] == versions_from(16)
        columns = {c["name"] for c in inspect(store.engine).get_columns("records")}
        assert {"split", "split_import_id"} <= columns
        with store.write() as conn:
            assert records.stored_splits(conn, ["r1"]) == {"r1": None}  # stored before: unpinned
            assert records.pin_splits(conn, [("r1", "test")], import_id=None) == 1
            assert records.pins(conn) == {"r1": ("test", "")}
