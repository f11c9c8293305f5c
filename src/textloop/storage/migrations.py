"""Versioned schema migrations.

A new store is created from the current schema and stamped with the latest version (the
approach Alembic recommends for fresh databases); an existing store runs its pending
migrations in order inside one write transaction (DDL is transactional on both SQLite and
PostgreSQL, so a failed upgrade leaves the store at its old version). A store written by a
newer textloop is refused rather than guessed at.

To change the schema: edit ``schema.py`` and append a ``Migration`` whose ``upgrade``
brings a store at the previous version to the new one (ALTER TABLE, data moves).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, inspect, select, text

from textloop.errors import StorageError
from textloop.storage import dialect, schema
from textloop.storage.engine import WRITE


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    upgrade: Callable[[Connection], None]


def _baseline(conn: Connection) -> None:
    schema.metadata.create_all(conn)


def _labeling(conn: Connection) -> None:
    """v2: annotators, the labeling queue, comments, learning-curve rounds, and undo.

    New tables are created from their current definitions; if a later version changes one
    of them, that version's migration alters it (and this one keeps creating the v2 shape).
    """
    conn.execute(text("ALTER TABLE annotations ADD COLUMN retracted_at FLOAT"))
    conn.execute(text("CREATE INDEX ix_annotations_annotator ON annotations "
                      "(annotator, created_at)"))
    for table in (schema.annotators, schema.queue_items, schema.assignments, schema.comments,
                  schema.al_rounds):
        table.create(conn)


def _cleaning(conn: Connection) -> None:
    """v3: ``textloop clean`` runs and their findings, for the review queue to read."""
    for table in (schema.cleanings, schema.findings):
        table.create(conn)


def _review(conn: Connection) -> None:
    """v4: review decisions on findings, and reversible exclusions of records."""
    for table in (schema.review_decisions, schema.exclusions):
        table.create(conn)


def _registry(conn: Connection) -> None:
    """v5: the model registry: versions, aliases and the history of every alias move."""
    for table in (schema.model_versions, schema.model_aliases, schema.model_alias_history):
        table.create(conn)


def _serving(conn: Connection) -> None:
    """v6: the inference server: API keys, the prediction log and feedback on predictions."""
    for table in (schema.api_keys, schema.predictions, schema.prediction_feedback):
        table.create(conn)


def _monitoring(conn: Connection) -> None:
    """v7: monitor runs, their checks over time, and the production rows behind each alert."""
    for table in (schema.monitor_reports, schema.monitor_checks, schema.monitor_alert_rows):
        table.create(conn)


def _synth(conn: Connection) -> None:
    """v8: synthetic batches and their items (kept whether the gate accepted them or not)."""
    for table in (schema.synth_batches, schema.synth_items):
        table.create(conn)


def _key_scopes(conn: Connection) -> None:
    """v9: API key scopes. Keys made before scopes existed could classify and send feedback,
    and keep both, so no running application loses an endpoint on upgrade. A store older
    than v6 got the table from its current definition (scopes included) in this upgrade."""
    if "scopes" in {c["name"] for c in inspect(conn).get_columns("api_keys")}:
        return
    conn.execute(text("ALTER TABLE api_keys ADD COLUMN scopes VARCHAR(64) NOT NULL "
                      "DEFAULT 'classify feedback'"))


def _session_generation(conn: Connection) -> None:
    """v10: ``annotators.session_generation``, which reset, revoke and sign-out bump so that
    every session issued before ends at once; existing accounts start at generation 0.

    v2 creates ``annotators`` from its current definition, so a store upgraded from v1 in one
    go already has the column: it is added only where it is missing.
    """
    if "session_generation" not in {c["name"] for c in inspect(conn).get_columns("annotators")}:
        conn.execute(text("ALTER TABLE annotators ADD COLUMN session_generation INTEGER "
                          "NOT NULL DEFAULT 0"))


def _run_owners(conn: Connection) -> None:
    """v12: runs record their owning process, and status words are lower case.

    ``failed (interrupted)`` is longer than the old ``VARCHAR(16)``: PostgreSQL enforces the
    length, so the column is widened there (SQLite does not enforce it and cannot alter it).
    """
    present = {column["name"] for column in inspect(conn).get_columns("runs")}
    for column, kind in (("owner_pid", "INTEGER"), ("owner_host", "VARCHAR(255)"),
                         ("owner_started", "FLOAT")):
        if column not in present:  # a store stamped older but created from a newer schema
            conn.execute(text(f"ALTER TABLE runs ADD COLUMN {column} {kind}"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE runs ALTER COLUMN status TYPE VARCHAR(32)"))
    for old, new in (("RUNNING", "running"), ("FINISHED", "finished"), ("FAILED", "failed")):
        conn.execute(text("UPDATE runs SET status = :new WHERE status = :old"),
                     {"new": new, "old": old})


def _llm_span_suggestions(conn: Connection) -> None:
    """v13: LLM span suggestions cached per text, model and prompt version (created only
    where missing, as in a store stamped older but created from a newer schema)."""
    schema.llm_span_suggestions.create(conn, checkfirst=True)


def _span_verdicts(conn: Connection) -> None:
    """v14: teach mode's accept/reject of suggested spans, per record, annotator and span
    (created only where missing, as in a store stamped older but created from a newer
    schema)."""
    schema.span_verdicts.create(conn, checkfirst=True)


def _model_span_suggestions(conn: Connection) -> None:
    """v15: span-model suggestions cached per text and run (created only where missing, as
    in a store stamped older but created from a newer schema)."""
    schema.model_span_suggestions.create(conn, checkfirst=True)


def _prediction_spans(conn: Connection) -> None:
    """v16: ``predictions.spans``, a span model's logged spans (JSON); rows logged before
    have none, as a classifier's rows. Added only where missing (a store stamped older but
    created from a newer schema has it)."""
    if "spans" not in {c["name"] for c in inspect(conn).get_columns("predictions")}:
        conn.execute(text("ALTER TABLE predictions ADD COLUMN spans TEXT"))


def _record_splits(conn: Connection) -> None:
    """v17: ``records.split`` and ``records.split_import_id``, the split a record is pinned
    to at import and the import that pinned it; records stored before are unpinned (the
    release chooses, as it did). Added only where missing (a store stamped older but
    created from a newer schema has them)."""
    present = {c["name"] for c in inspect(conn).get_columns("records")}
    for column, kind in (("split", "VARCHAR(16)"),
                         ("split_import_id", "INTEGER REFERENCES imports (id)")):
        if column not in present:
            conn.execute(text(f"ALTER TABLE records ADD COLUMN {column} {kind}"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "baseline: records, annotations, imports, embeddings, releases, runs", _baseline),
    Migration(2, "labeling: annotators, queue, assignments, comments, rounds, undo", _labeling),
    Migration(3, "cleaning: cleanings and findings", _cleaning),
    Migration(4, "review: review decisions and exclusions", _review),
    Migration(5, "registry: model versions, aliases and alias history", _registry),
    Migration(6, "serving: api keys, prediction log and feedback", _serving),
    Migration(7, "monitoring: monitor reports, checks and alert rows", _monitoring),
    Migration(8, "synth: synthetic batches and items", _synth),
    Migration(9, "api key scopes: classify, feedback", _key_scopes),
    Migration(10, "annotators: session generation, so reset/revoke/sign-out end sessions",
              _session_generation),
    Migration(12, "runs: owning process, lower-case statuses", _run_owners),
    Migration(13, "llm span suggestions: cached per text, model and prompt version",
              _llm_span_suggestions),
    Migration(14, "span verdicts: teach mode's accept/reject of suggested spans",
              _span_verdicts),
    Migration(15, "model span suggestions: cached per text and run",
              _model_span_suggestions),
    Migration(16, "prediction log: spans of span models", _prediction_spans),
    Migration(17, "records: the split pinned at import", _record_splits),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    """Schema version of the store, 0 when it has never been initialised."""
    if not inspect(conn).has_table("schema_migrations"):
        return 0
    versions = conn.execute(select(schema.schema_migrations.c.version)).scalars().all()
    return max(versions, default=0)


def migrate(engine: Engine, url: str) -> int:
    """Bring the store to ``LATEST``; returns the version it was at before.

    The version is read first without the write lock, so opening an up-to-date store never
    waits for an import that is running in another process; only a store that needs
    migrating takes the lock (and checks the version again once it holds it). Processes
    starting at once on a fresh store therefore create it once: the first holds the lock
    (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock ``migrations``) while it
    creates the schema, and the others find it at the latest version once they get it.
    """
    with engine.connect() as conn, conn.begin():
        before = current_version(conn)
    _refuse_newer(before, url)
    if before == LATEST:
        return before
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        dialect.serialize(conn, "migrations")  # PostgreSQL; SQLite's BEGIN IMMEDIATE did
        before = current_version(conn)
        _refuse_newer(before, url)
        if before == 0:
            _baseline(conn)
            _stamp(conn, MIGRATIONS[-1])
            return 0
        for migration in MIGRATIONS:
            if migration.version > before:
                migration.upgrade(conn)
                _stamp(conn, migration)
        return before


def _refuse_newer(version: int, url: str) -> None:
    if version > LATEST:
        raise StorageError(
            f"store {url} has schema version {version}, newer than this textloop ({LATEST})",
            hint="upgrade textloop: pip install -U textloop")


def _stamp(conn: Connection, migration: Migration) -> None:
    conn.execute(schema.schema_migrations.insert().values(
        version=migration.version, name=migration.name, applied_at=time.time()))
