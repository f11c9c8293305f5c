"""Engine creation: one place that knows dialect quirks.

SQLite gets WAL (readers never block the writer), a busy timeout (concurrent writers wait
instead of failing), foreign keys, and explicit ``BEGIN``/``BEGIN IMMEDIATE`` so that a
write transaction takes its lock up front: two importers then queue rather than deadlock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from textloop.errors import ConfigError, MissingExtraError

WRITE = {"textloop_write": True}


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite folders are created, PostgreSQL needs the extra."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"store URL {url!r} is not a database URL",
                          hint="use sqlite:///path/to/file.db or postgresql+psycopg://...") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    try:
        return create_engine(url, pool_pre_ping=True, future=True)
    except NoSuchModuleError as exc:
        raise ConfigError(f"store URL {url!r} names an unknown database driver") from exc
    except ModuleNotFoundError as exc:
        raise MissingExtraError("psycopg", "postgres", "A PostgreSQL store") from exc


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see module doc)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("textloop_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
