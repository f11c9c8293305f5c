"""Opening the project and store for a command, honouring the global ``--project`` option."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a command runs: `textloop --help` needs neither
    from textloop import api
    from textloop.config import Project
    from textloop.storage import Store

_state: dict[str, Path | None] = {"project": None}

# Every command names models the same way (``textloop.storage.refs`` resolves them).
RUN_HELP = ("Run name (tfidf-lr-3), id or 'latest'; or a model version (m3) or alias "
            "(champion), meaning its run.")
VERSION_HELP = ("Model version (m3; 3 and the old v3 work too) or alias (champion); or a "
                "registered run's name.")


def set_project_dir(path: Path | None) -> None:
    _state["project"] = path


def current_project() -> Project:
    from textloop.config import find_project
    return find_project(_state["project"])


def open_store(project: Project) -> Store:
    """The project's store, after settling what a killed command left behind (stale running
    runs, orphaned release folders); what was settled is said on stderr, so ``--json``
    output stays clean."""
    from textloop.cli.console import err_console, esc
    from textloop.stages.runs import open_recovered

    store, notes = open_recovered(project)
    for note in notes:
        err_console.print(f"[yellow]note:[/] {esc(note)}")
    return store


def open_project() -> api.Project:
    """The public API's project for the current folder, its store opened as ``open_store``
    does: a command is a thin adapter over the same call a notebook makes."""
    from textloop.api import Project as ApiProject

    config = current_project()
    return ApiProject(config, open_store(config))
