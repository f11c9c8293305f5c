"""A team on one PostgreSQL store: everything at once, conflicts, lost connections, migrations.

Annotators answer from many threads while an import runs, a server's prediction log writes
and monitor runs are stored, all against a real server (``tests/pg_server.py``); nothing
sent may be lost and no conflict between them may reach a user. Connection loss is made
real: the server is restarted with ``pg_ctl`` or a backend is ended with
``pg_terminate_backend``. Several real processes open a fresh database at once.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, select, text

from tests.pg_server import PgServer
from tests.unit.stages.pipeline_fixtures import write_dataset
from textloop.config import Label, MonitoringSettings, Project
from textloop.errors import StoreUnavailableError
from textloop.stages import label as labeling
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, queue, records, runs
from textloop.storage import predictions as prediction_log
from textloop.storage.migrations import LATEST
from textloop.storage.schema import assignments, monitor_reports, predictions, schema_migrations

pytestmark = pytest.mark.integration
pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed")


@pytest.fixture
def pg_project(tmp_path: Path, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
               ) -> Project:
    """A spam/ham project on a database of its own, with 240 labeled records imported."""
    monkeypatch.setenv("TEXTLOOP_STORE_URL", pg_server.fresh_database())
    project = init_project(tmp_path / "p", labels=[Label(name="spam"), Label(name="ham")])
    with Store.for_project(project) as store:
        import_file(store, project, write_dataset(tmp_path / "d.csv"), ImportOptions())
    return project


@pytest.fixture(params=["postgres", "sqlite"])
def team_project(request: pytest.FixtureRequest, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Project:
    """``pg_project``, and the same project on the default SQLite store (whose writers
    queue on the file's lock, waiting up to the busy timeout)."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_project")
    monkeypatch.delenv("TEXTLOOP_STORE_URL", raising=False)
    project = init_project(tmp_path / "p", labels=[Label(name="spam"), Label(name="ham")])
    with Store.for_project(project) as store:
        import_file(store, project, write_dataset(tmp_path / "d.csv"), ImportOptions())
    return project


def _queue_everything(store: Store, overlap: int) -> list[str]:
    with store.write() as conn:
        ids = sorted(r.id for r in records.iter_all(conn))
        queue.enqueue(conn, [{"record_id": rid, "priority": 0.0, "strategy": "test",
                              "batch_id": "b", "overlap": overlap, "suggestion": None,
                              "confidence": None} for rid in ids])
    return ids


def _together(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run the jobs in threads started at once; every job's result, or the first error."""
    start = threading.Barrier(len(jobs))
    results: dict[str, Any] = {}
    errors: dict[str, BaseException] = {}

    def run(name: str, job: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[name] = job()
        except BaseException as exc:  # reported below, by job
            errors[name] = exc

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not [t for t in threads if t.is_alive()], "a job never finished"
    if errors:
        name, exc = next(iter(errors.items()))
        raise AssertionError(f"job {name} failed: {exc!r}") from exc
    return results


def _annotator(store: Store, project: Project, name: str) -> Callable[[], int]:
    """Answer until the queue has nothing left for ``name``; returns answers sent."""
    def work() -> int:
        sent = 0
        while (item := labeling.next_item(store, name)) is not None:
            labeling.submit(store, project, name, item.record_id,
                            ["spam" if sent % 2 else "ham"])
            sent += 1
        return sent
    return work


def _human_answers(store: Store) -> Counter[str]:
    with store.read() as conn:
        return Counter(record_id for record_id, _, _, kind, _
                       in annotation_log.human_votes(conn) if kind == "human")


def test_annotators_at_once_each_answer_a_record_only_while_it_has_room(team_project) -> None:
    """Twelve annotators claiming from one queue: no item is handed out past its overlap
    (on PostgreSQL the claim locks the row it takes, skipping rows another claim holds), no
    answer lost."""
    with Store.for_project(team_project) as store:
        ids = _queue_everything(store, overlap=1)
        sent = _together({f"a{i}": _annotator(store, team_project, f"a{i}")
                          for i in range(12)})
        answers = _human_answers(store)
        with store.read() as conn:
            counts = queue.counts(conn)
    assert sum(sent.values()) == sum(answers.values()) == len(ids)
    assert set(answers) == set(ids) and max(answers.values()) == 1
    assert counts == {queue.DONE: len(ids)}


def _served(store: Store, project: Project, tmp_path: Path) -> None:
    """Release, train (tfidf-lr) and register: a champion for the server and the monitor."""
    from textloop.stages.release import create_release
    from textloop.stages.train.training import train
    from textloop.stages.versions.promotion import promote
    from textloop.stages.versions.register import register_run

    create_release(store, project)
    run = train(store, project, model="tfidf-lr").run_name
    register_run(store, project, run, actor="ana")
    promote(store, project, "m1", actor="ana")


def test_annotators_import_prediction_log_and_monitor_at_once(pg_project, tmp_path) -> None:
    """The whole team at once: ten annotators (two answers per record), an import of 2,000
    new rows, a server's prediction log writing 1,500 predictions and two monitor runs.
    Every answer and every prediction is stored, the import is whole, both monitor reports
    are catalogued under their own numbers, and no job saw an error."""
    from textloop.stages.monitor.run import MonitorOptions, monitor
    from textloop.stages.predict.prediction import predictions_from
    from textloop.stages.runs.loading import load_run
    from textloop.stages.serving.prediction_log import PredictionLog, log_row

    project = pg_project
    project.spec.monitoring = MonitoringSettings(window=200, null_windows=5, permutations=19,
                                                 min_rows=30, max_reference=100)
    project.save()
    with Store.for_project(project) as setup:
        _served(setup, project, tmp_path)
        ids = _queue_everything(setup, overlap=2)
        loaded = load_run(setup, "m1")
        texts = [f"claim your free prize now {i}" if i % 3 else f"see you at lunch {i}"
                 for i in range(1500)]
        rows = [log_row(p, request_id=f"r{i}", idx=0, version=1, api_key=None,
                        latency_ms=1.0, log_texts="full")
                for i, p in enumerate(predictions_from(loaded, texts))]
    fresh = write_dataset(tmp_path / "more.csv", n=2000, seed=7)
    # the first predictions are in before the monitors start, so they have a window
    with Store.for_project(project) as server_store:
        with server_store.write() as conn:
            prediction_log.insert_many(conn, rows[:300])
        app_store, import_store, monitor_store = (Store.for_project(project) for _ in range(3))
        log = PredictionLog(server_store, batch=50).start()

        def serve() -> int:
            for start in range(300, len(rows), 25):
                log.offer(rows[start:start + 25])
            log.close()
            return log.written

        jobs: dict[str, Callable[[], Any]] = {
            f"a{i}": _annotator(app_store, project, f"a{i}") for i in range(10)}
        jobs["import"] = lambda: import_file(import_store, project, fresh, ImportOptions())
        jobs["serve"] = serve
        jobs["monitor1"] = lambda: monitor(monitor_store, project, MonitorOptions())
        jobs["monitor2"] = lambda: monitor(monitor_store, project, MonitorOptions(seed=1))
        try:
            done = _together(jobs)
            answers = _human_answers(app_store)
            with app_store.read() as conn:
                logged = conn.execute(select(predictions.c.request_id)).scalars().all()
                reports = conn.execute(select(monitor_reports.c.id)).scalars().all()
                stored = records.count(conn)
        finally:
            for opened in (app_store, import_store, monitor_store):
                opened.close()
    sent = sum(done[f"a{i}"] for i in range(10))
    assert sent == sum(answers.values()) == 2 * len(ids)
    assert set(answers) == set(ids) and set(answers.values()) == {2}
    assert done["serve"] == len(rows) - 300 and log.dropped == 0
    assert sorted(logged) == sorted(r["request_id"] for r in rows)
    assert done["import"].records_new == 2000 and stored == 240 + 2000
    assert sorted(reports) == ["mon1", "mon2"]
    assert {done["monitor1"].report_id, done["monitor2"].report_id} == {"mon1", "mon2"}


def test_runs_created_at_once_get_their_own_numbers(pg_project) -> None:
    """Numbered things (runs, releases, versions, reports) take max + 1: at once on
    PostgreSQL they would take the same number, so the numbering is serialised."""
    with Store.for_project(pg_project) as store:
        def create(i: int) -> Callable[[], str]:
            return lambda: store.run_write(lambda conn: runs.create(
                conn, model="m", short_name=f"r{i}", release_id=None, config={})["name"])
        names = _together({f"r{i}": create(i) for i in range(8)})
    assert sorted(int(name.rsplit("-", 1)[1]) for name in names.values()) == list(range(1, 9))


def test_a_deadlock_the_server_detects_is_settled_by_running_the_loser_again(
        pg_project) -> None:
    """Two writers taking two rows in opposite orders deadlock; PostgreSQL rolls one back
    (deadlock detected) and ``run_write`` runs it again, so both changes are stored once."""
    with Store.for_project(pg_project) as store:
        ids = _queue_everything(store, overlap=1)[:2]
        with store.read() as conn:
            rows = [row["id"] for row in queue.active_items(conn)
                    if row["record_id"] in ids]
        both_hold_one = threading.Barrier(2, timeout=20)
        attempts = Counter[str]()

        def bump(name: str, order: list[int]) -> Callable[[], None]:
            def work(conn: Connection) -> None:
                attempts[name] += 1
                for position, item in enumerate(order):
                    conn.execute(text("UPDATE queue_items SET priority = priority + 1 "
                                      "WHERE id = :id"), {"id": item})
                    if position == 0 and attempts[name] == 1:
                        both_hold_one.wait()
            return lambda: store.run_write(work)

        _together({"forward": bump("forward", rows), "backward": bump("backward", rows[::-1])})
        with store.read() as conn:
            priorities = {row["id"]: row["priority"] for row in queue.active_items(conn)}
    assert [priorities[i] for i in rows] == [2.0, 2.0]
    assert sorted(attempts.values()) == [1, 2]  # one ran again, once


def _terminate_own_backend(server: PgServer, conn: Connection) -> None:
    """End ``conn``'s server process from another connection (what an administrator's
    ``pg_terminate_backend`` or a crashed backend does)."""
    pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


def test_a_read_whose_connection_dies_is_run_again_on_a_new_one(pg_project,
                                                                 pg_server) -> None:
    with Store.for_project(pg_project) as store:
        calls = []

        def work(conn: Connection) -> int:
            calls.append(1)
            if len(calls) == 1:
                _terminate_own_backend(pg_server, conn)
            return records.count(conn)

        assert store.run_read(work) == 240
    assert len(calls) == 2


def test_a_write_whose_connection_dies_is_retried_only_when_idempotent(pg_project,
                                                                      pg_server) -> None:
    """An idempotent write is run again and stored once; any other write is refused with
    an error naming the server and what to do, and nothing of it is stored."""
    with Store.for_project(pg_project) as store:
        ids = _queue_everything(store, overlap=1)

        def claim(annotator: str, calls: list[int]) -> Callable[[Connection], Any]:
            def work(conn: Connection) -> Any:
                calls.append(1)
                found = queue.open_assignment(conn, annotator) or queue.claim_next(
                    conn, annotator)
                if len(calls) == 1:
                    _terminate_own_backend(pg_server, conn)
                    conn.execute(text("SELECT 1"))
                return found
            return work

        retried: list[int] = []
        held = store.run_write(claim("ana", retried), idempotent=True)
        once: list[int] = []
        with pytest.raises(StoreUnavailableError) as refused:
            store.run_write(claim("bo", once))
        with store.read() as conn:
            claims = conn.execute(select(assignments.c.annotator)).scalars().all()
    assert len(retried) == 2 and held["record_id"] == ids[0] and claims == ["ana"]
    assert len(once) == 1
    message = str(refused.value)
    assert "lost the connection to the PostgreSQL server" in message
    assert "nothing was stored" in message and "pg_isready" in refused.value.hint


def test_a_server_restart_between_requests_costs_a_reconnect_not_an_error(
        pg_project, pg_server) -> None:
    """``pg_ctl restart -m immediate`` kills every pooled connection; the pool's ping
    finds them dead and opens new ones, so the next labeling action just works."""
    with Store.for_project(pg_project) as store:
        ids = _queue_everything(store, overlap=1)
        item = labeling.next_item(store, "ana")
        assert item is not None
        pg_server.restart()
        labeling.submit(store, pg_project, "ana", item.record_id, ["spam"])
        assert _human_answers(store) == Counter({ids[0]: 1})


def test_a_server_that_is_down_is_named_with_the_fix(pg_project, pg_server) -> None:
    url = pg_server.database_url("postgres").replace("port=", "port=1")  # no such socket
    with pytest.raises(StoreUnavailableError) as refused:
        Store(url, Path("unused"))
    assert "cannot reach the PostgreSQL server" in str(refused.value)
    assert "TEXTLOOP_STORE_URL" in refused.value.hint


OPEN_STORE = """
import sys
from pathlib import Path
from textloop.storage import Store
sys.stdin.readline()  # all processes wait here, then open the store at once
Store(sys.argv[1], Path(sys.argv[2])).close()
print("opened")
"""


def _open_at_once(url: str, folder: Path, processes: int) -> list[subprocess.CompletedProcess]:
    """Start ``processes`` real processes, let them all import textloop, then release them
    together: each opens (and so creates or migrates) the store at ``url``."""
    env_path = str(Path(__file__).resolve().parents[2] / "src")
    started = [subprocess.Popen([sys.executable, "-c", OPEN_STORE, url, str(folder)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
               for _ in range(processes)]
    for process in started:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    done = []
    for process in started:
        out, err = process.communicate(timeout=240)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def _schema_versions(url: str) -> list[int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(schema_migrations.c.version)).scalars().all()
    finally:
        engine.dispose()


def test_processes_opening_a_fresh_postgres_store_at_once_create_it_once(
        pg_server, tmp_path) -> None:
    url = pg_server.fresh_database()
    done = _open_at_once(url, tmp_path, processes=6)
    assert [(p.returncode, p.stdout.strip()) for p in done] == [(0, "opened")] * 6, \
        [p.stderr[-2000:] for p in done if p.returncode]
    assert _schema_versions(url) == [LATEST]


def test_processes_opening_a_fresh_sqlite_store_at_once_create_it_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store' / 'textloop.db'}"
    done = _open_at_once(url, tmp_path, processes=6)
    assert [(p.returncode, p.stdout.strip()) for p in done] == [(0, "opened")] * 6, \
        [p.stderr[-2000:] for p in done if p.returncode]
    assert _schema_versions(url) == [LATEST]
