"""The same stages on a real PostgreSQL store: import, labels, release, train, evaluate, cache.

The server is ``tests/pg_server.py``'s (a throwaway cluster on a unix socket, or
``TEXTLOOP_TEST_PG_URL``); without PostgreSQL the tests are skipped with the reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.pg_server import PgServer
from tests.unit.stages.pipeline_fixtures import write_dataset
from textloop.config import Label
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.resolution import labeled_records
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.stages.train.training import train
from textloop.storage import Store, records, runs

pytestmark = pytest.mark.integration
pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed")


@pytest.fixture(scope="module")
def pg_url(pg_server: PgServer) -> str:
    """One database for the module's tests (each test empties it first)."""
    return pg_server.fresh_database()


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TEXTLOOP_STORE_URL", pg_url)
    project = init_project(tmp_path / "p", labels=[Label(name="spam"), Label(name="ham")])
    with Store.for_project(project) as store:
        _empty(store)
        yield project, store


def _empty(store: Store) -> None:
    """Each test starts from an empty schema (the cluster is shared by the module)."""
    from textloop.storage.schema import metadata

    metadata.drop_all(store.engine)
    store.engine.dispose()
    Store(store.url, store.artifact_root).close()  # re-create through the migrations


def test_import_is_idempotent_and_counts_new_rows(pg_project, tmp_path: Path) -> None:
    project, store = pg_project
    data = write_dataset(tmp_path / "d.csv")
    first = import_file(store, project, data, ImportOptions())
    again = import_file(store, project, data, ImportOptions())
    assert (first.records_new, first.annotations_new) == (240, 240)
    assert (again.records_new, again.annotations_new) == (0, 0)
    with store.read() as conn:
        assert records.count(conn) == 240
        assert {r.label for r in labeled_records(conn)} == {"spam", "ham"}


def test_a_failed_import_leaves_postgres_unchanged(pg_project, tmp_path: Path) -> None:
    project, store = pg_project
    good = write_dataset(tmp_path / "d.csv")
    import_file(store, project, good, ImportOptions())
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text() + "new text,spma\n")
    from textloop.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="spma"):
        import_file(store, project, bad, ImportOptions())
    with store.read() as conn:
        assert records.count(conn) == 240


def test_release_train_evaluate_on_postgres(pg_project, tmp_path: Path) -> None:
    project, store = pg_project
    import_file(store, project, write_dataset(tmp_path / "d.csv"), ImportOptions())
    release = create_release(store, project)
    assert sum(len(s.ids) for s in load_release(store, release.id).splits.values()) == 240
    trained = train(store, project)
    evaluated = evaluate_run(store, project, trained.run_name)
    with store.read() as conn:
        run = runs.get(conn, "latest")
    assert run["status"] == "finished" and run["release_id"] == release.id
    assert run["metrics"]["test/macro_f1"] == pytest.approx(evaluated.metrics["macro_f1"])


def test_embedding_cache_round_trips_on_postgres(pg_project) -> None:
    _, store = pg_project
    vectors = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    store.embedding_cache.put("m/int8", ["a", "b", "c"], vectors)
    store.embedding_cache.put("m/int8", ["a"], vectors[:1] * 0)  # a known hash is not replaced
    found = store.embedding_cache.get("m/int8", ["c", "a", "zzz"])
    assert set(found) == {"a", "c"}
    np.testing.assert_array_equal(found["a"], vectors[0])


def test_monitoring_history_reads_runs_and_traffic_on_postgres(pg_project) -> None:
    from tests.unit.stages.monitor.stored_reports import stored_report
    from textloop.stages.monitor.history import monitor_history
    from textloop.storage import predictions

    project, store = pg_project
    with store.write() as conn:
        predictions.insert_many(conn, [
            {"request_id": f"r{i}", "idx": idx, "created_at": 1_000.0 + 30 * i,
             "model_version": None, "run_name": "m-1", "api_key": None, "text": f"t{i}",
             "text_hash": None, "label": "spam", "probabilities": {"spam": 0.8, "ham": 0.2},
             "score": 0.8, "band": None, "value": None, "latency_ms": 5.0 * (i + 1)}
            for i in range(4) for idx in range(2)])
    for score in (0.01, 0.3):
        stored_report(store, [{"name": "oov", "score": score, "threshold": 0.1,
                               "status": "drift" if score > 0.1 else "ok", "rows": ["r3"]}])
    history = monitor_history(store, project)
    (oov,) = history.drift
    assert [(p.report_id, p.score) for p in oov.points] == [("mon1", 0.01), ("mon2", 0.3)]
    assert [b.predictions for b in history.traffic.buckets] == [2, 4, 2]  # 1-minute buckets
    # percentiles over requests (r1: 10 ms, r2: 15 ms), not over each request's two rows
    assert [b.latency for b in history.traffic.buckets] == [
        (5.0, 5.0, 5.0), pytest.approx((12.5, 14.75, 14.95)), (20.0, 20.0, 20.0)]
    (alert,) = history.alerts
    assert [(r["request_id"], r["text"]) for r in alert.rows] == [("r3", "t3")]


