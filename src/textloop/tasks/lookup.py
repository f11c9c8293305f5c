"""Finding a project's task: ``task_for(project)`` and ``get_task(name)``.

The built-in tasks register under ``textloop.task.NAME.v1`` in the same registry a plugin
would use, so a plugin task is found the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.errors import ConfigError
from textloop.registry import REGISTRY
from textloop.tasks.base import Task
from textloop.tasks.classification import CLASSIFICATION, MULTILABEL
from textloop.tasks.regression import REGRESSION

if TYPE_CHECKING:
    from textloop.config import Project

_BUILT_IN: tuple[Task, ...] = (CLASSIFICATION, MULTILABEL, REGRESSION)
TASKS: dict[str, Task] = {task.name: task for task in _BUILT_IN}
for _task in TASKS.values():
    REGISTRY.register(f"textloop.task.{_task.name}.v1")(_task)


def get_task(name: str) -> Task:
    """The task registered as ``name`` (``classification``, ``regression``, ...)."""
    if name in TASKS:
        return TASKS[name]
    try:
        return REGISTRY.resolve("task", name)[1]
    except Exception:
        raise ConfigError(f"unknown task {name!r}",
                          hint=f"use one of {', '.join(task_names())}") from None


def task_names() -> list[str]:
    return sorted({*TASKS, *REGISTRY.names("task")})


def task_for(project: Project) -> Task:
    """The task of a project (``task:`` in its ``textloop.yaml``)."""
    return get_task(project.spec.task)


def require_verb(project: Project, verb: str, action: str | None = None) -> None:
    """Raise a ConfigError naming ``action`` when ``verb`` does not apply to the project's
    task (said before any work starts, instead of failing deep inside)."""
    task_for(project).require(verb, project.spec.name, action)


def next_train_hint(project: Project) -> str:
    """The command to run after a release: the task's default model."""
    return f"textloop train --model {task_for(project).default_model}"
