"""Helpers for importer tests: run an import, and check a refused one changed nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.stages.ingest import ImportOptions, ImportResult, import_file
from textloop.stages.ingest.formats import ReadOptions
from textloop.storage import Store, annotation_log, imports, records

_READ_KEYS = ("format", "encoding", "header", "quoting", "tag_col", "scheme", "tag_names")


def options(**kwargs: Any) -> ImportOptions:
    """``ImportOptions`` with the read options (format, encoding, ...) given flat."""
    read = ReadOptions(**{k: kwargs.pop(k) for k in _READ_KEYS if k in kwargs})
    return ImportOptions(read=read, **kwargs)


def run(store: Store, project: Project, path: Path, **kwargs: Any) -> ImportResult:
    return import_file(store, project, path, options(**kwargs))


def counts(store: Store) -> tuple[int, int, int]:
    """(records, annotations, imports): what a refused import must leave unchanged."""
    with store.read() as conn:
        return records.count(conn), annotation_log.count(conn), imports.count(conn)


def texts(store: Store) -> set[str]:
    with store.read() as conn:
        return {r.text for r in records.iter_all(conn)}


def labels_by_text(store: Store) -> dict[str, set[str]]:
    with store.read() as conn:
        by_id = {r.id: r.text for r in records.iter_all(conn)}
        out: dict[str, set[str]] = {}
        for record_id, label, _, _ in annotation_log.iter_votes(conn):
            out.setdefault(by_id[record_id], set()).add(label)
    return out


def refused(store: Store, project: Project, path: Path, *expected: str,
            **kwargs: Any) -> InvalidInputError:
    """Import must fail naming the file and every ``expected`` fragment, storing nothing."""
    before = counts(store)
    with pytest.raises(InvalidInputError) as info:
        run(store, project, path, **kwargs)
    error = info.value
    assert str(path) in error.message
    for fragment in expected:
        assert fragment in error.message, f"{fragment!r} not in {error.message!r}"
    assert counts(store) == before
    return error


def cli(project: Project, *args: str) -> list[str]:
    """The command line of a real ``textloop`` process for ``project``."""
    import sys

    return [sys.executable, "-c", "from textloop.cli.main import main; main()",
            "--project", str(project.root), *args]


def write_rows(path: Path, count: int, prefix: str, words: int = 12) -> Path:
    """A CSV of ``count`` distinct labelled rows (text, label), generated quickly."""
    filler = " ".join(f"w{i}" for i in range(words))
    with path.open("w", encoding="utf-8") as handle:
        handle.write("text,label\n")
        handle.writelines(f"{prefix} {i} {filler},{'spam' if i % 3 else 'ham'}\n"
                          for i in range(count))
    return path