def test_api_keys_from_before_scopes_keep_both_on_postgres(pg_project) -> None:
    """Migration 9 on PostgreSQL: a v8 api_keys table gains scopes, old keys keep both."""
    import time

    from sqlalchemy import text

    from textloop.stages.serving.api_keys import create_key, list_keys
    from textloop.storage import schema
    from textloop.storage.migrations import MIGRATIONS

    _, store = pg_project
    with store.write() as conn:
        conn.execute(text("ALTER TABLE api_keys DROP COLUMN scopes"))  # the v8 shape
        conn.execute(text("INSERT INTO api_keys (name, key_id, secret_hash, rate, created_at) "
                          "VALUES ('old-app', 'abc123', 'scrypt$x', NULL, 1.0)"))
        conn.execute(schema.schema_migrations.delete().where(
            schema.schema_migrations.c.version > 8))
        conn.execute(schema.schema_migrations.insert().values(
            version=8, name=MIGRATIONS[7].name, applied_at=time.time()))
    store.engine.dispose()
    with Store(store.url, store.artifact_root) as upgraded:
        create_key(upgraded, "new-app")
        scopes = {key.name: key.scopes for key in list_keys(upgraded)}
    assert scopes == {"old-app": ("classify", "feedback"), "new-app": ("classify",)}


def test_a_row_postgres_refuses_costs_only_itself_in_the_prediction_log(pg_project) -> None:
    """PostgreSQL refuses NUL in text (SQLite stores it): the batch is retried row by row."""
    from textloop.stages.predict.prediction import Prediction
    from textloop.stages.serving.prediction_log import PredictionLog, log_row

    _, store = pg_project

    def row(i: int, text: str) -> dict:
        prediction = Prediction(text=text, label="spam", probabilities={"spam": 1.0},
                                score=1.0, band="block", model="m-1")
        return log_row(prediction, request_id=f"r{i}", idx=0, version=None, api_key=None,
                       latency_ms=1.0, log_texts="full")

    log = PredictionLog(store, batch=500)
    log.offer([row(i, f"good {i}") for i in range(5)] + [row(5, "bad \x00 text")])
    log.start()
    log.close()
    assert (log.written, log.dropped) == (5, 1)


def test_a_v9_postgres_store_gains_session_generations(pg_project) -> None:
    """Migration 10 on PostgreSQL: the column arrives, accounts keep working at 0."""
    import time

    from sqlalchemy import text

    from textloop.stages.label.annotators import get_annotator, reset_token, sign_out
    from textloop.storage import annotators, schema

    _, store = pg_project
    with store.write() as conn:
        annotators.add(conn, "alice", "scrypt$x$y", "annotator")
        conn.execute(text("ALTER TABLE annotators DROP COLUMN session_generation"))
        conn.execute(schema.schema_migrations.delete().where(
            schema.schema_migrations.c.version > 9))
        conn.execute(schema.schema_migrations.insert().values(
            version=9, name="api key scopes: classify, feedback", applied_at=time.time()))
    store.engine.dispose()
    with Store(store.url, store.artifact_root) as reopened:
        found = get_annotator(reopened, "alice")
        assert found is not None and found.session_generation == 0
        reset_token(reopened, "alice")
        sign_out(reopened, "alice")
        found = get_annotator(reopened, "alice")
        assert found is not None and found.session_generation == 2


def test_a_v8_store_upgrades_run_statuses_and_owners_on_postgres(pg_project) -> None:
    """Schema v12 widens ``runs.status`` (PostgreSQL enforces VARCHAR lengths) and adds
    the owner columns; an interrupted run's 20-character status then fits."""
    import time

    from sqlalchemy import text

    from textloop.stages.runs.recovery import recover_runs
    from textloop.storage import schema
    from textloop.storage.migrations import MIGRATIONS

    _, store = pg_project
    with store.write() as conn:
        for name in ("old", "dead"):
            runs.create(conn, model="m", short_name=name, release_id=None, config={})
        for column in ("owner_pid", "owner_host", "owner_started"):
            conn.execute(text(f"ALTER TABLE runs DROP COLUMN {column}"))
        conn.execute(text("ALTER TABLE runs ALTER COLUMN status TYPE VARCHAR(16)"))
        conn.execute(text("UPDATE runs SET status = 'FINISHED' WHERE name = 'old-1'"))
        conn.execute(text("UPDATE runs SET status = 'RUNNING' WHERE name = 'dead-2'"))
        conn.execute(schema.schema_migrations.delete())
        conn.execute(schema.schema_migrations.insert().values(
            version=8, name=MIGRATIONS[7].name, applied_at=time.time()))
    store.engine.dispose()
    with Store(store.url, store.artifact_root) as upgraded:
        assert recover_runs(upgraded) == [
            "run dead-2 was interrupted (its process is unknown); marked failed (interrupted)"]
        with upgraded.read() as conn:
            assert runs.get(conn, "old-1")["status"] == "finished"
            assert runs.get(conn, "dead-2")["status"] == "failed (interrupted)"
