"""Progress reporting without a UI dependency.

Stages report progress through this small protocol; the CLI plugs in rich progress bars,
the server and tests use the silent default. This keeps ``stages/`` free of terminal code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol


class Task(Protocol):
    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    """``unit`` is what ``total`` and ``advance`` count: ``"items"`` or ``"bytes"``."""

    def task(self, description: str, total: int | None = None,
             unit: str = "items") -> AbstractContextManager[Task]: ...


class _NullTask:
    def advance(self, n: int = 1) -> None:
        return None


class NullProgress:
    """Reports nothing; the default for library calls."""

    @contextmanager
    def task(self, description: str, total: int | None = None,
             unit: str = "items") -> Iterator[Task]:
        yield _NullTask()


NULL_PROGRESS: Progress = NullProgress()
NULL_TASK: Task = _NullTask()
"""A task that reports nothing: for work done where no progress bar is (another process)."""
