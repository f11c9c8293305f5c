"""Engine creation: one place that knows dialect quirks.

SQLite gets WAL (readers never block the writer), a busy timeout (concurrent writers wait
instead of failing), foreign keys, and explicit ``BEGIN``/``BEGIN IMMEDIATE`` so that a
write transaction takes its lock up front: two importers then queue rather than deadlock.
A writer that waits longer than the busy timeout gets a ``StorageError`` that says the
store is busy (see ``busy_error``), never a raw driver exception.

PostgreSQL gets a connection pool sized for a team server (``PoolSettings``: a web app's
threads, the prediction log writer and background jobs share one process's pool), checked
with a ping before each use so a server restart between requests costs a reconnect, not an
error. Its options ride in the store URL's query (``?pool_size=10&pool_recycle=600``) and
are taken out before the URL reaches the driver, which would refuse them.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from textloop.errors import ConfigError, MissingExtraError, StorageError, StoreUnavailableError

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


@dataclass(frozen=True)
class PoolSettings:
    """The connection pool of a server database (PostgreSQL), per process.

    The defaults suit a team server: ``pool_size`` connections kept open (a web app's worker
    threads plus the prediction log writer), up to ``max_overflow`` more under a burst,
    a caller waiting at most ``pool_timeout`` seconds for one, connections replaced after
    ``pool_recycle`` seconds (before a proxy or firewall drops them idle), and each one
    pinged when taken from the pool (``pool_pre_ping``) so one a server restart killed is
    replaced instead of failing the request. Every key may be set in the store URL's query.
    """

    pool_size: int = 5
    max_overflow: int = 10
    pool_timeout: float = 30.0
    pool_recycle: float = 1800.0
    pool_pre_ping: bool = True

    @classmethod
    def from_url(cls, url: URL) -> tuple[PoolSettings, URL]:
        """The settings named in ``url``'s query, and the URL without them."""
        given = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key in given.keys() & url.query.keys():
            raw = url.query[key]
            text = raw[-1] if isinstance(raw, tuple) else raw
            values[key] = _pool_value(key, text, given[key].type)
        return cls(**values), url.difference_update_query(given)


def _pool_value(key: str, text: str, kind: Any) -> Any:
    """One pool option from the URL, refused with the form it takes when it is not one."""
    if kind in (bool, "bool"):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"store URL: {key}={text!r} is not true or false",
                          hint=f"write {key}=true or {key}=false")
    number = int if kind in (int, "int") else float
    try:
        value = number(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigError(f"store URL: {key}={text!r} is not a number >= 0",
                          hint=f"e.g. {key}={getattr(PoolSettings, key)!r}")
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
    pool, bare = PoolSettings.from_url(parsed)
    try:
        return create_engine(bare, pool_size=pool.pool_size, max_overflow=pool.max_overflow,
                             pool_timeout=pool.pool_timeout, pool_recycle=pool.pool_recycle,
                             pool_pre_ping=pool.pool_pre_ping)
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


CONFLICT_STATES = frozenset({"40001", "40P01"})
"""SQLSTATEs of a transaction the server rolled back to settle a conflict: a serialization
failure and a detected deadlock. Running the transaction again is the documented remedy."""


def is_conflict(exc: BaseException) -> bool:
    """Whether the server rolled ``exc``'s transaction back over a conflict with another."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None) in CONFLICT_STATES


def is_disconnect(exc: BaseException) -> bool:
    """Whether ``exc`` is the connection to the database server being lost (the server
    restarted, the backend was terminated, the network went), not a refused statement."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def describe_server(url: str) -> str:
    """Where the store lives, for messages: ``PostgreSQL server HOST:PORT, database DB``
    (a unix socket folder as host), never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    host = parsed.host or parsed.query.get("host") or "localhost"
    port = parsed.port or parsed.query.get("port") or 5432
    return f"PostgreSQL server {host}:{port}, database {parsed.database}"


def lost_connection_error(url: str, stored: bool | None) -> StoreUnavailableError:
    """The error a caller gets when the connection dropped mid-transaction and the work
    could not safely be run again. ``stored`` says what became of it: False when it was lost
    before the commit (the server rolled it back), None when the commit itself was cut off."""
    fate = ("nothing was stored (the server rolled the transaction back)" if stored is False
            else "the change may or may not have been stored")
    return StoreUnavailableError(
        f"lost the connection to the {describe_server(url)}: {fate}",
        hint="check that the server is running and reachable (pg_isready), then run the "
             "command again; textloop reconnects by itself"
             + ("" if stored is False else ", after checking whether the change is there"))


def unreachable_error(url: str, exc: BaseException) -> StoreUnavailableError:
    """The error when the database server cannot be reached at all."""
    reason = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip().splitlines()[0]
    return StoreUnavailableError(
        f"cannot reach the {describe_server(url)}: {reason}",
        hint="check that the server is running and reachable (pg_isready) and the store URL "
             "(store: in textloop.yaml or TEXTLOOP_STORE_URL)")
