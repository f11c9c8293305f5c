"""Finding a project's task: ``task_for(project)`` and ``get_task(name)``.

The built-in tasks are declared as ``textloop.task.NAME.v1`` (``textloop.builtins``) in the
same registry a plugin uses, so a plugin task is found the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.errors import ConfigError, NotFoundError
from textloop.registry import REGISTRY
from textloop.tasks.base import Task

if TYPE_CHECKING:
    from textloop.config import Project


def get_task(name: str) -> Task:
    """The task registered as ``name`` (``classification``, ``regression``, ...)."""
    try:
        task: Task = REGISTRY.resolve("task", name)[1]
    except NotFoundError:
        raise ConfigError(f"unknown task {name!r}",
                          hint=f"use one of {', '.join(task_names())}") from None
    return task


def task_names() -> list[str]:
    return REGISTRY.names("task")


def all_tasks() -> list[Task]:
    return [get_task(name) for name in task_names()]


def task_for(project: Project) -> Task:
    """The task of a project (``task:`` in its ``textloop.yaml``)."""
    return get_task(project.spec.task)


def require_verb(project: Project, verb: str, action: str | None = None) -> None:
    """Raise a ConfigError naming ``action`` when ``verb`` does not apply to the project's
    task (said before any work starts, instead of failing deep inside)."""
    task_for(project).require(verb, project.spec.name, action)


def next_train_hint(project: Project) -> str:
    """The command to run after a release: the task's default model."""
    task = task_for(project)
    if task.default_model is None:
        return f"textloop export release --format conll (training {task.name} models comes next)"
    return f"textloop train --model {task.default_model}"
