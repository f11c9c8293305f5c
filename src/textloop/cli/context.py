"""Opening the project and store for a command, honouring the global ``--project`` option."""

from __future__ import annotations

from pathlib import Path

from textloop.config import Project, find_project
from textloop.storage import Store

_state: dict[str, Path | None] = {"project": None}


def set_project_dir(path: Path | None) -> None:
    _state["project"] = path


def current_project() -> Project:
    return find_project(_state["project"])


def open_store(project: Project) -> Store:
    return Store.for_project(project)
