"""The ``Store``: the one object stages use to reach the database and artifact folders.

It is deliberately narrow: open/close, read and write transactions, the artifact root,
and the embedding cache. Table-level operations live in sibling modules that take a
connection, so one import or release is a single transaction spanning several tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from textloop.config import Project
from textloop.errors import StorageError
from textloop.storage.embeddings import SqlEmbeddingCache
from textloop.storage.engine import WRITE, busy_error, busy_timeout_s, is_busy, make_engine
from textloop.storage.migrations import migrate


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
        """
        try:
            with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
                yield conn
        except (OperationalError, sqlite3.OperationalError) as exc:
            if is_busy(exc):
                raise busy_error(self.url, self.busy_timeout) from exc
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction with a consistent snapshot."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def path_for(self, *parts: str) -> Path:
        """A path under the artifact root, e.g. ``path_for("releases", "v1")``."""
        return self.artifact_root.joinpath(*parts)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
