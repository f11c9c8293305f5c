"""Shared terminal output: one console, rich progress bars, and error rendering.

Stored text is user text: record texts, labels, metadata, annotator names, comments, notes
and the file contents an error quotes can hold what a terminal obeys (``\\x1b[...`` colours
and cursor moves, OSC 8 hyperlinks, carriage returns that overwrite a line, BEL, bidi
overrides) and what rich reads as markup (``[bold]``, ``[link=...]``). This module is the one
place that makes it harmless, so that no command has to remember:

- ``console`` and ``err_console`` show every control character and bidi override they print
  as a visible escape (``texts.terminal_safe``), whichever renderable carries it;
- ``Text`` is rich's ``Text`` for user text: never read as markup, its escapes shown (rich's
  own ``Text`` silently drops CR and BEL, so a line that overwrote itself would not show);
- ``esc`` escapes markup where user text is interpolated into a markup string;
- ``print_json`` and ``echo`` write what scripts read, exact and equally harmless.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import rich.text
import typer
from rich.console import Console
from rich.markup import escape as esc
from rich.segment import Segment

from textloop.errors import TextloopError
from textloop.progress import Task
from textloop.texts import terminal_safe, terminal_safe_json

if TYPE_CHECKING:  # rich.progress loads with the first bar, not on every start
    from collections.abc import Iterable

    from rich.console import ConsoleOptions, RenderableType
    from rich.progress import Progress
    from rich.style import Style

__all__ = ["AsJson", "ExecutorChoice", "RichProgress", "SafeConsole", "Text", "console", "echo",
           "err_console", "esc", "print_json", "render_error"]


class SafeConsole(Console):
    """A rich console that prints what a terminal would obey as visible escapes.

    Strings (markup or plain: printed, table cells, titles) are made safe before rich parses
    and lays them out, so columns keep their widths and our own markup still styles. Every
    text segment is checked again on its way out, so a renderable built from raw text (rich's
    own ``Text``, a panel title) cannot carry an escape sequence to the terminal either; rich
    itself emits styles and links from segment styles, never from their text, so those stay.
    """

    def render_str(self, text: str, **kwargs: Any) -> rich.text.Text:
        return super().render_str(terminal_safe(text), **kwargs)

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and terminal_safe(segment.text) != segment.text:
                yield Segment(terminal_safe(segment.text), segment.style)
            else:
                yield segment


class Text(rich.text.Text):
    """rich's ``Text`` for user text: never markup, control characters shown as escapes.

    Commands print stored text as ``Text(value)``; the escapes are made before rich sees the
    text, which would otherwise drop CR, BEL and backspace silently (hiding that a label
    overwrote itself) and keep ESC."""

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(terminal_safe(text), *args, **kwargs)

    def append(self, text: str | rich.text.Text,
               style: str | Style | None = None) -> rich.text.Text:
        return super().append(terminal_safe(text) if isinstance(text, str) else text, style)


console = SafeConsole(highlight=False, emoji=False)  # ":a:" in user text stays text
err_console = SafeConsole(stderr=True, highlight=False, emoji=False)

AsJson = Annotated[bool, typer.Option(
    "--json", help="Print the result as one JSON document on stdout (messages go to stderr).")]
"""The ``--json`` option of a command that prints a result (every one but label, serve)."""

ExecutorChoice = Annotated[str | None, typer.Option(
    "--executor", help="Where the batch work runs: local (this process) or ray (a Ray "
                       "cluster). Default: execution.engine in textloop.yaml, else ray when "
                       "RAY_ADDRESS is set, else local.")]
"""The ``--executor`` option of a command whose batch work can run on Ray."""


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
            task_id = bar.add_task(esc(terminal_safe(description)), total=total)
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
    NaN as null: strict JSON that any parser reads). The characters a terminal obeys are
    JSON escapes (``texts.terminal_safe_json``): the parsed value is the exact stored text.
    """
    from textloop.types import plain

    text = json.dumps(plain(data), indent=2, ensure_ascii=False, allow_nan=False, default=str)
    sys.stdout.write(terminal_safe_json(text) + "\n")
    sys.stdout.flush()


def echo(line: str) -> None:
    """One unstyled line on stdout for scripts (tab-separated ids and labels): no rich, so
    tabs stay tabs, and user text made safe as the console makes it."""
    typer.echo(terminal_safe(line))
