"""Engine creation: one place that knows dialect quirks.

SQLite gets WAL (readers never block the writer), a busy timeout (concurrent writers wait
instead of failing), foreign keys, and explicit ``BEGIN``/``BEGIN IMMEDIATE`` so that a
write transaction takes its lock up front: two importers then queue rather than deadlock.
A writer that waits longer than the busy timeout gets a ``StorageError`` that says the
store is busy (see ``busy_error``), never a raw driver exception.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from textloop.errors import ConfigError, MissingExtraError, StorageError

WRITE = {"textloop_write": True}
BUSY_TIMEOUT_ENV = "TEXTLOOP_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 60.0
CACHE_ENV = "TEXTLOOP_SQLITE_CACHE_MIB"
# Page cache per connection (allocated only as pages are touched). Imports insert into
# several indexes keyed by random hashes; once those indexes outgrow the cache every insert
# evicts and re-reads pages, which made a 1M-row import 3x slower with SQLite's 2 MiB default.
DEFAULT_CACHE_MIB = 128
# After a checkpoint, shrink a WAL file that a large import grew (bytes on disk, not safety).
WAL_SIZE_LIMIT = 64 * 1024 * 1024


def busy_timeout_s() -> float:
    """Seconds a writer waits for another writer: ``$TEXTLOOP_BUSY_TIMEOUT`` or 60."""
    return _env_number(BUSY_TIMEOUT_ENV, DEFAULT_BUSY_TIMEOUT_S, "seconds")


def cache_mib() -> float:
    """SQLite page cache per connection: ``$TEXTLOOP_SQLITE_CACHE_MIB`` or 128 (small machines)."""
    return _env_number(CACHE_ENV, DEFAULT_CACHE_MIB, "MiB")


def _env_number(name: str, default: float, unit: str) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of {unit}",
                          hint=f"e.g. {name}={default:g}, or unset it") from None
    if value < 0:
        raise ConfigError(f"{name}={raw!r} is negative", hint=f"use a number of {unit} >= 0")
    return value


def make_engine(url: str, busy_timeout: float | None = None) -> Engine:
    """Create an engine for ``url``; SQLite folders are created, PostgreSQL needs the extra."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"store URL {url!r} is not a database URL",
                          hint="use sqlite:///path/to/file.db or postgresql+psycopg://...") from exc
    if parsed.get_backend_name() == "sqlite":
        timeout = busy_timeout_s() if busy_timeout is None else busy_timeout
        return _sqlite_engine(url, parsed.database, timeout)
    try:
        return create_engine(url, pool_pre_ping=True, future=True)
    except NoSuchModuleError as exc:
        raise ConfigError(f"store URL {url!r} names an unknown database driver") from exc
    except ModuleNotFoundError as exc:
        raise MissingExtraError("psycopg", "postgres", "A PostgreSQL store") from exc


def _sqlite_engine(url: str, database: str | None, busy_timeout: float) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout,
                                              "check_same_thread": False})
    cache_kib = max(int(cache_mib() * 1024), 64)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see module doc)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA cache_size=-{cache_kib}")
        cur.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("textloop_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock another connection holds."""
    orig = exc.orig if isinstance(exc, OperationalError) else exc
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def busy_error(url: str, waited: float) -> StorageError:
    """The error a writer gets when another writer held the store past the busy timeout."""
    return StorageError(
        f"store is busy: another import (or another command) is writing to {url} "
        f"(waited {waited:g}s)",
        hint=f"try again when it has finished; {BUSY_TIMEOUT_ENV}=SECONDS sets how long to wait")
