"""Shared terminal output: one console, rich progress bars, and error rendering."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as esc

from textloop.errors import TextloopError
from textloop.progress import Task

if TYPE_CHECKING:  # rich.progress loads with the first bar, not on every start
    from rich.progress import Progress

__all__ = ["AsJson", "RichProgress", "console", "err_console", "esc", "print_json",
           "render_error"]

console = Console(highlight=False, emoji=False)  # ":a:" in user text stays text
err_console = Console(stderr=True, highlight=False, emoji=False)

AsJson = Annotated[bool, typer.Option(
    "--json", help="Print the result as one JSON document on stdout (messages go to stderr).")]
"""The ``--json`` option of a command that prints a result (every one but label, serve)."""


class RichProgress:
    """``textloop.progress.Progress`` as rich bars (on stderr, so stdout stays clean)."""

    @contextmanager
    def task(self, description: str, total: int | None = None,
             unit: str = "items") -> Iterator[Task]:
        """A bar counting items (``12/40``) or, with ``unit="bytes"``, bytes and bytes/s.

        Without a total there is nothing to count against: a spinner and the elapsed time.
        Descriptions hold file names and labels, so they are escaped, never read as markup.
        """
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        title = TextColumn("[bold]{task.description}")
        if total is None:
            columns = [SpinnerColumn(), title, TimeElapsedColumn()]
        else:
            counts = ([DownloadColumn(), TransferSpeedColumn()] if unit == "bytes"
                      else [MofNCompleteColumn()])
            columns = [SpinnerColumn(), title, BarColumn(), *counts, TimeElapsedColumn(),
                       TimeRemainingColumn()]
        with Progress(*columns, console=err_console, transient=False) as bar:
            task_id = bar.add_task(esc(description), total=total)
            yield _RichTask(bar, task_id)
            if total is not None:
                bar.update(task_id, completed=total)


class _RichTask:
    def __init__(self, bar: Progress, task_id: object) -> None:
        self._bar = bar
        self._id = task_id

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._id, n)  # type: ignore[arg-type]


def render_error(error: TextloopError) -> None:
    """``Error: ...`` and ``Hint: ...`` on stderr, never a traceback for a user mistake."""
    err_console.print(f"[bold red]Error:[/] {esc(error.message)}", soft_wrap=True)
    if error.hint:
        err_console.print(f"[bold]Hint:[/] {esc(error.hint)}", soft_wrap=True)


def print_json(data: Any) -> None:
    """One JSON document on stdout, for ``--json``: what a script parses, never rich markup.

    Every ``--json`` command renders its result's ``to_dict()`` here so that all of them
    share one format (indented, UTF-8 kept, paths as strings, NumPy numbers as numbers,
    NaN as null: strict JSON that any parser reads).
    """
    from textloop.types import plain

    text = json.dumps(plain(data), indent=2, ensure_ascii=False, allow_nan=False, default=str)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
