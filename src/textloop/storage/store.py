"""The ``Store``: the one object stages use to reach the database and artifact folders.

It is deliberately narrow: open/close, read and write transactions, the artifact root,
and the embedding cache. Table-level operations live in sibling modules that take a
connection, so one import or release is a single transaction spanning several tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from textloop.config import Project
from textloop.errors import StorageError
from textloop.storage.embeddings import SqlEmbeddingCache
from textloop.storage.engine import WRITE, make_engine
from textloop.storage.migrations import migrate


class Store:
    def __init__(self, url: str, artifact_root: Path) -> None:
        self.url = url
        self.artifact_root = Path(artifact_root)
        self.engine = make_engine(url)
        try:
            migrate(self.engine, url)
        except OperationalError as exc:
            raise StorageError(f"cannot open store {url}: {exc.orig}",
                               hint="check the path/URL and that the database is reachable") from exc
        self.embedding_cache = SqlEmbeddingCache(self.engine)

    @classmethod
    def for_project(cls, project: Project) -> Store:
        return cls(project.store_url, project.store_dir)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed if the block succeeds, rolled back otherwise."""
        with self.engine.connect().execution_options(**WRITE) as conn, conn.begin():
            yield conn

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
