"""The ``Store``: the one object stages use to reach the database and artifact folders.

It is deliberately narrow: open/close, read and write transactions, the artifact root,
and the embedding cache. Table-level operations live in sibling modules that take a
connection, so one import or release is a single transaction spanning several tables.

Two ways to run a transaction. ``with store.write() as conn:`` runs a block once. A
``with`` block cannot be run again, so work that several people do at once on a shared
server (the labeling actions, the prediction log) goes through ``run_write(work)`` /
``run_read(work)`` instead: ``work(conn)`` is called again when the server rolled its
transaction back to settle a conflict with another (a deadlock it detected, a
serialization failure), after a short randomised wait that grows each time, up to
``CONFLICT_ATTEMPTS`` times; and once more on a new connection when the connection was
lost, where that is safe: always for a read, for a write only when ``idempotent`` (running
it twice leaves what running it once does). Either way a lost connection that cannot be
retried is a ``StoreUnavailableError`` naming the server, never a driver traceback.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from textloop.config import Project
from textloop.errors import StorageError
from textloop.storage.embeddings import SqlEmbeddingCache
from textloop.storage.engine import (
    WRITE,
    busy_error,
    busy_timeout_s,
    describe_server,
    is_busy,
    is_conflict,
    is_disconnect,
    lost_connection_error,
    make_engine,
    unreachable_error,
)
from textloop.storage.migrations import migrate

T = TypeVar("T")
log = logging.getLogger(__name__)
CONFLICT_ATTEMPTS = 6
"""How many times a transaction the server rolled back over a conflict is run in all."""
BACKOFF_S = (0.02, 1.0)
"""The first wait before running it again, and the longest (doubling in between)."""


class _CommitLost(Exception):
    """The connection dropped while the commit was on its way: the outcome is unknown."""

    def __init__(self, cause: DBAPIError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Store:
    def __init__(self, url: str, artifact_root: Path, busy_timeout: float | None = None) -> None:
        """Open (and create or migrate) the store; ``busy_timeout`` overrides the default wait."""
        self.url = url
        self.artifact_root = Path(artifact_root)
        self.busy_timeout = busy_timeout_s() if busy_timeout is None else busy_timeout
        self.engine = make_engine(url, self.busy_timeout)
        try:
            migrate(self.engine, url)
        except OperationalError as exc:
            self.engine.dispose()
            if is_busy(exc):
                raise busy_error(url, self.busy_timeout) from exc
            if self.engine.dialect.name != "sqlite":
                raise unreachable_error(url, exc) from exc
            raise StorageError(
                f"cannot open store {url}: {exc.orig}",
                hint="check the path/URL and that the database is reachable") from exc
        self.embedding_cache = SqlEmbeddingCache(self.engine)

    @classmethod
    def for_project(cls, project: Project, busy_timeout: float | None = None) -> Store:
        return cls(project.store_url, project.store_dir, busy_timeout)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed if the block succeeds, rolled back otherwise.

        The write lock is taken when the block starts; if another writer holds it past the
        busy timeout, a ``StorageError`` saying so replaces SQLite's "database is locked".
        A connection lost on the way is a ``StoreUnavailableError`` saying whether the
        change can have been stored.
        """
        try:
            with self._transaction(write=True) as conn:
                yield conn
        except _CommitLost as lost:
            raise lost_connection_error(self.url, stored=None) from lost.cause
        except (DBAPIError, sqlite3.OperationalError) as exc:
            self._raise_failure(exc)
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction with a consistent snapshot."""
        try:
            with self._transaction(write=False) as conn:
                yield conn
        except _CommitLost as lost:  # nothing was written: the snapshot was read in full
            raise lost_connection_error(self.url, stored=False) from lost.cause
        except DBAPIError as exc:
            self._raise_failure(exc)
            raise

    def run_write(self, work: Callable[[Connection], T], *, idempotent: bool = False) -> T:
        """``work(conn)`` in a write transaction, run again where that is safe (see the
        module docstring); ``work`` must touch nothing but the database."""
        return self._run(work, write=True, rerun_after_loss=idempotent)

    def run_read(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` in a read transaction, run again after a conflict or once after a
        lost connection."""
        return self._run(work, write=False, rerun_after_loss=True)

    def _run(self, work: Callable[[Connection], T], *, write: bool,
             rerun_after_loss: bool) -> T:
        conflicts, reconnected = 0, False
        while True:
            try:
                with self._transaction(write=write) as conn:
                    return work(conn)
            except _CommitLost as lost:
                if not (rerun_after_loss and not reconnected):
                    raise lost_connection_error(self.url, stored=None) from lost.cause
                reconnected = True
                log.warning("store: connection lost at commit; running it again (%s)",
                            describe_server(self.url))
            except DBAPIError as exc:
                if is_conflict(exc) and conflicts + 1 < CONFLICT_ATTEMPTS:
                    conflicts += 1
                    time.sleep(_backoff(conflicts))
                elif is_disconnect(exc) and rerun_after_loss and not reconnected:
                    reconnected = True
                    log.warning("store: connection lost; running it again (%s)",
                                describe_server(self.url))
                else:
                    self._raise_failure(exc)
                    raise

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """A transaction whose commit failing on a lost connection raises ``_CommitLost``
        (the outcome is unknown), apart from failures before it (nothing was stored)."""
        connection = self.engine.connect()
        with connection.execution_options(**WRITE) if write else connection as conn:
            transaction = conn.begin()
            try:
                yield conn
            except BaseException:
                # on a lost connection the rollback fails too: the server rolled it back
                with suppress(DBAPIError):
                    if transaction.is_active:
                        transaction.rollback()
                raise
            try:
                transaction.commit()
            except DBAPIError as exc:
                if is_disconnect(exc):
                    raise _CommitLost(exc) from exc
                raise

    def _raise_failure(self, exc: BaseException) -> None:
        """Raise the store's own error for a failed transaction (a busy SQLite file, a lost
        connection, an unreachable server, a conflict that outlasted its retries); any
        other failure (a refused row) is left for the caller to raise as it was. Failures
        reaching here came before the commit, so nothing was stored."""
        if is_busy(exc):
            raise busy_error(self.url, self.busy_timeout) from exc
        if is_disconnect(exc):
            raise lost_connection_error(self.url, stored=False) from exc
        if isinstance(exc, OperationalError) and self.engine.dialect.name != "sqlite" \
                and _unreachable(exc):
            raise unreachable_error(self.url, exc) from exc
        if is_conflict(exc):
            raise StorageError(
                f"the {describe_server(self.url)} kept rolling this change back over "
                f"conflicts with other writers ({CONFLICT_ATTEMPTS} tries): nothing was stored",
                hint="run it again; if this persists, fewer jobs writing the same rows at "
                     "once will help") from exc

    def path_for(self, *parts: str) -> Path:
        """A path under the artifact root, e.g. ``path_for("releases", "v1")``."""
        return self.artifact_root.joinpath(*parts)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _backoff(attempt: int) -> float:
    """A wait that doubles with each attempt up to a ceiling, randomised so two
    transactions that collided do not collide again in step."""
    first, ceiling = BACKOFF_S
    return min(first * 2 ** (attempt - 1), ceiling) * (0.5 + random.random())


def _unreachable(exc: OperationalError) -> bool:
    """A connection that could not be made at all (server down, wrong host or socket)."""
    text = str(exc.orig).lower()
    return "connection" in text and ("refused" in text or "failed" in text
                                     or "no such file" in text)
